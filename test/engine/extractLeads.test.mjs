import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { expectedRecord } from '../sandbox/exportFile.mjs';
import { JournalStore, readBinary } from '../support/engine.mjs';
import { sandboxFixture } from '../support/sandboxFixture.mjs';

const FIELDS = ['id', 'email', 'firstName', 'company', 'leadScore', 'annualRevenue', 'unsubscribed', 'notes', 'createdAt', 'updatedAt'];
/** A 60-second Marketo tick every 50 ms of real time. */
const SPEED = 1200;
const FAST = { pollIntervalSeconds: 0.05, maxWaitMinutes: 2 };

const inRange = (leads, field, start, end) =>
	leads.filter((lead) => lead[field] >= Date.parse(start) && lead[field] <= Date.parse(end)).sort((a, b) => a.id - b.id);

function extract(parameters) {
	return {
		operation: 'extractLeads',
		fields: FIELDS,
		format: 'CSV',
		filterType: 'createdAt',
		...parameters,
		options: { ...FAST, ...parameters.options },
	};
}

describe('Extract Leads in n8n’s engine', () => {
	let fixture;
	before(async () => {
		fixture = await sandboxFixture({ speed: SPEED, leadCount: 3000 });
	});
	after(() => fixture.stop());

	it('a 95-day range runs as 4 windows and outputs exactly the leads created in it', async () => {
		const { sandbox } = fixture;
		const jobsBefore = sandbox.jobs.jobs.size;
		const startAt = '2026-02-01T00:00:00Z';
		const endAt = '2026-05-06T23:59:59Z';
		const { items, run } = await fixture.run(extract({ startAt, endAt, options: { typedValues: false } }));
		const expected = inRange(sandbox.leads, 'createdAt', startAt, endAt).map((lead) => expectedRecord(lead, FIELDS));
		assert.ok(expected.length > 500);
		const output = items().map((item) => item.json).sort((a, b) => Number(a.id) - Number(b.id));
		assert.deepEqual(output, expected);

		const jobs = [...sandbox.jobs.jobs.values()].slice(jobsBefore);
		assert.equal(jobs.length, 4);
		const windows = jobs.map((job) => job.spec.filter.createdAt);
		assert.equal(windows[0].startAt, startAt);
		assert.equal(windows.at(-1).endAt, endAt);
		for (let i = 1; i < windows.length; i++) {
			assert.equal(Date.parse(windows[i].startAt) - Date.parse(windows[i - 1].endAt), 1000, 'no gap, no overlap');
		}
		assert.ok(sandbox.jobs.maxProcessing <= 2, `at most 2 processing, saw ${sandbox.jobs.maxProcessing}`);
		const hint = run.data.resultData.runData.Marketo[0].hints.map((h) => h.message).join(' ');
		assert.match(hint, new RegExp(`4 jobs, ${expected.length} leads`));
	});

	it('never has more jobs in Marketo than Jobs at Once', async () => {
		const { sandbox } = fixture;
		let mostInQueue = 0;
		const track = setInterval(() => {
			mostInQueue = Math.max(mostInQueue, sandbox.jobs.countIn('Queued', 'Processing'));
		}, 5);
		try {
			await fixture.run(extract({ startAt: '2026-01-01T00:00:00Z', endAt: '2026-04-30T00:00:00Z', options: { concurrency: 1 } }));
		} finally {
			clearInterval(track);
		}
		assert.equal(mostInQueue, 1);
	});

	it('converts values by the instance’s field types', async () => {
		const { items } = await fixture.run(extract({ startAt: '2026-03-01T00:00:00Z', endAt: '2026-03-10T00:00:00Z' }));
		const lead = fixture.sandbox.leads.find((l) => l.id === items()[0].json.id);
		assert.ok(lead);
		const json = items()[0].json;
		assert.equal(typeof json.id, 'number');
		assert.equal(json.leadScore, lead.leadScore);
		assert.equal(json.annualRevenue, lead.annualRevenue);
		assert.equal(json.unsubscribed, lead.unsubscribed);
		assert.equal(json.createdAt, new Date(lead.createdAt).toISOString().replace('.000Z', 'Z'));
	});

	it('Files output stores each window’s file byte for byte', async () => {
		const { sandbox } = fixture;
		const jobsBefore = sandbox.jobs.jobs.size;
		const { items } = await fixture.run(extract({ startAt: '2026-06-01T00:00:00Z', endAt: '2026-07-15T00:00:00Z', output: 'binary' }));
		const jobs = [...sandbox.jobs.jobs.values()].slice(jobsBefore);
		assert.equal(items().length, 2);
		for (const [index, item] of items().entries()) {
			assert.equal(item.json.exportId, jobs[index].exportId);
			assert.ok((await readBinary(item.binary.data)).equals(jobs[index].file));
			assert.deepEqual(item.json.filter, jobs[index].spec.filter);
		}
	});

	it('Both outputs the leads, then the files', async () => {
		const { items } = await fixture.run(extract({ startAt: '2026-06-01T00:00:00Z', endAt: '2026-06-10T00:00:00Z', output: 'both', binaryPropertyName: 'file' }));
		const output = items();
		const files = output.filter((item) => item.binary);
		assert.equal(files.length, 1);
		assert.equal(output.at(-1), files[0]);
		assert.equal(output.length - 1, files[0].json.numberOfRecords);
	});

	it('a lead whose updatedAt moves into a later window during the extract is output once, the later copy', async () => {
		const { sandbox } = fixture;
		const startAt = '2026-08-01T00:00:00Z';
		const endAt = '2026-09-20T00:00:00Z';
		const mover = inRange(sandbox.leads, 'updatedAt', startAt, '2026-08-20T00:00:00Z')[0];
		const originalUpdatedAt = mover.updatedAt;
		sandbox.jobs.onComplete = () => {
			mover.updatedAt = Date.parse('2026-09-15T12:00:00Z');
			mover.company = 'Moved Inc';
			sandbox.jobs.onComplete = undefined;
		};
		try {
			const { items, run } = await fixture.run(extract({ filterType: 'updatedAt', startAt, endAt, options: { concurrency: 1 } }));
			const copies = items().filter((item) => item.json.id === mover.id);
			assert.equal(copies.length, 1);
			assert.equal(copies[0].json.company, 'Moved Inc');
			assert.equal(copies[0].json.updatedAt, '2026-09-15T12:00:00Z');
			const hint = run.data.resultData.runData.Marketo[0].hints.map((h) => h.message).join(' ');
			assert.match(hint, /1 duplicates removed/);
		} finally {
			mover.updatedAt = originalUpdatedAt;
			sandbox.jobs.onComplete = undefined;
		}
	});

	it('resumes a download dropped mid-file (the sandbox saw the Range request) and outputs the same leads', async () => {
		const { sandbox } = fixture;
		const range = { startAt: '2026-03-01T00:00:00Z', endAt: '2026-03-20T00:00:00Z' };
		const clean = (await fixture.run(extract(range))).items().map((i) => i.json);
		sandbox.addFault({ path: '/file.json', dropAfterBytes: 5000 });
		const resumed = (await fixture.run(extract(range))).items().map((i) => i.json);
		assert.deepEqual(resumed, clean);
		const files = sandbox.servedCalls('/file.json').filter((call) => !call.errorCode).slice(-2);
		assert.equal(files[0].fault, 'dropped');
		assert.equal(files[1].range, 'bytes=5000-');
		assert.equal(files[1].status, 206);
	});

	it('fetches a file again when its checksum does not match', async () => {
		const { sandbox } = fixture;
		sandbox.addFault({ path: '/file.json', corrupt: true });
		const { items } = await fixture.run(extract({ startAt: '2026-04-01T00:00:00Z', endAt: '2026-04-05T00:00:00Z' }));
		const expected = inRange(sandbox.leads, 'createdAt', '2026-04-01T00:00:00Z', '2026-04-05T00:00:00Z');
		assert.equal(items().length, expected.length);
		const files = sandbox.servedCalls('/file.json').filter((call) => !call.errorCode);
		assert.deepEqual(files.slice(-2).map((c) => c.fault ?? 'clean'), ['corrupt', 'clean']);
	});

	it('survives the token expiring while polling and while downloading', async () => {
		const { sandbox } = fixture;
		sandbox.addFault({ path: '/status.json', expireToken: true });
		sandbox.addFault({ path: '/file.json', expireToken: true });
		const { items } = await fixture.run(extract({ startAt: '2026-05-01T00:00:00Z', endAt: '2026-05-05T00:00:00Z' }));
		assert.equal(items().length, inRange(sandbox.leads, 'createdAt', '2026-05-01T00:00:00Z', '2026-05-05T00:00:00Z').length);
		assert.ok(sandbox.apiCalls('/status.json').some((c) => c.errorCode === '602'));
		assert.ok(sandbox.apiCalls('/file.json').some((c) => c.errorCode === '602'));
	});

	it('a Completed job whose file still answers 404 is asked again until it is there', async () => {
		const { sandbox } = fixture;
		sandbox.addFault({ path: '/file.json', fileNotReady: true, times: 2 });
		const { items } = await fixture.run(extract({ startAt: '2026-05-10T00:00:00Z', endAt: '2026-05-12T00:00:00Z' }));
		assert.ok(items().length > 0);
		const files = sandbox.servedCalls('/file.json').filter((call) => !call.errorCode);
		assert.deepEqual(files.slice(-3).map((c) => c.status), [404, 404, 200]);
	});

	it('waits while the queue is full, then carries on', async () => {
		const { sandbox } = fixture;
		const blockers = [];
		// Stuck first: no blocker starts (and so none can finish) before the extract meets a full queue.
		sandbox.jobs.stuck = true;
		while (sandbox.jobs.countIn('Queued', 'Processing') < 10) {
			const job = sandbox.jobs.create({ fields: ['id'], format: 'CSV', filter: { staticListId: 1003 } });
			sandbox.jobs.enqueue(job.exportId);
			blockers.push(job.exportId);
		}
		setTimeout(() => {
			sandbox.jobs.stuck = false;
			// The queue moves as the sandbox's clock does (1,200 times fast): a blocker may finish between the look and the cancel.
			for (const id of blockers) {
				if (sandbox.jobs.jobs.get(id).status !== 'Queued') continue;
				try {
					sandbox.jobs.cancel(id);
				} catch (error) {
					if (!/cannot be cancelled/.test(error.message)) throw error;
				}
			}
		}, 400);
		const { items } = await fixture.run(extract({ startAt: '2026-02-01T00:00:00Z', endAt: '2026-02-03T00:00:00Z' }));
		assert.ok(items().length > 0);
		assert.ok(sandbox.servedCalls('/enqueue.json').some((c) => c.errorCode === '1029'));
	});

	it('a spent daily export quota fails saying what was exported, what remains and when it resets', async () => {
		const { sandbox } = fixture;
		let completions = 0;
		sandbox.jobs.onComplete = () => {
			completions++;
			if (completions === 1) sandbox.settings.quotaUsedBytes = sandbox.settings.dailyQuotaBytes;
		};
		try {
			const { error } = await fixture.run(extract({ startAt: '2026-01-01T00:00:00Z', endAt: '2026-04-15T00:00:00Z', options: { concurrency: 1 } }));
			assert.match(error().message, /Export daily quota 500MB exceeded/);
			assert.match(error().description, /resets at .* America\/Chicago/);
			// Window 2 is created before window 1's file is downloaded, so window 1 is Completed, not downloaded.
			assert.match(error().description, /Downloaded before the failure: 0 of 4 jobs; nothing was output/);
			assert.match(error().description, /Completed in Marketo but not downloaded .*: window 1\/4 .*, export [0-9a-f-]{36}/);
			assert.match(error().description, /Not exported: window 2\/4 .*window 3\/4 .*window 4\/4/);
		} finally {
			sandbox.settings.quotaUsedBytes = 0;
			sandbox.jobs.onComplete = undefined;
		}
	});

	it('a Failed job fails the extract with Marketo’s errorMsg and cancels the other job in flight', async () => {
		const { sandbox } = fixture;
		const jobsBefore = sandbox.jobs.jobs.size;
		sandbox.jobs.failures.set('*next*', 'Internal error while building the file');
		// The failing job finishes on the first tick, the other takes ten: it is still processing.
		sandbox.settings.processingTicks = (job) => (sandbox.jobs.failures.has(job.exportId) ? 1 : 10);
		const { error } = await fixture.run(extract({ startAt: '2026-01-01T00:00:00Z', endAt: '2026-03-15T00:00:00Z' })).finally(() => {
			sandbox.settings.processingTicks = 1;
		});
		assert.match(error().message, /failed: Internal error while building the file/);
		const jobs = [...sandbox.jobs.jobs.values()].slice(jobsBefore);
		assert.equal(jobs[0].status, 'Failed');
		assert.equal(jobs[1].status, 'Cancelled');
		assert.match(error().description, new RegExp(`${jobs[1].exportId} \\(window 2/3 .*\\) cancelled`));
	});

	it('a job cancelled by someone else fails the extract saying so', async () => {
		const { sandbox } = fixture;
		sandbox.jobs.stuck = true;
		const jobsBefore = sandbox.jobs.jobs.size;
		const cancelSoon = setInterval(() => {
			const job = [...sandbox.jobs.jobs.values()][jobsBefore];
			if (job?.status === 'Queued') sandbox.jobs.cancel(job.exportId);
		}, 20);
		try {
			const { error } = await fixture.run(extract({ startAt: '2026-02-01T00:00:00Z', endAt: '2026-02-02T00:00:00Z' }));
			assert.match(error().message, /was cancelled outside this execution/);
		} finally {
			clearInterval(cancelSoon);
			sandbox.jobs.stuck = false;
		}
	});

	it('Max Items stops before downloading an export larger than it, pointing to Files output', async () => {
		const { sandbox } = fixture;
		const filesBefore = sandbox.servedCalls('/file.json').length;
		const { error } = await fixture.run(extract({ startAt: '2026-01-01T00:00:00Z', endAt: '2026-01-20T00:00:00Z', options: { maxItems: 10 } }));
		assert.match(error().message, /The export holds more than 10 leads \(Max Items\)/);
		assert.match(error().description, /Use Output: Files/);
		assert.equal(sandbox.servedCalls('/file.json').length, filesBefore);
		const files = await fixture.run(extract({ startAt: '2026-01-01T00:00:00Z', endAt: '2026-01-20T00:00:00Z', output: 'binary', options: { maxItems: 10 } }));
		assert.equal(files.items().length, 1);
	});

	it('gives up after Max Wait, cancels the job and says so', async () => {
		const { sandbox } = fixture;
		sandbox.jobs.stuck = true;
		try {
			const { error } = await fixture.run(extract({ startAt: '2026-02-01T00:00:00Z', endAt: '2026-02-02T00:00:00Z', options: { maxWaitMinutes: 0.01 } }));
			assert.match(error().message, /did not finish the export within the maximum wait/);
			const job = [...sandbox.jobs.jobs.values()].at(-1);
			assert.equal(job.status, 'Cancelled');
			assert.match(error().description, new RegExp(`${job.exportId} \\(window 1/1 .*\\) cancelled`));
		} finally {
			sandbox.jobs.stuck = false;
		}
	});

	it('a cancelled execution stops at once and names the job that keeps running', async () => {
		const { sandbox } = fixture;
		sandbox.jobs.stuck = true;
		try {
			const started = Date.now();
			const { error } = await fixture.run(
				extract({ startAt: '2026-02-01T00:00:00Z', endAt: '2026-02-02T00:00:00Z', options: { pollIntervalSeconds: 30 } }),
				{ abortAfterMs: 300 },
			);
			assert.ok(Date.now() - started < 5000, 'stopped promptly');
			const job = [...sandbox.jobs.jobs.values()].at(-1);
			assert.equal(job.status, 'Queued');
			assert.equal(error().message, 'The execution was cancelled while Marketo was exporting.');
			assert.match(error().description, new RegExp(`${job.exportId} \\(window 1/1 .*\\)\\. Cancel them with the Cancel Job operation`));
		} finally {
			sandbox.jobs.stuck = false;
		}
	});

	it('an export of no leads outputs no items, whether Marketo sends a header-only file or none', async () => {
		const { sandbox } = fixture;
		for (const style of ['header', 'missing']) {
			sandbox.settings.emptyExport = style;
			try {
				for (const output of ['items', 'binary']) {
					const filesBefore = sandbox.servedCalls('/file.json').length;
					const { items, error } = await fixture.run(extract({ filterType: 'staticListId', staticListId: { mode: 'id', value: '1003' }, output }));
					assert.equal(error(), undefined, `${style} ${output}: ${error()?.message}`);
					assert.equal(items().filter((item) => !item.binary).length, 0);
					const fileCalls = sandbox.servedCalls('/file.json').length - filesBefore;
					assert.equal(fileCalls, style === 'missing' ? 0 : 1, 'a file of 0 bytes is not fetched');
				}
			} finally {
				sandbox.settings.emptyExport = 'header';
			}
		}
	});

	it('adopts an existing job in every state', async () => {
		const { sandbox } = fixture;
		const body = { fields: ['id', 'email'], format: 'CSV', filter: { staticListId: 1002 } };
		const members = sandbox.leads.filter((l) => l.id % 5 === 0).length;
		const created = sandbox.jobs.create(body);
		const queued = sandbox.jobs.create(body);
		sandbox.jobs.enqueue(queued.exportId);
		const completed = sandbox.jobs.create(body);
		sandbox.jobs.enqueue(completed.exportId);
		sandbox.clock.advance(180_000);
		sandbox.jobs.sync();
		assert.equal(completed.status, 'Completed');
		const processing = sandbox.jobs.create(body);
		sandbox.jobs.enqueue(processing.exportId);
		sandbox.clock.advance(60_000);
		sandbox.jobs.sync();
		assert.equal(processing.status, 'Processing');
		for (const job of [created, queued, processing, completed]) {
			const { items } = await fixture.run({ operation: 'extractLeads', jobSource: 'existing', exportId: job.exportId, options: FAST });
			assert.equal(items().length, members, `adopting a job that was ${job.exportId}`);
			assert.equal(typeof items()[0].json.id, 'number');
		}
		// Enqueued once: a call Marketo refused for a limit (606, 615, a full queue) is repeated, as it must be.
		const enqueues = sandbox.servedCalls(`${created.exportId}/enqueue`);
		assert.equal(enqueues.filter((call) => call.status === 200 && call.errorCode === undefined).length, 1, JSON.stringify(enqueues.map(({ status, errorCode, closedEarly }) => ({ status, errorCode, closedEarly }))));
		assert.equal(sandbox.servedCalls(`${completed.exportId}/enqueue`).length, 0);
	});
});

