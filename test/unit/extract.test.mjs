import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';

const require = createRequire(import.meta.url);
const { DateTime } = require('luxon');
const dist = '../../dist/nodes/MarketoBulkExtract/extract';
const { splitIntoWindows } = require(`${dist}/model/windows.js`);
const { columnConverters, isNestedTooDeep, MAX_JSON_DEPTH } = require(`${dist}/files/typedValues.js`);
const { ExportFileReader } = require('../../dist/nodes/MarketoBulkExtract/csv/exportFileReader.js');

/** Rows typed as the parser types them, fed in small chunks: CSV text → records. */
function typedRecords(fields, columnHeaderNames, rows) {
	const text = rows.map((row) => row.join(',')).join('\n') + '\n';
	const reader = new ExportFileReader('CSV', columnConverters(fields, columnHeaderNames));
	const records = [];
	const bytes = Buffer.from(text);
	for (let offset = 0; offset < bytes.length; offset += 5) reader.push(bytes.subarray(offset, offset + 5), records);
	return reader.end(records);
}
const { RecordDeduplicator } = require(`${dist}/files/deduplicator.js`);

const utc = (iso) => DateTime.fromISO(iso, { zone: 'utc' });
const iso = (dt) => dt.toUTC().toISO({ suppressMilliseconds: true });

