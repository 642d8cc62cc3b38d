import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { expectedRecord } from '../sandbox/exportFile.mjs';
import { PROGRAMS } from '../sandbox/programMembers.mjs';
import { callEditorMethod } from '../support/engine.mjs';
import { sandboxFixture } from '../support/sandboxFixture.mjs';
import { marketoWorkflow } from '../support/workflows.mjs';

/** A 60-second Marketo tick every 50 ms of real time. */
const SPEED = 1200;
const FAST = { pollIntervalSeconds: 0.05, maxWaitMinutes: 2 };
const FIELDS = ['leadId', 'program', 'statusName', 'membershipDate', 'reachedSuccess', 'isExhausted', 'nurtureCadence', 'webinarUrl', 'email'];

function extract(parameters = {}) {
	return {
		resource: 'programMemberExport',
		operation: 'extractProgramMembers',
		programIds: [1021],
		fields: FIELDS,
		...parameters,
		options: { ...FAST, ...parameters.options },
	};
}

describe('Program Member Export in n8n’s engine', () => {
	let fixture;
	before(async () => {
		fixture = await sandboxFixture({ speed: SPEED, leadCount: 600 });
	});
	after(() => fixture.stop());

	it('exports every member of one program, member and lead fields, as text with Convert Values off', async () => {
		const { sandbox } = fixture;
		const { items } = await fixture.run(extract({ options: { typedValues: false } }));
		const expected = sandbox.programMembers.filter((m) => m.programId === 1021).map((m) => expectedRecord(m, FIELDS));
		assert.ok(expected.length > 100);
		assert.deepEqual(items().map((item) => item.json), expected);
		const job = [...sandbox.jobs.jobs.values()].at(-1);
		assert.deepEqual(job.spec.filter, { programId: 1021 });
		assert.equal(job.kind, 'programMembers');
	});

	it('types member and lead fields by their describes', async () => {
		const { items } = await fixture.run(extract());
		const [first] = items();
		assert.equal(typeof first.json.leadId, 'number');
		assert.equal(typeof first.json.reachedSuccess, 'boolean');
		assert.equal(typeof first.json.membershipDate, 'string');
	});

	it('several programs with status, exhausted and cadence filters: programId comes first, only matching members', async () => {
		const { sandbox } = fixture;
		const { items } = await fixture.run(
			extract({ programIds: [1021, 1023], statusNames: 'Registered, Attended', isExhausted: 'false', nurtureCadence: 'norm', options: { typedValues: false } }),
		);
		const expected = sandbox.programMembers
			.filter((m) => [1021, 1023].includes(m.programId) && ['Registered', 'Attended'].includes(m.statusName) && !m.isExhausted && m.nurtureCadence === 'norm')
			.map((m) => expectedRecord(m, ['programId', ...FIELDS]));
		assert.ok(expected.length > 10);
		assert.deepEqual(items().map((item) => item.json), expected);
		assert.equal(Object.keys(items()[0].json)[0], 'programId');
		const job = [...sandbox.jobs.jobs.values()].at(-1);
		assert.deepEqual(job.spec.filter, { programIds: [1021, 1023], statusNames: ['Registered', 'Attended'], isExhausted: false, nurtureCadence: 'norm' });
	});

	it('an Updated At range of two months runs as two windows and outputs each member once', async () => {
		const { sandbox } = fixture;
		const startAt = '2026-05-01T00:00:00Z';
		const endAt = '2026-06-29T23:59:59Z';
		const createsBefore = sandbox.servedCalls('/program/members/export/create.json').length;
		const { items } = await fixture.run(
			extract({ programIds: [1021, 1022], dateFilter: 'updatedAt', startAt, endAt, fields: ['leadId', 'statusName', 'updatedAt'], options: { typedValues: false } }),
		);
		assert.equal(sandbox.servedCalls('/program/members/export/create.json').length - createsBefore, 2);
		const expected = sandbox.programMembers
			.filter((m) => [1021, 1022].includes(m.programId) && m.updatedAt >= Date.parse(startAt) && m.updatedAt <= Date.parse(endAt))
			.map((m) => expectedRecord(m, ['programId', 'leadId', 'statusName', 'updatedAt']));
		const key = (r) => `${r.programId}/${r.leadId}`;
		assert.deepEqual(items().map((item) => key(item.json)).sort(), expected.map(key).sort());
	});

	it('a renamed leadId is the key under its new name: every member once over several windows, nothing added', async () => {
		const { sandbox } = fixture;
		const startAt = '2026-02-01T00:00:00Z';
		const endAt = '2026-05-06T23:59:59Z';
		const jobsBefore = sandbox.jobs.jobs.size;
		const { items } = await fixture.run(
			extract({
				programIds: [1021, 1023],
				dateFilter: 'updatedAt',
				startAt,
				endAt,
				fields: ['leadId', 'statusName'],
				columnHeaderNames: { header: [{ field: 'leadId', header: 'Lead ID' }] },
			}),
		);
		const expected = sandbox.programMembers.filter((m) => [1021, 1023].includes(m.programId) && m.updatedAt >= Date.parse(startAt) && m.updatedAt <= Date.parse(endAt));
		assert.deepEqual(items().map((item) => `${item.json.programId}/${item.json['Lead ID']}`).sort(), expected.map((m) => `${m.programId}/${m.leadId}`).sort());
		const jobs = [...sandbox.jobs.jobs.values()].slice(jobsBefore);
		assert.equal(jobs.length, 4);
		assert.ok(jobs.every((job) => job.spec.fields.join() === 'leadId,statusName'));
	});

	it('refuses no program, more than 10, and a status name that is no text, before any call', async () => {
		const { sandbox } = fixture;
		const logBefore = sandbox.log.length;
		const none = await fixture.run(extract({ programIds: '={{ [] }}' }));
		assert.match(none.error().message, /Programs: no program chosen/);
		const eleven = await fixture.run(extract({ programIds: `={{ ${JSON.stringify(Array.from({ length: 11 }, (_, i) => 2000 + i))} }}` }));
		assert.match(eleven.error().message, /Programs: 11 programs chosen; Marketo takes at most 10 per job/);
		const word = await fixture.run(extract({ programIds: '={{ ["Webinar"] }}' }));
		assert.match(word.error().message, /Programs: "Webinar" is not a program ID/);
		const status = await fixture.run(extract({ statusNames: '={{ [1, 2] }}' }));
		assert.match(status.error().message, /Status Names: a number \(1\) is not a status name/);
		const cadence = await fixture.run(extract({ nurtureCadence: 'fast' }));
		assert.match(cadence.error().message, /Nurture Cadence: "fast" is not one of any, norm, pause/);
		assert.equal(sandbox.log.length, logBefore, 'nothing reached Marketo');
	});

	it('Marketo’s refusal of an unknown status name reaches the user with its code', async () => {
		const { error } = await fixture.run(extract({ statusNames: 'Teleported' }));
		assert.match(error().message, /Marketo error 1003 while trying to create the export job: Invalid Data: status name not found/);
	});

	it('the program picker and the field picker list the instance’s programs and fields', async () => {
		const { nodes, connections } = marketoWorkflow({ parameters: extract() });
		const programs = await callEditorMethod({ nodes, connections, credentials: fixture.credentials, kind: 'loadOptions', method: 'getPrograms' });
		assert.deepEqual(programs.map((p) => p.value).sort(), PROGRAMS.map((p) => p.id).sort());
		const fields = await callEditorMethod({ nodes, connections, credentials: fixture.credentials, kind: 'loadOptions', method: 'getProgramMemberFields' });
		const values = fields.map((f) => f.value);
		for (const name of ['leadId', 'programId', 'statusName', 'membershipDate', 'email', 'firstName']) assert.ok(values.includes(name), name);
		assert.equal(values.filter((v) => v === 'createdAt').length, 1, 'createdAt offered once, as the member field');
	});

	it('the job operations work at the program member endpoints', async () => {
		const { sandbox } = fixture;
		const created = await fixture.run({ ...extract(), operation: 'createJob' });
		const { exportId } = created.items()[0].json;
		const status = await fixture.run({ resource: 'programMemberExport', operation: 'getJobStatus', exportId });
		assert.equal(status.items()[0].json.status, 'Created');
		const cancelled = await fixture.run({ resource: 'programMemberExport', operation: 'cancelJob', exportId });
		assert.equal(cancelled.items()[0].json.status, 'Cancelled');
		assert.equal(sandbox.servedCalls(`/bulk/v1/program/members/export/${exportId}/status.json`).length, 1);
		const asLead = await fixture.run({ resource: 'leadExport', operation: 'getJobStatus', exportId });
		assert.match(asLead.error().message, /Marketo error 1003/, 'a program member job is unknown at the lead endpoints');
	});
});
