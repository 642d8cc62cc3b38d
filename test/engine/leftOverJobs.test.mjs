/**
 * Jobs a run leaves in Marketo (a killed worker, a stopped execution, a failed
 * run) are found by the next run through the node's job journal, n8n's
 * processed-data store: adopted when they serve it, cancelled when the user
 * stopped their execution or asks for it, left alone otherwise. Jobs the
 * journal does not know (other workflows, other tools) are never touched.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { JournalStore, loggedLines } from '../support/engine.mjs';
import { sandboxFixture } from '../support/sandboxFixture.mjs';

const FIELDS = ['id', 'email', 'createdAt'];
const SPEED = 1200;
const FAST = { pollIntervalSeconds: 0.05, maxWaitMinutes: 2 };
const START = '2026-02-01T00:00:00Z';
const END = '2026-05-06T23:59:59Z'; // four windows

function extract(parameters = {}) {
	return {
		operation: 'extractLeads',
		fields: FIELDS,
		filterType: 'createdAt',
		startAt: START,
		endAt: END,
		...parameters,
		options: { ...FAST, ...parameters.options },
	};
}

const windowOf = (job) => `${job.spec.filter.createdAt.startAt} – ${job.spec.filter.createdAt.endAt}`;
const hintsOf = (run) => (run.data.resultData.runData.Marketo[0].hints ?? []).map((hint) => hint.message).join('\n');

describe('jobs left in Marketo by an earlier run', () => {
	let fixture;
	let sandbox;
	before(async () => {
		fixture = await sandboxFixture({ speed: SPEED, leadCount: 3000 });
		sandbox = fixture.sandbox;
	});
	after(() => fixture.stop());

	const jobsSince = (count) => [...sandbox.jobs.jobs.values()].slice(count);
	const expectedIds = (start, end) =>
		sandbox.leads.filter((lead) => lead.createdAt >= Date.parse(start) && lead.createdAt <= Date.parse(end)).map((lead) => lead.id).sort((a, b) => a - b);
	const outputIds = (items) => items.map((item) => item.json.id).sort((a, b) => a - b);

	/** Runs `work` while Marketo starts no queued job: whatever is queued stays queued. */
	async function whileMarketoHolds(work) {
		sandbox.jobs.stuck = true;
		try {
			return await work();
		} finally {
			sandbox.jobs.stuck = false;
		}
	}

	/** An extract stopped (as by n8n's Stop) once its two jobs wait in Marketo's queue; returns them and the run. */
	async function stoppedRun(parameters, runOptions) {
		const before = sandbox.jobs.jobs.size;
		// Stopped when its jobs are queued, not after a fixed time: a busy machine may not have made them yet.
		const queued = () => jobsSince(before).filter((job) => job.status === 'Queued').length >= 2;
		const run = await whileMarketoHolds(() =>
			fixture.run({ ...parameters, options: { ...parameters.options, pollIntervalSeconds: 30 } }, { ...runOptions, abortWhen: queued, abortAfterMs: 20_000 }),
		);
		return { orphans: jobsSince(before), run };
	}

	/** Starts the node in a child process and SIGKILLs it once it has created `jobs` jobs. */
	async function killedRun(parameters, journalFile, jobs) {
		const before = sandbox.jobs.jobs.size;
		const spec = { restEndpoint: sandbox.restEndpoint, clientId: sandbox.clientId, clientSecret: sandbox.clientSecret, parameters, journalFile };
		const child = spawn(process.execPath, [join(import.meta.dirname, '..', 'support', 'engineChild.mjs'), JSON.stringify(spec)], { stdio: 'ignore' });
		const exited = new Promise((resolve) => child.once('exit', resolve));
		const deadline = Date.now() + 30_000;
		while (jobsSince(before).filter((job) => job.status === 'Queued').length < jobs) {
			if (child.exitCode !== null) throw new Error('the run ended before it could be killed');
			if (Date.now() > deadline) throw new Error('the run did not create its jobs');
			await new Promise((resolve) => setTimeout(resolve, 20));
		}
		child.kill('SIGKILL');
		await exited;
		return jobsSince(before);
	}

	it('after a SIGKILL, the next run adopts the dead run’s jobs: no window gets a second job, and the output is exact', async () => {
		const journalFile = join(mkdtempSync(join(tmpdir(), 'journal-')), 'journal.json');
		const orphans = await whileMarketoHolds(() => killedRun(extract(), journalFile, 2));
		assert.deepEqual(orphans.map((job) => job.status), ['Queued', 'Queued'], 'the dead run left two queued jobs');

		const journal = new JournalStore(journalFile);
		const before = sandbox.jobs.jobs.size;
		const { items, run, error } = await fixture.run(extract(), { journal });
		assert.equal(error(), undefined, error()?.message);
		assert.deepEqual(outputIds(items()), expectedIds(START, END));
		const created = jobsSince(before);
		assert.equal(created.length, 2, 'only the two windows without a job get one');
		const all = [...orphans, ...created];
		assert.deepEqual(new Set(all.map(windowOf)).size, 4, 'four windows, one job each');
		assert.ok(all.every((job) => job.status === 'Completed'));
		assert.match(hintsOf(run), new RegExp(`Adopted 2 jobs an earlier run of this node left in Marketo: export ${orphans[0].exportId} \\(window 1/4`));
		assert.equal(journal.size, 0, 'delivered jobs leave the journal: no later run adopts them again');
	});

	it('a killed run’s jobs that do not serve the next run are left alone and named, and cancelled when asked', async () => {
		const journalFile = join(mkdtempSync(join(tmpdir(), 'journal-')), 'journal.json');
		const orphans = await whileMarketoHolds(() => killedRun(extract(), journalFile, 2));
		// Meanwhile the user changed the fields: the dead run's files would not have them.
		const journal = new JournalStore(journalFile);
		const other = extract({ fields: ['id', 'email', 'firstName'], startAt: '2026-02-01T00:00:00Z', endAt: '2026-02-10T00:00:00Z' });
		const first = await fixture.run(other, { journal });
		assert.equal(first.error(), undefined, first.error()?.message);
		assert.ok(orphans.every((job) => sandbox.jobs.jobs.get(job.exportId).status !== 'Cancelled'), 'left alone');
		assert.match(hintsOf(first.run), new RegExp(`Left in Marketo: 2 jobs of this node that this run cannot use .*export ${orphans[0].exportId}.*Cancel Left-Over Jobs`));

		const second = await fixture.run({ ...other, options: { ...other.options, cancelLeftOverJobs: true } }, { journal });
		assert.equal(second.error(), undefined, second.error()?.message);
		for (const job of orphans) {
			const status = sandbox.jobs.jobs.get(job.exportId).status;
			// Marketo may have finished them meanwhile; a completed job has nothing left to cancel.
			assert.ok(status === 'Cancelled' || status === 'Completed', status);
		}
		assert.match(hintsOf(second.run), /Cancelled \d left-over jobs? of this node|Left in Marketo/);
	});

	it('a stopped execution’s jobs are adopted by the next run of the same export, which plans only the rest', async () => {
		const journal = new JournalStore();
		const { orphans, run: stopped } = await stoppedRun(extract(), { journal });
		assert.match(stopped.error().description, /The next run of this node adopts them if they serve it, and cancels them otherwise/);
		assert.equal(orphans.length, 2);
		const between = sandbox.jobs.jobs.size;
		const { items, error } = await fixture.run(extract(), { journal });
		assert.equal(error(), undefined, error()?.message);
		assert.deepEqual(outputIds(items()), expectedIds(START, END));
		assert.equal(jobsSince(between).length, 2);
		assert.ok(orphans.every((job) => sandbox.jobs.jobs.get(job.exportId).status === 'Completed'), 'adopted, not cancelled');
	});

	it('a stopped execution’s jobs that do not serve the next run are cancelled by it: the user asked for that', async () => {
		const journal = new JournalStore();
		const { orphans } = await stoppedRun(extract(), { journal });
		// Marketo stays busy until the stopped jobs are cancelled (or 5 s): they cannot complete first.
		sandbox.jobs.stuck = true;
		const release = (async () => {
			const deadline = Date.now() + 5000;
			while (Date.now() < deadline && !orphans.every((job) => sandbox.jobs.jobs.get(job.exportId).status === 'Cancelled')) {
				await new Promise((resolve) => setTimeout(resolve, 20));
			}
			sandbox.jobs.stuck = false;
		})();
		const { run, error } = await fixture.run(extract({ format: 'TSV', endAt: '2026-02-10T00:00:00Z' }), { journal });
		await release;
		assert.equal(error(), undefined, error()?.message);
		for (const job of orphans) assert.equal(sandbox.jobs.jobs.get(job.exportId).status, 'Cancelled');
		assert.match(hintsOf(run), /Cancelled 2 left-over jobs of this node: .*its execution was stopped/);
	});

	it('Since Last Run after a stopped run adopts its windows, the last one partial, and starts the rest one second after it', async () => {
		const journal = new JournalStore();
		const staticData = {};
		const sinceLastRun = (options = {}) =>
			extract({ rangeMode: 'sinceLastRun', firstRunStartAt: '2026-10-20T00:00:00Z', startAt: undefined, endAt: undefined, options });
		const { orphans } = await stoppedRun(sinceLastRun(), { journal, staticData, mode: 'trigger' });
		assert.equal(orphans.length, 2, 'two windows: 31 days and the rest up to the run’s start');
		const deadEnd = Date.parse(orphans[1].spec.filter.createdAt.endAt);
		await new Promise((resolve) => setTimeout(resolve, 1100));

		const between = sandbox.jobs.jobs.size;
		const { error } = await fixture.run(sinceLastRun(), { journal, staticData, mode: 'trigger' });
		assert.equal(error(), undefined, error()?.message);
		const created = jobsSince(between);
		assert.equal(created.length, 1, 'one new job, for what the dead run had not reached');
		assert.equal(Date.parse(created[0].spec.filter.createdAt.startAt), deadEnd + 1000, 'starts one second after the adopted window');
		assert.ok(orphans.every((job) => sandbox.jobs.jobs.get(job.exportId).status === 'Completed'));
	});

	it('a failed run’s completed jobs are adopted by the next run instead of being exported again', async () => {
		const journal = new JournalStore();
		const before = sandbox.jobs.jobs.size;
		const failed = await fixture.run(extract({ options: { maxItems: 1, concurrency: 1 } }), { journal });
		assert.match(failed.error().message, /Max Items/);
		const [completed] = jobsSince(before);
		assert.equal(completed.status, 'Completed');

		const between = sandbox.jobs.jobs.size;
		const { items, error } = await fixture.run(extract(), { journal });
		assert.equal(error(), undefined, error()?.message);
		assert.deepEqual(outputIds(items()), expectedIds(START, END));
		const created = jobsSince(between);
		assert.equal(created.length, 3, 'the completed window is not exported again');
		assert.ok(!created.map(windowOf).includes(windowOf(completed)));
		// Marketo's quota counts the files of completed jobs: one per window.
		const completedWindows = jobsSince(before).filter((job) => job.status === 'Completed').map(windowOf);
		assert.equal(completedWindows.length, 4);
		assert.equal(new Set(completedWindows).size, 4, 'the quota counts each window once');
	});

	it('never touches jobs the journal does not know: another workflow’s job of the same export stays queued', async () => {
		// Another workflow (its own journal) is mid-extract with the very same definition.
		const { orphans: foreign } = await stoppedRun(extract(), { journal: new JournalStore() });
		const mine = new JournalStore();
		const between = sandbox.jobs.jobs.size;
		const { error } = await fixture.run(extract({ options: { cancelLeftOverJobs: true } }), { journal: mine });
		assert.equal(error(), undefined, error()?.message);
		assert.equal(jobsSince(between).length, 4, 'it makes its own jobs');
		for (const job of foreign) assert.notEqual(sandbox.jobs.jobs.get(job.exportId).status, 'Cancelled');
	});

	it('when Marketo will not list the jobs, the extract still runs whole and says left-overs were not looked for', async () => {
		sandbox.addFault({ method: 'GET', path: /^\/bulk\/v1\/leads\/export\.json$/, envelopeError: { code: 1003, message: 'Invalid status filter' } });
		try {
			const before = sandbox.jobs.jobs.size;
			const { items, run, error } = await fixture.run(extract({ endAt: '2026-02-10T00:00:00Z' }), { journal: new JournalStore() });
			assert.equal(error(), undefined, error()?.message);
			assert.deepEqual(outputIds(items()), expectedIds(START, '2026-02-10T00:00:00Z'));
			assert.equal(jobsSince(before).length, 1);
			assert.match(hintsOf(run), /Jobs left by earlier runs were not looked for: .*1003.*Every window gets a new job/);
		} finally {
			sandbox.clearFaults();
		}
	});

	it('a completed job whose file Marketo deletes within a day is not adopted: its window is exported again', async () => {
		const journal = new JournalStore();
		const before = sandbox.jobs.jobs.size;
		const failed = await fixture.run(extract({ options: { maxItems: 1, concurrency: 1 } }), { journal });
		assert.match(failed.error().message, /Max Items/);
		const [completed] = jobsSince(before);
		// Files are kept 7 days: this one finished six and a half days ago.
		sandbox.jobs.jobs.get(completed.exportId).finishedAt = Date.now() - 6.5 * 86_400_000;
		const between = sandbox.jobs.jobs.size;
		const { items, run, error } = await fixture.run(extract(), { journal });
		assert.equal(error(), undefined, error()?.message);
		assert.deepEqual(outputIds(items()), expectedIds(START, END));
		assert.equal(jobsSince(between).length, 4);
		assert.match(hintsOf(run), new RegExp(`Left in Marketo: 1 job of this node .*export ${completed.exportId} \\(Completed`));
	});

	it('a failing run cancels only the jobs it created: the job it adopted is left running', async () => {
		const journal = new JournalStore();
		sandbox.jobs.stuck = true;
		try {
			const before = sandbox.jobs.jobs.size;
			await fixture.run(extract({ options: { pollIntervalSeconds: 30, concurrency: 1 } }), { journal, abortAfterMs: 400 });
			const [orphan] = jobsSince(before);
			const between = sandbox.jobs.jobs.size;
			const { error } = await fixture.run(extract({ options: { maxWaitMinutes: 0.01 } }), { journal });
			assert.match(error().message, /did not finish the export within the maximum wait/);
			const [created] = jobsSince(between);
			assert.equal(sandbox.jobs.jobs.get(created.exportId).status, 'Cancelled', 'its own job is cancelled');
			assert.equal(sandbox.jobs.jobs.get(orphan.exportId).status, 'Queued', 'the adopted one is not');
			assert.match(error().description, new RegExp(`${orphan.exportId} \\(window 1/4 .*\\) left running: this run adopted it and did not create it`));
		} finally {
			sandbox.jobs.stuck = false;
		}
	});

	it('two executions of the node at once may adopt the same left-over jobs: both finish, both exact', async () => {
		const journal = new JournalStore();
		const { orphans } = await stoppedRun(extract(), { journal });
		const [one, two] = await Promise.all([fixture.run(extract(), { journal }), fixture.run(extract(), { journal })]);
		for (const run of [one, two]) {
			assert.equal(run.error(), undefined, run.error()?.message);
			assert.deepEqual(outputIds(run.items()), expectedIds(START, END));
		}
		for (const job of orphans) assert.equal(sandbox.jobs.jobs.get(job.exportId).status, 'Completed');
		assert.match(hintsOf(one.run) + hintsOf(two.run), /Adopted 2 jobs/);
	});

	it('when n8n refuses to write the journal, the extract still delivers every record and says what it could not keep', async () => {
		const journal = new JournalStore();
		journal.removeProcessed = async () => {
			throw new Error('database is locked');
		};
		const logged = loggedLines.length;
		const { items, run, error } = await fixture.run(extract(), { journal });
		assert.equal(error(), undefined, error()?.message);
		assert.deepEqual(outputIds(items()), expectedIds(START, END));
		assert.match(hintsOf(run), /Jobs left by earlier runs were not looked for: database is locked/);
		const warnings = loggedLines.slice(logged).filter(([level]) => level === 'warn').map(([, message]) => message);
		assert.ok(warnings.some((message) => /4 finished jobs stay in the job journal \(database is locked\)/.test(message)), warnings.join('\n'));
	});
});
