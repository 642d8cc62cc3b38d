import type { DateTime } from 'luxon';

/**
 * Since Last Run's look-back. Marketo dates some records before it writes
 * them (Send Email activities are committed as the mail goes out, dated at
 * the send): a range read once would lose every record written after the
 * read. So each run reads again the minutes before its position, together
 * with its new range, and leaves out what an earlier run already delivered
 * (lookBackFilter.ts, deliveredRecords.ts).
 */

/** The range ends this many seconds before the run: a second still being written is never read as a whole. */
export const END_LAG_SECONDS = 1;

/** The longest look-back: a day (each minute of it is read again by every run, at the cost of quota). */
export const MAX_LOOK_BACK_MINUTES = 1440;

/**
 * The first second a run reads. A record written at most `minutes` after
 * its date, and missed by the last run's read at `readAt` (it was written
 * after), is dated after `readAt − minutes`; so reading from there finds it,
 * and no earlier second needs reading again. A last run that read its range
 * long after the range's end (a backlog drained) needs no look-back at all.
 * `readAt` unknown: the last run read no earlier than its position, so the
 * look-back reaches `minutes` before the position.
 */
export function lookBackStart(position: DateTime, minutes: number, readAt?: DateTime): DateTime {
	const next = position.plus({ seconds: 1 });
	if (minutes <= 0) return next;
	const longest = next.minus({ minutes });
	const needed = readAt?.minus({ minutes }).startOf('second');
	if (!needed || needed < longest) return longest;
	return needed > next ? next : needed;
}

/** What the store keeps of a record a run delivered or found delivered: its identity and version, and its date. */
export interface DeliveredEntry {
	entry: string;
	/** The record's date, epoch seconds: the entry is kept while later runs read that second again. */
	seconds: number;
	/** Whether an earlier run delivered it. */
	known: boolean;
}
