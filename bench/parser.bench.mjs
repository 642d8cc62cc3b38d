/**
 * P1: the package's streaming parser against csv-parse, papaparse and udsv on
 * the same Marketo-shaped files, and the floor (decode the bytes, split lines).
 * Every parser's records are checked equal to ours first; then rounds are
 * interleaved and the median of each is compared.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

import { parse as csvParse } from 'csv-parse/sync';
import Papa from 'papaparse';
import { inferSchema, initParser } from 'udsv';

import { benchFile, leadsForSize } from './data.mjs';
import { mb, median, timeIt } from './stats.mjs';

const require = createRequire(import.meta.url);
const { LeadFileReader } = require('../dist/nodes/MarketoBulkLeadExtract/csv/leadFileReader.js');

const CHUNK = 64 * 1024;

export const PARSERS = {
	'this package (streaming, 64 KiB chunks)': (bytes) => {
		const reader = new LeadFileReader('CSV');
		const records = [];
		for (let offset = 0; offset < bytes.length; offset += CHUNK) {
			for (const record of reader.push(bytes.subarray(offset, offset + CHUNK))) records.push(record);
		}
		for (const record of reader.end()) records.push(record);
		return records;
	},
	'csv-parse 6 (sync, columns)': (bytes) => csvParse(bytes, { columns: true, bom: true }),
	'papaparse 5 (header)': (bytes) => Papa.parse(bytes.toString('utf8'), { header: true, skipEmptyLines: true }).data,
	'udsv 0.7 (stringObjs)': (bytes) => {
		const text = bytes.toString('utf8');
		return initParser(inferSchema(text)).stringObjs(text);
	},
	'floor: decode + split lines': (bytes) => bytes.toString('utf8').split('\n'),
};

/** Ours maps Marketo's unquoted null to null; the libraries keep the text. */
function asText(records) {
	return records.map((record) => {
		const copy = {};
		for (const key in record) copy[key] = record[key] === null ? 'null' : record[key];
		return copy;
	});
}

export function checkEqual(bytes) {
	const ours = asText(PARSERS['this package (streaming, 64 KiB chunks)'](bytes));
	for (const [name, parse] of Object.entries(PARSERS)) {
		if (name.startsWith('floor') || name.startsWith('this package')) continue;
		const theirs = parse(bytes);
		assert.equal(theirs.length, ours.length, `${name}: record count`);
		assert.deepEqual(theirs, ours, `${name}: records differ from ours`);
	}
	return ours.length;
}

export function runParserBench({ sizes = [10, 100], rounds = 5 } = {}) {
	const rows = [];
	for (const size of sizes) {
		const { bytes } = benchFile(size);
		const records = checkEqual(bytes);
		const times = Object.fromEntries(Object.keys(PARSERS).map((name) => [name, []]));
		for (let round = 0; round < rounds; round++) {
			const order = round % 2 === 0 ? Object.keys(PARSERS) : Object.keys(PARSERS).reverse();
			for (const name of order) times[name].push(timeIt(() => PARSERS[name](bytes)).ms);
		}
		const ours = median(times['this package (streaming, 64 KiB chunks)']);
		for (const [name, samples] of Object.entries(times)) {
			const ms = median(samples);
			rows.push({ file: `${size} MB (${records} leads)`, parser: name, ms: Math.round(ms), mbPerS: Math.round(mb(bytes.length) / (ms / 1000)), vsOurs: (ms / ours).toFixed(2) });
		}
	}
	return rows;
}

if (process.argv[1] === import.meta.filename) {
	console.table(runParserBench({ sizes: [Number(process.argv[2] ?? 10)], rounds: Number(process.argv[3] ?? 3) }));
	console.log(`(${leadsForSize(1)} leads per MB)`);
}
