import type { ExportRecord } from '../../csv/exportFileReader';

/**
 * Keeps one copy of each record across the windows of one extract, by the
 * export kind's key (a lead's `id`; a program member's `leadId` and
 * `programId`). A record whose date moved while the extract ran can appear in
 * two windows; the copy from the later window is the later state, so it
 * replaces the earlier one (in the earlier copy's place, so output order stays
 * stable). Only a whole key counts (see recordKey.ts): a record whose file
 * lacks one of the key columns, or whose key holds a null, is kept as it is,
 * never matched on the rest of its key.
 */
export class RecordDeduplicator {
	private readonly records: ExportRecord[] = [];

	private readonly positionByKey = new Map<string, number>();

	/** Copies replaced by a later one. */
	removed = 0;

	/** Records kept unchecked because their file lacks a key column. */
	unkeyed = 0;

	/** `keyColumns`: the headers of the key fields; none keeps every record. */
	constructor(private readonly keyColumns: readonly string[]) {}

	add(record: ExportRecord): void {
		const key = this.keyOf(record);
		if (key === undefined || key === null) {
			if (key === undefined) this.unkeyed++;
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

	/** The record's key; undefined when its file lacks a key column, null when a key value is null or there is no key. */
	private keyOf(record: ExportRecord): string | null | undefined {
		if (this.keyColumns.length === 0) return null;
		const parts: string[] = [];
		for (const column of this.keyColumns) {
			// Own columns only: a key column named `constructor` that the file lacks is not Object's.
			if (!Object.hasOwn(record, column)) return undefined;
			const value = record[column];
			if (value === null) return null;
			parts.push(String(value));
		}
		// A separator no value holds: "1" + "23" and "12" + "3" stay apart.
		return parts.join('\u0000');
	}
}
