/**
 * The look-back's arithmetic: where a run starts reading again, what the
 * store keeps after it, and how Marketo's dates are read.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';

const require = createRequire(import.meta.url);
const { DateTime } = require('luxon');
const dist = '../../dist/nodes/MarketoBulkExtract';
const { lookBackStart } = require(`${dist}/extract/model/lookBack.js`);
const { DeliveredRecords, MAX_KEPT_PER_RUN } = require(`${dist}/extract/state/deliveredRecords.js`);
const { filterLookBack } = require(`${dist}/extract/files/lookBackFilter.js`);
const { marketoSecondsOf } = require(`${dist}/helpers/marketoValues.js`);

const utc = (iso) => DateTime.fromISO(iso, { zone: 'utc' });
const iso = (dt) => dt.toUTC().toISO({ suppressMilliseconds: true });

describe('where a run reads again from', () => {
	const position = utc('2026-12-01T12:00:00Z');

	it('the minutes before the last read, when the last run read right after its range', () => {
		assert.equal(iso(lookBackStart(position, 60, utc('2026-12-01T12:00:02Z'))), '2026-12-01T11:00:02Z');
	});

	it('never further back than the minutes before the position (a read cannot come before its range)', () => {
		assert.equal(iso(lookBackStart(position, 60, utc('2026-11-01T00:00:00Z'))), '2026-12-01T11:00:01Z');
		assert.equal(iso(lookBackStart(position, 60)), '2026-12-01T11:00:01Z', 'the read unknown: the longest look-back');
	});

	it('nothing again when the last run read its range longer than the look-back after it (a backlog drained)', () => {
		assert.equal(iso(lookBackStart(position, 60, utc('2026-12-01T14:00:00Z'))), '2026-12-01T12:00:01Z');
	});

	it('no look-back: one second after the position', () => {
		assert.equal(iso(lookBackStart(position, 0, utc('2026-12-01T12:00:02Z'))), '2026-12-01T12:00:01Z');
	});
});

describe('what the store keeps after a run', () => {
	const entry = (seconds, known = false) => ({ entry: `e${seconds}`, seconds, known });

	it('the records from the next look-back’s start on that it does not hold yet; it forgets the older ones it holds', () => {
		const plan = DeliveredRecords.plan([entry(90, true), entry(95), entry(100, true), entry(110), entry(120)], 100);
		assert.deepEqual(plan.keep.sort(), ['e110', 'e120']);
		assert.deepEqual(plan.forget, ['e90']);
		assert.equal(plan.notKept, 0);
	});

	it('past the most it keeps a run, the newest', () => {
		const entries = Array.from({ length: MAX_KEPT_PER_RUN + 5 }, (_, i) => entry(1000 + i));
		const plan = DeliveredRecords.plan(entries, 0);
		assert.equal(plan.keep.length, MAX_KEPT_PER_RUN);
		assert.equal(plan.notKept, 5);
		assert.ok(!plan.keep.includes('e1004') && plan.keep.includes('e1005'), 'the five oldest are not kept');
	});
});

describe('telling a record read again from a new one', () => {
	const key = { columns: ['id'], dateColumn: 'updatedAt', addedColumns: [] };
	const at = (iso) => Math.floor(Date.parse(iso) / 1000);

	it('only records dated up to the position are asked about; a new version (another date) is another record', async () => {
		const asked = [];
		const check = {
			deliveredUntil: at('2026-12-01T12:00:00Z'),
			checkedFrom: at('2026-12-01T11:00:00Z'),
			entryOf: (keyText, seconds) => `${keyText}@${seconds}`,
			delivered: async (entries) => {
				asked.push(...entries);
				return new Set([`["1"]@${at('2026-12-01T11:30:00Z')}`]);
			},
		};
		const records = [
			{ id: 1, updatedAt: '2026-12-01T11:30:00Z' },
			{ id: 2, updatedAt: '2026-12-01T11:40:00+0000' },
			{ id: 3, updatedAt: '2026-12-01T12:00:01Z' },
			{ id: 4, updatedAt: '2026-12-01T10:00:00Z' },
			{ id: 5, updatedAt: null },
		];
		const result = await filterLookBack(records, key, check);
		assert.deepEqual(result.records.map((record) => record.id), [2, 3, 4, 5]);
		assert.deepEqual(asked, [`["1"]@${at('2026-12-01T11:30:00Z')}`, `["2"]@${at('2026-12-01T11:40:00Z')}`], 'a new record and one older than what the store keeps are not asked about');
		assert.deepEqual({ reread: result.reread, repeats: result.repeats, late: result.late, unchecked: result.unchecked }, { reread: 3, repeats: 1, late: 1, unchecked: 1 });
	});

	it('a store that cannot tell: every record read again goes out, none counted late', async () => {
		const check = { deliveredUntil: 2_000_000_000, checkedFrom: 0, entryOf: (k, s) => `${k}@${s}`, delivered: async () => undefined };
		const result = await filterLookBack([{ id: 1, updatedAt: '2026-12-01T11:30:00Z' }], key, check);
		assert.equal(result.records.length, 1);
		assert.equal(result.unchecked, 1);
	});
});

describe('Marketo’s dates', () => {
	it('with Z, with an offset with or without its colon, or with none (UTC); anything else is no date', () => {
		const expected = Date.parse('2026-11-29T10:00:00Z') / 1000;
		for (const text of ['2026-11-29T10:00:00Z', '2026-11-29T10:00:00+0000', '2026-11-29T11:00:00+01:00', '2026-11-29T10:00:00', ' 2026-11-29T10:00:00Z ']) {
			assert.equal(marketoSecondsOf(text), expected, text);
		}
		for (const text of ['', 'null', 'yesterday', '1764410400', 42, null, undefined]) assert.equal(marketoSecondsOf(text), undefined, String(text));
	});
});
