import type { ValueConverter } from '../../csv/rowTokenizer';
import { columnOf } from '../model/exportDefinition';
import type { FieldType } from '../model/exportProfile';

type Converter = ValueConverter;

// The converters read characters instead of calling String(), regular expressions
// or toLowerCase: they run once per value of a wide export, so they allocate nothing.
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const LOWER_E = 0x65;
const UPPER_E = 0x45;

const isDigit = (code: number): boolean => code >= ZERO && code <= NINE;

/**
 * Only text that is exactly an integer's own spelling (`-?(0|[1-9][0-9]*)`)
 * becomes a number: "007", "+1", "-0", "1e3" and integers beyond 2^53 (which
 * would lose digits) stay text.
 */
const toInteger: Converter = (text) => {
	const negative = text.charCodeAt(0) === MINUS;
	let i = negative ? 1 : 0;
	const digits = text.length - i;
	if (digits === 0 || digits > 16) return text;
	if (text.charCodeAt(i) === ZERO && (digits > 1 || negative)) return text;
	let value = 0;
	for (; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (!isDigit(code)) return text;
		value = value * 10 + (code - ZERO);
	}
	// Above 2^53 the sum may have rounded, but never back below it.
	if (value > Number.MAX_SAFE_INTEGER) return text;
	return negative ? -value : value;
};

/** `-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?`, read character by character. */
function isDecimalText(text: string): boolean {
	const n = text.length;
	let i = text.charCodeAt(0) === MINUS ? 1 : 0;
	let digits = 0;
	while (i < n && isDigit(text.charCodeAt(i))) {
		i++;
		digits++;
	}
	if (i < n && text.charCodeAt(i) === DOT) {
		i++;
		while (i < n && isDigit(text.charCodeAt(i))) {
			i++;
			digits++;
		}
	}
	if (digits === 0) return false;
	if (i < n && (text.charCodeAt(i) === LOWER_E || text.charCodeAt(i) === UPPER_E)) {
		i++;
		if (i < n && (text.charCodeAt(i) === MINUS || text.charCodeAt(i) === PLUS)) i++;
		const exponentStart = i;
		while (i < n && isDigit(text.charCodeAt(i))) i++;
		if (i === exponentStart) return false;
	}
	return i === n;
}

const toDecimal: Converter = (text) => {
	if (!isDecimalText(text)) return text;
	const value = Number(text);
	return Number.isFinite(value) ? value : text;
};

const toBoolean: Converter = (text) => {
	switch (text) {
		case 'true':
		case '1':
			return true;
		case 'false':
		case '0':
			return false;
	}
	// Marketo writes lower case; other spellings are rare, so only they pay for toLowerCase.
	if (text.length === 4 && text.toLowerCase() === 'true') return true;
	if (text.length === 5 && text.toLowerCase() === 'false') return false;
	return text;
};

/**
 * Deeper JSON than this stays text. n8n serialises every item to save the
 * execution, and JSON.stringify runs out of stack some thousands of levels
 * down; a real activity's attributes are two or three levels deep.
 */
export const MAX_JSON_DEPTH = 64;

/** Whether JSON text opens more than MAX_JSON_DEPTH objects or arrays inside each other (brackets in strings do not count). */
export function isNestedTooDeep(text: string): boolean {
	// Each level takes an opening and a closing bracket: shorter text cannot be too deep.
	if (text.length <= 2 * MAX_JSON_DEPTH) return false;
	let depth = 0;
	let inString = false;
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (inString) {
			if (code === 0x5c) i++;
			else if (code === 0x22) inString = false;
		} else if (code === 0x22) inString = true;
		else if (code === 0x7b || code === 0x5b) {
			if (++depth > MAX_JSON_DEPTH) return true;
		} else if (code === 0x7d || code === 0x5d) depth--;
	}
	return false;
}

/** The JSON object a text holds (an activity's `attributes`); undefined for text that is not one, or is nested too deep to be saved. */
export function jsonObjectOf(text: string): { [key: string]: unknown } | undefined {
	if (text.charCodeAt(0) !== 0x7b || isNestedTooDeep(text)) return undefined;
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		return undefined;
	}
	return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as { [key: string]: unknown }) : undefined;
}

/**
 * A JSON object written as text. Text that is not a JSON object, or is nested
 * too deep to be saved, stays text: the run goes on, and the extract says how many.
 */
const toJsonObject: Converter = (text) => jsonObjectOf(text) ?? text;

/** The data type this package gives a column of JSON text (not one of Marketo's). */
export const JSON_OBJECT_TYPE = 'jsonObject';

/** Marketo data types (describe's `dataType`) whose text becomes a JSON number or boolean, and JSON text. */
const CONVERTERS = new Map<string, Converter>([
	[JSON_OBJECT_TYPE, toJsonObject],
	['integer', toInteger],
	['float', toDecimal],
	['currency', toDecimal],
	['percent', toDecimal],
	['score', toInteger],
	['boolean', toBoolean],
]);

/**
 * The converter of each column of one file, for the parser: each column found
 * by its header (the field's REST name, or the header it was renamed to) and
 * converted by the field's data type. Text that does not fit the type stays
 * text; dates stay ISO strings; `null` stays null. Nothing is ever dropped.
 */
export function columnConverters(
	fields: readonly FieldType[],
	columnHeaderNames?: Record<string, string>,
): (columns: readonly string[]) => Array<ValueConverter | undefined> {
	const converterByHeader = new Map<string, ValueConverter>();
	for (const field of fields) {
		const converter = CONVERTERS.get(field.dataType);
		if (converter) converterByHeader.set(columnOf(columnHeaderNames, field.name), converter);
	}
	return (columns) => columns.map((column) => converterByHeader.get(column));
}
