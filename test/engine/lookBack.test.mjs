/**
 * Records Marketo writes late: dated inside a range a run already read, but
 * committed after that read (Send Email activities, CRM-synced updates,
 * campaigns' status changes). Since Last Run reads again the minutes before
 * its position (Look Back) and outputs only what no earlier run delivered:
 * for every kind, a record written late within the look-back arrives with
 * the next run, exactly once; one written later than the look-back is lost,
 * as README says. What the node cannot check it outputs again, and says so.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { JournalStore } from '../support/engine.mjs';
import { sandboxFixture } from '../support/sandboxFixture.mjs';

const FAST = { pollIntervalSeconds: 0.05, maxWaitMinutes: 2 };
const MINUTE = 60_000;
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const hintsOf = (result) => result.run.data.resultData.runData.Marketo?.[0]?.hints ?? [];

/** Each kind as a user sets it up, without the date field among its Fields (the node adds it, and takes it out of the items). */
const KINDS = {
	leads: {
		parameters: { operation: 'extractLeads', fields: ['id', 'email', 'leadScore'], filterType: 'updatedAt' },
		writes: 'leads',
		minutes: 30,
		window: (job) => job.spec.filter.updatedAt,
		key: (json) => String(json.id),
		keyOf: (lead) => String(lead.id),
		records: (sandbox) => sandbox.leads,
		date: (lead) => lead.updatedAt,
	},
	activities: {
		parameters: { resource: 'activityExport', operation: 'extractActivities', fields: ['marketoGUID', 'leadId', 'activityTypeId'] },
		writes: 'activities',
		minutes: 60,
		window: (job) => job.spec.filter.createdAt,
		key: (json) => String(json.marketoGUID),
		keyOf: (activity) => String(activity.marketoGUID),
		records: (sandbox) => sandbox.activities,
		date: (activity) => activity.activityDate,
	},
	programMembers: {
		parameters: { resource: 'programMemberExport', operation: 'extractProgramMembers', programIds: [1021, 1022, 1023], fields: ['leadId', 'statusName'], dateFilter: 'updatedAt' },
		writes: 'programMembers',
		minutes: 30,
		window: (job) => job.spec.filter.updatedAt,
		key: (json) => `${json.programId}/${json.leadId}`,
		keyOf: (member) => `${member.programId}/${member.leadId}`,
		records: (sandbox) => sandbox.programMembers,
		date: (member) => member.updatedAt,
	},
	customObjects: {
		parameters: { resource: 'customObjectExport', operation: 'extractCustomObjects', customObjectName: 'car_c', fields: ['marketoGUID', 'make'], filterType: 'updatedAt' },
		writes: 'customObjects:car_c',
		minutes: 30,
		window: (job) => job.spec.filter.updatedAt,
		key: (json) => String(json.marketoGUID),
		keyOf: (car) => String(car.marketoGUID),
		records: (sandbox) => sandbox.customObjectRecords.car_c,
		date: (car) => car.updatedAt,
	},
};

