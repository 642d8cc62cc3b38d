/**
 * P1: the package's streaming parser against csv-parse, papaparse and udsv on
 * the same Marketo-shaped files, at every width users export (12 columns to
 * 200), and the floor (decode the bytes, split lines). Every parser's records
 * are checked equal to ours first; then rounds are interleaved and the median
 * of each is compared. Ours and udsv's streaming API are fed the same 64 KiB
 * chunks, as a download arrives; the other libraries get the whole file.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

import { parse as csvParse } from 'csv-parse/sync';
import Papa from 'papaparse';
import { inferSchema, initParser } from 'udsv';

import { benchFile, fieldsOfWidth } from './data.mjs';
import { mb, median, timeIt } from './stats.mjs';

const require = createRequire(import.meta.url);
const { ExportFileReader } = require('../dist/nodes/MarketoBulkExtract/csv/exportFileReader.js');
const { columnConverters } = require('../dist/nodes/MarketoBulkExtract/extract/files/typedValues.js');

const CHUNK = 64 * 1024;
const OURS = 'this package (64 KiB chunks)';

/** The file as a download delivers it. */
function* chunksOf(bytes) {
	for (let offset = 0; offset < bytes.length; offset += CHUNK) yield bytes.subarray(offset, offset + CHUNK);
}

export const PARSERS = {
	[OURS]: (bytes) => {
		const reader = new ExportFileReader('CSV', undefined, true);
		const records = [];
		for (const chunk of chunksOf(bytes)) reader.push(chunk, records);
		return reader.end(records);
	},
	'udsv 0.7 stringObjs (64 KiB chunks)': (bytes) => {
		const decoder = new TextDecoder();
		let parser;
		for (const chunk of chunksOf(bytes)) {
			const text = decoder.decode(chunk, { stream: true });
			parser ??= initParser(inferSchema(text));
			parser.chunk(text, parser.stringObjs);
		}
		return parser.end();
	},
	'udsv 0.7 stringObjs (whole file)': (bytes) => {
		const text = bytes.toString('utf8');
		return initParser(inferSchema(text)).stringObjs(text);
	},
	'csv-parse 6 (sync, columns)': (bytes) => csvParse(bytes, { columns: true, bom: true }),
	'papaparse 5 (header)': (bytes) => Papa.parse(bytes.toString('utf8'), { header: true, skipEmptyLines: true }).data,
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
	const ours = asText(PARSERS[OURS](bytes));
	for (const [name, parse] of Object.entries(PARSERS)) {
		if (name.startsWith('floor') || name === OURS) continue;
		const theirs = parse(bytes);
		assert.equal(theirs.length, ours.length, `${name}: record count`);
		assert.deepEqual(theirs, ours, `${name}: records differ from ours`);
	}
	return ours.length;
}

/** Heap bytes that the records of one file keep alive, per record and per field. */
function retainedMemory(bytes, columns) {
	globalThis.gc?.();
	const before = process.memoryUsage().heapUsed;
	const records = PARSERS[OURS](bytes);
	globalThis.gc?.();
	const retained = process.memoryUsage().heapUsed - before;
	return { perRecord: retained / records.length, perField: retained / records.length / columns, records: records.length };
}

export function runParserBench({ megabytes = 50, widths = [12, 27, 50, 100, 200], rounds = 5 } = {}) {
	const rows = [];
	const memory = [];
	let oursAt12;
	for (const columns of widths) {
		const { bytes } = benchFile(megabytes, columns);
		const records = checkEqual(bytes);
		const times = Object.fromEntries(Object.keys(PARSERS).map((name) => [name, []]));
		for (let round = 0; round < rounds; round++) {
			const order = round % 2 === 0 ? Object.keys(PARSERS) : Object.keys(PARSERS).reverse();
			for (const name of order) times[name].push(timeIt(() => PARSERS[name](bytes)).ms);
		}
		const ours = median(times[OURS]);
		const oursMbPerS = mb(bytes.length) / (ours / 1000);
		oursAt12 ??= columns === 12 ? oursMbPerS : undefined;
		for (const [name, samples] of Object.entries(times)) {
			const ms = median(samples);
			rows.push({
				columns,
				file: `${Math.round(mb(bytes.length))} MB, ${records} leads`,
				parser: name,
				ms: Math.round(ms),
				mbPerS: Math.round(mb(bytes.length) / (ms / 1000)),
				'time vs ours': (ms / ours).toFixed(2),
			});
		}
		const retained = retainedMemory(bytes, columns);
		memory.push({
			columns,
			'ours MB/s vs 12 columns': oursAt12 ? (oursMbPerS / oursAt12).toFixed(2) : '',
			'file bytes per record': Math.round(bytes.length / records),
			'heap bytes per record': Math.round(retained.perRecord),
			'heap bytes per field': retained.perField.toFixed(1),
			'heap bytes per file byte': (retained.perRecord / (bytes.length / records)).toFixed(2),
		});
	}
	return { rows, memory };
}

