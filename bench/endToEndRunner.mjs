/**
 * One P2 scenario in a process of its own, so its peak RSS is its own:
 *   items | items-raw | binary: Extract Leads through n8n's engine (output
 *          items with values converted, items as Marketo's text, or files);
 *   floor: the same export without n8n: create, enqueue and poll the job
 *          with plain HTTP calls, then download the file into this package's
 *          parser, the records kept in an array.
 * `--columns N` exports the first N lead fields (bench/data.mjs); `--kind activities`
 * exports activities (Marketo's eight standard columns) instead of leads.
 * Prints one JSON line: { mode, ms, records, bytes, baselineRssMb, peakRssMb }.
 */
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

import { fieldsOfWidth } from './data.mjs';

const { values } = parseArgs({
	options: {
		mode: { type: 'string' },
		sandbox: { type: 'string' },
		start: { type: 'string' },
		end: { type: 'string' },
		columns: { type: 'string', default: '12' },
		kind: { type: 'string', default: 'leads' },
	},
});
const sandbox = JSON.parse(values.sandbox);
const range = { startAt: values.start, endAt: values.end };
const ACTIVITIES = values.kind === 'activities';
const FIELDS = fieldsOfWidth(Number(values.columns)).map((field) => field.rest.name);
/** The export's path, and the node parameters that define it, by kind. */
const EXPORT_PATH = ACTIVITIES ? '/bulk/v1/activities/export' : '/bulk/v1/leads/export';
const DEFINITION = ACTIVITIES
	? { resource: 'activityExport', operation: 'extractActivities' }
	: { operation: 'extractLeads', fields: FIELDS, filterType: 'createdAt' };
const CREATE_BODY = ACTIVITIES ? { format: 'CSV', filter: { createdAt: range } } : { fields: FIELDS, format: 'CSV', filter: { createdAt: range } };

const rssMb = () => process.memoryUsage().rss / 1024 / 1024;

async function viaN8n(output, typedValues = true) {
	const { CredentialStore, outputOf, runWorkflow } = await import('../test/support/engine.mjs');
	const { CREDENTIAL_ID, MARKETO_NODE, marketoWorkflow } = await import('../test/support/workflows.mjs');
	const credentials = new CredentialStore();
	credentials.set(CREDENTIAL_ID, { baseUrl: sandbox.restEndpoint, clientId: sandbox.clientId, clientSecret: sandbox.clientSecret });
	const { nodes, connections } = marketoWorkflow({
		parameters: { ...DEFINITION, ...range, output, options: { pollIntervalSeconds: 0.01, maxItems: 50_000_000, maxMemoryMb: 1_000_000, typedValues } },
	});
	const baselineRssMb = rssMb();
	const started = performance.now();
	const { run } = await runWorkflow({ nodes, connections, credentials });
	const ms = performance.now() - started;
	const items = outputOf(run, MARKETO_NODE);
	const bytes = output === 'binary' ? items.reduce((sum, item) => sum + item.binary.data.bytes, 0) : undefined;
	return { ms, records: output === 'items' ? items.length : undefined, bytes, baselineRssMb };
}

async function json(method, path, body, token) {
	const response = await fetch(sandbox.url + path, {
		method,
		headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
		body: body ? JSON.stringify(body) : undefined,
	});
	return await response.json();
}

async function floor() {
	const require = createRequire(import.meta.url);
	const { ExportFileReader } = require('../dist/nodes/MarketoBulkExtract/csv/exportFileReader.js');
	const newToken = async () => {
		const response = await fetch(`${sandbox.url}/identity/oauth/token`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({ grant_type: 'client_credentials', client_id: sandbox.clientId, client_secret: sandbox.clientSecret }),
		});
		return (await response.json()).access_token;
	};
	// Timed from the job's creation, as the node's run is: both wait for the same sandbox ticks.
	const baselineRssMb = rssMb();
	const started = performance.now();
	let token = await newToken();
	const created = await json('POST', `${EXPORT_PATH}/create.json`, CREATE_BODY, token);
	const { exportId } = created.result[0];
	await json('POST', `${EXPORT_PATH}/${exportId}/enqueue.json`, undefined, token);
	for (;;) {
		// A token may die while the sandbox builds a large file (602): the next round takes a new one.
		const status = (await json('GET', `${EXPORT_PATH}/${exportId}/status.json`, undefined, token)).result?.[0];
		if (status?.status === 'Completed') break;
		// The sandbox's clock runs fast: a token may expire while it builds a large file.
		token = await newToken();
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
	token = await newToken();
	const { records, bytes } = await new Promise((resolve, reject) => {
		request(`${sandbox.url}${EXPORT_PATH}/${exportId}/file.json`, { headers: { Authorization: `Bearer ${token}` } }, (response) => {
			// The records are kept, as any caller of a parser keeps them.
			const reader = new ExportFileReader('CSV', undefined, true);
			const records = [];
			let size = 0;
			response.on('data', (chunk) => {
				size += chunk.length;
				reader.push(chunk, records);
			});
			response.on('end', () => {
				reader.end(records);
				resolve({ records: records.length, bytes: size });
			});
			response.on('error', reject);
		})
			.on('error', reject)
			.end();
	});
	return { ms: performance.now() - started, records, bytes, baselineRssMb };
}

const result =
	values.mode === 'floor' ? await floor() : values.mode === 'items-raw' ? await viaN8n('items', false) : await viaN8n(values.mode);
const peakRssMb = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${JSON.stringify({ mode: values.mode, ...result, ms: Math.round(result.ms), peakRssMb: Math.round(peakRssMb), baselineRssMb: Math.round(result.baselineRssMb) })}\n`);
process.exit(0);
