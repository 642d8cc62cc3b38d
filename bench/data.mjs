/**
 * Marketo-shaped export files for the benchmarks, from the sandbox's seeded
 * dataset: rows of the standard lead fields and, past 27 columns, custom
 * fields of every data type. A third of the rows carry hazards in the notes
 * (quoted delimiters, quotes, CR/LF inside values, emoji, CJK with U+2028, the
 * text "null"), and a fifth of the text fields beyond the first twelve do too,
 * so a wider row has the same shapes, only more of them. Cached in
 * .cache/bench so repeated runs do not rebuild them.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { FIELD_NAMES, generateLeads, leadFieldsFor } from '../test/sandbox/dataset.mjs';
import { renderExportFile } from '../test/sandbox/exportFile.mjs';

const cacheDir = join(import.meta.dirname, '..', '.cache', 'bench');
const DATASET = { seed: 7, start: '2025-01-01T00:00:00Z', end: '2026-01-01T00:00:00Z' };

/** The first `columns` fields: the standard ones, then as many custom fields as it takes. */
export function fieldsOfWidth(columns) {
	return leadFieldsFor({ customFields: Math.max(0, columns - FIELD_NAMES.length) }).slice(0, columns);
}

/** Average bytes per lead at this width, measured on a sample. */
export function bytesPerLead(columns) {
	const fields = fieldsOfWidth(columns);
	const sample = generateLeads({ ...DATASET, count: 2000, fields });
	const file = renderExportFile({ leads: sample, fields: fields.map((f) => f.rest.name), format: 'CSV' });
	return file.length / sample.length;
}

export function leadsForSize(megabytes, columns = 12) {
	return Math.round((megabytes * 1024 * 1024) / bytesPerLead(columns));
}

/** A CSV export file of about `megabytes` MB with `columns` columns. */
export function benchFile(megabytes, columns = 12) {
	mkdirSync(cacheDir, { recursive: true });
	const path = join(cacheDir, `leads-${megabytes}mb-${columns}col.csv`);
	if (!existsSync(path)) {
		const fields = fieldsOfWidth(columns);
		const leads = generateLeads({ ...DATASET, count: leadsForSize(megabytes, columns), fields });
		writeFileSync(path, renderExportFile({ leads, fields: fields.map((f) => f.rest.name), format: 'CSV' }));
	}
	return { path, bytes: readFileSync(path) };
}
