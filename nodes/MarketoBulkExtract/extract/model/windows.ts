import { DateTime } from 'luxon';

import { toMarketoDateTime } from '../../helpers/marketoValues';

/** Marketo refuses a date range longer than this in one job, whatever the export kind. */
export const MAX_WINDOW_DAYS = 31;

/** One export job's slice of a date range; both ends inclusive, at whole seconds. */
export interface DateWindow {
	start: DateTime;
	end: DateTime;
}

/**
 * Shorter windows up to `until`, of `seconds` each: a window whose file alone
 * was more than one run may output is exported in halves by the next run
 * (catchUp.ts), and the windows after `until` are whole again.
 */
export interface WindowSplit {
	until: DateTime;
	seconds: number;
}

/** The shortest window a split makes: an hour. */
export const MIN_SPLIT_SECONDS = 3600;

/**
 * Marketo takes at most 31 days per job, both ends inclusive. Each window spans
 * 31 days less one second and the next starts one second after it ends: no
 * second is exported twice and none is skipped.
 */
export function splitIntoWindows(start: DateTime, end: DateTime, maxDays = MAX_WINDOW_DAYS, split?: WindowSplit): DateWindow[] {
	const windows: DateWindow[] = [];
	let windowStart = start.startOf('second');
	const last = end.startOf('second');
	while (windowStart <= last) {
		const whole = windowStart.plus({ days: maxDays }).minus({ seconds: 1 });
		// A split only ever shortens a window: never past the run's own Window Length.
		const limit = split && windowStart <= split.until ? DateTime.min(windowStart.plus({ seconds: split.seconds - 1 }), split.until, whole) : whole;
		const windowEnd = limit < last ? limit : last;
		windows.push({ start: windowStart, end: windowEnd });
		windowStart = windowEnd.plus({ seconds: 1 });
	}
	return windows;
}

export function describeWindow(window: DateWindow): string {
	return `${toMarketoDateTime(window.start)} – ${toMarketoDateTime(window.end)}`;
}

/** One window of a plan: a new job's, or the window of a job an earlier run left (`taken`). */
export interface PlannedWindow<T> {
	window: DateWindow;
	taken?: T;
}

/**
 * The windows of a range around windows already served by existing jobs:
 * the taken windows as they are, and the gaps between them split as
 * splitIntoWindows does. `taken` must lie inside the range and not overlap.
 */
export function planAround<T>(
	start: DateTime,
	end: DateTime,
	taken: Array<{ window: DateWindow; taken: T }>,
	maxDays = MAX_WINDOW_DAYS,
	split?: WindowSplit,
): Array<PlannedWindow<T>> {
	const plan: Array<PlannedWindow<T>> = [];
	let cursor = start.startOf('second');
	for (const entry of [...taken].sort((a, b) => a.window.start.toMillis() - b.window.start.toMillis())) {
		if (entry.window.start > cursor) {
			plan.push(...splitIntoWindows(cursor, entry.window.start.minus({ seconds: 1 }), maxDays, split).map((window) => ({ window })));
		}
		plan.push(entry);
		cursor = entry.window.end.plus({ seconds: 1 });
	}
	if (cursor <= end) plan.push(...splitIntoWindows(cursor, end, maxDays, split).map((window) => ({ window })));
	return plan;
}
