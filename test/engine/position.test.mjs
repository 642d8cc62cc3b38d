/**
 * Since Last Run's position is checked when read, never guessed: one that
 * cannot be read, or lies in the future, stops the run before any call to
 * Marketo with an error naming Reset Since Last Run; Reset clears it in both
 * places; where static data and the store disagree, the later one wins.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { JournalStore } from '../support/engine.mjs';
import { sandboxFixture } from '../support/sandboxFixture.mjs';

const FAST = { pollIntervalSeconds: 0.05, maxWaitMinutes: 2 };
/** The position's own mechanics: no look-back, so a run starts one second after the last (test/engine/lookBack.test.mjs has it). */
const NO_LOOK_BACK = { lookBackMinutes: 0 };
const POSITION = 'leadExport.updatedAt';
const parameters = (options = {}) => ({
	operation: 'extractLeads',
	fields: ['id', 'email', 'updatedAt'],
	filterType: 'updatedAt',
	rangeMode: 'sinceLastRun',
	firstRunStartAt: '2026-10-15T00:00:00Z',
	options: { ...FAST, ...NO_LOOK_BACK, ...options },
});

/** The node's static data holding `highWatermark` as the position. */
const staticDataWith = (highWatermark) => ({ 'node:Marketo': { sinceLastRun: { [POSITION]: { highWatermark } } } });

/** The store's row of the test node, as n8n keeps it: MD5 hashes of the entries. */
const ROW = 'wf-test|n:n-marketo';
/** Records a position in the store as the node does: every prefix of its ten digits, two at a time (`dropLast`: entries n8n lost). */
function storePosition(journal, seconds, { dropLast = 0 } = {}) {
	const digits = String(seconds).padStart(10, '0');
	const entries = Array.from({ length: 5 - dropLast }, (_, i) => `position|${POSITION}|${digits.slice(0, 2 * (i + 1))}`);
	journal.rows.set(ROW, [...(journal.rows.get(ROW) ?? []), ...entries.map(JournalStore.hash)]);
}

describe('Since Last Run’s position, checked when read', () => {
	let fixture;
	before(async () => {
		fixture = await sandboxFixture({ speed: 1200, leadCount: 200, datasetStart: '2026-10-01T00:00:00Z', datasetEnd: new Date(Date.now() - 3600_000).toISOString() });
	});
	after(() => fixture.stop());

	/** Runs the node as a schedule would; returns its error, the windows of the jobs it created, and its items. */
	async function run(runOptions, options) {
		const { sandbox } = fixture;
		const jobsBefore = sandbox.jobs.jobs.size;
		const callsBefore = sandbox.log.length;
		const result = await fixture.run(parameters(options), { mode: 'trigger', ...runOptions });
		const windows = [...sandbox.jobs.jobs.values()].slice(jobsBefore).map((job) => job.spec.filter.updatedAt);
		return { error: result.error(), windows, calls: sandbox.log.length - callsBefore };
	}

	for (const [name, highWatermark] of [
		['a word', 'yesterday'],
		['a bare number', 1767225600],
		['an object', { at: '2026-10-20T00:00:00Z' }],
	]) {
		it(`a position in static data that is ${name} stops the run before any call, naming Reset Since Last Run`, async () => {
			const { error, calls } = await run({ staticData: staticDataWith(highWatermark), journal: new JournalStore() });
			assert.match(error?.message ?? '', /Since Last Run: the saved position cannot be read \(static data holds/);
			assert.match(error.description, /Nothing was exported.*Turn on Reset Since Last Run \(Options\) for one run/);
			assert.equal(calls, 0, 'no call reached Marketo');
		});
	}

	it('a position in the future, in static data or in the store, stops the run and names Reset', async () => {
		const inStaticData = await run({ staticData: staticDataWith('2999-01-01T00:00:00Z'), journal: new JournalStore() });
		assert.match(inStaticData.error?.message ?? '', /the saved position is 2999-01-01T00:00:00Z in static data, later than now/);
		assert.match(inStaticData.error.description, /every run from there would export nothing.*Reset Since Last Run/);
		assert.equal(inStaticData.calls, 0);
		const journal = new JournalStore();
		storePosition(journal, Date.parse('2100-01-01T00:00:00Z') / 1000);
		const inStore = await run({ staticData: {}, journal });
		assert.match(inStore.error?.message ?? '', /the saved position is 2100-01-01T00:00:00Z in n8n's processed-data store/);
	});

	it('a position a few seconds ahead (clocks of n8n’s processes disagree) is taken', async () => {
		const ahead = new Date(Date.now() + 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
		const { error, windows, calls } = await run({ staticData: staticDataWith(ahead), journal: new JournalStore() });
		assert.equal(error, undefined, error?.message);
		assert.deepEqual(windows, [], 'nothing to export yet');
		assert.equal(calls, 0);
	});

	it('a position the store lost part of stops the run; Reset clears it and the sync goes on from First Run Starts At', async () => {
		const journal = new JournalStore();
		storePosition(journal, Date.parse('2026-10-20T00:00:00Z') / 1000, { dropLast: 3 });
		const broken = await run({ staticData: {}, journal });
		assert.match(broken.error?.message ?? '', /cannot be read \(n8n's processed-data store has lost part of it\)/);
		assert.equal(broken.calls, 0);
		const reset = await run({ staticData: {}, journal }, { resetSinceLastRun: true });
		assert.equal(reset.error, undefined, reset.error?.message);
		assert.equal(reset.windows[0].startAt, '2026-10-15T00:00:00Z');
		await new Promise((resolve) => setTimeout(resolve, 1100));
		const next = await run({ staticData: {}, journal });
		assert.equal(next.error, undefined, next.error?.message);
		assert.equal(Date.parse(next.windows[0].startAt) - Date.parse(reset.windows.at(-1).endAt), 1000, 'the next run goes on where the reset run ended');
	});

	it('where static data and the store disagree, the later position wins', async () => {
		const earlier = '2026-10-20T00:00:00Z';
		const later = '2026-10-25T00:00:00Z';
		const storeLater = new JournalStore();
		storePosition(storeLater, Date.parse(later) / 1000);
		const fromStore = await run({ staticData: staticDataWith(earlier), journal: storeLater });
		assert.equal(fromStore.error, undefined, fromStore.error?.message);
		assert.equal(fromStore.windows[0].startAt, '2026-10-25T00:00:01Z');
		const storeEarlier = new JournalStore();
		storePosition(storeEarlier, Date.parse(earlier) / 1000);
		const fromStaticData = await run({ staticData: staticDataWith(later), journal: storeEarlier });
		assert.equal(fromStaticData.windows[0].startAt, '2026-10-25T00:00:01Z');
	});
});
