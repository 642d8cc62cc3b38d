import type { ExportRecord } from '../csv/exportFileReader';

/**
 * Keeps one copy of each record across the windows of one extract, by the
 * export kind's key (a lead's `id`; a program member's `leadId` and
 * `programId`). A record whose date moved while the extract ran can appear in
 * two windows; the copy from the later window is the later state, so it
 * replaces the earlier one (in the earlier copy's place, so output order stays
 * stable). A record missing a key column is kept as it is.
 */
export class RecordDeduplicator {
	private readonly records: ExportRecord[] = [];

	private readonly positionByKey = new Map<string, number>();

	/** Copies replaced by a later one. */
	removed = 0;

	/** `keyColumns`: the headers of the key fields; none keeps every record. */
	constructor(private readonly keyColumns: readonly string[]) {}

	add(record: ExportRecord): void {
		const key = this.keyOf(record);
		if (key === undefined) {
			this.records.push(record);
			return;
		}
		const position = this.positionByKey.get(key);
		if (position === undefined) {
			this.positionByKey.set(key, this.records.length);
			this.records.push(record);
		} else {
			this.records[position] = record;
			this.removed++;
		}
	}

	all(): ExportRecord[] {
		return this.records;
	}

	private keyOf(record: ExportRecord): string | undefined {
		if (this.keyColumns.length === 0) return undefined;
		const parts: string[] = [];
		for (const column of this.keyColumns) {
			const value = record[column];
			if (value === undefined || value === null) return undefined;
			parts.push(String(value));
		}
		// A separator no value holds: "1" + "23" and "12" + "3" stay apart.
		return parts.join('\u0000');
	}
}
