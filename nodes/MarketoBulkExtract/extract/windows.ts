import type { DateTime } from 'luxon';

import { toMarketoDateTime } from '../helpers/validation';

/** One export job's slice of a date range; both ends inclusive, at whole seconds. */
export interface DateWindow {
	start: DateTime;
	end: DateTime;
}

/**
 * Marketo takes at most 31 days per job, both ends inclusive. Each window spans
 * 31 days less one second and the next starts one second after it ends: no
 * second is exported twice and none is skipped.
 */
export function splitIntoWindows(start: DateTime, end: DateTime, maxDays = 31): DateWindow[] {
	const windows: DateWindow[] = [];
	let windowStart = start.startOf('second');
	const last = end.startOf('second');
	while (windowStart <= last) {
		const limit = windowStart.plus({ days: maxDays }).minus({ seconds: 1 });
		const windowEnd = limit < last ? limit : last;
		windows.push({ start: windowStart, end: windowEnd });
		windowStart = windowEnd.plus({ seconds: 1 });
	}
	return windows;
}

export function describeWindow(window: DateWindow): string {
	return `${toMarketoDateTime(window.start)} – ${toMarketoDateTime(window.end)}`;
}
