/**
 * A mirror that stays exact: the scheduled example, activated on a real
 * `n8n start` backed by PostgreSQL, with its deletion and merge branches
 * enabled. Between two firings Marketo deletes three leads, merges two pairs
 * and updates a surviving lead; after the second firing the leads table equals
 * Marketo's live leads, row for row. Then leads deleted during a simulated
 * 20-day outage (older than Marketo's 14 days of deletions, so no sync can see
 * them) are removed by the reconcile example, which brings the table back to
 * exact.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { N8N_VERSIONS } from '../../scripts/e2e/installN8n.mjs';
import { startSandbox } from '../sandbox/server.mjs';
import { startPostgres } from './services.mjs';
import { assertLeadsTable, exampleWorkflow, scheduledExample, startWarehouseDeployment, WAREHOUSE_DDL } from './warehouse.mjs';

const DAY = 86_400_000;
const WORKFLOW = 'prodDeletions';
const RECONCILE = 'prodReconcile';

const VERSIONS = process.env.N8N_E2E_VERSIONS?.split(',') ?? N8N_VERSIONS;

for (const version of VERSIONS) describe(`production: deleted and merged leads leave the mirror, n8n ${version}`, { timeout: 15 * 60_000 }, () => {
	let postgres;
	let sandbox;
	let deployment;

	before(async () => {
		postgres = await startPostgres({ databases: ['n8n', 'warehouse'] });
		postgres.sql('warehouse', WAREHOUSE_DDL);
		sandbox = await startSandbox({ speed: 600, leadCount: 1000 });
		deployment = await startWarehouseDeployment({ postgres, sandbox, version });
		await deployment.importWorkflow(scheduledExample({ id: WORKFLOW, seconds: 30 }));
		await deployment.importWorkflow(exampleWorkflow('reconcile-deleted-leads.json', { id: RECONCILE }));
		await deployment.activate(WORKFLOW);
	});
	after(async () => {
		await deployment?.stopAll();
		await sandbox?.stop();
		await postgres?.stop();
	});

	it('deletions and merges between two firings reach the table; a reconcile after 20 days brings it back to exact', async () => {
		await deployment.startMain();
		const [first] = await deployment.waitForEnded(WORKFLOW, 1);
		await deployment.stopProcesses();
		assert.equal(first.status, 'success', deployment.output());
		assertLeadsTable(postgres, 'warehouse', sandbox.leads);

		// Between the two firings. The node reads deletions up to five minutes before now (Marketo lists
		// one a moment after it happens): these are dated after what the first firing read, and before
		// what the second will, as a deletion Marketo listed late would be.
		const [d1, d2, d3, w1, l1, w2, l2, survivor] = sandbox.leads.slice(10, 18).map((lead) => lead.id);
		sandbox.deleteLeads([d1, d2, d3], Date.now() - 290_000);
		// The merges, a moment after the first firing's range ended (it ends at the second it ran).
		await new Promise((resolve) => setTimeout(resolve, 2000));
		sandbox.mergeLeads(w1, [l1], Date.now() - 500);
		sandbox.mergeLeads(w2, [l2], Date.now());
		Object.assign(sandbox.leads.find((lead) => lead.id === survivor), { leadScore: 77, notes: 'updated between firings', updatedAt: Math.floor(Date.now() / 1000) * 1000 });
		const rows = () => postgres.sql('warehouse', 'select id from marketo_leads').trim().split('\n').map(Number);
		assert.ok([d1, d2, d3, l1, l2].every((id) => rows().includes(id)), 'the mirror still holds them');

		await deployment.startMain();
		const runs = await deployment.waitForEnded(WORKFLOW, 2);
		await deployment.stopProcesses();
		assert.equal(runs[1].status, 'success', deployment.output());
		assertLeadsTable(postgres, 'warehouse', sandbox.leads);
		for (const id of [d1, d2, d3, l1, l2]) assert.ok(!rows().includes(id), `lead ${id} left the mirror`);

		// A 20-day outage: leads deleted then are older than Marketo's 14 days of deletions.
		const gone = sandbox.leads.slice(20, 22).map((lead) => lead.id);
		sandbox.deleteLeads(gone, Date.now() - 20 * DAY);
		await deployment.startMain();
		const third = (await deployment.waitForEnded(WORKFLOW, 3))[2];
		await deployment.stopProcesses();
		assert.equal(third.status, 'success', deployment.output());
		assert.ok(gone.every((id) => rows().includes(id)), 'no sync can see deletions Marketo pruned');

		const jobsBefore = sandbox.jobs.jobs.size;
		const { run, log } = await deployment.execute(RECONCILE);
		assert.ok(run, log);
		assertLeadsTable(postgres, 'warehouse', sandbox.leads);
		const jobs = sandbox.jobs.jobs.size - jobsBefore;
		assert.ok(jobs >= 240, `${jobs} jobs: one per 31 days since 2006, as the README says`);
	});
});
