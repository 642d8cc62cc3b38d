/**
 * Catch-up syncs in production: the scheduled example, activated on a real
 * `n8n start` backed by PostgreSQL, firing every few seconds, drains a backlog
 * of eleven 31-day windows (leads and activities since 2026-01-01) into
 * PostgreSQL through n8n's own Postgres node. Twice: once with Max Items
 * smaller than the backlog, once with a sandbox daily export quota smaller
 * than the backlog (the sandbox's fast clock passes the days). Each time every
 * execution succeeds, the tables end equal to Marketo, each window's job is
 * exported and downloaded once, and the position reaches now.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { N8N_VERSIONS } from '../../scripts/e2e/installN8n.mjs';
import { chicagoMidnightBefore } from '../sandbox/clock.mjs';
import { startSandbox } from '../sandbox/server.mjs';
import { startPostgres } from './services.mjs';
import { assertLeadsTable, scheduledExample, startWarehouseDeployment, WAREHOUSE_DDL } from './warehouse.mjs';

const FIRST_RUN_START = Date.parse('2026-01-01T00:00:00Z');
const KINDS = { leads: 'updatedAt', activities: 'createdAt' };
/** The default Look Back of each kind: what a run reads again once caught up. */
const LOOK_BACK_MS = { leads: 30 * 60_000, activities: 60 * 60_000 };

/**
 * The completed jobs of a kind, by window. Each window's file was downloaded
 * exactly once (a ranged read of an adopted file's first bytes checks its
 * header and is not counted), the downloaded windows tile the range from
 * First Run Starts At with no gap and no overlap, and no completed job was
 * left unused: Marketo's quota counted each window once.
 */
function assertEachWindowOnce(sandbox, kind, output = '') {
	const filter = KINDS[kind];
	const completed = [...sandbox.jobs.jobs.values()]
		// The merges branch exports activities of type 32 with a position of its own: its windows tile apart.
		.filter((job) => job.kind === kind && job.status === 'Completed' && !job.spec.filter.activityTypeIds)
		.map((job) => ({
			exportId: job.exportId,
			start: Date.parse(job.spec.filter[filter].startAt),
			end: Date.parse(job.spec.filter[filter].endAt),
			// A download the connection dropped before its end delivered nothing: the node resumed or fetched it again.
			// servedCalls leaves out calls answered 601/602, which the node repeats with a new token (this was the
			// "double download" seen on n8n 1.123.81).
			downloads: sandbox.servedCalls(`${job.exportId}/file`).filter((call) => !/^bytes=0-\d+$/.test(call.range ?? '') && !call.closedEarly).length,
			calls: sandbox.servedCalls(`${job.exportId}/file`).map((call) => `${call.range ?? 'whole'} ${call.status}${call.errorCode ? ` ${call.errorCode}` : ''}${call.fault ? ` ${call.fault}` : ''}${call.closedEarly ? ' closed early' : ''}`),
		}))
		.sort((a, b) => a.start - b.start);
	// A transfer that broke is resumed (from its first byte if none had arrived): the node says so in n8n's log, per export.
	for (const job of completed) job.broken = output.split('\n').filter((line) => line.includes(`Marketo export ${job.exportId}: the download broke after`)).length;
	const twice = completed.filter((job) => job.downloads - job.broken !== 1);
	// What n8n logged of such a job says which runs downloaded it, and why.
	const logged = output.split('\n').filter((line) => twice.some((job) => line.includes(job.exportId)));
	assert.deepEqual(twice, [], `${kind}: every completed job was downloaded once\n${logged.join('\n').slice(-6000)}`);
	let next = FIRST_RUN_START;
	for (const job of completed) {
		// Once caught up, a run reads again the look-back before its position (records Marketo writes late);
		// while the backlog drains, each window follows the one before it exactly.
		const caughtUp = next > Date.now() - 2 * 3600_000;
		if (caughtUp) assert.ok(job.start <= next && job.start >= next - LOOK_BACK_MS[kind], `${kind}: the window from ${new Date(job.start).toISOString()} reads again at most the look-back before ${new Date(next).toISOString()}, with no gap`);
		else assert.equal(job.start, next, `${kind}: the window from ${new Date(job.start).toISOString()} follows the one before it`);
		next = Math.max(next, job.end + 1000);
	}
	assert.ok(completed.length >= 11, `${kind}: ${completed.length} windows`);
	return completed;
}

const VERSIONS = process.env.N8N_E2E_VERSIONS?.split(',') ?? N8N_VERSIONS;

