/**
 * P8: what Malformed Rows: Read Leniently (the default) costs the parser: the
 * same activity-shaped file (every row quotes its attributes, so every row
 * takes the quoted path, where a lenient read looks for quotes inside
 * unquoted values), strict and lenient, fed in 64 KiB chunks, rounds
 * interleaved, medians compared. `node bench/lenientParsing.mjs` after
 * `npm run build`.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { ExportFileReader } = require('../dist/nodes/MarketoBulkExtract/csv/exportFileReader.js');

const CHUNK = 64 * 1024;
const ROWS = 300_000;
const ROUNDS = 9;

const lines = ['marketoGUID,leadId,activityDate,activityTypeId,campaignId,primaryAttributeValueId,primaryAttributeValue,attributes'];
for (let i = 0; i < ROWS; i++) {
	lines.push(`${i},${1000 + i},2026-11-01T00:00:00Z,6,1234,55,Newsletter ${i},"{""Choice Number"":1,""Step ID"":22,""Email"":""x${i}@example.com""}"`);
}
const bytes = Buffer.from(`${lines.join('\n')}\n`);

function parse(lenient) {
	const reader = new ExportFileReader('CSV', undefined, lenient);
	const records = [];
	for (let offset = 0; offset < bytes.length; offset += CHUNK) reader.push(bytes.subarray(offset, offset + CHUNK), records);
	return reader.end(records).length;
}

const times = { strict: [], lenient: [] };
for (let round = 0; round < ROUNDS; round++) {
	for (const mode of ['strict', 'lenient']) {
		const started = process.hrtime.bigint();
		if (parse(mode === 'lenient') !== ROWS) throw new Error('wrong record count');
		times[mode].push(Number(process.hrtime.bigint() - started) / 1e6);
	}
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const result = { bytes: bytes.length, strictMs: median(times.strict), lenientMs: median(times.lenient) };
result.ratio = Number((result.lenientMs / result.strictMs).toFixed(3));
console.log(JSON.stringify(result));
