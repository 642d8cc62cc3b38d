import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { expectedRecord } from '../sandbox/exportFile.mjs';
import { sandboxFixture } from '../support/sandboxFixture.mjs';

/** A 60-second Marketo tick every 50 ms of real time. */
const SPEED = 1200;
const FAST = { pollIntervalSeconds: 0.05, maxWaitMinutes: 2 };
const RANGE = { startAt: '2026-03-01T00:00:00Z', endAt: '2026-03-31T23:59:59Z' };
const NUMERIC = new Set(['integer', 'float', 'currency', 'percent', 'score']);

/** What Convert Values makes of a lead: numbers and booleans by the field's type, the rest as text. */
function typedRecord(lead, fields) {
	const text = expectedRecord(lead, fields.map((field) => field.rest.name));
	for (const field of fields) {
		const value = text[field.rest.name];
		if (value === null) continue;
		if (NUMERIC.has(field.dataType)) text[field.rest.name] = Number(value);
		if (field.dataType === 'boolean') text[field.rest.name] = value === 'true';
	}
	return text;
}

describe('Wide exports (200 columns) in n8n’s engine', () => {
	let fixture;
	let fields;
	before(async () => {
		fixture = await sandboxFixture({ speed: SPEED, leadCount: 1500, customFields: 173 });
		fields = fixture.sandbox.leadFields;
	});
	after(() => fixture.stop());

	const extract = (parameters) => ({
		operation: 'extractLeads',
		format: 'CSV',
		filterType: 'createdAt',
		...RANGE,
		...parameters,
		options: { ...FAST, ...parameters.options },
	});

	it('outputs every lead of a 200-column export, value for value, typed by the fields’ types', async () => {
		assert.equal(fields.length, 200);
		const { sandbox } = fixture;
		const { items } = await fixture.run(extract({ fields: fields.map((field) => field.rest.name) }));
		const expected = sandbox.leads
			.filter((lead) => lead.createdAt >= Date.parse(RANGE.startAt) && lead.createdAt <= Date.parse(RANGE.endAt))
			.map((lead) => typedRecord(lead, fields));
		assert.ok(expected.length > 100);
		assert.deepEqual(items().map((item) => item.json), expected);
		assert.ok(items().some((item) => typeof item.json.customField2__c === 'number'), 'integers became numbers');
		assert.ok(items().some((item) => /\n/.test(item.json.customField3__c ?? '')), 'multi-line text survived');
	});

	it('Max Memory refuses a wide export before downloading, while the same leads with few fields pass', async () => {
		const { sandbox } = fixture;
		const filesBefore = sandbox.servedCalls('/file.json').length;
		const wide = await fixture.run(extract({ fields: fields.map((field) => field.rest.name), options: { maxMemoryMb: 1 } }));
		assert.match(wide.error().message, /The export would take about \d+ MB of memory as items \(\d+ leads × 200 columns\); Max Memory \(MB\) is 1\./);
		assert.match(wide.error().description, /Use Output: Files/);
		assert.match(wide.error().description, /raise Max Memory \(MB\)/);
		assert.equal(sandbox.servedCalls('/file.json').length, filesBefore, 'nothing was downloaded');

		const narrow = await fixture.run(extract({ fields: ['id', 'email', 'updatedAt'], options: { maxMemoryMb: 1 } }));
		assert.ok(narrow.items().length > 100);
		const files = await fixture.run(extract({ fields: fields.map((field) => field.rest.name), output: 'binary', options: { maxMemoryMb: 1 } }));
		assert.equal(files.items().length, 1);
	});
});