const UDSV_CHUNKS = 'udsv 0.7 stringObjs (64 KiB chunks)';

/**
 * The target of P1, head to head: this package against udsv's stringObjs fed
 * the same 64 KiB chunks, alternating which goes first, nothing else in the
 * process between them (in the all-parsers table, each parser runs after
 * whatever garbage the previous one left, which moves a GC-bound parser by
 * 10 to 20 %).
 */
export function runHeadToHead({ megabytes = 50, widths = [12, 27, 50, 100, 200], rounds = 9 } = {}) {
	const rows = [];
	for (const columns of widths) {
		const { bytes } = benchFile(megabytes, columns);
		const times = { [OURS]: [], [UDSV_CHUNKS]: [] };
		for (let round = 0; round < rounds; round++) {
			for (const name of round % 2 ? [UDSV_CHUNKS, OURS] : [OURS, UDSV_CHUNKS]) times[name].push(timeIt(() => PARSERS[name](bytes)).ms);
		}
		const ours = median(times[OURS]);
		const udsv = median(times[UDSV_CHUNKS]);
		rows.push({
			columns,
			'this package ms': Math.round(ours),
			'this package MB/s': Math.round(mb(bytes.length) / (ours / 1000)),
			'udsv (same chunks) ms': Math.round(udsv),
			'udsv MB/s': Math.round(mb(bytes.length) / (udsv / 1000)),
			'udsv time / ours (≥ 1: ours is faster)': (udsv / ours).toFixed(2),
		});
	}
	return rows;
}

/**
 * Convert Values at each width: the same file parsed with and without the
 * field types (the parser converts as it reads), interleaved; the difference
 * per converted value should not grow with the width.
 */
export function runConversionBench({ megabytes = 50, widths = [12, 27, 100, 200], rounds = 7 } = {}) {
	const converted = new Set(['integer', 'float', 'currency', 'percent', 'score', 'boolean']);
	const rows = [];
	for (const columns of widths) {
		const { bytes } = benchFile(megabytes, columns);
		const fields = fieldsOfWidth(columns).map((field) => ({ name: field.rest.name, dataType: field.dataType }));
		const convertersFor = columnConverters(fields);
		const parse = (typed) => {
			const reader = new ExportFileReader('CSV', typed ? convertersFor : undefined);
			const records = [];
			for (const chunk of chunksOf(bytes)) reader.push(chunk, records);
			return reader.end(records);
		};
		const records = parse(true);
		let values = 0;
		for (const record of records) for (const field of fields) if (converted.has(field.dataType) && typeof record[field.name] !== 'string' && record[field.name] !== null) values++;
		const times = { text: [], typed: [] };
		for (let round = 0; round < rounds; round++) {
			for (const typed of round % 2 ? [true, false] : [false, true]) times[typed ? 'typed' : 'text'].push(timeIt(() => parse(typed)).ms);
		}
		const cost = median(times.typed) - median(times.text);
		rows.push({
			columns,
			'converted fields': fields.filter((field) => converted.has(field.dataType)).length,
			'values converted': values,
			'parse ms, text': Math.round(median(times.text)),
			'parse ms, typed': Math.round(median(times.typed)),
			'ns per converted value': ((cost * 1e6) / values).toFixed(1),
		});
	}
	return rows;
}

if (process.argv[1] === import.meta.filename) {
	const [megabytes = '50', widths = '12,27,50,100,200', rounds = '5'] = process.argv.slice(2);
	const { rows, memory } = runParserBench({ megabytes: Number(megabytes), widths: widths.split(',').map(Number), rounds: Number(rounds) });
	console.table(rows);
	console.table(memory);
	console.table(runHeadToHead({ megabytes: Number(megabytes), widths: widths.split(',').map(Number) }));
	console.table(runConversionBench({ megabytes: Number(megabytes), widths: widths.split(',').map(Number) }));
}
