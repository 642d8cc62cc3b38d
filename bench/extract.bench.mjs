/**
 * P3 (API economy) and P4 (windows in parallel): Extract Leads through n8n's
 * engine against the sandbox, whose clock runs 1200× (a 60-second Marketo tick
 * every 50 ms); the poll interval is one tick, as against real Marketo.
 */
import { generateLeads } from '../test/sandbox/dataset.mjs';
import { startSandbox } from '../test/sandbox/server.mjs';
import { CredentialStore, JournalStore, outputOf, runWorkflow } from '../test/support/engine.mjs';
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

const DAY = 86_400_000;
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * P5: quota efficiency of a catch-up sync. A backlog of three years of leads
 * (36 windows of about 1,000) drains over scheduled runs of Since Last Run;
 * Marketo's quota counts every byte of every completed job. Efficiency is the
 * bytes Marketo exported (every completed job's file) over the bytes the runs
 * delivered (their summaries): 1.00 means no byte exported twice or for nothing.
 */
export async function quotaEfficiency() {
	const end = Date.now() - 3600_000;
	const start = Math.floor((end - 36 * 31 * DAY) / DAY) * DAY;
	const spread = generateLeads({ seed: 11, count: 36_000, start: iso(start), end: iso(end) });
	// Window 10 with 500 leads more: 1,500, more than Max Items 1,200 on its own.
	const denseStart = start + 9 * 31 * DAY;
	const burst = generateLeads({ seed: 12, count: 500, start: iso(denseStart + DAY), end: iso(denseStart + 30 * DAY) }).map((lead) => ({ ...lead, id: lead.id + 1_000_000 }));
	const rows = [];
	for (const [label, leads, options, quotaWindows] of [
		['Max Items 2,500 (about 2.5 windows a run)', spread, { maxItems: 2500 }, 0],
		['daily quota of about 3 windows (a day between runs)', spread, {}, 3],
		['Max Items 1,200, one window of 1,500 leads (one split)', [...spread, ...burst].sort((a, b) => a.createdAt - b.createdAt), { maxItems: 1200 }, 0],
	]) {
		const sandbox = await startSandbox({ speed: SPEED, leads });
		try {
			const credentials = new CredentialStore();
			credentials.set(CREDENTIAL_ID, { baseUrl: sandbox.restEndpoint, clientId: sandbox.clientId, clientSecret: sandbox.clientSecret });
			if (quotaWindows) {
				const probe = sandbox.completedJob({ fields: ['id', 'email', 'createdAt'], filter: { createdAt: { startAt: iso(start), endAt: iso(start + 31 * DAY - 1000) } } });
				sandbox.jobs.jobs.clear();
				sandbox.settings.dailyQuotaBytes = probe.fileSize * quotaWindows;
			}
			const { nodes, connections } = marketoWorkflow({
				parameters: {
					operation: 'extractLeads',
					fields: ['id', 'email', 'createdAt'],
					filterType: 'createdAt',
					rangeMode: 'sinceLastRun',
					firstRunStartAt: iso(start),
					options: { pollIntervalSeconds: TICK_S, maxWaitMinutes: 5, maxJobs: 100, ...options },
				},
			});
			const staticData = {};
			const journal = new JournalStore();
			let runs = 0;
			let delivered = 0;
			let records = 0;
			let failures = 0;
			for (; runs < 200; ) {
				runs++;
				const { run } = await runWorkflow({ nodes, connections, credentials, mode: 'trigger', staticData, journal });
				const task = run.data.resultData.runData[MARKETO_NODE][0];
				if (task.error) failures++;
				records += task.data?.main?.[0]?.length ?? 0;
				const hints = task.hints ?? [];
				delivered += Number(/(\d+) bytes/.exec(hints.find((hint) => hint.type === 'info')?.message ?? '')?.[1] ?? 0);
				if (!hints.some((hint) => /not caught up/.test(hint.message))) break;
				if (quotaWindows) sandbox.clock.advance(DAY);
			}
			const completed = [...sandbox.jobs.jobs.values()].filter((job) => job.status === 'Completed');
			const exported = completed.reduce((sum, job) => sum + job.fileSize, 0);
			if (records !== leads.length) throw new Error(`${label}: ${records} leads delivered of ${leads.length}`);
			rows.push({
				backlog: label,
				runs,
				'failed runs': failures,
				'jobs completed': completed.length,
				'bytes exported': exported,
				'bytes delivered': delivered,
				efficiency: (exported / delivered).toFixed(3),
			});
		} finally {
			await sandbox.stop();
		}
	}
	return rows;
}

if (process.argv[1] === import.meta.filename) {
	console.table(await apiEconomy());
	console.table(await windowsInParallel());
	console.table(await quotaEfficiency());
}
