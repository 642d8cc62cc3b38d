/**
 * Marketo-shaped export files for the benchmarks, from the sandbox's seeded
 * dataset (a third of the leads carry hazard values: quoted delimiters, quotes,
 * CR/LF inside values, emoji, CJK with U+2028, the text "null"). Cached in
 * .cache/bench so repeated runs do not rebuild them.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { FIELD_NAMES, generateLeads } from '../test/sandbox/dataset.mjs';
import { renderExportFile } from '../test/sandbox/exportFile.mjs';

const cacheDir = join(import.meta.dirname, '..', '.cache', 'bench');
/** Average bytes per lead in these files, measured; used to size the lead count. */
const BYTES_PER_LEAD = 147;

export function leadsForSize(megabytes) {
	return Math.round((megabytes * 1024 * 1024) / BYTES_PER_LEAD);
}

export function benchFile(megabytes) {
	mkdirSync(cacheDir, { recursive: true });
	const path = join(cacheDir, `leads-${megabytes}mb.csv`);
	if (!existsSync(path)) {
		const leads = generateLeads({ seed: 7, count: leadsForSize(megabytes), start: '2025-01-01T00:00:00Z', end: '2026-01-01T00:00:00Z' });
		writeFileSync(path, renderExportFile({ leads, fields: FIELD_NAMES, format: 'CSV' }));
	}
	return { path, bytes: readFileSync(path) };
}
