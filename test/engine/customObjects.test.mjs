import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { CUSTOM_OBJECTS } from '../sandbox/customObjects.mjs';
import { expectedRecord } from '../sandbox/exportFile.mjs';
import { callEditorMethod } from '../support/engine.mjs';
import { sandboxFixture } from '../support/sandboxFixture.mjs';
import { marketoWorkflow } from '../support/workflows.mjs';

/** A 60-second Marketo tick every 50 ms of real time. */
const SPEED = 1200;
const FAST = { pollIntervalSeconds: 0.05, maxWaitMinutes: 2 };
const CAR_FIELDS = ['marketoGUID', 'leadID', 'make', 'model', 'color', 'vIN', 'price', 'updatedAt'];

function extract(parameters = {}) {
	return {
		resource: 'customObjectExport',
		operation: 'extractCustomObjects',
		customObjectName: 'car_c',
		fields: CAR_FIELDS,
		filterType: 'updatedAt',
		startAt: '2026-03-01T00:00:00Z',
		endAt: '2026-03-31T23:59:59Z',
		...parameters,
		options: { ...FAST, ...parameters.options },
	};
}

const updatedIn = (records, start, end) => records.filter((r) => r.updatedAt >= Date.parse(start) && r.updatedAt <= Date.parse(end));

