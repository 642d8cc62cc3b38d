/**
 * `npm run demo`: a Marketo export from start to finish, with no Marketo
 * account and no n8n install. The sandbox plays Marketo on 127.0.0.1 (its
 * clock running 60× faster so the 60-second status ticks pass quickly); the
 * node runs inside n8n-core's real execution engine: Create Job → Enqueue Job
 * → Get Job Status until Completed → Get Job File, one item per lead.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { startSandbox } from '../test/sandbox/server.mjs';
import { CredentialStore, outputOf, runWorkflow } from '../test/support/engine.mjs';
import { CREDENTIAL_ID, MARKETO_NODE, marketoWorkflow } from '../test/support/workflows.mjs';

const SPEED = 60;
const FIELDS = ['id', 'email', 'firstName', 'lastName', 'company', 'title', 'leadScore', 'unsubscribed', 'notes', 'createdAt', 'updatedAt'];
const started = Date.now();
const say = (text) => process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${text}\n`);

const sandbox = await startSandbox({ leadCount: 30_000, speed: SPEED, processingTicks: 2 });
say(`Marketo sandbox on ${sandbox.url}: ${sandbox.leads.length} leads created Jan–Oct 2026 (clock ×${SPEED})`);
const credentials = new CredentialStore();
credentials.set(CREDENTIAL_ID, { baseUrl: sandbox.restEndpoint, clientId: sandbox.clientId, clientSecret: sandbox.clientSecret });

async function step(parameters) {
	const { nodes, connections } = marketoWorkflow({ parameters });
	const { run } = await runWorkflow({ nodes, connections, credentials });
	return outputOf(run, MARKETO_NODE);
}

try {
	const [created] = await step({
		operation: 'createJob',
		fields: FIELDS,
		format: 'CSV',
		filterType: 'createdAt',
		startAt: '2026-03-01T00:00:00Z',
		endAt: '2026-03-31T23:59:59Z',
	});
	const { exportId } = created.json;
	say(`Create Job: export ${exportId} is ${created.json.status} (leads created in March 2026)`);
	say(`Enqueue Job: ${(await step({ operation: 'enqueueJob', exportId }))[0].json.status}`);

	let status;
	for (;;) {
		[status] = await step({ operation: 'getJobStatus', exportId });
		say(`Get Job Status: ${status.json.status}`);
		if (!['Created', 'Queued', 'Processing'].includes(status.json.status)) break;
		await new Promise((resolve) => setTimeout(resolve, 60_000 / SPEED));
	}
	if (status.json.status !== 'Completed') throw new Error(`the job ended ${status.json.status}`);

	const leads = await step({ operation: 'getJobFile', exportId });
	const outDir = join(process.cwd(), 'out');
	mkdirSync(outDir, { recursive: true });
	const outFile = join(outDir, 'demo-leads.json');
	writeFileSync(outFile, JSON.stringify(leads.map((item) => item.json), null, 2));
	const multiLine = leads.filter((item) => typeof item.json.notes === 'string' && /[\r\n]/.test(item.json.notes)).length;

	say(`Get Job File: ${leads.length} leads parsed (Marketo reported ${status.json.numberOfRecords})`);
	console.log(`
Summary
  export job      ${exportId}
  leads           ${leads.length} (${multiLine} with line breaks inside a value)
  file            ${status.json.fileSize} bytes, ${status.json.fileChecksum} (verified)
  API calls       ${sandbox.apiCalls().length} (+ ${sandbox.tokenRequests().length} token request)
  time            ${((Date.now() - started) / 1000).toFixed(1)} s
  output          ${outFile}
First lead: ${JSON.stringify(leads[0]?.json)}`);
} finally {
	await sandbox.stop();
}
