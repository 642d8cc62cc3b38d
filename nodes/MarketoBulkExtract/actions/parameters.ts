import { DateTime } from 'luxon';
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { isExportId, toMarketoDateTime } from '../helpers/marketoValues';

/**
 * Reading and checking user input. Every check here runs before the first call
 * to Marketo, and every error names the parameter and the fix.
 */

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

/**
 * A value as an error shows it: its type and, for short scalars, the value
 * itself (these are parameter values the user wrote, never lead data).
 */
export function describeValue(raw: unknown): string {
	if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) return 'empty';
	if (typeof raw === 'string') return `"${raw.length > 60 ? `${raw.slice(0, 60)}…` : raw}"`;
	if (typeof raw === 'number' || typeof raw === 'boolean') return `a ${typeof raw} (${String(raw)})`;
	if (Array.isArray(raw)) return 'a list';
	if (DateTime.isDateTime(raw) || raw instanceof Date) return 'a date';
	return `an ${typeof raw}`;
}

/**
 * An options-type parameter. The editor stores exact values; an expression or an
 * imported workflow may give any text. Values that show or hide other
 * parameters (Resource, Operation, Filter, Job, Range, Output) must match
 * exactly: n8n hides the parameters that depend on them otherwise. Others
 * (`anyCase`, e.g. Format) match in any letter case and come back in the list's
 * spelling. Anything else is refused, naming the choices.
 */
export function readChoice<T extends string>(
	ctx: IExecuteFunctions,
	itemIndex: number,
	choice: { name: string; label: string; choices: readonly T[]; fallback?: T; anyCase?: boolean },
): T {
	const raw = ctx.getNodeParameter(choice.name, itemIndex, choice.fallback) as unknown;
	return matchChoice(ctx, itemIndex, choice.label, raw, choice.choices, choice.anyCase);
}

export function matchChoice<T extends string>(
	ctx: IExecuteFunctions,
	itemIndex: number,
	label: string,
	raw: unknown,
	choices: readonly T[],
	anyCase = false,
): T {
	if (typeof raw === 'string') {
		const text = raw.trim();
		const found =
			choices.find((value) => value === text) ??
			(anyCase ? choices.find((value) => value.toLowerCase() === text.toLowerCase()) : undefined);
		if (found !== undefined) return found;
	}
	throw invalidParameter(
		ctx,
		itemIndex,
		label,
		`${describeValue(raw)} is not one of ${choices.join(', ')}`,
		anyCase
			? `Choose one of ${choices.join(', ')} (an expression may give them in any letter case).`
			: `Choose one of ${choices.join(', ')}, spelled exactly as listed (other parameters appear or hide by this value).`,
	);
}

/**
 * The entries of a list parameter: an array as it is, text split at
 * `separator` with blank pieces dropped, and any other value as one entry
 * (for the caller's check to name its type).
 */
export function listEntries(raw: unknown, separator: string | RegExp = ','): unknown[] {
	if (Array.isArray(raw)) return raw;
	if (typeof raw === 'string') return raw.split(separator).filter((piece) => piece.trim() !== '');
	return [raw];
}

/**
 * IDs (activity types, programs, assets) from a picker (numbers) or an
 * expression (numbers or numeric text), each a whole number of at least `min`;
 * repeats dropped. Anything else is refused, naming its type.
 */
export function readIds(
	ctx: IExecuteFunctions,
	itemIndex: number,
	entries: unknown[],
	rule: { label: string; what: string; fix: string; min: number },
): number[] {
	const ids: number[] = [];
	for (const entry of entries) {
		const id =
			typeof entry === 'number' ? entry : typeof entry === 'string' && /^\s*\d+\s*$/.test(entry) ? Number(entry) : NaN;
		if (Number.isInteger(id) && !Number.isSafeInteger(id)) throw idTooLarge(ctx, itemIndex, rule.label, String(entry).trim());
		if (!Number.isSafeInteger(id) || id < rule.min) {
			throw invalidParameter(ctx, itemIndex, rule.label, `${describeValue(entry)} is not ${rule.what}`, rule.fix);
		}
		if (!ids.includes(id)) ids.push(id);
	}
	return ids;
}

