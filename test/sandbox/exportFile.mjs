/** Writes records (leads, activities) as Marketo does: header row, `null` for empty, RFC 4180 quoting. */

const DELIMITERS = { CSV: ',', TSV: '\t', SSV: ' ' };

export function delimiterFor(format, ssvDelimiter = ' ') {
	return format === 'SSV' ? ssvDelimiter : DELIMITERS[format];
}

function cell(value, delimiter) {
	if (value === null || value === undefined) return 'null';
	const text = typeof value === 'string' ? value : String(value);
	// The text "null" is quoted so that it stays distinct from an empty value.
	if (text === 'null' || text.includes(delimiter) || /["\r\n]/.test(text)) {
		return `"${text.replace(/"/g, '""')}"`;
	}
	return text;
}

function formatValue(field, value) {
	if (value === null || value === undefined) return null;
	if (['createdAt', 'updatedAt', 'activityDate', 'membershipDate'].includes(field)) return new Date(value).toISOString().replace('.000Z', 'Z');
	return value;
}

export function renderExportFile({ leads, fields, columnHeaderNames = {}, format, ssvDelimiter = ' ' }) {
	const delimiter = delimiterFor(format, ssvDelimiter);
	const lines = [fields.map((f) => cell(headerOf(columnHeaderNames, f), delimiter)).join(delimiter)];
	for (const lead of leads) {
		lines.push(fields.map((f) => cell(formatValue(f, Object.hasOwn(lead, f) ? lead[f] : null), delimiter)).join(delimiter));
	}
	return Buffer.from(lines.join('\n') + '\n', 'utf8');
}

/** What a correct parse of that file yields for a lead: strings, or null. */
export function expectedRecord(lead, fields, columnHeaderNames = {}) {
	const record = {};
	for (const field of fields) {
		const value = formatValue(field, Object.hasOwn(lead, field) ? lead[field] : null);
		// defineProperty: a column named __proto__ is a column here too.
		Object.defineProperty(record, headerOf(columnHeaderNames, field), { value: value === null ? null : String(value), enumerable: true, writable: true, configurable: true });
	}
	return record;
}

/** Own entries only: a field named `constructor` has no header of Object's. */
function headerOf(columnHeaderNames, field) {
	return Object.hasOwn(columnHeaderNames, field) ? columnHeaderNames[field] : field;
}
