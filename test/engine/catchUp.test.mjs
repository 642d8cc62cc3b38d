/**
 * Catch-up syncs: a Since Last Run backlog larger than one run drains over
 * scheduled runs. Each run delivers the longest run of consecutive windows
 * that fits its limits, moves the position to the end of the last, and ends
 * successfully with a warning saying what remains; the next goes on from
 * there. Every limit is met here (Max Items, Max Memory, Max Jobs, Max Wait,
 * the daily export quota), for every kind, with the schedule run to the end:
 * every record arrives once, every window's job completes once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { JournalStore, loggedLines } from '../support/engine.mjs';
import { sandboxFixture } from '../support/sandboxFixture.mjs';
import { generateLeads } from '../sandbox/dataset.mjs';

const SPEED = 1200;
const DAY = 86_400_000;
const FAST = { pollIntervalSeconds: 0.05, maxWaitMinutes: 2 };
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
/** Ten 31-day windows back from about now. */
const NOW = Date.now();
const BACKLOG_START = iso(Math.floor((NOW - 300 * DAY) / DAY) * DAY);
const CAUGHT_UP = /Since Last Run has not caught up yet/;

const KINDS = {
	leadsByCreatedAt: {
		parameters: { operation: 'extractLeads', fields: ['id', 'email', 'createdAt'], filterType: 'createdAt' },
		records: (sandbox) => sandbox.leads,
		date: (lead) => lead.createdAt,
		key: (json) => String(json.id),
		keyOf: (lead) => String(lead.id),
		filter: 'createdAt',
	},
	leadsByUpdatedAt: {
		parameters: { operation: 'extractLeads', fields: ['id', 'email', 'updatedAt'], filterType: 'updatedAt' },
		records: (sandbox) => sandbox.leads,
		date: (lead) => lead.updatedAt,
		key: (json) => String(json.id),
		keyOf: (lead) => String(lead.id),
		filter: 'updatedAt',
	},
	activities: {
		parameters: { resource: 'activityExport', operation: 'extractActivities', fields: ['marketoGUID', 'leadId', 'activityDate', 'activityTypeId'] },
		records: (sandbox) => sandbox.activities,
		date: (activity) => activity.activityDate,
		key: (json) => String(json.marketoGUID),
		keyOf: (activity) => String(activity.marketoGUID),
		filter: 'createdAt',
	},
	programMembers: {
		parameters: { resource: 'programMemberExport', operation: 'extractProgramMembers', programIds: [1021], fields: ['leadId', 'statusName', 'updatedAt'], dateFilter: 'updatedAt' },
		records: (sandbox) => sandbox.programMembers.filter((member) => member.programId === 1021),
		date: (member) => member.updatedAt,
		key: (json) => String(json.leadId),
		keyOf: (member) => String(member.leadId),
		filter: 'updatedAt',
	},
	customObjects: {
		parameters: { resource: 'customObjectExport', operation: 'extractCustomObjects', customObjectName: 'car_c', fields: ['marketoGUID', 'make', 'updatedAt'], filterType: 'updatedAt' },
		records: (sandbox) => sandbox.customObjectRecords.car_c,
		date: (car) => car.updatedAt,
		key: (json) => String(json.marketoGUID),
		keyOf: (car) => String(car.marketoGUID),
		filter: 'updatedAt',
	},
};

const parametersFor = (kind, options = {}) => ({
	...KINDS[kind].parameters,
	rangeMode: 'sinceLastRun',
	firstRunStartAt: BACKLOG_START,
	options: { ...FAST, ...options },
});

const hintsOf = (result) => result.run.data.resultData.runData.Marketo?.[0]?.hints ?? [];
const bytesOf = (result) => Number(/(\d+) bytes/.exec(hintsOf(result).find((hint) => hint.type === 'info')?.message ?? '')?.[1] ?? 0);

/**
 * Runs the node as its schedule would, run after run with the same static data
 * and store, until a run ends without the catch-up warning. Every run must
 * succeed. `between(i)` runs after run i (the quota's day passes, a job ends).
 */