/**
 * An ID beyond 2^53 cannot travel as a JSON number: 99999999999999999999 would
 * reach Marketo as 100000000000000000000, and its error would quote a number
 * the user never wrote. No Marketo ID is that large.
 */
export function idTooLarge(ctx: IExecuteFunctions, itemIndex: number, label: string, written: string): NodeOperationError {
	const shown = written.length > 30 ? `${written.slice(0, 30)}…` : written;
	return invalidParameter(
		ctx,
		itemIndex,
		label,
		`${shown} is larger than any Marketo ID (at most ${Number.MAX_SAFE_INTEGER} can be sent exactly)`,
		'Check the ID: copy it from Marketo, or pick it from the list.',
	);
}

export interface NumberRule {
	label: string;
	min: number;
	max: number;
	integer?: boolean;
	/** Shown in messages, e.g. "minutes". */
	unit?: string;
	/** Used when the option is not set. */
	fallback: number;
}

/**
 * A number from a parameter or an option: a number, or text that is one (as
 * expressions often give), within the rule's bounds. Anything else is refused
 * with its type and the bounds.
 */
export function toNumber(ctx: IExecuteFunctions, itemIndex: number, raw: unknown, rule: NumberRule): number {
	if (raw === undefined || raw === null || raw === '') return rule.fallback;
	const value =
		typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*-?(\d+\.?\d*|\.\d+)\s*$/.test(raw) ? Number(raw) : NaN;
	const unit = rule.unit ? ` ${rule.unit}` : '';
	const range = `${rule.integer ? 'a whole number ' : ''}from ${rule.min} to ${rule.max}${unit}`;
	if (!Number.isFinite(value)) {
		throw invalidParameter(ctx, itemIndex, rule.label, `${describeValue(raw)} is not a number`, `Enter ${range}, e.g. ${rule.fallback}, or remove the option to use ${rule.fallback}.`);
	}
	if (value < rule.min || value > rule.max || (rule.integer && !Number.isInteger(value))) {
		throw invalidParameter(ctx, itemIndex, rule.label, `${String(value)} is outside the allowed range`, `Enter ${range}.`);
	}
	return value;
}

/** A boolean option: true/false, or the text "true"/"false" from an expression. */
export function toBoolean(ctx: IExecuteFunctions, itemIndex: number, raw: unknown, label: string, fallback: boolean): boolean {
	if (raw === undefined || raw === null || raw === '') return fallback;
	if (typeof raw === 'boolean') return raw;
	if (typeof raw === 'string' && /^(true|false)$/i.test(raw.trim())) return raw.trim().toLowerCase() === 'true';
	throw invalidParameter(ctx, itemIndex, label, `${describeValue(raw)} is not true or false`, 'Switch the option on or off, or give true or false.');
}

/**
 * The name of a binary field: n8n keys the file by it, and later nodes find it
 * by it, so an empty name or one with spaces at either end is refused.
 */
export function readBinaryPropertyName(ctx: IExecuteFunctions, itemIndex: number): string {
	const raw = ctx.getNodeParameter('binaryPropertyName', itemIndex, 'data') as unknown;
	const label = 'Put Output File in Field';
	if (typeof raw !== 'string' || raw.trim() === '') {
		throw invalidParameter(ctx, itemIndex, label, `${describeValue(raw)} is not a field name`, 'Enter the name of the binary field to put the file in, e.g. data.');
	}
	if (raw !== raw.trim()) {
		throw invalidParameter(ctx, itemIndex, label, `"${raw}" starts or ends with a space`, `Remove the spaces: "${raw.trim()}".`);
	}
	if (raw.length > 200) {
		throw invalidParameter(ctx, itemIndex, label, 'the name is longer than 200 characters', 'Enter a short field name, e.g. data.');
	}
	return raw;
}