describe('records Marketo writes late: the look-back', () => {
	let fixture;
	const now = Date.now();
	before(async () => {
		fixture = await sandboxFixture({
			speed: 1200,
			leadCount: 150,
			activityCount: 600,
			datasetStart: iso(now - 3 * 86_400_000),
			datasetEnd: iso(now - 2 * 3600_000),
			datasetUpdatedUntil: iso(now - 2 * 3600_000),
		});
	});
	after(() => fixture.stop());

	/** A schedule's runs of one node: the same static data and store every run, as n8n keeps them. */
	function schedule(kind, options = {}) {
		const journal = new JournalStore();
		const staticData = {};
		const parameters = { ...KINDS[kind].parameters, rangeMode: 'sinceLastRun', firstRunStartAt: iso(now - 86_400_000), options: { ...FAST, ...options } };
		return async (extra = {}) => {
			const { sandbox } = fixture;
			const jobsBefore = sandbox.jobs.jobs.size;
			const result = await fixture.run(parameters, { mode: 'trigger', staticData, journal, ...extra });
			assert.equal(result.error(), undefined, result.error()?.message);
			const windows = [...sandbox.jobs.jobs.values()].slice(jobsBefore).map(KINDS[kind].window);
			return { items: result.items(), hints: hintsOf(result), windows, startedAt: Date.now() };
		};
	}

	for (const kind of Object.keys(KINDS)) {
		const { writes, minutes, key, keyOf, records, date } = KINDS[kind];
		it(`${kind}: what Marketo writes late within the look-back arrives with the next run, exactly once; later than the look-back, it is lost`, async () => {
			const { sandbox } = fixture;
			const run = schedule(kind);
			const startedFirst = Date.now();
			const first = await run();
			const firstEnd = Date.parse(first.windows.at(-1).endAt);
			assert.ok(firstEnd < startedFirst && startedFirst - firstEnd < 5000, 'the range ends a moment before the run');
			const inFirst = records(sandbox).filter((record) => date(record) >= now - 86_400_000 && date(record) <= firstEnd);
			assert.deepEqual(first.items.map((item) => key(item.json)).sort(), inFirst.map(keyOf).sort());
			assert.ok(first.items.every((item) => !('updatedAt' in item.json) && !('activityDate' in item.json)), 'the date field the node added is not in the items');

			// Written after the first run read, dated inside what it read: within the look-back, and before it.
			const late = sandbox.writeRecords(writes, { count: 8, at: firstEnd - 2 * MINUTE, spreadMs: 5 * MINUTE, seed: 11 });
			const tooLate = sandbox.writeRecords(writes, { count: 3, at: startedFirst - (minutes + 10) * MINUTE, spreadMs: MINUTE, seed: 12 });
			await pause(1100);
			const fresh = sandbox.writeRecords(writes, { count: 4, at: Date.now(), seed: 13 });
			await pause(1100);

			const second = await run();
			assert.equal(second.windows.length, 1, 'the look-back and the new range in one job');
			const readAgainFrom = Date.parse(second.windows[0].startAt);
			assert.ok(readAgainFrom <= startedFirst - minutes * MINUTE + 1000 && readAgainFrom >= startedFirst - minutes * MINUTE - 2000, `the ${minutes} minutes before the first run’s read are read again (${second.windows[0].startAt})`);
			const expected = new Map([...late, ...fresh].map(({ record }) => [keyOf(record), record]));
			const got = second.items.map((item) => key(item.json));
			assert.equal(new Set(got).size, got.length, 'no record twice in a run');
			assert.deepEqual(got.sort(), [...expected.keys()].sort(), 'the late records and the new ones, and nothing delivered before');
			for (const { record } of tooLate) {
				const deliveredNow = second.items.some((item) => key(item.json) === keyOf(record));
				// A record written later than the look-back is lost (README: the reconcile brings it); one also written late within it is not.
				if (![...late, ...fresh].some((write) => keyOf(write.record) === keyOf(record))) assert.ok(!deliveredNow, 'written later than the look-back: not read again');
			}
			if (kind === 'leads') {
				for (const item of second.items) assert.equal(String(item.json.leadScore), String(expected.get(key(item.json)).leadScore), 'a lead updated late goes out in its new version');
			}
			const info = second.hints.find((hint) => hint.message.startsWith('Look-back:'))?.message ?? '';
			assert.match(info, new RegExp(`of the ${minutes} minutes before the last run’s end read again \\(about \\d+ bytes of the daily export quota\\); ${[...expected.values()].filter((record) => date(record) <= firstEnd).length} written late are output now, \\d+ delivered before are left out`));
			assert.ok(!second.hints.some((hint) => hint.type === 'warning'), JSON.stringify(second.hints));

			await pause(1100);
			const third = await run();
			assert.deepEqual(third.items, [], 'the next run reads the look-back again and outputs nothing delivered before');
		});
	}

	it('a record written late goes out once, however many runs read its minute again', async () => {
		const { sandbox } = fixture;
		const run = schedule('activities');
		await run();
		const seen = new Map();
		for (let round = 0; round < 4; round++) {
			const written = sandbox.writeRecords('activities', { count: 5, at: Date.now() - 3 * MINUTE, spreadMs: 2 * MINUTE, seed: 100 + round });
			await pause(1100);
			const result = await run();
			for (const item of result.items) seen.set(item.json.marketoGUID, (seen.get(item.json.marketoGUID) ?? 0) + 1);
			for (const { record } of written) assert.equal(seen.get(record.marketoGUID), 1, `round ${round + 1}: written late, delivered once`);
		}
		assert.ok([...seen.values()].every((count) => count === 1), 'no activity delivered twice over the runs');
	});

	it('an email batch committed over the minutes after its send: every Send Email activity arrives once, as it is written', async () => {
		const { sandbox } = fixture;
		const run = schedule('activities');
		await run();
		const batch = sandbox.sendEmailBatch({ leadIds: sandbox.leads.slice(0, 60).map((lead) => lead.id), sentAt: Date.now() - 500, commitOverMs: 6000 });
		const delivered = [];
		for (let i = 0; i < 6 && delivered.length < batch.length; i++) {
			await pause(1500);
			delivered.push(...(await run()).items.map((item) => item.json.marketoGUID));
		}
		sandbox.lateWrites.commitAll();
		await pause(1100);
		delivered.push(...(await run()).items.map((item) => item.json.marketoGUID));
		const sends = delivered.filter((guid) => batch.some((activity) => activity.marketoGUID === guid));
		assert.equal(new Set(sends).size, sends.length, 'no Send Email activity twice');
		assert.deepEqual(sends.sort(), batch.map((activity) => activity.marketoGUID).sort(), 'every one, although most were written after a run read their second');
	});

	it('without a record of earlier deliveries (a store that lost them), the look-back outputs its records again and says so', async () => {
		const { sandbox } = fixture;
		const staticData = {};
		const parameters = { ...KINDS.activities.parameters, rangeMode: 'sinceLastRun', firstRunStartAt: iso(now - 86_400_000), options: FAST };
		const first = await fixture.run(parameters, { mode: 'trigger', staticData, journal: new JournalStore() });
		assert.equal(first.error(), undefined);
		const late = sandbox.writeRecords('activities', { count: 3, at: Date.now() - 2 * MINUTE, seed: 21 });
		await pause(1100);
		// Static data keeps the position; the store is new (another database, or cleared): it knows no delivery.
		const second = await fixture.run(parameters, { mode: 'trigger', staticData, journal: new JournalStore() });
		assert.equal(second.error(), undefined);
		const ids = second.items().map((item) => item.json.marketoGUID);
		for (const { record } of late) assert.ok(ids.includes(record.marketoGUID), 'nothing written late is lost');
		const warning = hintsOf(second).find((hint) => hint.type === 'warning')?.message ?? '';
		assert.match(warning, /Look-back: \d+ activities read again could not be checked against earlier runs \(no earlier run kept what it delivered: .*\), so they are output again; an upsert on marketoGUID absorbs the repeats/);
	});

	it('a question about earlier deliveries cut short: the next run believes none of what it left, outputs the look-back again, and loses nothing', async () => {
		const { sandbox } = fixture;
		/** n8n's database failing once, right after the question recorded what it asked, before the node removed what was new. */
		class FailingOnce extends JournalStore {
			failed = false;
			async removeProcessed(items, scope, contextData, options) {
				if (!this.failed && items.some((item) => /^delivered\|.*\|question$/.test(item))) {
					this.failed = true;
					throw new Error('connection terminated unexpectedly');
				}
				return await super.removeProcessed(items, scope, contextData, options);
			}
		}
		const journal = new FailingOnce();
		const staticData = {};
		const parameters = { ...KINDS.activities.parameters, rangeMode: 'sinceLastRun', firstRunStartAt: iso(now - 86_400_000), options: FAST };
		assert.equal((await fixture.run(parameters, { mode: 'trigger', staticData, journal })).error(), undefined);
		const late = sandbox.writeRecords('activities', { count: 4, at: Date.now() - 2 * MINUTE, seed: 31 });
		await pause(1100);
		const failed = await fixture.run(parameters, { mode: 'trigger', staticData, journal });
		assert.match(failed.error()?.message ?? '', /connection terminated unexpectedly/);
		await pause(1100);
		const next = await fixture.run(parameters, { mode: 'trigger', staticData, journal });
		assert.equal(next.error(), undefined, next.error()?.message);
		const ids = next.items().map((item) => item.json.marketoGUID);
		for (const { record } of late) assert.ok(ids.includes(record.marketoGUID), 'the late activities the cut question had asked about are delivered');
		assert.match(hintsOf(next).find((hint) => hint.type === 'warning')?.message ?? '', /could not be checked against earlier runs \(an earlier run stopped while it asked n8n’s processed-data store about them\)/);
		await pause(1100);
		const after = await fixture.run(parameters, { mode: 'trigger', staticData, journal });
		assert.deepEqual(after.items(), [], 'the run after is exact again');
	});

	it('Look Back 0 reads from one second after the last run; a Files output says its files hold the look-back again', async () => {
		const off = schedule('leads', { lookBackMinutes: 0 });
		const first = await off();
		await pause(1100);
		const second = await off();
		assert.equal(Date.parse(second.windows[0].startAt) - Date.parse(first.windows.at(-1).endAt), 1000);

		const journal = new JournalStore();
		const staticData = {};
		const parameters = { ...KINDS.leads.parameters, output: 'binary', rangeMode: 'sinceLastRun', firstRunStartAt: iso(now - 86_400_000), options: { ...FAST, lookBackMinutes: 20 } };
		assert.equal((await fixture.run(parameters, { mode: 'trigger', staticData, journal })).error(), undefined);
		await pause(1100);
		const again = await fixture.run(parameters, { mode: 'trigger', staticData, journal });
		assert.match(hintsOf(again).map((hint) => hint.message).join('\n'), /Look-back: the files hold again the 20 minutes before the last run’s end/);
	});

	it('Look Back outside 0 to 1440 minutes is refused before any call, naming the option', async () => {
		const { sandbox } = fixture;
		const callsBefore = sandbox.log.length;
		const parameters = { ...KINDS.leads.parameters, rangeMode: 'sinceLastRun', firstRunStartAt: iso(now - 86_400_000), options: { ...FAST, lookBackMinutes: 2000 } };
		const result = await fixture.run(parameters, { mode: 'trigger', staticData: {}, journal: new JournalStore() });
		assert.match(result.error()?.message ?? '', /Look Back \(Minutes\)/);
		assert.match(result.error().description ?? '', /from 0 to 1440/);
		assert.equal(sandbox.log.length, callsBefore, 'no call reached Marketo');
	});
});
