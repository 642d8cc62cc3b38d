/**
 * The job journal lives in n8n's processed-data store, which a node shares
 * with every execution of it and cannot lock. A store that answers oddly must
 * cost quota, never data or another workflow's job: the node then creates its
 * own jobs and touches nothing it did not create.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { InterleavingStore, JournalStore } from '../support/engine.mjs';
import { sandboxFixture } from '../support/sandboxFixture.mjs';

const FAST = { pollIntervalSeconds: 0.05, maxWaitMinutes: 2 };
/** The position's own mechanics: no look-back, so a run starts one second after the last (test/engine/lookBack.test.mjs has it). */
const NO_LOOK_BACK = { lookBackMinutes: 0 };
const hintsOf = (run) => (run.data.resultData.runData.Marketo[0].hints ?? []).map((hint) => hint.message).join('\n');

/** The store as n8n keeps it, that also remembers in plain text every entry the node asked about. */
class SpyStore extends JournalStore {
	asked = [];
	async checkProcessedAndRecord(items, ...rest) {
		this.asked.push(...items);
		return await super.checkProcessedAndRecord(items, ...rest);
	}
}
const ROW = 'wf-test|n:n-marketo';

/** A broken or misconfigured store: everything it is asked about is "already recorded". */
class EverythingRecordedStore extends JournalStore {
	async checkProcessedAndRecord(items) {
		return { new: [], processed: [...items] };
	}
}

