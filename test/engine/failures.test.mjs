import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { sandboxFixture } from '../support/sandboxFixture.mjs';

const LIST_JOB = { fields: ['id', 'email', 'notes'], format: 'CSV', filter: { staticListId: 1001 } };

/** Every string in an execution's output and error, to look for secrets. */
function everythingShown(result) {
	return JSON.stringify(result.run.data, (_key, value) => (value instanceof Error ? { message: value.message, description: value.description, stack: value.stack } : value));
}

describe('Marketo failures, seen through n8n’s engine', () => {
	let fixture;
	before(async () => {
		fixture = await sandboxFixture();
	});
	after(() => fixture.stop());

	it('a token expired in the middle of a sequence is refreshed once (602 → new token → success)', async () => {
		const { sandbox } = fixture;
		const job = sandbox.jobs.create(LIST_JOB);
		await fixture.run({ operation: 'getJobStatus', exportId: job.exportId });
		const tokensBefore = sandbox.tokenRequests().length;
		sandbox.expireTokens();
		const { items } = await fixture.run({ operation: 'enqueueJob', exportId: job.exportId });
		assert.equal(items()[0].json.status, 'Queued');
		const enqueues = sandbox.apiCalls(`${job.exportId}/enqueue`);
		assert.deepEqual(enqueues.map((c) => c.errorCode ?? 'ok'), ['602', 'ok']);
		assert.equal(sandbox.tokenRequests().length, tokensBefore + 1);
	});

	it('a token handed back in its last second is waited out and replaced', async () => {
		const { sandbox } = fixture;
		const job = sandbox.jobs.create(LIST_JOB);
		await fixture.run({ operation: 'getJobStatus', exportId: job.exportId });
		// The token has half a second left: asked now, Marketo returns it again (expires_in 0).
		for (const info of sandbox.tokens.values()) info.expiresAt = sandbox.clock.now() + 500;
		sandbox.addFault({ path: `${job.exportId}/status`, envelopeError: { code: '602', message: 'Access token expired' } });
		const { items } = await fixture.run({ operation: 'getJobStatus', exportId: job.exportId });
		assert.equal(items()[0].json.exportId, job.exportId);
		assert.ok(sandbox.tokenRequests().length >= 3, 'the dying token was replaced by a fresh one');
	});

	it('a token expiring during the file download is refreshed and the download completes', async () => {
		const { sandbox } = fixture;
		const job = sandbox.completedJob(LIST_JOB);
		sandbox.addFault({ path: `${job.exportId}/file`, expireToken: true });
		const { items } = await fixture.run({ operation: 'getJobFile', exportId: job.exportId });
		assert.equal(items().length, job.numberOfRecords);
		assert.deepEqual(sandbox.apiCalls(`${job.exportId}/file`).map((c) => c.errorCode ?? c.status), ['602', 200]);
	});

	it('606 waits out the 20-second window, then succeeds', async () => {
		const { sandbox } = fixture;
		const job = sandbox.jobs.create(LIST_JOB);
		sandbox.addFault({ path: `${job.exportId}/status`, envelopeError: { code: '606', message: "Max rate limit '100' exceeded with in '20' secs" } });
		const started = Date.now();
		const { items } = await fixture.run({ operation: 'getJobStatus', exportId: job.exportId });
		assert.equal(items()[0].json.status, 'Created');
		assert.ok(Date.now() - started >= 19_000, 'the node waited for the window');
		assert.deepEqual(sandbox.servedCalls(`${job.exportId}/status`).map((c) => c.errorCode ?? 'ok'), ['606', 'ok']);
	});

	it('HTTP 503 on a read is retried with backoff; on create it is not repeated', async () => {
		const { sandbox } = fixture;
		const job = sandbox.jobs.create(LIST_JOB);
		sandbox.addFault({ path: `${job.exportId}/status`, status: 503 });
		const ok = await fixture.run({ operation: 'getJobStatus', exportId: job.exportId });
		assert.equal(ok.items()[0].json.exportId, job.exportId);
		assert.equal(sandbox.servedCalls(`${job.exportId}/status`).length, 2);

		const createsBefore = sandbox.servedCalls('/create.json').length;
		sandbox.addFault({ path: '/create.json', status: 503 });
		const failed = await fixture.run({ operation: 'createJob', fields: ['id'], filterType: 'staticListId', staticListId: { mode: 'id', value: '1001' } });
		assert.match(failed.error().message, /HTTP 503/);
		assert.match(failed.error().description, /not repeated because Marketo may already have acted on it/);
		assert.equal(sandbox.servedCalls('/create.json').length, createsBefore + 1);
	});

	it('615 (too many calls in flight) is retried even for Create Job: Marketo refused it before acting', async () => {
		const { sandbox } = fixture;
		const createsBefore = sandbox.servedCalls('/create.json').length;
		sandbox.addFault({ path: '/create.json', envelopeError: { code: '615', message: 'Concurrent access limit reached' } });
		const { items } = await fixture.run({ operation: 'createJob', fields: ['id'], filterType: 'staticListId', staticListId: { mode: 'id', value: '1001' } });
		assert.equal(items()[0].json.status, 'Created');
		assert.deepEqual(sandbox.servedCalls('/create.json').slice(createsBefore).map((c) => c.errorCode ?? 'ok'), ['615', 'ok']);
	});

	it('607 (daily API quota) fails at once, saying when it resets', async () => {
		const { sandbox } = fixture;
		sandbox.addFault({ path: '/export.json', envelopeError: { code: '607', message: 'Daily quota reached' } });
		const callsBefore = sandbox.servedCalls('/export.json').length;
		const { error } = await fixture.run({ operation: 'listJobs' });
		assert.match(error().message, /Marketo error 607 .*Daily quota reached/);
		assert.match(error().description, /daily API call quota is spent; it resets at .* America\/Chicago/);
		assert.equal(sandbox.servedCalls('/export.json').length, callsBefore + 1);
	});

	it('a connection dropped before the answer is retried for a read, not repeated for create', async () => {
		const { sandbox } = fixture;
		const job = sandbox.jobs.create(LIST_JOB);
		sandbox.addFault({ path: `${job.exportId}/status`, destroy: true });
		const read = await fixture.run({ operation: 'getJobStatus', exportId: job.exportId });
		assert.equal(read.items()[0].json.exportId, job.exportId);
		assert.deepEqual(sandbox.servedCalls(`${job.exportId}/status`).map((c) => c.fault ?? 'ok'), ['destroy', 'ok']);

		const createsBefore = sandbox.servedCalls('/create.json').length;
		sandbox.addFault({ path: '/create.json', destroy: true });
		const created = await fixture.run({ operation: 'createJob', fields: ['id'], filterType: 'staticListId', staticListId: { mode: 'id', value: '1001' } });
		assert.match(created.error().message, /The connection to Marketo failed while trying to create the export job: \S/);
		assert.doesNotMatch(created.error().message, /failed: The connection/, 'the cause is said once');
		assert.match(created.error().description, /not repeated because Marketo may already have acted on it/);
		assert.equal(sandbox.servedCalls('/create.json').length, createsBefore + 1);
	});

	it('a file request whose connection drops before any byte is resumed', async () => {
		const { sandbox } = fixture;
		const job = sandbox.completedJob(LIST_JOB);
		sandbox.addFault({ path: `${job.exportId}/file`, destroy: true });
		const { items } = await fixture.run({ operation: 'getJobFile', exportId: job.exportId });
		assert.equal(items().length, job.numberOfRecords);
		assert.deepEqual(sandbox.servedCalls(`${job.exportId}/file`).map((c) => c.fault ?? c.status), ['destroy', 200]);
	});

	it('a full queue (1029) is told apart from the daily quota (1029)', async () => {
		const { sandbox } = fixture;
		const ids = [];
		while (sandbox.jobs.countIn('Queued', 'Processing') < 10) {
			const job = sandbox.jobs.create(LIST_JOB);
			sandbox.jobs.enqueue(job.exportId);
			ids.push(job.exportId);
		}
		const extra = sandbox.jobs.create(LIST_JOB);
		const full = await fixture.run({ operation: 'enqueueJob', exportId: extra.exportId });
		assert.match(full.error().message, /Marketo error 1029 .*Too many jobs \(10\) in queue/);
		assert.match(full.error().description, /queue holds 10 jobs/);
		assert.match(full.error().description, new RegExp(`Export job ${extra.exportId} stays Created: enqueue it again later`));
		assert.doesNotMatch(full.error().description, /quota/);
		for (const id of ids) sandbox.jobs.cancel(id);

		sandbox.settings.quotaUsedBytes = sandbox.settings.dailyQuotaBytes;
		try {
			const spent = await fixture.run({ operation: 'enqueueJob', exportId: extra.exportId });
			assert.match(spent.error().message, /Export daily quota 500MB exceeded/);
			assert.match(spent.error().description, /resets at \d{4}-\d\d-\d\d 00:00 America\/Chicago \(\d{4}-\d\d-\d\dT\d\d:00:00Z\)/);
		} finally {
			sandbox.settings.quotaUsedBytes = 0;
		}
	});

	it('1035 (filter not enabled) explains what to do; a Since Last Run schedule meeting it stops at its first create, having spent no quota', async () => {
		fixture.sandbox.settings.updatedAtUnsupported = true;
		try {
			const { error } = await fixture.run({ operation: 'createJob', fields: ['id'], filterType: 'updatedAt', startAt: '2026-03-01T00:00:00Z', endAt: '2026-03-10T00:00:00Z' });
			assert.match(error().message, /Marketo error 1035/);
			assert.match(error().description, /not enabled on your subscription: a limit of the Marketo subscription/);
			const jobsBefore = fixture.sandbox.jobs.jobs.size;
			const creates = fixture.sandbox.servedCalls('/create.json').length;
			const scheduled = await fixture.run(
				{ operation: 'extractLeads', fields: ['id'], filterType: 'updatedAt', rangeMode: 'sinceLastRun', firstRunStartAt: '2026-01-01T00:00:00Z', options: { pollIntervalSeconds: 0.05 } },
				{ mode: 'trigger', staticData: {} },
			);
			assert.match(scheduled.error()?.message ?? '', /Marketo error 1035/);
			assert.match(scheduled.error().description, /No job was created, so no export quota was spent\. Alternatives: Created At, with a periodic reconcile .*; a static list .*; or ask Marketo Support/);
			assert.equal(fixture.sandbox.jobs.jobs.size, jobsBefore, 'no job');
			assert.equal(fixture.sandbox.servedCalls('/create.json').length - creates, 1, 'one create, refused: the run stopped there');
		} finally {
			fixture.sandbox.settings.updatedAtUnsupported = false;
		}
	});

	it('bad parameters fail before any call to Marketo, naming the parameter and the fix', async () => {
		const { sandbox } = fixture;
		const cases = [
			[{ operation: 'getJobStatus', exportId: 'not-a-job-id' }, /^Export ID: "not-a-job-id" is not a Marketo export ID/],
			[{ operation: 'cancelJob', exportId: '   ' }, /^Export ID: empty is not a Marketo export ID/],
			[{ operation: 'createJob', fields: '={{ [] }}', filterType: 'staticListId', staticListId: { mode: 'id', value: '1' } }, /^Fields: no field chosen/],
			[{ operation: 'createJob', fields: 'id, e-mail', filterType: 'staticListId', staticListId: { mode: 'id', value: '1' } }, /^Fields: "e-mail" is not a Marketo REST field name/],
			[{ operation: 'createJob', fields: ['id'], filterType: 'createdAt', startAt: '2026-02-01T00:00:00Z', endAt: '2026-01-01T00:00:00Z' }, /^End At: .* is before Start At/],
			[{ operation: 'createJob', fields: ['id'], filterType: 'createdAt', startAt: '2026-01-01T00:00:00Z', endAt: '2026-03-01T00:00:00Z' }, /^End At: the range .* is longer than Marketo's 31 days/],
			[{ operation: 'createJob', fields: ['id'], filterType: 'createdAt', startAt: 'yesterday', endAt: '2026-03-01T00:00:00Z' }, /^Start At: "yesterday" is not a date/],
			[{ operation: 'createJob', fields: ['id'], filterType: 'staticListId', staticListId: { mode: 'list', value: '={{ "" }}' } }, /^Static List: no list chosen/],
			[{ operation: 'createJob', fields: ['id'], filterType: 'smartListId', smartListId: { mode: 'id', value: '={{ "abc" }}' } }, /^Smart List: "abc" is not a list ID/],
			[{ operation: 'createJob', fields: ['id', 'email'], filterType: 'staticListId', staticListId: { mode: 'id', value: '1' }, columnHeaderNames: { header: [{ field: 'email', header: 'id' }] } }, /^Column Header Names: two columns would be named "id"/],
			[{ operation: 'getJobFile', exportId: '00000000-0000-4000-8000-000000000000', output: 'binary', byteRange: '10-5' }, /^Byte Range: "10-5" is not a byte range/],
		];
		for (const [parameters, message] of cases) {
			const callsBefore = sandbox.log.length;
			const { error } = await fixture.run(parameters);
			assert.match(error()?.message ?? 'no error', message);
			assert.ok(error().description, `a fix is given for ${error().message}`);
			assert.equal(sandbox.log.length, callsBefore, `no call to Marketo for ${error().message}`);
		}
		const longRange = await fixture.run({ operation: 'createJob', fields: ['id'], filterType: 'createdAt', startAt: '2026-01-01T00:00:00Z', endAt: '2026-03-01T00:00:00Z' });
		assert.match(longRange.error().description, /Extract Leads operation, which splits any range/);
	});

	it('Continue On Fail turns a failing item into an error item and carries on', async () => {
		const good = fixture.sandbox.jobs.create(LIST_JOB);
		const { items } = await fixture.run(
			{ operation: 'getJobStatus', exportId: '={{ $json.exportId }}' },
			{ items: [{ exportId: 'broken' }, { exportId: good.exportId }, { exportId: '11111111-2222-4333-8444-555555555555' }], continueOnFail: true },
		);
		const output = items();
		assert.equal(output.length, 3);
		assert.match(output[0].json.error, /Export ID: "broken"/);
		assert.equal(output[1].json.status, 'Created');
		assert.match(output[2].json.error, /Marketo error 1003/);
		assert.equal(output[2].json.marketoCode, '1003');
		assert.deepEqual(output.map((i) => i.pairedItem.item), [0, 1, 2]);
	});

	it('a download dropped mid-file resumes with Range and yields the same leads', async () => {
		const { sandbox } = fixture;
		const job = sandbox.completedJob(LIST_JOB);
		sandbox.addFault({ path: `${job.exportId}/file`, dropAfterBytes: Math.floor(job.fileSize / 3) });
		const { items } = await fixture.run({ operation: 'getJobFile', exportId: job.exportId });
		assert.equal(items().length, job.numberOfRecords);
		const calls = sandbox.servedCalls(`${job.exportId}/file`);
		assert.equal(calls.length, 2);
		assert.equal(calls[1].range, `bytes=${calls[0].bytes}-`);
		assert.equal(calls[1].status, 206);
	});

	it('a file that fails its checksum is fetched once more; twice fails saying so', async () => {
		const { sandbox } = fixture;
		const job = sandbox.completedJob(LIST_JOB);
		sandbox.addFault({ path: `${job.exportId}/file`, corrupt: true });
		const healed = await fixture.run({ operation: 'getJobFile', exportId: job.exportId });
		assert.equal(healed.items().length, job.numberOfRecords);
		assert.equal(sandbox.servedCalls(`${job.exportId}/file`).length, 2);

		sandbox.addFault({ path: `${job.exportId}/file`, corrupt: true, times: 2 });
		const failed = await fixture.run({ operation: 'getJobFile', exportId: job.exportId });
		assert.match(failed.error().message, /failed its check twice: the file's sha256 is [0-9a-f]{64} but the job's fileChecksum is sha256:/);
		assert.match(failed.error().description, /stays Completed/);
	});
});

describe('credentials', () => {
	it('a wrong client secret fails clearly and the secret appears nowhere', async () => {
		const secret = 'wrong-secret-that-must-not-leak';
		const fixture = await sandboxFixture({ credentialSecret: secret });
		try {
			const result = await fixture.run({ operation: 'listJobs' });
			assert.match(result.error().message, /Marketo did not issue an access token/);
			assert.match(result.error().description, /Client ID, the Client Secret/);
			assert.ok(!everythingShown(result).includes(secret));
		} finally {
			await fixture.stop();
		}
	});

	it('a working token never appears in output or errors', async () => {
		const fixture = await sandboxFixture();
		try {
			const job = fixture.sandbox.jobs.create(LIST_JOB);
			const result = await fixture.run(
				{ operation: 'getJobStatus', exportId: '={{ $json.exportId }}' },
				{ items: [{ exportId: job.exportId }, { exportId: '11111111-2222-4333-8444-555555555555' }], continueOnFail: true },
			);
			const token = fixture.credentials.get('cred-1').oauthTokenData.access_token;
			assert.ok(token);
			const shown = everythingShown(result);
			assert.ok(!shown.includes(token));
			assert.ok(!shown.includes(fixture.sandbox.clientSecret));
		} finally {
			await fixture.stop();
		}
	});

	it('an endpoint that is not a URL fails before any call, saying what to enter', async () => {
		const fixture = await sandboxFixture({ endpoint: '123-ABC-456.mktorest.com' });
		try {
			const { error } = await fixture.run({ operation: 'listJobs' });
			assert.match(error().message, /REST API Endpoint is "123-ABC-456.mktorest.com": it must be an http\(s\) URL/);
			assert.equal(fixture.sandbox.log.length, 0);
		} finally {
			await fixture.stop();
		}
	});
});