describe('Extract Leads since last run', () => {
	it('two runs cover consecutive ranges, with no gap and no overlap', async () => {
		const now = Date.now();
		const fixture = await sandboxFixture({
			speed: SPEED,
			leadCount: 400,
			datasetStart: '2026-10-01T00:00:00Z',
			datasetEnd: new Date(now - 3600_000).toISOString(),
			datasetUpdatedUntil: new Date(now - 1000).toISOString(),
		});
		try {
			const { sandbox } = fixture;
			const staticData = {};
			// The position's own mechanics, without the look-back (lookBack.test.mjs reads the minutes before it again).
			const parameters = extract({ filterType: 'updatedAt', rangeMode: 'sinceLastRun', firstRunStartAt: '2026-10-15T00:00:00Z', options: { lookBackMinutes: 0 } });
			const windowsOf = async (run) => {
				const before = sandbox.jobs.jobs.size;
				const items = (await run).items();
				const windows = [...sandbox.jobs.jobs.values()].slice(before).map((job) => job.spec.filter.updatedAt);
				return { items, startAt: windows[0].startAt, endAt: windows.at(-1).endAt };
			};
			const first = await windowsOf(fixture.run(parameters, { staticData, mode: 'trigger' }));
			assert.equal(first.startAt, '2026-10-15T00:00:00Z');
			assert.ok(Math.abs(Date.parse(first.endAt) - Date.now()) < 10_000, 'the first run ends now');
			assert.equal(first.items.length, inRange(sandbox.leads, 'updatedAt', first.startAt, first.endAt).length);

			// Leads touched after the first run must come in the second, and nothing else.
			await new Promise((resolve) => setTimeout(resolve, 1100));
			const touched = sandbox.leads.slice(0, 3);
			for (const lead of touched) lead.updatedAt = Math.floor(Date.now() / 1000) * 1000;
			await new Promise((resolve) => setTimeout(resolve, 1100));
			const second = await windowsOf(fixture.run(parameters, { staticData, mode: 'trigger' }));
			assert.equal(Date.parse(second.startAt) - Date.parse(first.endAt), 1000, 'starts one second after the first run ended');
			assert.deepEqual(second.items.map((i) => i.json.id).sort(), touched.map((l) => l.id).sort());

			const reset = extract({ ...parameters, options: { ...parameters.options, resetSinceLastRun: true } });
			const afterReset = await windowsOf(fixture.run(reset, { staticData, mode: 'trigger' }));
			assert.equal(afterReset.startAt, '2026-10-15T00:00:00Z');
		} finally {
			await fixture.stop();
		}
	});

	it('the position reaches a worker that starts with empty static data (queue mode); a manual run neither reads nor moves it', async () => {
		const fixture = await sandboxFixture({ speed: SPEED, leadCount: 200, datasetStart: '2026-10-01T00:00:00Z', datasetEnd: '2026-11-01T00:00:00Z' });
		try {
			const { sandbox } = fixture;
			// n8n's database, shared by every process; each run gets fresh static data, as an n8n 2.x worker does.
			const journal = new JournalStore();
			// The position's own mechanics, without the look-back (lookBack.test.mjs reads the minutes before it again).
			const parameters = extract({ filterType: 'updatedAt', rangeMode: 'sinceLastRun', firstRunStartAt: '2026-10-15T00:00:00Z', options: { lookBackMinutes: 0 } });
			const windowsOf = async (parameters, mode) => {
				const before = sandbox.jobs.jobs.size;
				const { error } = await fixture.run(parameters, { staticData: {}, mode, journal });
				assert.equal(error(), undefined, error()?.message);
				const windows = [...sandbox.jobs.jobs.values()].slice(before).map((job) => job.spec.filter.updatedAt);
				return { startAt: windows[0].startAt, endAt: windows.at(-1).endAt };
			};
			const first = await windowsOf(parameters, 'trigger');
			assert.equal(first.startAt, '2026-10-15T00:00:00Z');
			await new Promise((resolve) => setTimeout(resolve, 1100));
			const manual = await windowsOf(parameters, 'manual');
			assert.equal(manual.startAt, '2026-10-15T00:00:00Z', 'a manual run starts at First Run Starts At');
			const second = await windowsOf(parameters, 'trigger');
			assert.equal(Date.parse(second.startAt) - Date.parse(first.endAt), 1000, 'the manual run moved nothing; the store kept the first run’s end');
			await new Promise((resolve) => setTimeout(resolve, 1100));
			const reset = await windowsOf(extract({ ...parameters, options: { ...parameters.options, resetSinceLastRun: true } }), 'trigger');
			assert.equal(reset.startAt, '2026-10-15T00:00:00Z');
			await new Promise((resolve) => setTimeout(resolve, 1100));
			const afterReset = await windowsOf(parameters, 'trigger');
			assert.equal(Date.parse(afterReset.startAt) - Date.parse(reset.endAt), 1000);
		} finally {
			await fixture.stop();
		}
	});
});