describe('splitIntoWindows', () => {
	it('covers the range with ≤ 31-day windows, each starting one second after the last ends', () => {
		for (const [start, end, count] of [
			['2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 1],
			['2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z', 2],
			['2026-01-01T00:00:00Z', '2026-01-31T23:59:59Z', 1],
			['2026-02-01T00:00:00Z', '2026-05-06T23:59:59Z', 4],
			['2025-01-01T00:00:00Z', '2025-12-31T23:59:59Z', 12],
			['2026-03-01T05:30:17Z', '2026-11-02T07:00:00Z', 8],
		]) {
			const windows = splitIntoWindows(utc(start), utc(end));
			assert.equal(windows.length, count, `${start} – ${end}`);
			assert.equal(iso(windows[0].start), start);
			assert.equal(iso(windows.at(-1).end), end);
			for (const [i, window] of windows.entries()) {
				assert.ok(window.end.diff(window.start, 'days').days < 31);
				assert.ok(window.end >= window.start);
				if (i > 0) assert.equal(window.start.diff(windows[i - 1].end, 'seconds').seconds, 1);
			}
		}
	});
});

describe('Convert Values (columnConverters, applied by the parser)', () => {
	const fields = [
		{ name: 'id', dataType: 'integer' },
		{ name: 'leadScore', dataType: 'integer' },
		{ name: 'annualRevenue', dataType: 'currency' },
		{ name: 'unsubscribed', dataType: 'boolean' },
		{ name: 'email', dataType: 'email' },
		{ name: 'createdAt', dataType: 'datetime' },
	];

	it('converts by type, found by header even when renamed, and never loses a value', () => {
		const records = typedRecords(fields, { id: 'Marketo Id' }, [
			['Marketo Id', 'leadScore', 'annualRevenue', 'unsubscribed', 'email', 'createdAt'],
			['42', 'null', '1234.50', 'false', '007@x.com', '2026-01-01T00:00:00Z'],
			// Text that does not fit its type stays text; integers past 2^53 stay text; a quoted "null" is text.
			['9007199254740993', '12abc', '', 'maybe', 'null', '"null"'],
			['"7"', '"null"', '"1,5"', '"true"', '"a,b@x.com"', 'null'],
		]);
		assert.deepEqual(records, [
			{ 'Marketo Id': 42, leadScore: null, annualRevenue: 1234.5, unsubscribed: false, email: '007@x.com', createdAt: '2026-01-01T00:00:00Z' },
			{ 'Marketo Id': '9007199254740993', leadScore: '12abc', annualRevenue: '', unsubscribed: 'maybe', email: null, createdAt: 'null' },
			{ 'Marketo Id': 7, leadScore: 'null', annualRevenue: '1,5', unsubscribed: true, email: 'a,b@x.com', createdAt: null },
		]);
	});

	it('turns only exact numeric spellings into numbers, and true/false (any case) into booleans', () => {
		const types = [
			{ name: 'n', dataType: 'integer' },
			{ name: 'd', dataType: 'float' },
			{ name: 'b', dataType: 'boolean' },
		];
		const quote = (text) => (/[",\s]/.test(text) || text === '' || text === 'null' ? `"${text.replace(/"/g, '""')}"` : text);
		const convert = ({ n, d, b }) => typedRecords(types, {}, [['n', 'd', 'b'], [quote(n), quote(d), quote(b)]])[0];
		const cases = [
			// [integer text, expected], [decimal text, expected], [boolean text, expected]
			[['0', 0], ['0.5', 0.5], ['true', true]],
			[['-12', -12], ['-.5', -0.5], ['false', false]],
			[['9007199254740991', 9007199254740991], ['1.', 1], ['1', true]],
			[['9007199254740992', '9007199254740992'], ['1e3', 1000], ['0', false]],
			[['12345678901234567', '12345678901234567'], ['-2.5E-3', -0.0025], ['TRUE', true]],
			[['007', '007'], ['.', '.'], ['False', false]],
			[['-0', '-0'], ['1e', '1e'], ['yes', 'yes']],
			[['+1', '+1'], ['e5', 'e5'], ['truex', 'truex']],
			[['1e3', '1e3'], ['1.2.3', '1.2.3'], ['', '']],
			[['-', '-'], ['1e999', '1e999'], ['t', 't']],
			[[' 1', ' 1'], ['- 1', '- 1'], ['null', 'null']],
		];
		for (const [[n, nExpected], [d, dExpected], [b, bExpected]] of cases) {
			assert.deepEqual(convert({ n, d, b }), { n: nExpected, d: dExpected, b: bExpected }, JSON.stringify({ n, d, b }));
		}
	});
});

describe('RecordDeduplicator', () => {
	it('keeps the later copy in the first copy’s place and counts what it removed', () => {
		const dedupe = new RecordDeduplicator(['id']);
		for (const record of [{ id: '1', v: 'a' }, { id: '2', v: 'b' }, { id: '1', v: 'c' }, { id: null, v: 'd' }, { id: null, v: 'e' }]) dedupe.add(record);
		assert.deepEqual(dedupe.all(), [{ id: '1', v: 'c' }, { id: '2', v: 'b' }, { id: null, v: 'd' }, { id: null, v: 'e' }]);
		assert.equal(dedupe.removed, 1);
	});

	it('matches on every key column together (a program member is a lead in a program)', () => {
		const dedupe = new RecordDeduplicator(['leadId', 'programId']);
		const records = [
			{ leadId: 1, programId: 23, v: 'a' },
			{ leadId: 12, programId: 3, v: 'b' },
			{ leadId: 1, programId: 3, v: 'c' },
			{ leadId: '1', programId: '23', v: 'd' },
			{ leadId: 1, programId: null, v: 'e' },
		];
		for (const record of records) dedupe.add(record);
		assert.deepEqual(dedupe.all().map((r) => r.v), ['d', 'b', 'c', 'e']);
		assert.equal(dedupe.removed, 1);
	});

	it('never matches on part of a key: a record whose file lacks a key column is kept and counted', () => {
		const dedupe = new RecordDeduplicator(['leadId', 'programId']);
		for (const record of [{ programId: 1, v: 'a' }, { programId: 1, v: 'b' }, { leadId: 7, programId: 1, v: 'c' }]) dedupe.add(record);
		assert.deepEqual(dedupe.all().map((r) => r.v), ['a', 'b', 'c']);
		assert.equal(dedupe.removed, 0);
		assert.equal(dedupe.unkeyed, 2);
	});

	it('reads key columns named like Object members as columns, never inherited ones', () => {
		const dedupe = new RecordDeduplicator(['constructor']);
		for (const record of [{ v: 'a' }, { v: 'b' }]) dedupe.add(record);
		assert.deepEqual(dedupe.all().map((r) => r.v), ['a', 'b'], 'a file without the column keeps every record');
		const own = new RecordDeduplicator(['constructor', 'toString']);
		const records = ['x', 'y', 'x'].map((value, i) => JSON.parse(`{"constructor":"${value}","toString":"t","v":${i}}`));
		for (const record of records) own.add(record);
		assert.deepEqual(own.all().map((r) => r.v), [2, 1]);
	});
});

describe('isNestedTooDeep (JSON kept as text when n8n could not save it)', () => {
	it('counts brackets of objects and arrays, not those inside strings', () => {
		const nested = (depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
		assert.equal(isNestedTooDeep(nested(MAX_JSON_DEPTH)), false);
		assert.equal(isNestedTooDeep(nested(MAX_JSON_DEPTH + 1)), true);
		assert.equal(isNestedTooDeep(`{"a":"${'{'.repeat(500)}"}`), false, 'brackets in a string');
		assert.equal(isNestedTooDeep(`{"a":"\\\"${'['.repeat(500)}"}`), false, 'an escaped quote does not end the string');
		assert.equal(isNestedTooDeep(`{"a":${'{"b":'.repeat(70)}1${'}'.repeat(70)}}`), true);
	});

	it('Convert Values keeps too-deep JSON as text and parses the rest', () => {
		const fields = [{ name: 'attributes', dataType: 'jsonObject' }];
		const quote = (text) => `"${text.replace(/"/g, '""')}"`;
		const deep = `{"a":${'['.repeat(3000)}${']'.repeat(3000)}}`;
		const records = typedRecords(fields, undefined, [['attributes'], [quote(deep)], [quote('{"a":[[1]]}')]]);
		assert.equal(records[0].attributes, deep);
		assert.deepEqual(records[1].attributes, { a: [[1]] });
	});
});
