import type { ExportRecord } from '../../csv/exportFileReader';
import { marketoSecondsOf } from '../../helpers/marketoValues';
import type { DeliveredEntry } from '../model/lookBack';
import type { RecordKey } from './recordKey';

/**
 * Since Last Run's look-back reads again records earlier runs delivered
 * (lookBack.ts): of those, only the ones no earlier run delivered go out,
 * the ones Marketo wrote after the last read. A record is told by its key
 * and its date: a lead (or member, or custom object record) updated since is
 * a new version, with a new date, and goes out again; an activity's date
 * never changes. Only a record dated inside the ranges earlier runs read can
 * have been delivered, so only those are asked about; the rest are new.
 */


export interface LookBackCheck {
	/** The position: records dated at or before this second (epoch) were in earlier runs' ranges. */
	deliveredUntil: number;
	/** From this second (epoch) on, the store keeps what earlier runs delivered; undefined: it keeps nothing to ask. */
	checkedFrom?: number;
	/** The store's text for a record of this key and date. */
	entryOf(keyText: string, seconds: number): string;
	/** Which of the entries earlier runs delivered; undefined when nothing can tell (every record read again goes out). */
	delivered(entries: string[]): Promise<Set<string> | undefined>;
}

export interface LookBackResult {
	/** The records to output, in their order. */
	records: ExportRecord[];
	/** Records dated inside earlier runs' ranges: read again. */
	reread: number;
	/** Of those, delivered before: left out. */
	repeats: number;
	/** Of those, not delivered before (Marketo wrote them after the last read): output now. */
	late: number;
	/** Of those, output without a check: no key or date to tell them by, or no store to ask. */
	unchecked: number;
	/** Every record that has a key and a date, for the store to keep or forget once the run is saved. */
	entries: DeliveredEntry[];
}

export async function filterLookBack(records: ExportRecord[], key: RecordKey, check: LookBackCheck): Promise<LookBackResult> {
	const result: LookBackResult = { records: [], reread: 0, repeats: 0, late: 0, unchecked: 0, entries: [] };
	const read = records.map((record) => {
		const seconds = key.dateColumn === undefined ? undefined : marketoSecondsOf(record[key.dateColumn]);
		const keyText = keyTextOf(record, key.columns);
		const entry = seconds !== undefined && keyText !== undefined ? check.entryOf(keyText, seconds) : undefined;
		const again = seconds !== undefined && seconds <= check.deliveredUntil;
		const checkable = again && entry !== undefined && check.checkedFrom !== undefined && seconds >= check.checkedFrom;
		return { record, seconds, entry, again, checkable };
	});
	const asked = read.filter((one) => one.checkable).map((one) => one.entry!);
	const known = asked.length > 0 ? await check.delivered(asked) : new Set<string>();
	for (const { record, seconds, entry, again, checkable } of read) {
		const wasDelivered = checkable && known?.has(entry!) === true;
		if (entry !== undefined) result.entries.push({ entry, seconds: seconds!, known: wasDelivered });
		if (again) {
			result.reread++;
			if (wasDelivered) {
				result.repeats++;
				continue;
			}
			if (checkable && known) result.late++;
			else result.unchecked++;
		}
		result.records.push(record);
	}
	return result;
}

/** The key's values as one text, the same whether Convert Values made them numbers or not; undefined when one is missing or null. */
function keyTextOf(record: ExportRecord, columns: readonly string[]): string | undefined {
	if (columns.length === 0) return undefined;
	const values: string[] = [];
	for (const column of columns) {
		if (!Object.hasOwn(record, column)) return undefined;
		const value = record[column];
		if (value === null || value === undefined || value === '') return undefined;
		values.push(String(value));
	}
	return JSON.stringify(values);
}
