/**
 * NodeFacts and what is built on it (the Since Last Run position, the job
 * journal), against the same store semantics as n8n's processed-data table:
 * MD5 hashes in insertion order, the oldest dropped beyond maxEntries.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';

import { JournalStore } from '../support/engine.mjs';

const require = createRequire(import.meta.url);
const { DateTime } = require('luxon');
const dist = '../../dist/nodes/MarketoBulkExtract/extract';
const { NodeFacts } = require(`${dist}/state/nodeFacts.js`);
const { SinceLastRunPosition } = require(`${dist}/state/sinceLastRunPosition.js`);

/** The parts of n8n's execute context these use, on `store`. */
function contextOn(store, { mode = 'trigger', staticData = {} } = {}) {
	const contextData = { workflow: { id: 'wf' }, node: { id: 'node-1' } };
	return {
		getMode: () => mode,
		getWorkflowStaticData: () => staticData,
		logger: { info() {}, warn() {} },
		helpers: {
			checkProcessedAndRecord: (items, scope, options) => store.checkProcessedAndRecord(items, scope, contextData, options),
			removeProcessed: (items, scope, options) => store.removeProcessed(items, scope, contextData, options),
		},
	};
}

describe('NodeFacts', () => {
	it('reads back the numbers recorded under several keys, and nothing for a key without one', async () => {
		const store = new JournalStore();
		const facts = await NodeFacts.open(contextOn(store));
		await facts.record([...NodeFacts.numberEntries('a', 1767225599), ...NodeFacts.numberEntries('b', 42)]);
		const numbers = await facts.readNumbers(['a', 'b', 'c'], 'neither');
		assert.deepEqual([...numbers], [['a', 1767225599], ['b', 42]]);
		assert.equal(store.size, 10, 'asking left nothing behind: five entries for each number');
	});

	it('with two numbers under one key, reads the lower, the higher, or neither, as asked', async () => {
		const store = new JournalStore();
		const facts = await NodeFacts.open(contextOn(store));
		await facts.record([...NodeFacts.numberEntries('k', 1764000000), ...NodeFacts.numberEntries('k', 1764399999)]);
		assert.equal((await facts.readNumbers(['k'], 'lower')).get('k'), 1764000000);
		assert.equal((await facts.readNumbers(['k'], 'higher')).get('k'), 1764399999);
		assert.equal((await facts.readNumbers(['k'], 'neither')).has('k'), false);
	});

	it('reads a number an earlier build wrote one digit at a time: its even prefixes are among them', async () => {
		const store = new JournalStore();
		const facts = await NodeFacts.open(contextOn(store));
		await facts.record(Array.from({ length: 10 }, (_, i) => `position|p|${'1767225599'.slice(0, i + 1)}`));
		assert.equal((await facts.readNumbers(['position|p'], 'lower')).get('position|p'), 1767225599);
	});

	it('is unavailable, not failing, where n8n offers no store', async () => {
		const ctx = contextOn(new JournalStore());
		ctx.helpers.checkProcessedAndRecord = async () => {
			throw new Error('no workflow id');
		};
		assert.equal(await NodeFacts.open(ctx), undefined);
	});
});

describe('the Since Last Run position in the store', () => {
	const at = (iso) => DateTime.fromISO(iso, { zone: 'utc' });

	it('moves, and a worker with empty static data reads it back', async () => {
		const store = new JournalStore();
		const first = await SinceLastRunPosition.open(contextOn(store), 'leadExport.updatedAt');
		assert.equal(await first.read(), undefined);
		await first.save(at('2026-11-20T02:00:07Z'));
		const second = await SinceLastRunPosition.open(contextOn(store), 'leadExport.updatedAt');
		assert.equal((await second.read()).toISO(), at('2026-11-20T02:00:07Z').toISO());
		await second.save(at('2026-11-21T02:00:09Z'));
		const third = await SinceLastRunPosition.open(contextOn(store), 'leadExport.updatedAt');
		assert.equal((await third.read()).toISO(), at('2026-11-21T02:00:09Z').toISO());
		assert.equal(store.size, 5, 'one value, five entries');
	});

	it('survives n8n dropping the oldest entries: its entries are written again at every move', async () => {
		const store = new JournalStore();
		const position = await SinceLastRunPosition.open(contextOn(store), 'leadExport.updatedAt');
		await position.read();
		await position.save(at('2026-11-20T02:00:07Z'));
		const facts = await NodeFacts.open(contextOn(store));
		// Many jobs recorded since (and never forgotten), then the position moves once more.
		await facts.record(Array.from({ length: 19_990 }, (_, i) => `job-${i}`));
		await position.save(at('2026-11-21T02:00:09Z'));
		await facts.record(Array.from({ length: 5 }, (_, i) => `later-${i}`));
		const reader = await SinceLastRunPosition.open(contextOn(store), 'leadExport.updatedAt');
		assert.equal((await reader.read()).toISO(), at('2026-11-21T02:00:09Z').toISO());
	});

	it('a manual run neither reads nor moves it', async () => {
		const store = new JournalStore();
		const trigger = await SinceLastRunPosition.open(contextOn(store), 'p');
		await trigger.read();
		await trigger.save(at('2026-11-20T02:00:07Z'));
		const manual = await SinceLastRunPosition.open(contextOn(store, { mode: 'manual' }), 'p');
		assert.equal(await manual.read(), undefined);
		await manual.save(at('2026-11-25T00:00:00Z'));
		const next = await SinceLastRunPosition.open(contextOn(store), 'p');
		assert.equal((await next.read()).toISO(), at('2026-11-20T02:00:07Z').toISO());
	});
});
