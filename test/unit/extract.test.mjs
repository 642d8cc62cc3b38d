import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';

const require = createRequire(import.meta.url);
const { DateTime } = require('luxon');
const dist = '../../dist/nodes/MarketoBulkLeadExtract/extract';
const { splitIntoWindows } = require(`${dist}/windows.js`);
const { typedRecordConverter } = require(`${dist}/typedValues.js`);
const { LeadDeduplicator } = require(`${dist}/deduplicator.js`);

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

describe('typedRecordConverter', () => {
	const fields = [
		{ name: 'id', dataType: 'integer' },
		{ name: 'leadScore', dataType: 'integer' },
		{ name: 'annualRevenue', dataType: 'currency' },
		{ name: 'unsubscribed', dataType: 'boolean' },
		{ name: 'email', dataType: 'email' },
		{ name: 'createdAt', dataType: 'datetime' },
	];

	it('converts by type, found by header even when renamed, and never loses a value', () => {
		const convert = typedRecordConverter(['Marketo Id', 'leadScore', 'annualRevenue', 'unsubscribed', 'email', 'createdAt'], fields, { id: 'Marketo Id' });
		assert.deepEqual(
			convert({ 'Marketo Id': '42', leadScore: null, annualRevenue: '1234.50', unsubscribed: 'false', email: '007@x.com', createdAt: '2026-01-01T00:00:00Z' }),
			{ 'Marketo Id': 42, leadScore: null, annualRevenue: 1234.5, unsubscribed: false, email: '007@x.com', createdAt: '2026-01-01T00:00:00Z' },
		);
		// Text that does not fit its type stays text; integers past 2^53 stay text.
		assert.deepEqual(
			convert({ 'Marketo Id': '9007199254740993', leadScore: '12abc', annualRevenue: '', unsubscribed: 'maybe', email: null, createdAt: null }),
			{ 'Marketo Id': '9007199254740993', leadScore: '12abc', annualRevenue: '', unsubscribed: 'maybe', email: null, createdAt: null },
		);
	});
});

describe('LeadDeduplicator', () => {
	it('keeps the later copy in the first copy’s place and counts what it removed', () => {
		const dedupe = new LeadDeduplicator('id');
		for (const record of [{ id: '1', v: 'a' }, { id: '2', v: 'b' }, { id: '1', v: 'c' }, { id: null, v: 'd' }, { id: null, v: 'e' }]) dedupe.add(record);
		assert.deepEqual(dedupe.all(), [{ id: '1', v: 'c' }, { id: '2', v: 'b' }, { id: null, v: 'd' }, { id: null, v: 'e' }]);
		assert.equal(dedupe.removed, 1);
	});
});