/** A text parameter, trimmed, that must be `what` (an export ID, an API name); anything else is refused naming its type. */
export function readMatchingText(
	ctx: IExecuteFunctions,
	itemIndex: number,
	rule: { name: string; label: string; what: string; accepts: (text: string) => boolean; fix: string },
): string {
	const raw = ctx.getNodeParameter(rule.name, itemIndex, '') as unknown;
	const text = typeof raw === 'string' ? raw.trim() : '';
	if (!rule.accepts(text)) throw invalidParameter(ctx, itemIndex, rule.label, `${describeValue(raw)} is not ${rule.what}`, rule.fix);
	return text;
}

export function readExportId(ctx: IExecuteFunctions, itemIndex: number): string {
	return readMatchingText(ctx, itemIndex, {
		name: 'exportId',
		label: 'Export ID',
		what: 'a Marketo export ID',
		accepts: isExportId,
		fix: 'Use the exportId that Create Job or List Jobs returned, a UUID such as ce45a7a1-f19d-4ce2-882c-a3c795940a7d (e.g. the expression {{ $json.exportId }}).',
	}).toLowerCase();
}

/** Fields from the multi-select, an expression returning an array, or a comma list. */
export function readFields(ctx: IExecuteFunctions, itemIndex: number, noun = 'record'): string[] {
	const raw = ctx.getNodeParameter('fields', itemIndex, []) as unknown;
	if (!Array.isArray(raw) && typeof raw !== 'string') {
		throw invalidParameter(
			ctx,
			itemIndex,
			'Fields',
			`${describeValue(raw)} is not a list of field names`,
			'Pick fields from the list, or give an array of REST API names or a comma-separated text, e.g. id, email, updatedAt.',
		);
	}
	const list: unknown[] = Array.isArray(raw) ? raw : raw.split(',');
	const fields: string[] = [];
	for (const entry of list) {
		if (typeof entry !== 'string') {
			throw invalidParameter(
				ctx,
				itemIndex,
				'Fields',
				`${describeValue(entry)} in the list is not a field name`,
				'Give field names as text, e.g. ["id", "email"].',
			);
		}
		const name = entry.trim();
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
			`Choose at least one ${noun} field to export.`,
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
	if (typeof raw === 'number') {
		throw invalidParameter(
			ctx,
			itemIndex,
			label,
			`${describeValue(raw)} is not a date: a number could be seconds or milliseconds since 1970`,
			`Give an ISO-8601 text such as 2026-01-31T00:00:00Z, or convert the number in the expression, e.g. {{ DateTime.fromSeconds(${raw}).toISO() }} for seconds.`,
		);
	}
	const parsed = parseDateTime(raw, ctx.getTimezone());
	if (!parsed) {
		throw invalidParameter(
			ctx,
			itemIndex,
			label,
			`${describeValue(raw)} is not a date`,
			'Pick a date and time, or give an ISO-8601 value such as 2026-01-31T00:00:00Z (an expression may also give a Luxon DateTime or a JavaScript Date).',
		);
	}
	if (parsed.year < EARLIEST_YEAR || parsed.year > LATEST_YEAR) {
		throw invalidParameter(
			ctx,
			itemIndex,
			label,
			`${toMarketoDateTime(parsed)} is outside the years ${EARLIEST_YEAR} to ${LATEST_YEAR}`,
			'Check the date (a number of seconds read as milliseconds, or the reverse, lands far from today).',
		);
	}
	return parsed.startOf('second');
}

/** Dates outside these years are mistakes (Marketo holds no data before it existed). */
const EARLIEST_YEAR = 1970;
const LATEST_YEAR = 2100;

/** ISO text, SQL-style text, a Luxon DateTime or a JavaScript Date; numbers are refused by readDateTime. */
export function parseDateTime(raw: unknown, zone: string): DateTime | undefined {
	let parsed: DateTime | undefined;
	if (DateTime.isDateTime(raw)) parsed = raw;
	else if (raw instanceof Date) parsed = DateTime.fromJSDate(raw);
	else if (typeof raw === 'string' && raw.trim() !== '') {
		parsed = DateTime.fromISO(raw.trim(), { zone, setZone: false });
		if (!parsed.isValid) parsed = DateTime.fromSQL(raw.trim(), { zone });
	}
	return parsed?.isValid ? parsed.toUTC() : undefined;
}
