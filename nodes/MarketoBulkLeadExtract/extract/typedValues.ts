import type { IDataObject } from 'n8n-workflow';

import type { LeadRecord } from '../csv/leadFileReader';
import type { LeadField } from '../transport/leadDatabaseApi';

type Converter = (text: string) => string | number | boolean;

const toInteger: Converter = (text) => {
	const value = Number(text);
	// Only text that is exactly the number's own spelling: "007", "+1", "1e3" and
	// integers beyond 2^53 (which would lose digits) stay text.
	return Number.isSafeInteger(value) && String(value) === text ? value : text;
};

const toDecimal: Converter = (text) => {
	if (!/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return text;
	const value = Number(text);
	return Number.isFinite(value) ? value : text;
};

const toBoolean: Converter = (text) => {
	const lower = text.toLowerCase();
	if (lower === 'true' || lower === '1') return true;
	if (lower === 'false' || lower === '0') return false;
	return text;
};

/** Marketo data types (describe's `dataType`) whose text becomes a JSON number or boolean. */
const CONVERTERS: Record<string, Converter> = {
	integer: toInteger,
	float: toDecimal,
	currency: toDecimal,
	percent: toDecimal,
	score: toInteger,
	boolean: toBoolean,
};

/**
 * Builds the record converter for one file: each column found by its header
 * (the field's REST name, or the header it was renamed to) and converted by
 * the field's data type. Text that does not fit the type stays text; dates
 * stay ISO strings; `null` stays null. Nothing is ever dropped.
 */
export function typedRecordConverter(
	columns: readonly string[],
	fields: LeadField[],
	columnHeaderNames: Record<string, string> = {},
): (record: LeadRecord) => IDataObject {
	const typeByField = new Map(fields.map((field) => [field.name, field.dataType]));
	const fieldByHeader = new Map<string, string>();
	for (const field of fields) fieldByHeader.set(columnHeaderNames[field.name] ?? field.name, field.name);
	const conversions: Array<[string, Converter]> = [];
	for (const column of columns) {
		const field = fieldByHeader.get(column);
		const converter = field ? CONVERTERS[typeByField.get(field) ?? ''] : undefined;
		if (converter) conversions.push([column, converter]);
	}
	return (record) => {
		const typed: IDataObject = record;
		for (const [column, convert] of conversions) {
			const value = record[column];
			if (typeof value === 'string' && value !== '') typed[column] = convert(value);
		}
		return typed;
	};
}
