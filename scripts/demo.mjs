/**
 * `npm run demo`: a Marketo export from start to finish, with no Marketo
 * account and no n8n install. The sandbox plays Marketo on 127.0.0.1 (its
 * clock runs 60× faster, so Marketo's 60-second status ticks pass in one
 * second); the node runs inside n8n-core's real execution engine and
 * extracts six months of leads, then the activities of the same six months:
 * six 31-day export jobs each, two at a time.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { startSandbox } from '../test/sandbox/server.mjs';
import { CredentialStore, outputOf, runWorkflow } from '../test/support/engine.mjs';
import { CREDENTIAL_ID, MARKETO_NODE, marketoWorkflow } from '../test/support/workflows.mjs';

const SPEED = 60;
const FIELDS = ['id', 'email', 'firstName', 'lastName', 'company', 'title', 'leadScore', 'annualRevenue', 'unsubscribed', 'notes', 'createdAt', 'updatedAt'];
const RANGE = { startAt: '2026-01-01T00:00:00Z', endAt: '2026-06-30T23:59:59Z' };
const started = Date.now();
const say = (text) => process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${text}\n`);

const sandbox = await startSandbox({ leadCount: 40_000, activityCount: 60_000, speed: SPEED, processingTicks: 2 });
say(`Marketo sandbox on ${sandbox.url}: ${sandbox.leads.length} leads and ${sandbox.activities.length} activities created Jan–Oct 2026 (clock ×${SPEED})`);
say(`Extract Leads: created ${RANGE.startAt} – ${RANGE.endAt}, through n8n's execution engine`);
const credentials = new CredentialStore();
credentials.set(CREDENTIAL_ID, { baseUrl: sandbox.restEndpoint, clientId: sandbox.clientId, clientSecret: sandbox.clientSecret });

// Marketo's side of the story, as it happens: every job state change the sandbox records.
let shown = 0;
const window = new Map();
const progress = setInterval(() => {
	for (const { exportId, to } of sandbox.jobs.transitions.slice(shown)) {
		const job = sandbox.jobs.jobs.get(exportId);
		if (!window.has(exportId)) window.set(exportId, window.size + 1);
		const range = job.spec.filter.createdAt;
		const extra = to === 'Completed' ? `, ${job.numberOfRecords} ${job.kind}, ${job.fileSize} bytes` : '';
		say(`  ${job.kind} job ${window.get(exportId)} (${range.startAt.slice(0, 10)} – ${range.endAt.slice(0, 10)}) ${to}${extra}`);
	}
	shown = sandbox.jobs.transitions.length;
}, 100);

try {
	const { nodes, connections } = marketoWorkflow({
		parameters: {
			operation: 'extractLeads',
			fields: FIELDS,
			format: 'CSV',
			filterType: 'createdAt',
			...RANGE,
			options: { pollIntervalSeconds: 1 },
		},
	});
	const { run } = await runWorkflow({ nodes, connections, credentials });
	const leads = outputOf(run, MARKETO_NODE);
	const leadJobs = sandbox.jobs.jobs.size;

	say(`Extract Activities: created in the same six months, the same engine, Marketo's queue shared`);
	const activityWorkflow = marketoWorkflow({
		parameters: { resource: 'activityExport', operation: 'extractActivities', ...RANGE, options: { pollIntervalSeconds: 1 } },
	});
	const { run: activityRun } = await runWorkflow({ ...activityWorkflow, credentials });
	const activities = outputOf(activityRun, MARKETO_NODE);
	clearInterval(progress);

	const outDir = join(process.cwd(), 'out');
	mkdirSync(outDir, { recursive: true });
	const outFile = join(outDir, 'demo-leads.json');
	writeFileSync(outFile, JSON.stringify(leads.map((item) => item.json), null, 2));
	const activitiesFile = join(outDir, 'demo-activities.json');
	writeFileSync(activitiesFile, JSON.stringify(activities.map((item) => item.json), null, 2));
	const expectedActivities = sandbox.activities.filter((a) => a.activityDate >= Date.parse(RANGE.startAt) && a.activityDate <= Date.parse(RANGE.endAt)).length;
	const expected = sandbox.leads.filter((l) => l.createdAt >= Date.parse(RANGE.startAt) && l.createdAt <= Date.parse(RANGE.endAt)).length;
	const multiLine = leads.filter((item) => typeof item.json.notes === 'string' && /[\r\n]/.test(item.json.notes)).length;
	const jobs = [...sandbox.jobs.jobs.values()];
	const hint = run.data.resultData.runData[MARKETO_NODE][0].hints?.[0]?.message ?? '';
	const activityHint = activityRun.data.resultData.runData[MARKETO_NODE][0].hints?.[0]?.message ?? '';

	console.log(`
Summary
  jobs (windows)  ${leadJobs} for leads, ${jobs.length - leadJobs} for activities, at most ${sandbox.jobs.maxProcessing} processing at once
  leads           ${leads.length} items (the sandbox holds ${expected} leads created in the range)
                  ${multiLine} with line breaks inside a quoted value
  activities      ${activities.length} items (the sandbox holds ${expectedActivities} in the range), attributes parsed
  bytes           ${jobs.reduce((sum, job) => sum + (job.fileSize ?? 0), 0)}, every file checked against its sha256
  API calls       ${sandbox.apiCalls().length} (+ ${sandbox.tokenRequests().length} token requests)
  time            ${((Date.now() - started) / 1000).toFixed(1)} s
  node's hints    ${hint}
                  ${activityHint}
  output          ${outFile}
                  ${activitiesFile}
First lead: ${JSON.stringify(leads[0]?.json)}
First activity: ${JSON.stringify(activities[0]?.json)}`);
} finally {
	clearInterval(progress);
	await sandbox.stop();
}
