import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { expectedRecord } from '../sandbox/exportFile.mjs';
import { readBinary } from '../support/engine.mjs';
import { sandboxFixture } from '../support/sandboxFixture.mjs';

const FIELDS = ['id', 'email', 'firstName', 'company', 'leadScore', 'unsubscribed', 'notes', 'createdAt'];
const JANUARY = { filterType: 'createdAt', startAt: '2026-01-01T00:00:00Z', endAt: '2026-01-31T23:59:59Z' };

describe('single-endpoint operations in n8n’s engine', () => {
	let fixture;
	before(async () => {
		fixture = await sandboxFixture();
	});
	after(() => fixture.stop());

	it('Create Job sends the definition and returns the Created job', async () => {
		const { items } = await fixture.run({
			operation: 'createJob',
			fields: FIELDS,
			format: 'CSV',
			...JANUARY,
			columnHeaderNames: { header: [{ field: 'email', header: 'Email Address' }] },
		});
		const [item] = items();
		assert.equal(item.json.status, 'Created');
		assert.match(item.json.exportId, /^[0-9a-f-]{36}$/);
		assert.deepEqual(item.pairedItem, { item: 0 });
		const job = fixture.sandbox.jobs.get(item.json.exportId);
		assert.deepEqual(job.spec.fields, FIELDS);
		assert.deepEqual(job.spec.columnHeaderNames, { email: 'Email Address' });
		assert.deepEqual(job.spec.filter, { createdAt: { startAt: '2026-01-01T00:00:00Z', endAt: '2026-01-31T23:59:59Z' } });
	});

	it('Create Job reads dates without an offset in the workflow time zone and sends UTC', async () => {
		const { items } = await fixture.run({
			operation: 'createJob',
			fields: 'id, email',
			...JANUARY,
			startAt: '2026-01-01T00:00:00.750',
			endAt: '2026-01-02T00:00:00+01:00',
		});
		const job = fixture.sandbox.jobs.get(items()[0].json.exportId);
		// The engine's default time zone is America/New_York.
		assert.deepEqual(job.spec.filter.createdAt, { startAt: '2026-01-01T05:00:00Z', endAt: '2026-01-01T23:00:00Z' });
		assert.deepEqual(job.spec.fields, ['id', 'email']);
	});

	it('Create Job takes static and smart lists by ID and by name', async () => {
		const cases = [
			[{ filterType: 'staticListId', staticListId: { mode: 'list', value: '1001' } }, { staticListId: 1001 }],
			[{ filterType: 'staticListName', staticListName: { mode: 'name', value: 'Webinar attendees' } }, { staticListName: 'Webinar attendees' }],
			[{ filterType: 'smartListId', smartListId: { mode: 'id', value: '2001' } }, { smartListId: 2001 }],
			[{ filterType: 'smartListName', smartListName: { mode: 'list', value: 'Unsubscribed' } }, { smartListName: 'Unsubscribed' }],
		];
		for (const [parameters, filter] of cases) {
			const { items } = await fixture.run({ operation: 'createJob', fields: ['id'], ...parameters });
			assert.deepEqual(fixture.sandbox.jobs.get(items()[0].json.exportId).spec.filter, filter);
		}
	});

	it('Enqueue Job queues it, and a second enqueue ("already queued") reports the job instead of failing', async () => {
		const job = fixture.sandbox.jobs.create({ fields: ['id'], format: 'CSV', filter: { staticListId: 1001 } });
		const first = await fixture.run({ operation: 'enqueueJob', exportId: job.exportId });
		assert.equal(first.items()[0].json.status, 'Queued');
		const second = await fixture.run({ operation: 'enqueueJob', exportId: job.exportId });
		assert.equal(second.items()[0].json.status, 'Queued');
		assert.equal(fixture.sandbox.servedCalls(`${job.exportId}/enqueue`).filter((c) => c.errorCode === '1029').length, 1);
	});

	it('Get Job Status follows the job through Marketo’s 60-second ticks', async () => {
		const job = fixture.sandbox.jobs.create({ fields: ['id'], format: 'CSV', filter: { staticListId: 1002 } });
		fixture.sandbox.jobs.enqueue(job.exportId);
		const status = async () => (await fixture.run({ operation: 'getJobStatus', exportId: job.exportId })).items()[0].json;
		assert.equal((await status()).status, 'Queued');
		fixture.sandbox.clock.advance(60_000);
		assert.equal((await status()).status, 'Processing');
		fixture.sandbox.clock.advance(60_000);
		const done = await status();
		assert.equal(done.status, 'Completed');
		assert.equal(done.numberOfRecords, fixture.sandbox.leads.filter((l) => l.id % 5 === 0).length);
		assert.match(done.fileChecksum, /^sha256:[0-9a-f]{64}$/);
	});

	it('Cancel Job cancels, and the state is spelled Cancelled', async () => {
		const job = fixture.sandbox.jobs.create({ fields: ['id'], format: 'CSV', filter: { staticListId: 1001 } });
		const { items } = await fixture.run({ operation: 'cancelJob', exportId: job.exportId });
		assert.equal(items()[0].json.status, 'Cancelled');
		assert.equal(fixture.sandbox.jobs.get(job.exportId).status, 'Cancelled');
	});

	it('List Jobs follows every page and filters by status', async () => {
		for (let i = 0; i < 3; i++) fixture.sandbox.jobs.create({ fields: ['id'], format: 'CSV', filter: { staticListId: 1003 } });
		const all = (await fixture.run({ operation: 'listJobs' })).items();
		assert.equal(all.length, fixture.sandbox.jobs.list().length);
		const created = (await fixture.run({ operation: 'listJobs', statusFilter: ['Created'] })).items();
		assert.ok(created.length >= 3);
		assert.ok(created.every((item) => item.json.status === 'Created'));
	});

	it('with Convert Values off, Get Job File emits one item per lead, values exactly as in the file', async () => {
		const job = fixture.sandbox.completedJob({
			fields: FIELDS,
			format: 'CSV',
			filter: { createdAt: { startAt: '2026-01-01T00:00:00Z', endAt: '2026-01-31T23:59:59Z' } },
		});
		const { items } = await fixture.run({ operation: 'getJobFile', exportId: job.exportId, options: { typedValues: false } });
		const expected = fixture.sandbox.leads
			.filter((l) => l.createdAt >= Date.parse('2026-01-01T00:00:00Z') && l.createdAt <= Date.parse('2026-01-31T23:59:59Z'))
			.map((l) => expectedRecord(l, FIELDS));
		assert.ok(expected.length > 100);
		assert.deepEqual(items().map((i) => i.json), expected);
		assert.ok(items().every((i) => i.pairedItem.item === 0));
	});

	it('Get Job File and Extract give the same items for the same file, with the same options', async () => {
		const job = fixture.sandbox.completedJob({ fields: FIELDS, format: 'CSV', filter: { createdAt: { startAt: '2026-01-01T00:00:00Z', endAt: '2026-01-31T23:59:59Z' } } });
		for (const options of [{}, { typedValues: false }]) {
			const file = await fixture.run({ operation: 'getJobFile', exportId: job.exportId, options });
			const extracted = await fixture.run({ operation: 'extractLeads', jobSource: 'existing', exportId: job.exportId, options: { ...options, pollIntervalSeconds: 0.05 } });
			assert.ok(file.items().length > 100);
			assert.deepEqual(file.items().map((i) => i.json), extracted.items().map((i) => i.json), JSON.stringify(options));
		}
	});

	it('Get Job File parses TSV and SSV with renamed headers', async () => {
		for (const format of ['TSV', 'SSV']) {
			const columnHeaderNames = { firstName: 'First Name', notes: 'Lead Notes' };
			const job = fixture.sandbox.completedJob({ fields: FIELDS, format, columnHeaderNames, filter: { staticListId: 1002 } });
			const { items } = await fixture.run({ operation: 'getJobFile', exportId: job.exportId, options: { typedValues: false } });
			const expected = fixture.sandbox.leads.filter((l) => l.id % 5 === 0).map((l) => expectedRecord(l, FIELDS, columnHeaderNames));
			assert.deepEqual(items().map((i) => i.json), expected, format);
		}
	});

	it('Get Job File as binary stores the file byte for byte, named and typed', async () => {
		const job = fixture.sandbox.completedJob({ fields: FIELDS, format: 'TSV', filter: { staticListId: 1001 } });
		const { items } = await fixture.run({ operation: 'getJobFile', exportId: job.exportId, output: 'binary' });
		const [item] = items();
		assert.equal(item.binary.data.fileName, `${job.exportId}.tsv`);
		assert.equal(item.binary.data.mimeType, 'text/tab-separated-values');
		assert.ok((await readBinary(item.binary.data)).equals(job.file));
		assert.equal(item.json.bytesDownloaded, job.fileSize);
	});

	it('Get Job File as binary honours a byte range', async () => {
		const job = fixture.sandbox.completedJob({ fields: FIELDS, format: 'CSV', filter: { staticListId: 1001 } });
		const { items } = await fixture.run({
			operation: 'getJobFile',
			exportId: job.exportId,
			output: 'binary',
			binaryPropertyName: 'part',
			byteRange: '100-1099',
		});
		const [item] = items();
		assert.ok((await readBinary(item.binary.part)).equals(job.file.subarray(100, 1100)));
		assert.equal(fixture.sandbox.servedCalls(`${job.exportId}/file`).at(-1).range, 'bytes=100-1099');
	});

	it('Get Job File on a job that is not Completed says so, without downloading', async () => {
		const job = fixture.sandbox.jobs.create({ fields: ['id'], format: 'CSV', filter: { staticListId: 1001 } });
		const { error } = await fixture.run({ operation: 'getJobFile', exportId: job.exportId });
		assert.match(error().message, new RegExp(`Export job ${job.exportId} is Created; only a Completed job has a file`));
		assert.equal(fixture.sandbox.servedCalls(`${job.exportId}/file`).length, 0);
	});

	it('reads parameters per input item and pairs each output with its item', async () => {
		const jobs = [1001, 1002].map((id) => fixture.sandbox.jobs.create({ fields: ['id'], format: 'CSV', filter: { staticListId: id } }));
		const { items } = await fixture.run(
			{ operation: 'getJobStatus', exportId: '={{ $json.exportId }}' },
			{ items: jobs.map((job) => ({ exportId: job.exportId })) },
		);
		assert.deepEqual(items().map((i) => [i.json.exportId, i.pairedItem.item]), [
			[jobs[0].exportId, 0],
			[jobs[1].exportId, 1],
		]);
	});
});
