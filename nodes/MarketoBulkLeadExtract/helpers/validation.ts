import { DateTime } from 'luxon';
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/**
 * Reading and checking user input. Every check here runs before the first call
 * to Marketo, and every error names the parameter and the fix.
 */

/** Marketo export IDs are UUIDs; anything else would only earn a 1003 after a round trip. */
const EXPORT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** REST field names: letters, digits and underscores (custom fields end in `__c`). */
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

export function invalidParameter(
	ctx: IExecuteFunctions,
	itemIndex: number,
	parameter: string,
	problem: string,
	fix: string,
): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), `${parameter}: ${problem}`, {
		itemIndex,
		description: fix,
	});
}

export function readExportId(ctx: IExecuteFunctions, itemIndex: number): string {
	const raw = ctx.getNodeParameter('exportId', itemIndex, '') as unknown;
	const exportId = typeof raw === 'string' ? raw.trim() : '';
	if (!EXPORT_ID.test(exportId)) {
		const shown = typeof raw === 'string' && raw.trim() !== '' ? `"${String(raw)}"` : 'empty';
		throw invalidParameter(
			ctx,
			itemIndex,
			'Export ID',
			`${shown} is not a Marketo export ID`,
			'Use the exportId that Create Job or List Jobs returned, a UUID such as ce45a7a1-f19d-4ce2-882c-a3c795940a7d (e.g. the expression {{ $json.exportId }}).',
		);
	}
	return exportId.toLowerCase();
}

/** Fields from the multi-select, an expression returning an array, or a comma list. */
export function readFields(ctx: IExecuteFunctions, itemIndex: number): string[] {
	const raw = ctx.getNodeParameter('fields', itemIndex, []) as unknown;
	const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : [];
	const fields: string[] = [];
	for (const entry of list) {
		const name = String(entry).trim();
		if (name === '') continue;
		if (!FIELD_NAME.test(name)) {
			throw invalidParameter(
				ctx,
				itemIndex,
				'Fields',
				`"${name}" is not a Marketo REST field name`,
				'Pick fields from the list, or give REST API names such as id, email, firstName, updatedAt separated by commas.',
			);
		}
		if (!fields.includes(name)) fields.push(name);
	}
	if (fields.length === 0) {
		throw invalidParameter(
			ctx,
			itemIndex,
			'Fields',
			'no field chosen',
			'Choose at least one lead field to export, e.g. id, email, updatedAt.',
		);
	}
	return fields;
}

/**
 * A date parameter as a UTC instant at whole seconds (Marketo wants ISO-8601
 * without milliseconds). n8n's date-time picker gives local wall time without
 * an offset: it is read in the workflow's time zone. Strings with an offset,
 * Date objects and luxon DateTimes (from expressions) keep their own instant.
 */
export function readDateTime(
	ctx: IExecuteFunctions,
	itemIndex: number,
	parameter: string,
	label: string,
): DateTime {
	const raw = ctx.getNodeParameter(parameter, itemIndex, '') as unknown;
	const parsed = parseDateTime(raw, ctx.getTimezone());
	if (!parsed) {
		const shown = raw === '' || raw === undefined || raw === null ? 'empty' : `"${String(raw)}"`;
		throw invalidParameter(
			ctx,
			itemIndex,
			label,
			`${shown} is not a date`,
			'Pick a date and time, or give an ISO-8601 value such as 2026-01-31T00:00:00Z.',
		);
	}
	return parsed.startOf('second');
}

export function parseDateTime(raw: unknown, zone: string): DateTime | undefined {
	let parsed: DateTime | undefined;
	if (DateTime.isDateTime(raw)) parsed = raw;
	else if (raw instanceof Date) parsed = DateTime.fromJSDate(raw);
	else if (typeof raw === 'string' && raw.trim() !== '') {
		parsed = DateTime.fromISO(raw.trim(), { zone, setZone: false });
		if (!parsed.isValid) parsed = DateTime.fromSQL(raw.trim(), { zone });
	} else if (typeof raw === 'number' && Number.isFinite(raw)) {
		parsed = DateTime.fromMillis(raw);
	}
	return parsed?.isValid ? parsed.toUTC() : undefined;
}

/** ISO-8601 in UTC without milliseconds, the form Marketo's date filters take. */
export function toMarketoDateTime(value: DateTime): string {
	return value.toUTC().toISO({ suppressMilliseconds: true, includeOffset: false }) + 'Z';
}
