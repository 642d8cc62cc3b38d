import { DateTime } from 'luxon';

/** Marketo resets its daily quotas (API calls, 500 MB of exports) at midnight in this zone. */
export const MARKETO_QUOTA_ZONE = 'America/Chicago';

/** The next midnight in Chicago after `now`; luxon follows the zone's DST changes. */
export function nextQuotaReset(now: Date = new Date()): DateTime {
	return DateTime.fromJSDate(now)
		.setZone(MARKETO_QUOTA_ZONE)
		.startOf('day')
		.plus({ days: 1 });
}

/** "it resets at 2026-11-29 00:00 America/Chicago (2026-11-29T06:00:00Z)". */
export function describeQuotaReset(now: Date = new Date()): string {
	const reset = nextQuotaReset(now);
	const local = reset.toFormat('yyyy-MM-dd HH:mm');
	const utc = reset.toUTC().toISO({ suppressMilliseconds: true });
	return `it resets at ${local} ${MARKETO_QUOTA_ZONE} (${utc})`;
}
