import { DateTime } from 'luxon';

/**
 * How Marketo writes the values every layer shares: export IDs, file formats
 * and dates. Pure: the bottom floor, imported by the parser, the transport,
 * the engine and the actions alike.
 */

/** The formats Marketo writes, and so the ones the parser reads. */
export const EXPORT_FORMATS = ['CSV', 'TSV', 'SSV'] as const;

export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Marketo export IDs are UUIDs; anything else would only earn a 1003 after a round trip. */
const EXPORT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isExportId(value: unknown): value is string {
	return typeof value === 'string' && EXPORT_ID.test(value);
}

/** A lead ID as Marketo writes one: a JSON number that is a positive integer. Nothing else is read as one. */
export function isLeadId(value: unknown): value is number {
	return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

/** ISO-8601 in UTC without milliseconds, the form Marketo's date filters take. */
export function toMarketoDateTime(value: DateTime): string {
	return value.toUTC().toISO({ suppressMilliseconds: true, includeOffset: false }) + 'Z';
}

/**
 * The epoch second of a date as Marketo writes one: ISO 8601, with `Z`, an
 * offset (also without a colon: 2026-11-29T10:00:00+0000) or none (UTC).
 * Undefined for anything else: never a guess.
 */
export function marketoSecondsOf(text: unknown): number | undefined {
	if (typeof text !== 'string') return undefined;
	const parsed = DateTime.fromISO(text.trim().replace(/([+-]\d\d)(\d\d)$/, '$1:$2'), { zone: 'utc', setZone: true });
	return parsed.isValid ? Math.floor(parsed.toSeconds()) : undefined;
}
