import type { LeadRecord } from '../csv/leadFileReader';

/**
 * Keeps one copy of each lead across the windows of one extract. A lead whose
 * updatedAt moved while the extract ran can appear in two updatedAt windows;
 * the copy from the later window is the later state, so it replaces the
 * earlier one (in the earlier copy's place, so output order stays stable).
 */
export class LeadDeduplicator {
	private readonly records: LeadRecord[] = [];

	private readonly positionById = new Map<string, number>();

	/** Copies replaced by a later one. */
	removed = 0;

	/** `idColumn` is the header of the `id` field; without it every record is kept. */
	constructor(private readonly idColumn: string | undefined) {}

	add(record: LeadRecord): void {
		const key = this.idColumn === undefined ? undefined : record[this.idColumn];
		if (key === undefined || key === null) {
			this.records.push(record);
			return;
		}
		const id = typeof key === 'string' ? key : String(key);
		const position = this.positionById.get(id);
		if (position === undefined) {
			this.positionById.set(id, this.records.length);
			this.records.push(record);
		} else {
			this.records[position] = record;
			this.removed++;
		}
	}

	all(): LeadRecord[] {
		return this.records;
	}
}
