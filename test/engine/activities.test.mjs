import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { ACTIVITY_TYPES, DEFAULT_ACTIVITY_FIELDS } from '../sandbox/activities.mjs';
import { MERGE_LEADS_TYPE } from '../sandbox/leadLifecycle.mjs';
import { expectedRecord } from '../sandbox/exportFile.mjs';
import { callEditorMethod, outputOf, runWorkflow } from '../support/engine.mjs';
import { sandboxFixture } from '../support/sandboxFixture.mjs';
import { marketoWorkflow } from '../support/workflows.mjs';

/** A 60-second Marketo tick every 50 ms of real time. */
const SPEED = 1200;
const FAST = { pollIntervalSeconds: 0.05, maxWaitMinutes: 2 };
const INTEGER_COLUMNS = ['leadId', 'activityTypeId', 'campaignId', 'primaryAttributeValueId'];

function extract(parameters = {}) {
	return {
		resource: 'activityExport',
		operation: 'extractActivities',
		fields: DEFAULT_ACTIVITY_FIELDS,
		startAt: '2026-03-01T00:00:00Z',
		endAt: '2026-03-20T00:00:00Z',
		...parameters,
		options: { ...FAST, ...parameters.options },
	};
}

/** An activity as the node outputs it by default: integers typed, attributes parsed, the rest text. */
function typedActivity(activity, fields = DEFAULT_ACTIVITY_FIELDS) {
	const record = expectedRecord(activity, fields);
	for (const column of INTEGER_COLUMNS) if (record[column] !== undefined && record[column] !== null) record[column] = Number(record[column]);
	if (typeof record.attributes === 'string') record.attributes = JSON.parse(record.attributes);
	return record;
}

const createdIn = (activities, start, end) =>
	activities.filter((a) => a.activityDate >= Date.parse(start) && a.activityDate <= Date.parse(end));

