/**
 * Item 1 and 2 of the production path: the scheduled example, activated on a
 * real `n8n start` backed by PostgreSQL, writes into a real PostgreSQL table
 * through n8n's own Postgres node, fires twice with an n8n restart between
 * the two, and the table ends equal to Marketo's leads.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { N8N_VERSIONS } from '../../scripts/e2e/installN8n.mjs';
import { startSandbox } from '../sandbox/server.mjs';
import { startPostgres } from './services.mjs';
import { assertLeadsTable, scheduledExample, startWarehouseDeployment, WAREHOUSE_DDL } from './warehouse.mjs';

const DAY = 86_400_000;
const FIRST_RUN_START = Date.parse('2026-01-01T00:00:00Z');
const WORKFLOW = 'prodSchedule';

/** Marketo's lead jobs of one execution, in creation order, with their filter windows. */
function leadJobsSince(sandbox, count) {
	return [...sandbox.jobs.jobs.values()]
		.slice(count)
		.filter((job) => job.kind === 'leads')
		.map((job) => ({ startAt: Date.parse(job.spec.filter.updatedAt.startAt), endAt: Date.parse(job.spec.filter.updatedAt.endAt) }));
}

// n8n 2 and the last n8n 1 keep static data and run the Postgres node alike; both are proven.
const VERSIONS = process.env.N8N_E2E_VERSIONS?.split(',') ?? N8N_VERSIONS;

for (const version of VERSIONS) describe(`production: an active schedule on n8n ${version} start, upserting into PostgreSQL`, { timeout: 15 * 60_000 }, () => {
	let postgres;
	let sandbox;
	let deployment;

	before(async () => {
		postgres = await startPostgres({ databases: ['n8n', 'warehouse'] });
		postgres.sql('warehouse', WAREHOUSE_DDL);
		sandbox = await startSandbox({ speed: 1200, leadCount: 3000 });
		// Leads updated on each side of every 31-day window edge of the first run.
		for (let window = 1; window <= 10; window++) {
			const edge = FIRST_RUN_START + window * 31 * DAY;
			const candidates = sandbox.leads.filter((lead) => lead.createdAt < edge - 1000);
			candidates[window * 7].updatedAt = edge - 1000;
			candidates[window * 7 + 1].updatedAt = edge;
		}
		deployment = await startWarehouseDeployment({ postgres, sandbox, version });
		// 30 s between firings: a run takes a few seconds, so no second firing starts before the test stops n8n.
		await deployment.importWorkflow(scheduledExample({ id: WORKFLOW, seconds: 30 }));
		await deployment.activate(WORKFLOW);
	});
	after(async () => {
		await deployment?.stopAll();
		await sandbox?.stop();
		await postgres?.stop();
	});

	it('two firings with a restart between: the second exports from one second after the first ended, and the table equals Marketo', async () => {
		const jobsBefore = sandbox.jobs.jobs.size;
		await deployment.startMain();
		const [firstRun] = await deployment.waitForEnded(WORKFLOW, 1);
		await deployment.stopProcesses();
		assert.equal(deployment.executions(WORKFLOW).length, 1, 'one firing before the restart');
		assert.equal(firstRun.status, 'success', deployment.output());
		assert.equal(firstRun.mode, 'trigger');

		const firstWindows = leadJobsSince(sandbox, jobsBefore);
		assert.equal(firstWindows[0].startAt, FIRST_RUN_START, 'the first run starts at First Run Starts At');
		for (let i = 1; i < firstWindows.length; i++) {
			assert.equal(firstWindows[i].startAt - firstWindows[i - 1].endAt, 1000, `window ${i + 1} starts one second after window ${i}`);
		}
		const firstEnd = firstWindows.at(-1).endAt;
		assertLeadsTable(postgres, 'warehouse', sandbox.leads);

		// Between the two nights: Marketo gets a new lead, an update, and a lead updated in the
		// very first second after the first run's end (the run edge).
		const now = Math.floor(Date.now() / 1000) * 1000;
		const template = sandbox.leads[0];
		const newLead = { ...template, id: Math.max(...sandbox.leads.map((l) => l.id)) + 1, email: 'new.lead@example.com', createdAt: now, updatedAt: now };
		sandbox.leads.push(newLead);
		Object.assign(sandbox.leads[5], { leadScore: 999, notes: 'updated between runs\nsecond line 🚀', updatedAt: now });
		Object.assign(sandbox.leads[6], { company: 'Edge "Second" Inc.', updatedAt: firstEnd + 1000 });

		const jobsBetween = sandbox.jobs.jobs.size;
		await deployment.startMain();
		const runs = await deployment.waitForEnded(WORKFLOW, 2);
		await deployment.stopProcesses();
		assert.equal(runs[1].status, 'success', deployment.output());

		const secondWindows = leadJobsSince(sandbox, jobsBetween);
		assert.equal(secondWindows[0].startAt - firstEnd, 1000, 'the position survived the restart: the second run starts one second after the first ended');
		assert.equal(secondWindows.length, 1, 'a day’s changes fit one window');
		assert.ok(secondWindows[0].endAt >= now, 'the second run reaches its own start');
		assertLeadsTable(postgres, 'warehouse', sandbox.leads);
		const activityRows = Number(postgres.sql('warehouse', 'select count(*) from marketo_activities'));
		assert.equal(activityRows, sandbox.activities.length, 'every activity, once');
	});
});