async function drain(fixture, parameters, { journal = new JournalStore(), staticData = {}, maxRuns = 30, between } = {}) {
	const runs = [];
	for (let i = 0; i < maxRuns; i++) {
		const jobsBefore = fixture.sandbox.jobs.jobs.size;
		const callsBefore = fixture.sandbox.log.length;
		const result = await fixture.run(parameters, { mode: 'trigger', staticData, journal });
		const error = result.error();
		assert.equal(error, undefined, `run ${i + 1} failed: ${error?.message} ${error?.description ?? ''}`);
		const warning = hintsOf(result).find((hint) => CAUGHT_UP.test(hint.message));
		runs.push({
			items: result.items(),
			warning: warning?.message,
			warningType: warning?.type,
			bytes: bytesOf(result),
			created: [...fixture.sandbox.jobs.jobs.values()].slice(jobsBefore),
			calls: fixture.sandbox.log.slice(callsBefore).filter((entry) => entry.kind !== 'token'),
		});
		if (!warning) return runs;
		await between?.(i, runs.at(-1));
	}
	assert.fail(`the backlog did not drain in ${maxRuns} runs`);
}

/** Each record of the range exactly once, across all runs. */
function assertEveryRecordOnce(kind, sandbox, runs, start, end) {
	const { records, date, key, keyOf } = KINDS[kind];
	const delivered = runs.flatMap((run) => run.items.map((item) => key(item.json)));
	assert.equal(new Set(delivered).size, delivered.length, 'no record was delivered twice');
	const expected = records(sandbox)
		.filter((record) => date(record) >= Date.parse(start) && date(record) <= end)
		.map(keyOf)
		.sort();
	assert.ok(expected.length > 0);
	assert.deepEqual([...delivered].sort(), expected);
}

/**
 * The completed jobs of a filter since `since`: whether their file was
 * downloaded (a window too large to output is exported once and never
 * downloaded), sorted by window.
 */
function completedWindows(sandbox, filter, since = 0) {
	return [...sandbox.jobs.jobs.values()]
		.slice(since)
		.filter((job) => job.status === 'Completed' && job.spec.filter?.[filter])
		.map((job) => ({
			start: Date.parse(job.spec.filter[filter].startAt),
			end: Date.parse(job.spec.filter[filter].endAt),
			fileSize: job.fileSize,
			// A ranged read of the first bytes checks an adopted file's header; it is no download.
			downloaded: sandbox.servedCalls(`${job.exportId}/file`).some((call) => !/^bytes=0-\d+$/.test(call.range ?? '')),
		}))
		.sort((a, b) => a.start - b.start);
}

/**
 * The downloaded windows tile the range (each second once), and every byte
 * Marketo exported was delivered once, but for the windows found too large:
 * one for each split a run reported. Quota efficiency is 1.00 without splits.
 */
function assertQuotaSpentOnce(windows, runs, start) {
	assertTiled(windows.filter((window) => window.downloaded), start);
	const tooLarge = windows.filter((window) => !window.downloaded);
	assert.equal(tooLarge.length, runs.filter((run) => /alone holds/.test(run.warning ?? '')).length, 'only a window reported too large was not downloaded');
	const exported = windows.reduce((sum, window) => sum + window.fileSize, 0);
	const delivered = runs.reduce((sum, run) => sum + run.bytes, 0);
	assert.equal(exported - tooLarge.reduce((sum, window) => sum + window.fileSize, 0), delivered, 'every byte of a delivered window was exported once');
	return { exported, delivered };
}

function assertTiled(windows, start) {
	let next = Date.parse(start);
	for (const window of windows) {
		assert.equal(window.start, next, `the window from ${iso(window.start)} follows the one before it without a gap or an overlap`);
		next = window.end + 1000;
	}
	return next - 1000;
}

