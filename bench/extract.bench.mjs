/**
 * P3 (API economy) and P4 (windows in parallel): Extract Leads through n8n's
 * engine against the sandbox, whose clock runs 1200× (a 60-second Marketo tick
 * every 50 ms); the poll interval is one tick, as against real Marketo.
 */
import { startSandbox } from '../test/sandbox/server.mjs';
import { CredentialStore, outputOf, runWorkflow } from '../test/support/engine.mjs';
import { CREDENTIAL_ID, MARKETO_NODE, marketoWorkflow } from '../test/support/workflows.mjs';
import { median } from './stats.mjs';

const SPEED = 1200;
const TICK_S = 60 / SPEED;

async function extract(sandbox, parameters) {
	const credentials = new CredentialStore();
	credentials.set(CREDENTIAL_ID, { baseUrl: sandbox.restEndpoint, clientId: sandbox.clientId, clientSecret: sandbox.clientSecret });
	const { nodes, connections } = marketoWorkflow({
		parameters: { operation: 'extractLeads', fields: ['id', 'email', 'updatedAt'], filterType: 'createdAt', ...parameters, options: { pollIntervalSeconds: TICK_S, ...parameters.options } },
	});
	const started = Date.now();
	const { run } = await runWorkflow({ nodes, connections, credentials });
	return { ms: Date.now() - started, items: outputOf(run, MARKETO_NODE) };
}

/** P3: every call an extract makes, by kind, per job. */
export async function apiEconomy() {
	const rows = [];
	for (const [label, range, processingTicks] of [
		['1 window, job takes 1 tick', { startAt: '2026-03-01T00:00:00Z', endAt: '2026-03-20T00:00:00Z' }, 1],
		['1 window, job takes 5 ticks', { startAt: '2026-03-01T00:00:00Z', endAt: '2026-03-20T00:00:00Z' }, 5],
		['4 windows (95 days), 2 at once', { startAt: '2026-02-01T00:00:00Z', endAt: '2026-05-06T23:59:59Z' }, 2],
	]) {
		const sandbox = await startSandbox({ speed: SPEED, leadCount: 5000, processingTicks });
		try {
			await extract(sandbox, range);
			const count = (fragment) => sandbox.apiCalls(fragment).length;
			const jobs = count('/create.json');
			rows.push({
				extract: label,
				jobs,
				create: count('/create.json'),
				enqueue: count('/enqueue.json'),
				status: count('/status.json'),
				file: count('/file.json'),
				describe: count('/describe.json'),
				token: sandbox.tokenRequests().length,
				'calls per job': (sandbox.apiCalls().length / jobs).toFixed(1),
				'refused (602 etc.)': sandbox.apiCalls().filter((c) => c.errorCode).length,
			});
		} finally {
			await sandbox.stop();
		}
	}
	return rows;
}

/** P4: a year (12 windows, each job 4 ticks) with 2 jobs at once against 1 at a time. */
export async function windowsInParallel({ rounds = 3 } = {}) {
	const sandbox = await startSandbox({ speed: SPEED, leadCount: 12_000, processingTicks: 4, datasetStart: '2025-01-01T00:00:00Z', datasetEnd: '2026-01-01T00:00:00Z' });
	const year = { startAt: '2025-01-01T00:00:00Z', endAt: '2025-12-31T23:59:59Z' };
	const times = { 1: [], 2: [] };
	let jobs = 0;
	try {
		for (let round = 0; round < rounds; round++) {
			for (const concurrency of round % 2 ? [2, 1] : [1, 2]) {
				const before = sandbox.jobs.jobs.size;
				const { ms, items } = await extract(sandbox, { ...year, options: { concurrency } });
				jobs = sandbox.jobs.jobs.size - before;
				if (items.length !== 12_000) throw new Error(`expected 12000 leads, got ${items.length}`);
				times[concurrency].push(ms);
			}
		}
	} finally {
		await sandbox.stop();
	}
	const sequential = median(times[1]);
	const parallel = median(times[2]);
	return [
		{ 'Jobs at Once': 1, jobs, 'median ms': sequential, 'vs one at a time': '1.00' },
		{ 'Jobs at Once': 2, jobs, 'median ms': parallel, 'vs one at a time': (parallel / sequential).toFixed(2) },
	];
}

if (process.argv[1] === import.meta.filename) {
	console.table(await apiEconomy());
	console.table(await windowsInParallel());
}
