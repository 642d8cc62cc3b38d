import type { IDataObject } from 'n8n-workflow';

import type { UnreadableRow } from '../../csv/exportFileReader';
import { describeColumn } from '../../csv/rowTokenizer';

/**
 * What a lenient read of an export file (Malformed Rows: Read Leniently)
 * tells the user: the quotes it read as data, by row and column, and the
 * rows it could not read, which go out as items of their own, marked, so a
 * workflow can route them (an IF on `unreadableRow`). Never a value in a
 * warning or a log line: values are personal data; the items carry them, as
 * every record item does.
 */

/** How many places a warning names before it only counts. */
const NAMED = 5;

/** The field an item of an unreadable row carries, true, for a workflow to route it. */
export const UNREADABLE_ROW_FIELD = 'unreadableRow';

export interface MalformedRows {
	/** Where a quote Marketo did not escape was read as data. */
	repairs: ReadonlyArray<{ row: number; column: number }>;
	unreadable: readonly UnreadableRow[];
}

/** The warnings about one file's malformed rows (none when it had none). */
export function malformedRowWarnings(exportId: string, rows: MalformedRows, columns: readonly string[] | undefined): string[] {
	const warnings: string[] = [];
	const { repairs, unreadable } = rows;
	if (repairs.length > 0) {
		const places = repairs.slice(0, NAMED).map(({ row, column }) => `row ${row} ${describeColumn(column, columns)}`);
		const more = repairs.length > NAMED ? `, and ${repairs.length - NAMED} more` : '';
		warnings.push(
			`Export ${exportId}: ${repairs.length} ${repairs.length === 1 ? 'quote' : 'quotes'} Marketo did not escape read as part of the value (${places.join(', ')}${more}). Check those values in Marketo; Malformed Rows: Fail refuses such a file instead.`,
		);
	}
	if (unreadable.length > 0) {
		const named = unreadable.slice(0, NAMED).map(({ row, reason }) => `row ${row}: ${reason}`);
		const more = unreadable.length > NAMED ? `; and ${unreadable.length - NAMED} more` : '';
		warnings.push(
			`Export ${exportId}: ${unreadable.length} ${unreadable.length === 1 ? 'row' : 'rows'} could not be read (${named.join('; ')}${more}). Each is output as an item with ${UNREADABLE_ROW_FIELD}: true, its text and the reason, after the records: route them with an IF on ${UNREADABLE_ROW_FIELD}.`,
		);
	}
	return warnings;
}

/** The item of a row that could not be read: marked, with where it was, why, and its text as the file holds it. */
export function unreadableRowItem(exportId: string, row: UnreadableRow): IDataObject {
	return { [UNREADABLE_ROW_FIELD]: true, exportId, rowNumber: row.row, reason: row.reason, rawText: row.text };
}