describe('catch-up syncs: a backlog larger than one run drains over scheduled runs', () => {
	let fixture;
	before(async () => {
		// Wide leads (42 fields), as instances have them, for Max Memory.
		fixture = await sandboxFixture({ speed: SPEED, customFields: 30, leadCount: 1000, activityCount: 1500, datasetStart: BACKLOG_START, datasetEnd: iso(NOW - 3600_000), datasetUpdatedUntil: iso(NOW - 60_000) });
	});
	after(() => fixture.stop());

	for (const kind of Object.keys(KINDS)) {
		it(`${kind}: Max Items smaller than the backlog; every run succeeds, each record arrives once, each window is exported once`, async () => {
			const { sandbox } = fixture;
			const since = sandbox.jobs.jobs.size;
			const perWindow = Math.ceil(KINDS[kind].records(sandbox).length / 10);
			const runs = await drain(fixture, parametersFor(kind, { maxItems: Math.round(perWindow * 2.5) }));
			assert.ok(runs.length >= 3, `${runs.length} runs: the backlog needed several`);
			for (const run of runs.slice(0, -1)) {
				assert.equal(run.warningType, 'warning');
				assert.match(run.warning, /(with window \d+\/\d+ .* the output would hold|window \d+\/\d+ .* alone holds) \d+ [a-z ]+, more than Max Items/);
				assert.match(run.warning, /It delivered \d+ windows?, up to \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ; \d+ windows? remains? up to .*, about \d+ more runs? like this one\. The next run goes on from/);
			}
			const lastEnd = Math.max(...runs.at(-1).created.map((job) => Date.parse(job.spec.filter[KINDS[kind].filter].endAt)), 0);
			assertEveryRecordOnce(kind, sandbox, runs, BACKLOG_START, lastEnd || Date.now());
			assertQuotaSpentOnce(completedWindows(sandbox, KINDS[kind].filter, since), runs, BACKLOG_START);
		});
	}

	it('windows that complete out of order are never delivered across a gap; the next run adopts the later one', async () => {
		const { sandbox } = fixture;
		const since = sandbox.jobs.jobs.size;
		const firstStart = BACKLOG_START;
		const slow = new Set();
		sandbox.settings.processingTicks = (job) => (job.spec.filter.createdAt?.startAt === firstStart && slow.size === 0 && slow.add(job.exportId) ? 1_000_000 : 1);
		try {
			const journal = new JournalStore();
			const staticData = {};
			const parameters = parametersFor('leadsByCreatedAt', { maxWaitMinutes: 0.03 });
			const first = await fixture.run(parameters, { mode: 'trigger', staticData, journal });
			assert.equal(first.error(), undefined, first.error()?.message);
			assert.deepEqual(first.items(), [], 'window 2 completed, window 1 did not: nothing is delivered across the gap');
			const warning = hintsOf(first).find((hint) => CAUGHT_UP.test(hint.message))?.message;
			assert.match(warning, /Marketo had not finished window 1\/\d+ .* within Max Wait \(Minutes\)/);
			assert.match(warning, /delivered nothing; the position stays at/);
			const left = [...sandbox.jobs.jobs.values()].slice(since);
			assert.ok(left.some((job) => job.status === 'Completed'), 'a later window completed');
			assert.ok(left.every((job) => job.status !== 'Cancelled'), 'nothing was cancelled: the jobs wait for the next run');
			assert.match(warning, /It adopts the jobs this run left in Marketo/);
			// Marketo finishes window 1 now.
			for (const id of slow) sandbox.jobs.jobs.get(id).ticksLeft = 1;
			const runs = await drain(fixture, parametersFor('leadsByCreatedAt'), { journal, staticData });
			for (const job of left) assert.equal(sandbox.servedCalls(`${job.exportId}/enqueue`).length, 1, 'each job left was adopted, not created again');
			assertEveryRecordOnce('leadsByCreatedAt', sandbox, runs, BACKLOG_START, Date.now());
			assertQuotaSpentOnce(completedWindows(sandbox, 'createdAt', since), runs, BACKLOG_START);
		} finally {
			sandbox.settings.processingTicks = 1;
		}
	});

	it('Max Wait: the jobs still queued are left for the next run, which adopts them', async () => {
		const { sandbox } = fixture;
		const since = sandbox.jobs.jobs.size;
		const journal = new JournalStore();
		const staticData = {};
		sandbox.jobs.stuck = true;
		let first;
		try {
			first = await fixture.run(parametersFor('leadsByCreatedAt', { maxWaitMinutes: 0.02 }), { mode: 'trigger', staticData, journal });
		} finally {
			sandbox.jobs.stuck = false;
		}
		assert.equal(first.error(), undefined, first.error()?.message);
		const queued = [...sandbox.jobs.jobs.values()].slice(since);
		assert.equal(queued.length, 2, 'two jobs at once, the rest not created');
		assert.ok(queued.every((job) => job.status === 'Queued'), 'left queued, not cancelled');
		const runs = await drain(fixture, parametersFor('leadsByCreatedAt'), { journal, staticData });
		for (const job of queued) assert.equal(job.status, 'Completed');
		assertEveryRecordOnce('leadsByCreatedAt', sandbox, runs, BACKLOG_START, Date.now());
		assertQuotaSpentOnce(completedWindows(sandbox, 'createdAt', since), runs, BACKLOG_START);
	});

	it('Max Jobs: each run takes that many windows and leaves the rest', async () => {
		const { sandbox } = fixture;
		const since = sandbox.jobs.jobs.size;
		const runs = await drain(fixture, parametersFor('leadsByCreatedAt', { maxJobs: 3 }));
		assert.equal(runs.length, 4, 'ten windows, three a run');
		for (const run of runs.slice(0, -1)) {
			assert.equal(run.created.length, 3);
			assert.match(run.warning, /one run exports at most 3 windows \(Max Jobs\); the range holds \d+/);
		}
		assertEveryRecordOnce('leadsByCreatedAt', sandbox, runs, BACKLOG_START, Date.now());
		assertQuotaSpentOnce(completedWindows(sandbox, 'createdAt', since), runs, BACKLOG_START);
	});

	it('Max Memory stops a run like Max Items', async () => {
		const { sandbox } = fixture;
		const since = sandbox.jobs.jobs.size;
		const parameters = { ...parametersFor('leadsByCreatedAt', { maxMemoryMb: 1 }), fields: sandbox.leadFields.map((field) => field.rest.name) };
		const runs = await drain(fixture, parameters, { maxRuns: 40 });
		assert.ok(runs.length >= 3, `${runs.length} runs: about three windows of wide leads fit in 1 MB`);
		for (const run of runs.slice(0, -1)) assert.match(run.warning, /the output would hold about \d+ MB as items \(\d+ leads × \d+ columns\), more than Max Memory \(MB\) \(1\)/);
		assertEveryRecordOnce('leadsByCreatedAt', sandbox, runs, BACKLOG_START, Date.now());
		assertQuotaSpentOnce(completedWindows(sandbox, 'createdAt', since), runs, BACKLOG_START);
	});

	it('Fixed Dates keeps failing at a limit: the user asked for that exact range', async () => {
		const { error } = await fixture.run({ ...KINDS.leadsByCreatedAt.parameters, startAt: BACKLOG_START, endAt: iso(NOW - DAY), options: { ...FAST, maxItems: 100 } });
		assert.match(error()?.message ?? '', /The export holds more than 100 leads \(Max Items\)/);
	});
});

