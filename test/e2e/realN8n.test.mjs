import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { startSandbox } from '../sandbox/server.mjs';
import { N8N_VERSIONS } from '../../scripts/e2e/installN8n.mjs';
import { nodeOutput, startN8n } from './n8nCli.mjs';

const examples = join(import.meta.dirname, '..', '..', 'examples');
const example = (name) => JSON.parse(readFileSync(join(examples, name), 'utf8'));
const FAST = { pollIntervalSeconds: 0.05, maxWaitMinutes: 2 };

/** An example workflow, imported under a fixed id, its Marketo nodes set up for the sandbox. */
function prepare(workflow, id, adjust = () => {}) {
	workflow.id = id;
	for (const node of workflow.nodes) {
		if (node.type.endsWith('.marketoBulkExtract') && node.parameters.operation?.startsWith('extract')) {
			node.parameters.options = { ...node.parameters.options, ...FAST };
		}
	}
	adjust(workflow);
	return workflow;
}

/** n8n execute starts at a Manual Trigger: swap a Schedule Trigger for one, keeping its name. */
function manualStart(workflow) {
	const trigger = workflow.nodes.find((node) => node.type === 'n8n-nodes-base.scheduleTrigger');
	if (trigger) Object.assign(trigger, { type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} });
}

// Every release the package supports: the current one and the last 1.x (N8N_E2E_VERSIONS narrows it).
const VERSIONS = process.env.N8N_E2E_VERSIONS?.split(',') ?? N8N_VERSIONS;