describe('a processed-data store that cannot be trusted', () => {
	let fixture;
	let sandbox;
	before(async () => {
		fixture = await sandboxFixture({ speed: 1200, leadCount: 900 });
		sandbox = fixture.sandbox;
	});
	after(() => fixture.stop());

	it('answering “recorded” to everything: the extract neither cancels nor adopts other workflows’ jobs, and exports with its own', async () => {
		// Another integration's jobs: two waiting in Marketo's queue, and a completed one of the same list with other columns.
		sandbox.jobs.stuck = true;
		const others = [0, 1].map(() => {
			const job = sandbox.jobs.create({ fields: ['id', 'company'], format: 'CSV', filter: { staticListId: 1002 } });
			sandbox.jobs.enqueue(job.exportId);
			return job;
		});
		sandbox.jobs.stuck = false;
		const completed = sandbox.completedJob({ fields: ['id', 'company'], format: 'CSV', filter: { staticListId: 1001 } });
		sandbox.jobs.stuck = true;
		const jobsBefore = sandbox.jobs.jobs.size;
		try {
			const parameters = { operation: 'extractLeads', fields: ['id', 'email'], filterType: 'staticListId', staticListId: { mode: 'id', value: '1001' }, options: FAST };
			const running = fixture.run(parameters, { mode: 'trigger', journal: new EverythingRecordedStore() });
			// Let the queue move only once the node has looked at it.
			await new Promise((resolve) => setTimeout(resolve, 300));
			sandbox.jobs.stuck = false;
			const { run, items, error } = await running;
			assert.equal(error(), undefined, error()?.message);
			for (const job of others) assert.notEqual(sandbox.jobs.jobs.get(job.exportId).status, 'Cancelled', 'another workflow’s job was cancelled');
			const created = [...sandbox.jobs.jobs.values()].slice(jobsBefore);
			assert.equal(created.length, 1, 'the extract made its own job');
			assert.notEqual(items()[0]?.json.email, undefined, 'the items are this definition’s, not the other job’s');
			assert.deepEqual(items().map((item) => item.json.id).sort((a, b) => a - b), sandbox.leads.filter((lead) => lead.id % 3 === 0).map((lead) => lead.id));
			assert.ok(!sandbox.servedCalls(`${completed.exportId}/file.json`).length, 'the other workflow’s file was not downloaded');
			assert.match(hintsOf(run), /Jobs left by earlier runs were not looked for: n8n's processed-data store, where this node keeps its job journal, called recorded an entry no one recorded/);
		} finally {
			sandbox.jobs.stuck = false;
			for (const job of others) if (['Queued', 'Created'].includes(sandbox.jobs.jobs.get(job.exportId).status)) sandbox.jobs.cancel(job.exportId);
		}
	});

	it('answering “recorded” to everything: Since Last Run goes on from static data, or stops clearly without it', async () => {
		const parameters = {
			operation: 'extractLeads',
			fields: ['id', 'email'],
			filterType: 'createdAt',
			rangeMode: 'sinceLastRun',
			firstRunStartAt: '2026-03-01T00:00:00Z',
			options: { ...FAST, ...NO_LOOK_BACK },
		};
		const jobsBefore = sandbox.jobs.jobs.size;
		const withStaticData = await fixture.run(parameters, {
			mode: 'trigger',
			journal: new EverythingRecordedStore(),
			staticData: { 'node:Marketo': { sinceLastRun: { 'leadExport.createdAt': { highWatermark: '2026-10-20T00:00:00Z' } } } },
		});
		assert.equal(withStaticData.error(), undefined, withStaticData.error()?.message);
		const [first] = [...sandbox.jobs.jobs.values()].slice(jobsBefore);
		assert.equal(first.spec.filter.createdAt.startAt, '2026-10-20T00:00:01Z', 'not 1970, where a store saying every digit is recorded points');
		const callsBefore = sandbox.log.length;
		const without = await fixture.run(parameters, { mode: 'trigger', journal: new EverythingRecordedStore(), staticData: {} });
		assert.match(without.error()?.message ?? '', /Since Last Run: the saved position cannot be read \(n8n's processed-data store, where this node keeps its job journal, called recorded an entry no one recorded/);
		assert.match(without.error().description, /Reset Since Last Run/);
		assert.equal(sandbox.log.length, callsBefore, 'no call reached Marketo');
	});

	it('a journal entry naming another workflow’s completed job: its file’s header is checked, and it is not adopted', async () => {
		const parameters = { operation: 'extractLeads', fields: ['id', 'email'], filterType: 'staticListId', staticListId: { mode: 'id', value: '1001' }, options: FAST };
		const journal = new SpyStore();
		const first = await fixture.run(parameters, { mode: 'trigger', journal });
		assert.equal(first.error(), undefined, first.error()?.message);
		const definitionKey = journal.asked.map((entry) => /^job\|([0-9a-f]{24})\|/.exec(entry)?.[1]).find(Boolean);
		assert.ok(definitionKey, 'the node journaled its job');
		// Someone with access to n8n's database names another workflow's completed job as this node's.
		const other = sandbox.completedJob({ fields: ['id', 'company'], format: 'CSV', filter: { staticListId: 1001 } });
		journal.rows.set(ROW, [...(journal.rows.get(ROW) ?? []), ...[`own|${other.exportId}`, `job|${definitionKey}|${other.exportId}`].map(JournalStore.hash)]);
		const jobsBefore = sandbox.jobs.jobs.size;
		const second = await fixture.run(parameters, { mode: 'trigger', journal });
		assert.equal(second.error(), undefined, second.error()?.message);
		assert.equal(sandbox.jobs.jobs.size - jobsBefore, 1, 'a job of its own');
		assert.ok(second.items().every((item) => 'email' in item.json && !('company' in item.json)));
		assert.match(hintsOf(second.run), new RegExp(`Not adopted, as their files do not hold this definition's columns: export ${other.exportId}`));
		assert.equal(sandbox.servedCalls(`${other.exportId}/file.json`).length, 1, 'one ranged read of its first bytes, no download');
	});

	it('the store at its limit and 10,000 jobs listed: a failing run keeps the position, and a stopped run’s job is adopted', { timeout: 300_000 }, async () => {
		const own = await sandboxFixture({ speed: 1200, leadCount: 300, datasetStart: '2026-10-01T00:00:00Z', datasetEnd: new Date(Date.now() - 3600_000).toISOString() });
		try {
			const jobs = own.sandbox.jobs;
			const journal = new JournalStore();
			const parameters = { operation: 'extractLeads', fields: ['id', 'email'], filterType: 'createdAt', rangeMode: 'sinceLastRun', firstRunStartAt: '2026-10-15T00:00:00Z', options: FAST };
			const run = async (extra = {}) => {
				const before = jobs.jobs.size;
				const result = await own.run({ ...parameters, options: { ...FAST, ...NO_LOOK_BACK, ...extra.options } }, { mode: 'trigger', journal, staticData: {}, ...extra.run });
				return { ...result, created: [...jobs.jobs.values()].slice(before) };
			};
			const first = await run();
			assert.equal(first.error(), undefined, first.error()?.message);
			const firstEnd = first.created.at(-1).spec.filter.createdAt.endAt;

			// Other integrations' jobs fill Marketo's list; entries no one can tell apart fill the node's row to its limit.
			for (let i = 0; i < 10_000; i++) jobs.create({ fields: ['id'], format: 'CSV', filter: { staticListId: 1001 } });
			const row = journal.rows.get(ROW);
			for (let i = row.length; i < 20_000; i++) row.push(JournalStore.hash(`someone else's entry ${i}`));

			await new Promise((resolve) => setTimeout(resolve, 1100));
			own.sandbox.addFault({ path: '/create.json', json: { requestId: 'r#1', success: false, errors: [{ code: '1003', message: 'Invalid request' }] }, times: 5 });
			const failing = await run();
			own.sandbox.clearFaults();
			assert.match(failing.error()?.message ?? '', /Marketo error 1003/);

			const next = await run();
			assert.equal(next.error(), undefined, next.error()?.message);
			assert.equal(Date.parse(next.created[0].spec.filter.createdAt.startAt) - Date.parse(firstEnd), 1000, 'the position survived: no re-export from First Run Starts At');
			const nextEnd = next.created.at(-1).spec.filter.createdAt.endAt;

			// A run stopped while its job waits in Marketo's queue; the next adopts that job instead of exporting its window again.
			await new Promise((resolve) => setTimeout(resolve, 1100));
			jobs.stuck = true;
			const queuedBefore = jobs.jobs.size;
			// Stopped once its job waits in the queue (journaled before it was enqueued), however long the lookup took.
			const queued = () => [...jobs.jobs.values()].slice(queuedBefore).some((job) => job.status === 'Queued');
			const stopped = await run({ options: { pollIntervalSeconds: 30 }, run: { abortWhen: queued } }).finally(() => {
				jobs.stuck = false;
			});
			assert.equal(stopped.created.length, 1);
			const adopting = await run();
			assert.equal(adopting.error(), undefined, adopting.error()?.message);
			assert.match(hintsOf(adopting.run), new RegExp(`Adopted 1 job an earlier run of this node left in Marketo: export ${stopped.created[0].exportId}`));
			assert.ok(adopting.created.every((job) => Date.parse(job.spec.filter.createdAt.startAt) > Date.parse(stopped.created[0].spec.filter.createdAt.endAt)), 'the stopped window is not exported twice');
			assert.equal(Date.parse(stopped.created[0].spec.filter.createdAt.startAt) - Date.parse(nextEnd), 1000);
		} finally {
			await own.stop();
		}
	});

	it('a job the journal seems to name for one answer only (another execution asking the same moment) is neither cancelled nor adopted', async () => {
		sandbox.jobs.stuck = true;
		const other = sandbox.jobs.create({ fields: ['id', 'email'], format: 'CSV', filter: { staticListId: 1001 } });
		sandbox.jobs.enqueue(other.exportId);
		sandbox.jobs.stuck = false;
		// For one answer, the other integration's job looks like this node's stopped job of this very definition.
		class OneFalseAnswer extends JournalStore {
			fooled = false;
			async checkProcessedAndRecord(items, ...rest) {
				const answer = await super.checkProcessedAndRecord(items, ...rest);
				if (this.fooled) return answer;
				const named = answer.new.filter((entry) => entry.endsWith(`|${other.exportId}`));
				if (named.length === 0) return answer;
				this.fooled = true;
				// Those entries were the other execution's, for a moment: it removes them again.
				await super.removeProcessed(named, ...rest.slice(0, 2));
				return { new: answer.new.filter((entry) => !named.includes(entry)), processed: [...answer.processed, ...named] };
			}
		}
		const journal = new OneFalseAnswer();
		try {
			const parameters = { operation: 'extractLeads', fields: ['id', 'email'], filterType: 'staticListId', staticListId: { mode: 'id', value: '1001' }, options: FAST };
			const jobsBefore = sandbox.jobs.jobs.size;
			const { error, items } = await fixture.run(parameters, { mode: 'trigger', journal });
			assert.equal(error(), undefined, error()?.message);
			assert.ok(journal.fooled, 'the store gave its one false answer');
			assert.notEqual(sandbox.jobs.jobs.get(other.exportId).status, 'Cancelled', 'another integration’s job was cancelled');
			assert.equal(sandbox.jobs.jobs.size - jobsBefore, 1, 'the extract made its own job instead of adopting');
			assert.ok(items().length > 0);
		} finally {
			if (['Queued', 'Created', 'Processing'].includes(sandbox.jobs.jobs.get(other.exportId).status)) sandbox.jobs.cancel(other.exportId);
		}
	});

	it('two Since Last Run executions that look for each other in the same instant: one exports, the other waits and goes on where it ended', async () => {
		const now = Date.now();
		const own = await sandboxFixture({ speed: 1200, leadCount: 300, datasetStart: '2026-10-01T00:00:00Z', datasetEnd: new Date(now - 3600_000).toISOString() });
		try {
			const jobs = own.sandbox.jobs;
			const parameters = { operation: 'extractLeads', fields: ['id', 'email'], filterType: 'createdAt', rangeMode: 'sinceLastRun', firstRunStartAt: '2026-10-15T00:00:00Z', options: { ...FAST, maxWaitMinutes: 3 } };
			for (let round = 0; round < 4; round++) {
				// n8n's database, one per round (a new position each time), answering with a round trip's delay, as a database does.
				const journal = new InterleavingStore();
				const before = jobs.jobs.size;
				const run = () => own.run(parameters, { mode: 'trigger', journal, staticData: {} });
				const [first, second] = await Promise.all([run(), run()]);
				assert.equal(first.error(), undefined, first.error()?.message);
				assert.equal(second.error(), undefined, second.error()?.message);
				const starts = [...jobs.jobs.values()].slice(before).map((job) => job.spec.filter.createdAt.startAt);
				assert.equal(starts.filter((start) => start === '2026-10-15T00:00:00Z').length, 1, `round ${round + 1}: the range was exported once`);
				const ids = [...first.items(), ...second.items()].map((item) => item.json.id);
				assert.equal(new Set(ids).size, ids.length, `round ${round + 1}: no lead delivered twice`);
			}
		} finally {
			await own.stop();
		}
	});

	it('a position another execution’s call takes away as it is saved (the row written back as that call read it) is written again', async () => {
		const now = Date.now();
		const own = await sandboxFixture({ speed: 1200, leadCount: 200, datasetStart: '2026-10-01T00:00:00Z', datasetEnd: new Date(now - 3600_000).toISOString() });
		// The moment the position is first written, another execution's call that read the row just before writes it back: the write is lost.
		class OneLostWrite extends JournalStore {
			lost = false;
			async checkProcessedAndRecord(items, scope, contextData, options) {
				const key = this.key(scope, contextData);
				const before = [...(this.rows.get(key) ?? [])];
				const answer = await super.checkProcessedAndRecord(items, scope, contextData, options);
				if (!this.lost && answer.new.some((entry) => entry.startsWith('position|')) && answer.new.length === items.length && items.length < 10) {
					this.lost = true;
					setTimeout(() => this.rows.set(key, before), 20);
				}
				return answer;
			}
		}
		try {
			const jobs = own.sandbox.jobs;
			const journal = new OneLostWrite();
			const parameters = { operation: 'extractLeads', fields: ['id', 'email'], filterType: 'createdAt', rangeMode: 'sinceLastRun', firstRunStartAt: '2026-10-15T00:00:00Z', options: { ...FAST, ...NO_LOOK_BACK } };
			// Static data as a queue-mode worker has it: empty, so the store alone holds the position.
			const first = await own.run(parameters, { mode: 'trigger', journal, staticData: {} });
			assert.equal(first.error(), undefined, first.error()?.message);
			assert.ok(journal.lost, 'the store lost the position’s write once');
			const firstEnd = [...jobs.jobs.values()].at(-1).spec.filter.createdAt.endAt;
			await new Promise((resolve) => setTimeout(resolve, 1100));
			const second = await own.run(parameters, { mode: 'trigger', journal, staticData: {} });
			assert.equal(second.error(), undefined, second.error()?.message);
			const secondStart = [...jobs.jobs.values()].at(-1).spec.filter.createdAt.startAt;
			assert.equal(Date.parse(secondStart) - Date.parse(firstEnd), 1000, 'the next run starts where the first ended, not at First Run Starts At');
			assert.equal(second.items().length, 0, 'nothing delivered twice');
		} finally {
			await own.stop();
		}
	});

	it('bits of a mark nobody holds (brought back by another execution’s write) keep a run waiting one look, not until they lapse', async () => {
		const journal = new JournalStore();
		const parameters = { operation: 'extractLeads', fields: ['id', 'email'], filterType: 'createdAt', rangeMode: 'sinceLastRun', firstRunStartAt: '2026-11-01T00:00:00Z', options: { ...FAST, ...NO_LOOK_BACK, maxWaitMinutes: 0.5 } };
		// Both values of every bit, this minute and the next two, without the minute's own entry: no run holds them.
		const minute = Math.floor(Date.now() / 60_000);
		const leftovers = [minute - 1, minute, minute + 1, minute + 2].flatMap((m) => Array.from({ length: 16 }, (_, bit) => [0, 1].map((value) => `lease|leadExport.createdAt|${m}|${bit}=${value}`)).flat());
		journal.rows.set(ROW, leftovers.map(JournalStore.hash));
		const started = Date.now();
		const { error } = await fixture.run(parameters, { mode: 'trigger', journal, staticData: {} });
		assert.equal(error(), undefined, error()?.message);
		assert.ok(Date.now() - started < 20_000, `the run went on after ${Date.now() - started} ms`);
	});

	it('two Since Last Run executions of one node at once, on a store that interleaves: the second waits and goes on where the first ended', async () => {
		const now = Date.now();
		const own = await sandboxFixture({
			speed: 1200,
			leadCount: 300,
			datasetStart: '2026-10-01T00:00:00Z',
			datasetEnd: new Date(now - 3600_000).toISOString(),
			datasetUpdatedUntil: new Date(now - 1000).toISOString(),
		});
		try {
			const jobs = own.sandbox.jobs;
			const journal = new InterleavingStore();
			// Max Wait covers a mark that outlives its release (a write at the wrong moment keeps it up to 3 minutes).
			const options = { ...FAST, ...NO_LOOK_BACK, maxWaitMinutes: 5 };
			const parameters = { operation: 'extractLeads', fields: ['id', 'email'], filterType: 'updatedAt', rangeMode: 'sinceLastRun', firstRunStartAt: '2026-10-15T00:00:00Z', options };
			const before = jobs.jobs.size;
			const run = () => own.run(parameters, { mode: 'trigger', journal, staticData: {} });
			// The schedule fires again while the first extract works: once it has created its first job.
			const firstRun = run();
			while (jobs.jobs.size === before) await new Promise((resolve) => setTimeout(resolve, 10));
			const [first, second] = await Promise.all([firstRun, run()]);
			assert.equal(first.error(), undefined, first.error()?.message);
			assert.equal(second.error(), undefined, second.error()?.message);
			const windows = [...jobs.jobs.values()].slice(before).map((job) => job.spec.filter.updatedAt);
			assert.equal(windows[0].startAt, '2026-10-15T00:00:00Z');
			assert.equal(windows.filter((window) => window.startAt === '2026-10-15T00:00:00Z').length, 1, 'the range was exported once');
			const firstIds = first.items().map((item) => item.json.id);
			const secondIds = new Set(second.items().map((item) => item.json.id));
			assert.ok(firstIds.length > 0);
			assert.ok(firstIds.every((id) => !secondIds.has(id)), 'no lead delivered twice');
			// The store may lose a write of two executions at once: whatever it kept, the next run starts after the second.
			await new Promise((resolve) => setTimeout(resolve, 1100));
			const third = await run();
			assert.equal(third.error(), undefined, third.error()?.message);
			const lastEnd = Math.max(...windows.map((window) => Date.parse(window.endAt)));
			const thirdStart = [...jobs.jobs.values()].at(-1).spec.filter.updatedAt.startAt;
			assert.equal(Date.parse(thirdStart) - lastEnd, 1000, 'the position was not lost');
		} finally {
			await own.stop();
		}
	});
});
