/**
 * Item 3 and 4 of the production path: n8n in queue mode (main, Redis, two
 * workers, PostgreSQL), the scheduled example and a second extract running
 * at once through a nearly full Marketo queue; an execution stopped from the
 * main process; a worker killed mid-extract. Workflows start from webhooks
 * here, so the test decides when each runs; the schedule is item 2's test.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { N8N_VERSIONS } from '../../scripts/e2e/installN8n.mjs';
import { startSandbox } from '../sandbox/server.mjs';
import { startPostgres, startRedis } from './services.mjs';
import {
	assertLeadsTable,
	extractWorkflow,
	LEAD_COLUMNS,
	scheduledExample,
	startWarehouseDeployment,
	triggeredByWebhook,
	WAREHOUSE_DDL,
} from './warehouse.mjs';

const EXAMPLE = 'prodQueueExample';
const CREATED = 'prodQueueCreated';
const STOPPED = 'prodQueueStopped';
const CREATED_RANGE = { startAt: '2026-03-01T00:00:00Z', endAt: '2026-06-30T23:59:59Z' };
const STOPPED_RANGE = { startAt: '2026-02-01T00:00:00Z', endAt: '2026-05-06T23:59:59Z' };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const VERSIONS = process.env.N8N_E2E_VERSIONS?.split(',') ?? N8N_VERSIONS;

for (const version of VERSIONS) describe(`production: n8n ${version} in queue mode with two workers`, { timeout: 20 * 60_000 }, () => {
	let postgres;
	let redis;
	let sandbox;
	let deployment;
	const workers = [];
	/** The end of the leads range the example's first run exported. */
	let firstLeadsEnd;

	before(async () => {
		postgres = await startPostgres({ databases: ['n8n', 'warehouse'] });
		postgres.sql('warehouse', WAREHOUSE_DDL);
		postgres.sql('warehouse', 'create table marketo_leads_created (like marketo_leads including all)');
		redis = await startRedis();
		sandbox = await startSandbox({ speed: 1200, leadCount: 3000 });
		deployment = await startWarehouseDeployment({ postgres, redis, sandbox, version });
		await deployment.importWorkflow(triggeredByWebhook(scheduledExample({ id: EXAMPLE }), 'example'));
		await deployment.importWorkflow(
			extractWorkflow({
				id: CREATED,
				path: 'created',
				nodeName: 'Leads created March to June',
				table: 'marketo_leads_created',
				parameters: { operation: 'extractLeads', fields: LEAD_COLUMNS, filterType: 'createdAt', ...CREATED_RANGE, options: { pollIntervalSeconds: 0.05 } },
			}),
		);
		await deployment.importWorkflow(
			extractWorkflow({
				id: STOPPED,
				path: 'stopped',
				nodeName: 'Leads created February to May',
				parameters: { operation: 'extractLeads', fields: ['id', 'email'], filterType: 'createdAt', ...STOPPED_RANGE, options: { pollIntervalSeconds: 2 } },
			}),
		);
		for (const id of [EXAMPLE, CREATED, STOPPED]) await deployment.activate(id);
		await deployment.startMain();
		workers.push(await deployment.startWorker(), await deployment.startWorker());
		await deployment.login();
	});
	after(async () => {
		// A before hook that failed part-way (Redis missing) leaves some of these unset: stop what did start.
		if (sandbox) sandbox.jobs.stuck = false;
		await deployment?.stopAll();
		await sandbox?.stop();
		await redis?.stop();
		await postgres?.stop();
	});

	const jobsSince = (count) => [...sandbox.jobs.jobs.values()].slice(count);
	const leadWindow = (job) => job.spec.filter.updatedAt ?? job.spec.filter.createdAt;
	const windowKey = (job) => `${job.kind} ${JSON.stringify(leadWindow(job) ?? job.spec.filter)}`;
	const overlaps = (a, b) => {
		const [x, y] = [leadWindow(a), leadWindow(b)];
		return a.kind === b.kind && Date.parse(x.startAt) <= Date.parse(y.endAt) && Date.parse(y.startAt) <= Date.parse(x.endAt);
	};
	const workerOf = (executionId) => workers.find((worker) => new RegExp(`execution ${executionId}\\b`).test(worker.output()));
	async function runningExecution(workflowId) {
		return await deployment.until(`a running execution of ${workflowId}`, () => deployment.executions(workflowId).find((e) => e.status === 'running'));
	}

	it('the example and a second extract run at once on the workers through a nearly full Marketo queue, and both tables are exact', async () => {
		// Another integration holds 8 of Marketo's 10 queue places while both workflows start.
		sandbox.jobs.stuck = true;
		for (let i = 0; i < 8; i++) {
			const job = sandbox.jobs.create({ fields: ['id'], format: 'CSV', filter: { createdAt: { startAt: '2026-01-01T00:00:00Z', endAt: '2026-01-02T00:00:00Z' } } });
			sandbox.jobs.enqueue(job.exportId);
		}
		let mostInQueue = 0;
		const sampler = setInterval(() => {
			mostInQueue = Math.max(mostInQueue, [...sandbox.jobs.jobs.values()].filter((j) => j.status === 'Queued' || j.status === 'Processing').length);
		}, 10);
		const logBefore = sandbox.log.length;
		const jobsBefore = sandbox.jobs.jobs.size;
		try {
			await deployment.webhook('example');
			await deployment.webhook('created');
			await deployment.until('Marketo answering “queue full”', () => sandbox.log.slice(logBefore).some((e) => e.path.endsWith('/enqueue.json') && e.errorCode === '1029'), { timeoutMs: 60_000 });
			await sleep(2000);
			sandbox.jobs.stuck = false;
			const [example] = await deployment.waitForEnded(EXAMPLE, 1);
			const [created] = await deployment.waitForEnded(CREATED, 1);
			assert.equal(example.status, 'success', deployment.output());
			assert.equal(created.status, 'success', deployment.output());
			assert.ok(workerOf(example.id) && workerOf(created.id), 'both ran on workers, not on main');
		} finally {
			clearInterval(sampler);
			sandbox.jobs.stuck = false;
		}
		firstLeadsEnd = Math.max(...jobsSince(jobsBefore).filter((job) => job.spec.filter.updatedAt).map((job) => Date.parse(job.spec.filter.updatedAt.endAt)));
		assert.ok(sandbox.jobs.maxProcessing <= 2, `at most 2 processing, saw ${sandbox.jobs.maxProcessing}`);
		assert.ok(mostInQueue <= 10, `at most 10 queued, saw ${mostInQueue}`);
		assertLeadsTable(postgres, 'warehouse', sandbox.leads);
		const createdRange = sandbox.leads.filter((l) => l.createdAt >= Date.parse(CREATED_RANGE.startAt) && l.createdAt <= Date.parse(CREATED_RANGE.endAt));
		assertLeadsTable(postgres, 'warehouse', createdRange, 'marketo_leads_created');
		assert.equal(Number(postgres.sql('warehouse', 'select count(*) from marketo_activities')), sandbox.activities.length);
	});

	it('Stop in the main process ends the worker’s polling within a poll interval; the next run adopts the stopped jobs', async () => {
		sandbox.jobs.stuck = true;
		const jobsBefore = sandbox.jobs.jobs.size;
		let stoppedJobs;
		try {
			await deployment.webhook('stopped');
			await deployment.until('two queued jobs', () => jobsSince(jobsBefore).filter((job) => job.status === 'Queued').length >= 2, { timeoutMs: 60_000 });
			const execution = await runningExecution(STOPPED);
			stoppedJobs = jobsSince(jobsBefore);
			await deployment.stopExecution(execution.id);
			const stoppedAt = sandbox.log.length;
			await deployment.until('the execution to end as canceled', () => deployment.executions(STOPPED).find((e) => e.id === execution.id && e.status === 'canceled'), { timeoutMs: 30_000 });
			// One poll interval (2 s) and a margin: the worker must have stopped asking.
			await sleep(3000);
			const later = sandbox.log.slice(stoppedAt).filter((e) => stoppedJobs.some((job) => e.path.includes(job.exportId)));
			assert.deepEqual(later.map((e) => e.path), [], 'no call about the stopped jobs after Stop');
		} finally {
			sandbox.jobs.stuck = false;
		}
		const between = sandbox.jobs.jobs.size;
		await deployment.webhook('stopped');
		const runs = await deployment.waitForEnded(STOPPED, 2);
		assert.equal(runs.at(-1).status, 'success', deployment.output());
		const created = jobsSince(between);
		assert.equal(created.length, 2, 'the two stopped windows were adopted, the other two created');
		for (const job of stoppedJobs) assert.equal(sandbox.jobs.jobs.get(job.exportId).status, 'Completed');
		assert.equal(new Set([...stoppedJobs, ...created].map(windowKey)).size, 4, 'four windows, one job each');
	});

	it('a worker killed while its extract waits on Marketo: the next run adopts its jobs, creates none twice, and the table ends exact', async () => {
		// A day of changes in Marketo since the first test's run.
		const now = Math.floor(Date.now() / 1000) * 1000;
		Object.assign(sandbox.leads[10], { leadScore: 4242, updatedAt: now });
		sandbox.leads.push({ ...sandbox.leads[0], id: Math.max(...sandbox.leads.map((l) => l.id)) + 1, email: 'after.the.crash@example.com', createdAt: now, updatedAt: now });
		await sleep(1100);

		sandbox.jobs.stuck = true;
		const jobsBefore = sandbox.jobs.jobs.size;
		const runsBefore = deployment.executions(EXAMPLE).length;
		let orphans;
		try {
			await deployment.webhook('example');
			// The leads node runs first (execution order v1): its one window since the first run waits in the queue.
			await deployment.until('the example’s leads job queued', () => jobsSince(jobsBefore).filter((job) => job.status === 'Queued').length >= 1, {
				timeoutMs: 60_000,
				output: () => `${JSON.stringify(deployment.executions(EXAMPLE))}\n${JSON.stringify(jobsSince(jobsBefore).map((job) => [job.status, job.spec.filter]))}`,
			});
			const execution = await runningExecution(EXAMPLE);
			const worker = await deployment.until('the worker running it', () => workerOf(execution.id), { timeoutMs: 10_000 });
			worker.kill();
			await deployment.until('the killed worker to exit', () => worker.child.exitCode !== null || worker.child.signalCode !== null, { timeoutMs: 10_000 });
			workers.splice(workers.indexOf(worker), 1);
			orphans = jobsSince(jobsBefore);
			const leadsOrphan = orphans.find((job) => job.spec.filter.updatedAt);
			// The leads branch reads again its default look-back (30 minutes) before the first run's end: not from First Run Starts At.
			const orphanStart = Date.parse(leadsOrphan.spec.filter.updatedAt.startAt);
			assert.ok(orphanStart <= firstLeadsEnd + 1000 && orphanStart >= firstLeadsEnd + 1000 - 30 * 60_000, 'Since Last Run’s position reached the worker: it reads on from the first run’s end, less the look-back');
			assert.ok(orphans.every((job) => job.status === 'Queued'), 'the dead worker left its jobs in Marketo’s queue');
			workers.push(await deployment.startWorker());
		} finally {
			sandbox.jobs.stuck = false;
		}
		const between = sandbox.jobs.jobs.size;
		await deployment.webhook('example');
		// The dead run's Since Last Run mark lapses first (within 3 minutes): until then the next run waits, as it would for a live one.
		await deployment.until('a successful run after the kill', () => deployment.executions(EXAMPLE).slice(runsBefore).find((e) => e.status === 'success'), {
			timeoutMs: 360_000,
			output: deployment.output,
		});
		const after = jobsSince(between);
		for (const orphan of orphans) {
			assert.equal(sandbox.jobs.jobs.get(orphan.exportId).status, 'Completed', `orphan ${orphan.exportId} was adopted, not left or cancelled`);
			assert.ok(!after.some((job) => overlaps(job, orphan)), `no second job for any second of ${windowKey(orphan)}`);
		}
		const completed = [...orphans, ...after].filter((job) => job.status === 'Completed').map(windowKey);
		assert.equal(new Set(completed).size, completed.length, 'the quota counts each window once');
		assertLeadsTable(postgres, 'warehouse', sandbox.leads);
	});
});