for (const version of VERSIONS) describe(`the packed package in a real n8n ${version}`, { timeout: 20 * 60_000 }, () => {
	let n8n;
	let sandbox;

	before(async () => {
		sandbox = await startSandbox({ speed: 1200, leadCount: 3000 });
		n8n = await startN8n({ version });
		await n8n.importSandboxCredential(sandbox);
	});
	after(async () => {
		n8n?.cleanup();
		await sandbox?.stop();
	});

	it('Extract Leads over several windows emits every lead, and Convert to File makes the CSV', async () => {
		const workflow = prepare(example('manual-extract-to-csv.json'), 'e2eQuarterCsv');
		await n8n.importWorkflow(workflow);
		const jobsBefore = sandbox.jobs.jobs.size;
		const { run, log } = await n8n.execute('e2eQuarterCsv');
		assert.ok(run, log);
		const leads = nodeOutput(run, 'Leads created in Q1');
		// GENERIC_TIMEZONE is UTC: the example's dates without offset are UTC.
		const expected = sandbox.leads.filter((l) => l.createdAt >= Date.parse('2026-01-01T00:00:00Z') && l.createdAt <= Date.parse('2026-03-31T23:59:59Z'));
		assert.equal(leads.length, expected.length);
		assert.deepEqual(new Set(leads.map((item) => item.json.id)), new Set(expected.map((lead) => lead.id)));
		assert.equal(sandbox.jobs.jobs.size - jobsBefore, 3, 'three 31-day windows');
		const csv = nodeOutput(run, 'Convert to CSV');
		assert.equal(csv.length, 1);
		assert.equal(csv[0].binary.data.fileName, 'marketo-leads-q1.csv');
		assert.match(log, /Marketo Extract Leads: window 3\/3 .*: done/);
		assert.ok(!log.includes(sandbox.clientSecret), 'the client secret is not logged');
	});

	it('the step-by-step example with n8n’s Wait node ends with Get Job File as binary data', async () => {
		const workflow = prepare(example('step-by-step-with-wait.json'), 'e2eStepByStep', (wf) => {
			wf.nodes.find((n) => n.name === 'Wait a minute').parameters.amount = 1;
			Object.assign(wf.nodes.find((n) => n.name === 'Get Job File').parameters, { output: 'binary' });
		});
		await n8n.importWorkflow(workflow);
		const { run, log } = await n8n.execute('e2eStepByStep');
		assert.ok(run, log);
		const [file] = nodeOutput(run, 'Get Job File');
		const job = sandbox.jobs.jobs.get(file.json.exportId);
		assert.equal(file.binary.data.fileName, `${job.exportId}.csv`);
		assert.equal(file.binary.data.mimeType, 'text/csv');
		// n8n 2 keeps binary data on disk by default; n8n 1 in memory unless N8N_DEFAULT_BINARY_DATA_MODE says otherwise.
		if (n8n.release.major >= 2) assert.equal(file.binary.data.data, 'filesystem-v2', 'n8n streamed the file to its binary store on disk');
		assert.ok(n8n.readBinary(file.binary.data).equals(job.file), 'the stored file is Marketo’s, byte for byte');
	});

	it('the scheduled example runs incrementally: the second run goes on from where the first ended, reading its look-back again, and outputs nothing twice', async () => {
		// From mid-October: a few hundred records. n8n 1.123's `execute` can exit before it has printed a
		// run of several megabytes (seen once in CI: the JSON cut short), and this test reads that print.
		const FIRST_RUN = '2026-10-15T00:00:00Z';
		const workflow = prepare(example('scheduled-incremental-extract.json'), 'e2eIncremental', (wf) => {
			manualStart(wf);
			for (const node of wf.nodes) if (node.parameters.firstRunStartAt) node.parameters.firstRunStartAt = FIRST_RUN;
		});
		await n8n.importWorkflow(workflow);
		const windowsOf = async () => {
			const before = sandbox.jobs.jobs.size;
			const { run, log } = await n8n.execute('e2eIncremental');
			assert.ok(run, log);
			const jobs = [...sandbox.jobs.jobs.values()].slice(before);
			const filters = jobs.filter((job) => job.kind === 'leads').map((job) => job.spec.filter.updatedAt);
			// The merges branch exports activities too (type 32 only), with a position of its own.
			const activityFilters = jobs.filter((job) => job.kind === 'activities' && !job.spec.filter.activityTypeIds).map((job) => job.spec.filter.createdAt);
			return {
				startAt: filters[0].startAt,
				endAt: filters.at(-1).endAt,
				leads: nodeOutput(run, 'Leads updated since last run'),
				activityStartAt: activityFilters[0].startAt,
				activityEndAt: activityFilters.at(-1).endAt,
				activities: nodeOutput(run, 'Activities created since last run'),
			};
		};
		const first = await windowsOf();
		assert.equal(first.startAt, FIRST_RUN);
		assert.equal(first.activityStartAt, FIRST_RUN);
		assert.ok(first.leads.length > 0);
		assert.ok(first.activities.length > 0);
		const second = await windowsOf();
		// Each kind reads again its default look-back (leads 30 minutes, activities 60) before its own position.
		const leadsReadAgain = Date.parse(first.endAt) + 1000 - Date.parse(second.startAt);
		assert.ok(leadsReadAgain > 0 && leadsReadAgain <= 30 * 60_000, `leads: on from the first run’s end, less the look-back (${leadsReadAgain} ms)`);
		const activitiesReadAgain = Date.parse(first.activityEndAt) + 1000 - Date.parse(second.activityStartAt);
		assert.ok(activitiesReadAgain > 30 * 60_000 && activitiesReadAgain <= 60 * 60_000, `activities keep their own position and look-back (${activitiesReadAgain} ms)`);
		assert.equal(second.leads.length, 0, 'nothing was updated in between: what the look-back reads again was delivered');
		assert.equal(second.activities.length, 0, 'no activity was created in between');
	});

	/** A Manual Trigger and one Marketo node with these parameters (its options on top of FAST), imported under `id`. */
	async function importOneNode(id, nodeName, parameters) {
		await n8n.importWorkflow({
			id,
			name: id,
			nodes: [
				{ id: `${id}-1`, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
				{
					id: `${id}-2`,
					name: nodeName,
					type: 'n8n-nodes-marketo-bulk-extract.marketoBulkExtract',
					typeVersion: 1,
					position: [200, 0],
					parameters: { ...parameters, options: { ...FAST, ...parameters.options } },
					credentials: { marketoOAuth2Api: { id: 'marketo-credential', name: 'Marketo sandbox' } },
				},
			],
			connections: { Start: { main: [[{ node: nodeName, type: 'main', index: 0 }]] } },
			settings: { executionOrder: 'v1' },
		});
	}

	/** importOneNode, then one execution: the node's items and what n8n printed. */
	async function runOneNode(id, nodeName, parameters) {
		await importOneNode(id, nodeName, parameters);
		const { run, log } = await n8n.execute(id);
		assert.ok(run, log);
		return { items: nodeOutput(run, nodeName), log };
	}

	it('a Since Last Run backlog larger than Max Items: the run delivers the windows that fit, warns, and the next goes on from there', async () => {
		const FIRST_RUN = '2026-01-01T00:00:00Z';
		const id = 'e2eCatchUp';
		const nodeName = 'Leads created since last run';
		await importOneNode(id, nodeName, {
			operation: 'extractLeads',
			fields: ['id', 'email', 'createdAt'],
			filterType: 'createdAt',
			rangeMode: 'sinceLastRun',
			firstRunStartAt: FIRST_RUN,
			options: { maxItems: 700 },
		});
		const jobsBefore = sandbox.jobs.jobs.size;
		const first = await n8n.execute(id);
		assert.ok(first.run, first.log);
		const items = nodeOutput(first.run, nodeName);
		const hints = first.run.data.resultData.runData[nodeName].at(-1).hints ?? [];
		const warning = hints.find((hint) => /Since Last Run has not caught up yet/.test(hint.message));
		assert.ok(warning, `a warning hint: ${JSON.stringify(hints)}`);
		assert.equal(warning.type, 'warning');
		assert.match(warning.message, /more than Max Items \(700\), so the run stopped before it\. It delivered \d+ windows?, up to (\S+);/);
		const deliveredUntil = /up to (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ);/.exec(warning.message)[1];
		const expected = sandbox.leads.filter((lead) => lead.createdAt >= Date.parse(FIRST_RUN) && lead.createdAt <= Date.parse(deliveredUntil));
		assert.ok(items.length > 0 && items.length <= 700, `${items.length} items`);
		assert.deepEqual(items.map((item) => item.json.id).sort(), expected.map((lead) => lead.id).sort(), 'the leads of the windows delivered, each once');
		assert.match(first.log, /Since Last Run has not caught up yet/, 'n8n’s log says it too');
		const madeByFirst = sandbox.jobs.jobs.size - jobsBefore;

		const second = await n8n.execute(id);
		assert.ok(second.run, second.log);
		const secondJobs = [...sandbox.jobs.jobs.values()].slice(jobsBefore + madeByFirst);
		const adopted = [...sandbox.jobs.jobs.values()].slice(jobsBefore, jobsBefore + madeByFirst).filter((job) => Date.parse(job.spec.filter.createdAt.startAt) > Date.parse(deliveredUntil));
		const starts = [...adopted, ...secondJobs].map((job) => Date.parse(job.spec.filter.createdAt.startAt));
		assert.equal(Math.min(...starts) - Date.parse(deliveredUntil), 1000, 'the next run goes on one second after the last window delivered');
		const downloads = (job) => sandbox.servedCalls(`${job.exportId}/file`).filter((call) => !call.range).length;
		adopted.sort((a, b) => Date.parse(a.spec.filter.createdAt.startAt) - Date.parse(b.spec.filter.createdAt.startAt));
		assert.ok(adopted.length > 0, 'the first run left jobs past its stop');
		assert.equal(downloads(adopted[0]), 1, 'the job the first run stopped before is delivered by the second, not exported again');
		for (const job of adopted) assert.ok(downloads(job) <= 1);
		for (const job of secondJobs) assert.ok(Date.parse(job.spec.filter.createdAt.startAt) > Date.parse(adopted.at(-1).spec.filter.createdAt.endAt), 'no window was exported twice');
	});

	it('Extract Activities over two windows emits every activity, its attributes parsed', async () => {
		const { items: activities, log } = await runOneNode('e2eActivities', 'Activities of February and March', {
			resource: 'activityExport',
			operation: 'extractActivities',
			startAt: '2026-02-01T00:00:00Z',
			endAt: '2026-03-31T23:59:59Z',
		});
		const expected = sandbox.activities.filter((a) => a.activityDate >= Date.parse('2026-02-01T00:00:00Z') && a.activityDate <= Date.parse('2026-03-31T23:59:59Z'));
		assert.ok(expected.length > 0);
		assert.deepEqual(activities.map((item) => item.json.marketoGUID), expected.map((a) => a.marketoGUID));
		assert.deepEqual(activities[0].json.attributes, JSON.parse(expected[0].attributes));
		assert.equal(typeof activities[0].json.leadId, 'number');
		assert.match(log, /Marketo Extract Activities: window 2\/2 .*: done/);
	});

	it('Extract Program Members emits every member of two programs, programId first', async () => {
		const { items: members } = await runOneNode('e2eProgramMembers', 'Members of two programs', {
			resource: 'programMemberExport',
			operation: 'extractProgramMembers',
			programIds: [1021, 1022],
			fields: ['leadId', 'statusName', 'email'],
		});
		const expected = sandbox.programMembers.filter((m) => [1021, 1022].includes(m.programId));
		assert.equal(members.length, expected.length);
		assert.deepEqual(Object.keys(members[0].json), ['programId', 'leadId', 'statusName', 'email']);
		assert.deepEqual(new Set(members.map((item) => `${item.json.programId}/${item.json.leadId}`)), new Set(expected.map((m) => `${m.programId}/${m.leadId}`)));
	});

	it('Extract Program Members of three programs over four windows without leadId emits every member once', async () => {
		const startAt = '2026-02-01T00:00:00Z';
		const endAt = '2026-05-06T23:59:59Z';
		const jobsBefore = sandbox.jobs.jobs.size;
		const { items: members } = await runOneNode('e2eMembersNoLeadId', 'Members without leadId', {
			resource: 'programMemberExport',
			operation: 'extractProgramMembers',
			programIds: [1021, 1022, 1023],
			fields: ['statusName', 'email', 'membershipDate'],
			dateFilter: 'updatedAt',
			startAt,
			endAt,
		});
		const expected = sandbox.programMembers.filter((m) => [1021, 1022, 1023].includes(m.programId) && m.updatedAt >= Date.parse(startAt) && m.updatedAt <= Date.parse(endAt));
		assert.ok(expected.length > 100);
		assert.equal(members.length, expected.length);
		assert.deepEqual(members.map((item) => `${item.json.programId}/${item.json.email}`).sort(), expected.map((m) => `${m.programId}/${m.email}`).sort());
		assert.deepEqual(Object.keys(members[0].json), ['programId', 'statusName', 'email', 'membershipDate']);
		const jobs = [...sandbox.jobs.jobs.values()].slice(jobsBefore);
		assert.equal(jobs.length, 4);
		assert.ok(jobs.every((job) => job.spec.fields.includes('leadId')), 'leadId is exported to tell members apart');
	});

	it('Extract Custom Objects emits the cars updated in a month, from the object’s own endpoints', async () => {
		const { items: cars } = await runOneNode('e2eCustomObjects', 'Cars updated in March', {
			resource: 'customObjectExport',
			operation: 'extractCustomObjects',
			customObjectName: 'car_c',
			fields: ['marketoGUID', 'leadID', 'vIN', 'price'],
			filterType: 'updatedAt',
			startAt: '2026-03-01T00:00:00Z',
			endAt: '2026-03-31T23:59:59Z',
		});
		const expected = sandbox.customObjectRecords.car_c.filter((r) => r.updatedAt >= Date.parse('2026-03-01T00:00:00Z') && r.updatedAt <= Date.parse('2026-03-31T23:59:59Z'));
		assert.ok(expected.length > 0);
		assert.deepEqual(cars.map((item) => item.json.vIN).sort(), expected.map((r) => r.vIN).sort());
		assert.ok(sandbox.servedCalls('/bulk/v1/customobjects/car_c/export/').length > 0);
	});

	it('a failure is handled by Continue On Fail: an error item, and the workflow goes on', async () => {
		const workflow = {
			id: 'e2eContinueOnFail',
			name: 'continue on fail',
			nodes: [
				{ id: 'a1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
				{
					id: 'a2',
					name: 'Status of an unknown job',
					type: 'n8n-nodes-marketo-bulk-extract.marketoBulkExtract',
					typeVersion: 1,
					position: [200, 0],
					parameters: { operation: 'getJobStatus', exportId: '11111111-2222-4333-8444-555555555555' },
					credentials: { marketoOAuth2Api: { id: 'marketo-credential', name: 'Marketo sandbox' } },
					onError: 'continueRegularOutput',
				},
			],
			connections: { Start: { main: [[{ node: 'Status of an unknown job', type: 'main', index: 0 }]] } },
			settings: { executionOrder: 'v1' },
		};
		await n8n.importWorkflow(workflow);
		const { run, log } = await n8n.execute('e2eContinueOnFail');
		assert.ok(run, log);
		const [item] = nodeOutput(run, 'Status of an unknown job');
		assert.match(item.json.error, /Marketo error 1003 while trying to get the status of export job 11111111-2222-4333-8444-555555555555/);
		assert.equal(item.json.marketoCode, '1003');
	});

	it('Get Deleted Leads: every lead deleted since a date, its ID and when, every page followed, a page cut short read again; merged IDs as numbers under any spelling', async () => {
		// Dated by the real clock, as Marketo's are: an hour ago, a second apart. 400 deletions: two pages.
		const deleted = sandbox.leads.slice(-400).map((lead) => lead.id);
		const hourAgo = Math.floor((Date.now() - 3600_000) / 1000) * 1000;
		deleted.forEach((id, i) => sandbox.deleteLeads([id], hourAgo + i * 1000));
		const since = new Date(hourAgo - 60_000).toISOString();
		const pagesBefore = sandbox.servedCalls('/activities/deletedleads.json').length;
		// The second page's answer ends part-way, as on a dropped connection: a fault to repeat, not a cancel.
		sandbox.addFault({ path: '/activities/deletedleads.json', nth: 2, cutBody: true });
		const { items, log } = await runOneNode('e2eDeletedLeads', 'Deleted leads', { resource: 'leadExport', operation: 'getDeletedLeads', deletedRange: 'since', deletedSince: since });
		sandbox.clearFaults();
		const mine = items.filter((item) => deleted.includes(item.json.leadId));
		assert.deepEqual(mine.map((item) => item.json.leadId), deleted);
		assert.equal(mine[0].json.deletedAt, new Date(hourAgo).toISOString().replace('.000Z', 'Z'));
		assert.equal(sandbox.servedCalls('/activities/deletedleads.json').length - pagesBefore, 3, 'two pages of 300, the second asked twice');
		assert.doesNotMatch(log, /cancelled/);

		const [winner, loser, adobeWinner, adobeLoser] = sandbox.leads.slice(0, 4).map((lead) => lead.id);
		sandbox.mergeLeads(winner, [loser], Date.now() - 60_000);
		// Spelled as Adobe's field mappings spell it, with JSON text.
		sandbox.mergeLeads(adobeWinner, [adobeLoser], Date.now() - 30_000);
		const adobe = sandbox.activities.at(-1);
		adobe.attributes = JSON.stringify({ 'Merge IDs': `[${adobeLoser}]`, 'Merge Source': 'Web service API' });
		sandbox.addFault({ path: '/status.json', cutBody: true });
		const merges = await runOneNode('e2eMerges', 'Merges', {
			resource: 'activityExport',
			operation: 'extractActivities',
			activityTypeIds: [32],
			startAt: new Date(Date.now() - 3600_000).toISOString(),
			endAt: new Date(Date.now()).toISOString(),
		});
		sandbox.clearFaults();
		assert.deepEqual(merges.items.map((item) => [item.json.leadId, item.json.mergedLeadIds]), [[winner, [loser]], [adobeWinner, [adobeLoser]]]);
		assert.ok(sandbox.log.some((entry) => entry.fault === 'cut' && entry.path.endsWith('/status.json')), 'a status answer was cut short, and read again');
	});
});