for (const version of VERSIONS) describe(`production: a backlog larger than one run drains on an active schedule, n8n ${version}`, { timeout: 20 * 60_000 }, () => {
	let postgres;
	const started = [];

	before(async () => {
		postgres = await startPostgres({ databases: ['n8n_items', 'warehouse_items', 'n8n_quota', 'warehouse_quota'] });
		postgres.sql('warehouse_items', WAREHOUSE_DDL);
		postgres.sql('warehouse_quota', WAREHOUSE_DDL);
	});
	after(async () => {
		for (const stop of started.reverse()) await stop().catch(() => undefined);
		await postgres?.stop();
	});

	/**
	 * The scheduled example on its own n8n database and warehouse, firing
	 * every 5 s with these Marketo options; runs until both tables hold every
	 * record and one more execution has ended, then stops n8n. Returns the
	 * executions and what n8n printed.
	 */
	async function drainOnSchedule({ sandbox, name, options }) {
		const deployment = await startWarehouseDeployment({ postgres, sandbox, version, database: `n8n_${name}`, warehouse: `warehouse_${name}` });
		started.push(() => deployment.stopAll());
		const id = `prodCatchUp${name}`;
		await deployment.importWorkflow(
			scheduledExample({
				id,
				seconds: 5,
				adjust: (workflow) => {
					for (const node of workflow.nodes) if (node.type.endsWith('.marketoBulkExtract')) Object.assign(node.parameters.options, options);
				},
			}),
		);
		await deployment.activate(id);
		await deployment.startMain();
		const rows = (table) => Number(postgres.sql(`warehouse_${name}`, `select count(*) from ${table}`));
		await deployment.until(
			'both tables hold every record',
			() => rows('marketo_leads') === sandbox.leads.length && rows('marketo_activities') === sandbox.activities.length,
			{ timeoutMs: 10 * 60_000, intervalMs: 1000, output: deployment.output },
		);
		const endedBefore = deployment.executions(id).filter((e) => e.stoppedAt !== null).length;
		await deployment.waitForEnded(id, endedBefore + 1);
		const executions = deployment.executions(id).filter((e) => e.stoppedAt !== null);
		const output = deployment.output();
		await deployment.stopProcesses();
		return { executions, output };
	}

	/** The position reached now: the last window of each kind ends within a minute of the last execution's start. */
	function assertCaughtUp(sandbox, executions) {
		const lastStart = Date.parse(executions.at(-1).startedAt);
		for (const kind of Object.keys(KINDS)) {
			const ends = [...sandbox.jobs.jobs.values()].filter((job) => job.kind === kind && !job.spec.filter.activityTypeIds).map((job) => Date.parse(job.spec.filter[KINDS[kind]].endAt));
			assert.ok(Math.max(...ends) >= lastStart - 60_000, `${kind}: the position reached the last execution`);
		}
	}

	it('with Max Items smaller than the backlog: every execution succeeds and the tables end equal to Marketo', async () => {
		const sandbox = await startSandbox({ speed: 1200, leadCount: 3000 });
		started.push(() => sandbox.stop());
		// The densest window of leads updated holds 798, under 900: no window is split, so each is exported once.
		const { executions, output } = await drainOnSchedule({ sandbox, name: 'items', options: { maxItems: 900 } });
		assert.deepEqual(executions.filter((e) => e.status !== 'success').map((e) => `${e.id}: ${e.status}`), [], output.slice(-4000));
		assert.ok(executions.length >= 5, `${executions.length} executions: 3000 leads at 900 a run take several`);
		assert.match(output, /Since Last Run has not caught up yet: with window \d+\/\d+ .* more than Max Items \(900\)/);
		assertLeadsTable(postgres, 'warehouse_items', sandbox.leads);
		for (const kind of Object.keys(KINDS)) assertEachWindowOnce(sandbox, kind, output);
		assertCaughtUp(sandbox, executions);
	});

	it('with a daily export quota smaller than the backlog: every execution succeeds, the days pass, the tables end equal to Marketo', async () => {
		// A Marketo day every 36 s; about a third of the backlog's files a day, leads and activities together.
		const sandbox = await startSandbox({ speed: 2400, leadCount: 3000, dailyQuotaBytes: 250_000 });
		started.push(() => sandbox.stop());
		const { executions, output } = await drainOnSchedule({ sandbox, name: 'quota', options: {} });
		assert.deepEqual(executions.filter((e) => e.status !== 'success').map((e) => `${e.id}: ${e.status}`), [], output.slice(-4000));
		assert.match(output, /Since Last Run has not caught up yet: Marketo's daily export quota .* is spent/);
		assertLeadsTable(postgres, 'warehouse_quota', sandbox.leads);
		const days = new Set();
		for (const kind of Object.keys(KINDS)) assertEachWindowOnce(sandbox, kind, output);
		for (const job of sandbox.jobs.jobs.values()) if (job.status === 'Completed') days.add(chicagoMidnightBefore(job.finishedAt));
		assert.ok(days.size >= 3, `the exports took ${days.size} of Marketo's days`);
		assertCaughtUp(sandbox, executions);
	});
});