describe('catch-up syncs at the daily export quota', () => {
	let fixture;
	before(async () => {
		fixture = await sandboxFixture({ speed: SPEED, leadCount: 1000, datasetStart: BACKLOG_START, datasetEnd: iso(NOW - 3600_000) });
	});
	after(() => fixture.stop());

	it('a run that meets the quota delivers what was exported and names the reset; a run that finds it spent creates nothing', async () => {
		const { sandbox } = fixture;
		// About three windows' files a day.
		const windowBytes = sandbox.completedJob({ fields: ['id', 'email', 'createdAt'], filter: { createdAt: { startAt: BACKLOG_START, endAt: iso(Date.parse(BACKLOG_START) + 31 * DAY - 1000) } } }).fileSize;
		sandbox.jobs.jobs.clear();
		sandbox.settings.dailyQuotaBytes = windowBytes * 2.5;
		const journal = new JournalStore();
		const staticData = {};
		const parameters = parametersFor('leadsByCreatedAt', { maxJobs: 1000 });
		let spentRun;
		const runs = await drain(fixture, parameters, {
			journal,
			staticData,
			between: async (i, run) => {
				assert.match(run.warning, /Marketo's daily export quota \(500 MB unless Adobe raised it, shared with every integration\) is spent, so window \d+\/\d+/);
				assert.match(run.warning, /The next run after the quota resets \(it resets at \d{4}-\d\d-\d\d 00:00 America\/Chicago/);
				if (i === 0) {
					// Before the day passes: a run finds the quota spent.
					const jobsBefore = sandbox.jobs.jobs.size;
					const callsBefore = sandbox.log.length;
					spentRun = await fixture.run(parameters, { mode: 'trigger', staticData, journal });
					assert.equal(spentRun.error(), undefined, spentRun.error()?.message);
					assert.deepEqual(spentRun.items(), []);
					assert.equal(sandbox.jobs.jobs.size, jobsBefore, 'it created nothing');
					const calls = sandbox.log.slice(callsBefore).filter((entry) => entry.kind !== 'token');
					// The describe that checks its fields before any job, then the create Marketo refuses: two calls, not dozens.
					assert.deepEqual(calls.map((call) => call.path), ['/rest/v1/leads/describe.json', '/bulk/v1/leads/export/create.json'], 'two calls to Marketo, not dozens');
					assert.match(hintsOf(spentRun).find((hint) => CAUGHT_UP.test(hint.message))?.message, /quota .* is spent.*delivered nothing/);
				}
				sandbox.clock.advance(DAY);
			},
		});
		assert.ok(runs.length >= 3, `${runs.length} runs at about two and a half windows a day`);
		for (const run of runs.slice(0, -1)) assert.ok(run.items.length > 0, 'each day delivered');
		assertEveryRecordOnce('leadsByCreatedAt', sandbox, runs, BACKLOG_START, Date.now());
		const { exported, delivered } = assertQuotaSpentOnce(completedWindows(sandbox, 'createdAt'), runs, BACKLOG_START);
		assert.equal(exported, delivered, 'quota efficiency 1.00');
		assert.deepEqual([...sandbox.jobs.jobs.values()].filter((job) => job.status === 'Created'), [], 'no job was left behind, never enqueued');
		sandbox.settings.dailyQuotaBytes = 500 * 1024 * 1024;
	});

	it('the quota running out while a job waits (Marketo fails it): the run ends successfully there, and the window is exported again after the reset', async () => {
		const { sandbox } = fixture;
		const since = sandbox.jobs.jobs.size;
		const journal = new JournalStore();
		const staticData = {};
		const parameters = { ...parametersFor('leadsByCreatedAt'), firstRunStartAt: iso(Date.parse(BACKLOG_START) + 250 * DAY) };
		sandbox.jobs.failures.set('*next*', 'Export daily quota 500MB exceeded.');
		const first = await fixture.run(parameters, { mode: 'trigger', staticData, journal });
		sandbox.jobs.failures.clear();
		assert.equal(first.error(), undefined, first.error()?.message);
		assert.deepEqual(first.items(), []);
		const warning = hintsOf(first).find((hint) => CAUGHT_UP.test(hint.message))?.message;
		assert.match(warning, /quota .* is spent, so window 1\/\d+ .* was not exported\. It delivered nothing/);
		const failed = [...sandbox.jobs.jobs.values()].slice(since).filter((job) => job.status === 'Failed');
		assert.equal(failed.length, 1);
		const runs = await drain(fixture, parameters, { journal, staticData });
		assertEveryRecordOnce('leadsByCreatedAt', sandbox, runs, parameters.firstRunStartAt, Date.now());
		assertTiled(completedWindows(sandbox, 'createdAt', since), parameters.firstRunStartAt);
	});

	it('the quota met at enqueue: the job just created is cancelled, so the window gets one job when the quota resets', async () => {
		const { sandbox } = fixture;
		const since = sandbox.jobs.jobs.size;
		const journal = new JournalStore();
		const staticData = {};
		const parameters = { ...parametersFor('leadsByCreatedAt'), firstRunStartAt: iso(Date.parse(BACKLOG_START) + 200 * DAY) };
		sandbox.addFault({ path: '/enqueue.json', nth: 2, envelopeError: { code: '1029', message: 'Export daily quota 500MB exceeded.' } });
		const first = await fixture.run(parameters, { mode: 'trigger', staticData, journal });
		sandbox.clearFaults();
		assert.equal(first.error(), undefined, first.error()?.message);
		const warning = hintsOf(first).find((hint) => CAUGHT_UP.test(hint.message))?.message;
		assert.match(warning, /quota .* is spent, so window 2\/\d+ .* was not exported\. It delivered 1 window/);
		const made = [...sandbox.jobs.jobs.values()].slice(since);
		assert.deepEqual(made.map((job) => job.status), ['Completed', 'Cancelled'], 'the job the quota refused to enqueue was cancelled');
		const runs = await drain(fixture, parameters, { journal, staticData });
		assertEveryRecordOnce('leadsByCreatedAt', sandbox, [{ items: first.items() }, ...runs], parameters.firstRunStartAt, Date.now());
		const windows = completedWindows(sandbox, 'createdAt', since);
		assertTiled(windows, parameters.firstRunStartAt);
		assert.ok(windows.every((window) => window.downloaded));
	});
});

describe('a window too large for one run', () => {
	let fixture;
	const dense = { start: 0, end: 0 };
	before(async () => {
		const end = NOW - 3600_000;
		const spread = generateLeads({ seed: 7, count: 300, start: BACKLOG_START, end: iso(end) });
		// One month holds four times as many leads as any other.
		dense.start = Date.parse(BACKLOG_START) + 4 * 31 * DAY;
		dense.end = dense.start + 31 * DAY - 1000;
		const burst = generateLeads({ seed: 8, count: 150, start: iso(dense.start + DAY), end: iso(dense.end - DAY) }).map((lead) => ({ ...lead, id: lead.id + 100_000 }));
		fixture = await sandboxFixture({ speed: SPEED, leads: [...spread, ...burst].sort((a, b) => a.createdAt - b.createdAt) });
	});
	after(() => fixture.stop());

	it('is exported in halves by the next run; the hint says its first export’s quota was spent; nothing is lost', async () => {
		const { sandbox } = fixture;
		const runs = await drain(fixture, parametersFor('leadsByCreatedAt', { maxItems: 120 }));
		const splitRun = runs.find((run) => /alone holds/.test(run.warning ?? ''));
		assert.ok(splitRun, 'a run found the dense window too large');
		assert.match(splitRun.warning, /window \d+\/\d+ \(.*\) alone holds \d+ leads, more than Max Items \(120\)\. The next run exports it in windows of 15\.5 days; the quota Marketo counted for its file \(\d+ bytes\) was spent without output\./);
		assertEveryRecordOnce('leadsByCreatedAt', sandbox, runs, BACKLOG_START, Date.now());
		const windows = completedWindows(sandbox, 'createdAt');
		const tooLarge = windows.filter((window) => !window.downloaded);
		assert.deepEqual(tooLarge.map((window) => [iso(window.start), iso(window.end)]), [[iso(dense.start), iso(dense.end)]], 'the dense month was exported whole once, and never adopted');
		const { exported, delivered } = assertQuotaSpentOnce(windows, runs, BACKLOG_START);
		assert.ok(exported / delivered <= 1.5, `quota efficiency ${exported / delivered}`);
		assert.ok(loggedLines.some((line) => /Since Last Run has not caught up yet/.test(line)), 'the log says it too');
	});

	it('a window of an hour still too large fails the run: no run could deliver it', async () => {
		const { sandbox } = fixture;
		const hour = Date.parse(BACKLOG_START) + 4 * 31 * DAY + 2 * DAY;
		const crowd = Array.from({ length: 30 }, (_, i) => ({ ...sandbox.leads[0], id: 500_000 + i, createdAt: hour + i * 1000 }));
		sandbox.leads.push(...crowd);
		// Each run halves the window once: a day, 12 hours, 6, 3, 1.5, then an hour, still too large.
		const staticData = {};
		const journal = new JournalStore();
		let failure;
		for (let i = 0; i < 12 && !failure; i++) {
			const result = await fixture.run({ ...parametersFor('leadsByCreatedAt', { maxItems: 10, windowDays: 1 }), firstRunStartAt: iso(hour - 3600_000 * 24) }, { mode: 'trigger', staticData, journal });
			failure = result.error();
		}
		assert.match(failure?.message ?? '', /The export holds more than 10 leads \(Max Items\)/);
		sandbox.leads.splice(sandbox.leads.length - crowd.length);
	});
});
