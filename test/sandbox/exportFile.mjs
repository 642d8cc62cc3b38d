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
	const lines = [fields.map((f) => cell(columnHeaderNames[f] ?? f, delimiter)).join(delimiter)];
	for (const lead of leads) {
		lines.push(fields.map((f) => cell(formatValue(f, lead[f]), delimiter)).join(delimiter));
	}
	return Buffer.from(lines.join('\n') + '\n', 'utf8');
}

/** What a correct parse of that file yields for a lead: strings, or null. */
export function expectedRecord(lead, fields, columnHeaderNames = {}) {
	const record = {};
	for (const field of fields) {
		const value = formatValue(field, lead[field]);
		record[columnHeaderNames[field] ?? field] = value === null ? null : String(value);
	}
	return record;
}