describe('Custom Object Export in n8n’s engine', () => {
	let fixture;
	before(async () => {
		fixture = await sandboxFixture({ speed: SPEED, leadCount: 1500 });
	});
	after(() => fixture.stop());

	it('an Updated At range of 95 days runs as 4 windows at the object’s own path and outputs its records, typed', async () => {
		const { sandbox } = fixture;
		const startAt = '2026-02-01T00:00:00Z';
		const endAt = '2026-05-06T23:59:59Z';
		const createsBefore = sandbox.servedCalls('/bulk/v1/customobjects/car_c/export/create.json').length;
		const { items } = await fixture.run(extract({ startAt, endAt }));
		assert.equal(sandbox.servedCalls('/bulk/v1/customobjects/car_c/export/create.json').length - createsBefore, 4);
		const expected = updatedIn(sandbox.customObjectRecords.car_c, startAt, endAt).map((r) => {
			const record = expectedRecord(r, CAR_FIELDS);
			record.leadID = Number(record.leadID);
			if (record.price !== null) record.price = Number(record.price);
			return record;
		});
		assert.ok(expected.length > 100);
		// The output follows the windows; the dataset follows the leads.
		const byGuid = (a, b) => a.marketoGUID.localeCompare(b.marketoGUID);
		assert.deepEqual(items().map((item) => item.json).sort(byGuid), expected.sort(byGuid));
	});

	it('an object keyed by two fields, by a renamed field, or by a field named constructor, keeps every record over several windows', async () => {
		const { sandbox } = fixture;
		const window = (r) => r.updatedAt >= Date.parse('2026-02-01T00:00:00Z') && r.updatedAt <= Date.parse('2026-05-06T23:59:59Z');
		const range = { startAt: '2026-02-01T00:00:00Z', endAt: '2026-05-06T23:59:59Z' };
		const products = await fixture.run(extract({ customObjectName: 'account_product_c', fields: ['accountNumber', 'productCode', 'seats'], ...range }));
		const expectedProducts = sandbox.customObjectRecords.account_product_c.filter(window);
		const product = (r) => `${r.accountNumber}/${r.productCode}`;
		assert.deepEqual(products.items().map((item) => product(item.json)).sort(), expectedProducts.map(product).sort());
		const cars = await fixture.run(extract({ fields: ['vIN', 'make'], columnHeaderNames: { header: [{ field: 'vIN', header: 'VIN Number' }] }, ...range }));
		assert.deepEqual(cars.items().map((item) => item.json['VIN Number']).sort(), sandbox.customObjectRecords.car_c.filter(window).map((r) => r.vIN).sort());
		const odd = await fixture.run(extract({ customObjectName: 'odd_c', fields: ['constructor', 'toString'], ...range, options: { typedValues: false } }));
		const expectedOdd = sandbox.customObjectRecords.odd_c.filter(window);
		assert.deepEqual(odd.items().map((item) => item.json.constructor).sort(), expectedOdd.map((r) => r.constructor).sort());
	});

	it('describes the object once for an extract of several windows: its types and its key from one answer', async () => {
		const { sandbox } = fixture;
		const before = sandbox.servedCalls('/customobjects/car_c/describe.json').length;
		const { items } = await fixture.run(extract({ startAt: '2026-02-01T00:00:00Z', endAt: '2026-05-06T23:59:59Z' }));
		assert.ok(items().length > 100);
		assert.equal(sandbox.servedCalls('/customobjects/car_c/describe.json').length - before, 1);
	});

	it('exports the records linked to a static list’s leads', async () => {
		const { sandbox } = fixture;
		const { items } = await fixture.run(
			extract({ filterType: 'staticListId', staticListId: { mode: 'id', value: '1001' }, options: { typedValues: false } }),
		);
		const expected = sandbox.customObjectRecords.car_c.filter((r) => r.leadID % 3 === 0).map((r) => expectedRecord(r, CAR_FIELDS));
		assert.ok(expected.length > 10);
		assert.deepEqual(items().map((item) => item.json), expected);
	});

	it('keeps one copy per describe key across windows: VIN for cars, marketoGUID where describe gives no key', async () => {
		const { sandbox } = fixture;
		// A record moves from the first window to the second while the extract runs: both files hold it.
		const car = updatedIn(sandbox.customObjectRecords.car_c, '2026-03-01T00:00:00Z', '2026-03-31T23:59:59Z')[0];
		let moved = false;
		sandbox.jobs.onComplete = () => {
			if (moved) return;
			moved = true;
			car.updatedAt = Date.parse('2026-04-15T00:00:00Z');
			car.color = 'Repainted';
		};
		try {
			const { items, run } = await fixture.run(extract({ startAt: '2026-03-01T00:00:00Z', endAt: '2026-04-30T23:59:59Z', options: { concurrency: 1 } }));
			const copies = items().filter((item) => item.json.vIN === car.vIN);
			assert.equal(copies.length, 1);
			assert.equal(copies[0].json.color, 'Repainted', 'the later copy is kept');
			assert.match(JSON.stringify(run.data.resultData.runData), /1 duplicates removed/);
		} finally {
			sandbox.jobs.onComplete = undefined;
		}
		const subscriptions = await fixture.run(
			extract({ customObjectName: 'subscription_c', fields: ['marketoGUID', 'leadID', 'plan', 'active'], startAt: '2026-02-01T00:00:00Z', endAt: '2026-04-30T23:59:59Z' }),
		);
		const expected = updatedIn(sandbox.customObjectRecords.subscription_c, '2026-02-01T00:00:00Z', '2026-04-30T23:59:59Z');
		assert.deepEqual(subscriptions.items().map((item) => item.json.marketoGUID).sort(), expected.map((r) => r.marketoGUID).sort());
		assert.equal(typeof subscriptions.items()[0].json.active, 'boolean');
	});

	it('refuses a custom object name that cannot be one, and Created At, before any call', async () => {
		const { sandbox } = fixture;
		const logBefore = sandbox.log.length;
		const traversal = await fixture.run(extract({ customObjectName: '../leads' }));
		assert.match(traversal.error().message, /Custom Object: "..\/leads" is not a custom object API name/);
		const createdAt = await fixture.run(extract({ filterType: 'createdAt' }));
		assert.match(createdAt.error().message, /Filter: "createdAt" is not one of updatedAt, staticListId/);
		assert.equal(sandbox.log.length, logBefore);
	});

	it('an unknown custom object is Marketo’s 1003, named', async () => {
		const { error } = await fixture.run(extract({ customObjectName: 'boat_c' }));
		// Its describe, which checks the fields before any job, is the first to answer.
		assert.match(error().message, /Marketo error 1003 while trying to describe the custom object boat_c: Invalid custom object name: boat_c/);
	});

	it('the pickers list the objects and the chosen object’s fields', async () => {
		const { nodes, connections } = marketoWorkflow({ parameters: extract() });
		const objects = await callEditorMethod({ nodes, connections, credentials: fixture.credentials, kind: 'loadOptions', method: 'getCustomObjects' });
		assert.deepEqual(objects.map((o) => o.value).sort(), Object.keys(CUSTOM_OBJECTS).sort());
		const fields = await callEditorMethod({ nodes, connections, credentials: fixture.credentials, kind: 'loadOptions', method: 'getCustomObjectFields' });
		assert.deepEqual(fields.map((f) => f.value).sort(), CUSTOM_OBJECTS.car_c.fields.map((f) => f.name).sort());
	});

	it('the job operations work at the object’s endpoints', async () => {
		const { sandbox } = fixture;
		const created = await fixture.run({ ...extract(), operation: 'createJob' });
		const { exportId } = created.items()[0].json;
		const listed = await fixture.run({ resource: 'customObjectExport', customObjectName: 'car_c', operation: 'listJobs' });
		assert.ok(listed.items().some((item) => item.json.exportId === exportId));
		const other = await fixture.run({ resource: 'customObjectExport', customObjectName: 'subscription_c', operation: 'listJobs' });
		assert.ok(!other.items().some((item) => item.json.exportId === exportId), 'each object lists its own jobs');
		const cancelled = await fixture.run({ resource: 'customObjectExport', customObjectName: 'car_c', operation: 'cancelJob', exportId });
		assert.equal(cancelled.items()[0].json.status, 'Cancelled');
		assert.equal(sandbox.servedCalls(`/bulk/v1/customobjects/car_c/export/${exportId}/cancel.json`).length, 1);
	});
});