describe('Activity Export in n8n’s engine', () => {
	let fixture;
	before(async () => {
		fixture = await sandboxFixture({ speed: SPEED, leadCount: 800, activityCount: 4000 });
	});
	after(() => fixture.stop());

	it('a 95-day range runs as 4 windows and outputs exactly the activities created in it, typed and parsed', async () => {
		const { sandbox } = fixture;
		const startAt = '2026-02-01T00:00:00Z';
		const endAt = '2026-05-06T23:59:59Z';
		const createsBefore = sandbox.servedCalls('/activities/export/create.json').length;
		const { items, run } = await fixture.run(extract({ startAt, endAt }));
		const expected = createdIn(sandbox.activities, startAt, endAt).map((a) => typedActivity(a));
		assert.ok(expected.length > 1000);
		assert.deepEqual(items().map((item) => item.json), expected);
		assert.equal(sandbox.servedCalls('/activities/export/create.json').length - createsBefore, 4);
		assert.ok(items().some((item) => /\n/.test(Object.values(item.json.attributes).join(''))), 'a multi-line attribute survived');
		assert.match(JSON.stringify(run.data.resultData.runData), /Marketo Extract Activities: 4 jobs, \d+ activities/);
	});

	it('sends the activity types and primary attribute names (a name may hold a comma) and outputs only those', async () => {
		const { sandbox } = fixture;
		const names = ['Webinar.Register, "Q3"', 'GL_OP_ALL_2021.MPS Outbound'];
		const { items } = await fixture.run(
			extract({ activityTypeIds: [2], primaryAttributeFilter: 'names', primaryAttributeValues: names.join('\n') }),
		);
		const body = [...sandbox.jobs.jobs.values()].at(-1).spec;
		assert.deepEqual(body.filter.activityTypeIds, [2]);
		assert.deepEqual(body.filter.primaryAttributeValues, names);
		const expected = createdIn(sandbox.activities, '2026-03-01T00:00:00Z', '2026-03-20T00:00:00Z').filter(
			(a) => a.activityTypeId === 2 && names.includes(a.primaryAttributeValue),
		);
		assert.ok(expected.length > 0);
		assert.deepEqual(items().map((item) => item.json.marketoGUID), expected.map((a) => a.marketoGUID));
	});

	it('filters by primary attribute value IDs with their activity types', async () => {
		const { sandbox } = fixture;
		const { items } = await fixture.run(extract({ activityTypeIds: '104', primaryAttributeFilter: 'ids', primaryAttributeValueIds: '1021' }));
		const expected = createdIn(sandbox.activities, '2026-03-01T00:00:00Z', '2026-03-20T00:00:00Z').filter(
			(a) => a.activityTypeId === 104 && a.primaryAttributeValueId === 1021,
		);
		assert.ok(expected.length > 0);
		assert.deepEqual(items().map((item) => item.json.marketoGUID), expected.map((a) => a.marketoGUID));
	});

	it('refuses primary attribute values without activity types, or more than 50, before any call', async () => {
		const { sandbox } = fixture;
		const logBefore = sandbox.log.length;
		const without = await fixture.run(extract({ primaryAttributeFilter: 'ids', primaryAttributeValueIds: '3001' }));
		assert.match(without.error().message, /Primary Attribute Filter: Marketo filters on primary attribute values only together with activity types/);
		assert.match(without.error().description, /Choose the Activity Types/);
		const many = Array.from({ length: 51 }, (_, i) => String(3000 + i)).join(', ');
		const tooMany = await fixture.run(extract({ activityTypeIds: [2], primaryAttributeFilter: 'ids', primaryAttributeValueIds: many }));
		assert.match(tooMany.error().message, /Primary Attribute Value IDs: 51 values given; Marketo takes at most 50 per job/);
		const leadField = await fixture.run(extract({ fields: ['marketoGUID', 'email'] }));
		assert.match(leadField.error().message, /Fields: "email" is not an activity column/);
		assert.match(leadField.error().description, /Choose from marketoGUID, leadId, activityDate/);
		const badType = await fixture.run(extract({ activityTypeIds: '={{ ["Fill Out Form"] }}' }));
		assert.match(badType.error().message, /Activity Types: "Fill Out Form" is not an activity type ID/);
		const overMonth = await fixture.run({ ...extract({ startAt: '2026-01-01T00:00:00Z', endAt: '2026-03-01T00:00:00Z' }), operation: 'createJob' });
		assert.match(overMonth.error().message, /End At: the range .* is longer than Marketo's 31 days/);
		assert.match(overMonth.error().description, /Extract Activities operation/);
		assert.equal(sandbox.log.length, logBefore, 'nothing reached Marketo');
	});

	it('keeps attributes as text with Parse Attributes off, and every value as text with Convert Values off too', async () => {
		const { items } = await fixture.run(extract({ options: { parseAttributes: false } }));
		assert.equal(typeof items()[0].json.attributes, 'string');
		assert.equal(typeof items()[0].json.leadId, 'number');
		const text = await fixture.run(extract({ options: { parseAttributes: false, typedValues: false } }));
		assert.equal(typeof text.items()[0].json.leadId, 'string');
		const parsedOnly = await fixture.run(extract({ options: { typedValues: false } }));
		assert.equal(typeof parsedOnly.items()[0].json.attributes, 'object');
		assert.equal(typeof parsedOnly.items()[0].json.leadId, 'string');
	});

	it('the job operations work on activity jobs, at the activities endpoints', async () => {
		const { sandbox } = fixture;
		const created = await fixture.run({ ...extract(), operation: 'createJob' });
		const { exportId } = created.items()[0].json;
		assert.equal(sandbox.jobs.jobs.get(exportId).kind, 'activities');
		const enqueued = await fixture.run({ resource: 'activityExport', operation: 'enqueueJob', exportId });
		assert.equal(enqueued.items()[0].json.status, 'Queued');
		const listed = await fixture.run({ resource: 'activityExport', operation: 'listJobs' });
		assert.ok(listed.items().some((item) => item.json.exportId === exportId));
		const leadList = await fixture.run({ resource: 'leadExport', operation: 'listJobs' });
		assert.ok(!leadList.items().some((item) => item.json.exportId === exportId), 'lead jobs and activity jobs are listed apart');
		const cancelled = await fixture.run({ resource: 'activityExport', operation: 'cancelJob', exportId });
		assert.equal(cancelled.items()[0].json.status, 'Cancelled');
		assert.ok(sandbox.servedCalls(`/bulk/v1/activities/export/${exportId}/cancel.json`).length === 1);
	});

	it('adopts a completed activity job by its Export ID and outputs its activities', async () => {
		const { sandbox } = fixture;
		const body = { format: 'CSV', filter: { createdAt: { startAt: '2026-04-01T00:00:00Z', endAt: '2026-04-10T00:00:00Z' } } };
		const job = sandbox.completedJob(body, 'activities');
		const createsBefore = sandbox.servedCalls('/create.json').length;
		const { items } = await fixture.run(extract({ jobSource: 'existing', exportId: job.exportId }));
		assert.equal(sandbox.servedCalls('/create.json').length, createsBefore, 'no job was created');
		const expected = createdIn(sandbox.activities, '2026-04-01T00:00:00Z', '2026-04-10T00:00:00Z');
		assert.deepEqual(items().map((item) => item.json.marketoGUID), expected.map((a) => a.marketoGUID));
	});

	it('a failed activity job fails the extract, names the job and what was not exported, and cancels the rest', async () => {
		const { sandbox } = fixture;
		sandbox.jobs.failures.set('*next*', 'Internal error while building the file');
		const { error } = await fixture.run(extract({ startAt: '2026-06-01T00:00:00Z', endAt: '2026-08-15T00:00:00Z' }));
		assert.match(error().message, /Marketo export job [0-9a-f-]{36} \(window 1\/3 .*\) failed: Internal error while building the file/);
		assert.match(error().description, /Not exported: .*window 3\/3/);
		const jobs = [...sandbox.jobs.jobs.values()].filter((job) => job.kind === 'activities').slice(-2);
		assert.ok(jobs.every((job) => ['Failed', 'Cancelled', 'Completed'].includes(job.status)), 'nothing left queued or processing');
	});

	it('a lead extract and an activity extract in one workflow share Marketo’s queue: never more than 2 jobs processing', async () => {
		const { sandbox } = fixture;
		sandbox.jobs.maxProcessing = 0;
		const leads = marketoWorkflow({ parameters: { operation: 'extractLeads', fields: ['id', 'email'], filterType: 'createdAt', startAt: '2026-01-01T00:00:00Z', endAt: '2026-04-30T00:00:00Z', options: FAST } });
		const activities = marketoWorkflow({ parameters: extract({ startAt: '2026-01-01T00:00:00Z', endAt: '2026-04-30T00:00:00Z' }) });
		const second = { ...activities.nodes[1], id: 'n-marketo-2', name: 'Activities', position: [400, 0] };
		const nodes = [...leads.nodes, second];
		// Two branches from the one start item: n8n runs them one after the other.
		const connections = { Items: { main: [[{ node: 'Marketo', type: 'main', index: 0 }, { node: 'Activities', type: 'main', index: 0 }]] } };
		const { run } = await runWorkflow({ nodes, connections, credentials: fixture.credentials });
		assert.ok(outputOf(run, 'Marketo').length > 0);
		assert.ok(outputOf(run, 'Activities').length > 0);
		assert.ok(sandbox.jobs.maxProcessing <= 2, `${sandbox.jobs.maxProcessing} jobs processed at once`);
	});

	it('the activity type picker lists the instance’s types (Get Activity Types)', async () => {
		const { nodes, connections } = marketoWorkflow({ parameters: extract() });
		const options = await callEditorMethod({ nodes, connections, credentials: fixture.credentials, kind: 'loadOptions', method: 'getActivityTypes' });
		assert.deepEqual(options.map((o) => o.value).sort((a, b) => a - b), [...ACTIVITY_TYPES, MERGE_LEADS_TYPE].map((t) => t.id).sort((a, b) => a - b));
		assert.ok(options.some((o) => o.name === 'Fill Out Form (2)'));
		assert.ok(options.some((o) => o.name === 'Merge Leads (32)'), 'Merge Leads, for a mirror’s merges');
	});
});

describe('Activity attributes that are not JSON', () => {
	it('stay text, with a warning hint, and the run succeeds', async () => {
		const fixture = await sandboxFixture({ speed: SPEED, leadCount: 200, activityCount: 600, malformedAttributesEvery: 50 });
		try {
			const { items, run } = await fixture.run(extract({ startAt: '2026-01-01T00:00:00Z', endAt: '2026-01-31T00:00:00Z' }));
			const kept = items().filter((item) => typeof item.json.attributes === 'string');
			assert.ok(kept.length > 0 && kept.length < items().length);
			assert.match(JSON.stringify(run.data.resultData.runData), new RegExp(`${kept.length} of ${items().length} activities: the attributes column is not a JSON object; kept as the text Marketo wrote`));
		} finally {
			await fixture.stop();
		}
	});
});

describe('Extract Activities since last run', () => {
	it('continues from one second after the previous run, apart from the leads position of the same node', async () => {
		const now = Date.now();
		const fixture = await sandboxFixture({
			speed: SPEED,
			leadCount: 100,
			activityCount: 400,
			datasetStart: '2026-10-01T00:00:00Z',
			datasetEnd: new Date(now - 60_000).toISOString(),
		});
		try {
			const { sandbox } = fixture;
			const staticData = {};
			// The position's own mechanics, without the look-back (lookBack.test.mjs reads the minutes before it again).
			const parameters = extract({ rangeMode: 'sinceLastRun', firstRunStartAt: '2026-10-20T00:00:00Z', options: { lookBackMinutes: 0 } });
			const filtersOf = async (run) => {
				const before = sandbox.jobs.jobs.size;
				const items = (await run).items();
				const windows = [...sandbox.jobs.jobs.values()].slice(before).map((job) => job.spec.filter.createdAt);
				return { items, startAt: windows[0].startAt, endAt: windows.at(-1).endAt };
			};
			const first = await filtersOf(fixture.run(parameters, { staticData, mode: 'trigger' }));
			assert.equal(first.startAt, '2026-10-20T00:00:00Z');
			assert.equal(first.items.length, createdIn(sandbox.activities, first.startAt, first.endAt).length);
			await new Promise((resolve) => setTimeout(resolve, 1100));
			const second = await filtersOf(fixture.run(parameters, { staticData, mode: 'trigger' }));
			assert.equal(Date.parse(second.startAt) - Date.parse(first.endAt), 1000);
			// The node keeps activities' position under its resource: a lead extract from here starts afresh.
			assert.match(JSON.stringify(staticData), /activityExport\.createdAt/);
			assert.doesNotMatch(JSON.stringify(staticData), /leadExport/);
		} finally {
			await fixture.stop();
		}
	});
});
