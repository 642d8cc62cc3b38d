/**
 * Hostile input and odd Marketo answers, table-driven, each through n8n's
 * engine against the sandbox. Every case asserts what a user sees: the message
 * names the parameter (or what Marketo did) and the description the fix; the
 * calls Marketo received (none at all, no job created, or no file fetched);
 * and, for every case, that no secret and no lead value appears anywhere in the
 * run's output, errors or n8n's log.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { CredentialStore, JournalStore, loggedLines } from '../support/engine.mjs';
import { sandboxFixture } from '../support/sandboxFixture.mjs';
import { CREDENTIAL_ID } from '../support/workflows.mjs';
import { CUSTOM_OBJECTS } from '../sandbox/customObjects.mjs';

const FIELDS = ['id', 'email', 'firstName', 'notes', 'createdAt'];
const MARCH = { filterType: 'createdAt', startAt: '2026-03-01T00:00:00Z', endAt: '2026-03-10T00:00:00Z' };
const FAST = { pollIntervalSeconds: 0.05, maxWaitMinutes: 1 };
const LIST_JOB = { fields: FIELDS, format: 'CSV', filter: { staticListId: 1001 } };
const UUID = 'ce45a7a1-f19d-4ce2-882c-a3c795940a7d';

const extract = (parameters = {}) => ({
	operation: 'extractLeads',
	fields: FIELDS,
	...MARCH,
	...parameters,
	options: { ...FAST, ...parameters.options },
});
const since = (parameters = {}) => extract({ rangeMode: 'sinceLastRun', firstRunStartAt: '2026-03-01T00:00:00Z', ...parameters });

/** Replaces a completed job's file as Marketo would have built it: size and checksum match the new bytes. */
function setFile(job, text) {
	job.file = Buffer.from(text, 'utf8');
	job.fileSize = job.file.length;
	job.fileChecksum = `sha256:${createHash('sha256').update(job.file).digest('hex')}`;
}

const MARCH_WINDOW = { startAt: '2026-03-01T00:00:00Z', endAt: '2026-03-10T00:00:00Z' };
/** Four windows of Updated At: February to early May. */
const FOUR_WINDOWS = { startAt: '2026-02-01T00:00:00Z', endAt: '2026-05-06T23:59:59Z' };
const inFourWindows = (record) => record.updatedAt >= Date.parse(FOUR_WINDOWS.startAt) && record.updatedAt <= Date.parse(FOUR_WINDOWS.endAt);
const members = (parameters = {}) => ({
	resource: 'programMemberExport',
	operation: 'extractProgramMembers',
	dateFilter: 'updatedAt',
	...FOUR_WINDOWS,
	...parameters,
	options: { ...FAST, ...parameters.options },
});
const customObjects = (parameters = {}) => ({
	resource: 'customObjectExport',
	operation: 'extractCustomObjects',
	filterType: 'updatedAt',
	...FOUR_WINDOWS,
	...parameters,
	options: { ...FAST, ...parameters.options },
});

/** The entries that record `value` under `key` in the store, as the node writes a number: every prefix of its ten digits, two at a time. */
const storedNumber = (key, value) => {
	const digits = String(Math.trunc(value)).padStart(10, '0');
	return Array.from({ length: 5 }, (_, i) => `${key}|${digits.slice(0, 2 * (i + 1))}`);
};

/** An n8n without the processed-data store (an unsaved workflow): every call to it fails. */
class NoStore extends JournalStore {
	async checkProcessedAndRecord() {
		throw new Error('no processed-data store here');
	}
}

/** The jobs created since the case began. */
const jobsSince = (sandbox, before) => [...sandbox.jobs.jobs.values()].slice(before.jobs);

/** Every execution hint the run shows, one per line. */
const hintsOf = (result) =>
	Object.values(result.run.data.resultData.runData)
		.flatMap((tasks) => tasks.flatMap((task) => task.hints ?? []))
		.map((hint) => hint.message)
		.join('\n');

/** List Jobs answers every page with 300 jobs and a new nextPageToken, for 1,000 pages. */
function endlessJobList(sandbox) {
	const jobs = Array.from({ length: 300 }, () => ({ exportId: UUID, status: 'Completed', format: 'CSV', createdAt: '2026-03-01T00:00:00Z' }));
	let page = 0;
	const body = () => JSON.stringify({ requestId: 'r#1', success: true, result: jobs, nextPageToken: `page-${++page}` });
	sandbox.addFault({ path: '/leads/export.json', times: 1000, contentType: 'application/json', body });
}

/** A completed activity job of two activities, the first with attributes nested 5,000 levels deep. */
function deepActivityJob(sandbox) {
	const job = sandbox.completedJob({ fields: ['marketoGUID', 'leadId', 'attributes'], format: 'CSV', filter: { createdAt: MARCH_WINDOW } }, 'activities');
	const deep = `{"a":${'['.repeat(5000)}1${']'.repeat(5000)}}`;
	const quote = (text) => `"${text.replace(/"/g, '""')}"`;
	setFile(job, `marketoGUID,leadId,attributes\n1,1001,${quote(deep)}\n2,1002,${quote('{"Webpage URL":"www.example.com"}')}\n`);
	job.numberOfRecords = 2;
	return job;
}

/** A processed-data store that answers "is it recorded?" with something other than lists, once asked about anything. */
class OddStore extends JournalStore {
	async checkProcessedAndRecord(items, scope, contextData, options) {
		if (items.length === 0) return await super.checkProcessedAndRecord(items, scope, contextData, options);
		return { new: items, processed: 'garbage' };
	}
}

const tokenOf = (sandbox) => [...sandbox.tokens.keys()].at(-1);

// ── Helpers of the third round: Get Deleted Leads pages as Marketo might answer them ──
const isoSeconds = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const marketoDate = (ms) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, '+0000');
const deletion = (leadId, ms, id = leadId) => ({ id, leadId, activityDate: marketoDate(ms), activityTypeId: 37 });
const deletedSince = (msAgo = 2 * 3600_000) => ({ resource: 'leadExport', operation: 'getDeletedLeads', deletedRange: 'since', deletedSince: isoSeconds(Date.now() - msAgo) });
const deletedSinceLastRun = (msAgo = 2 * 3600_000) => ({ resource: 'leadExport', operation: 'getDeletedLeads', deletedRange: 'sinceLastRun', firstRunStartAt: isoSeconds(Date.now() - msAgo) });
const trigger = () => ({ mode: 'trigger', staticData: {}, journal: new JournalStore() });
/** A paging token the sandbox reads as "deletions since `since`, from the first" (leadLifecycle.mjs), distinct by `n`. */
const sandboxToken = (since, n) => Buffer.from(JSON.stringify({ since, offset: 0, n })).toString('hex').toUpperCase();
/** Get Paging Token answers `first`; each page in turn is { result?, moreResult, nextPageToken } as given. */
function deletedPages(sandbox, pages, first = 'P0') {
	sandbox.addFault({ path: '/pagingtoken.json', json: { requestId: 'r#0', success: true, nextPageToken: first } });
	for (const page of pages) sandbox.addFault({ path: '/deletedleads.json', json: { requestId: 'r#1', success: true, ...page } });
}
const leadIdsOf = (items) => items.map((item) => item.json.leadId);
const warningsOf = (result) =>
	Object.values(result.run.data.resultData.runData)
		.flatMap((tasks) => tasks.flatMap((task) => task.hints ?? []))
		.filter((hint) => hint.type === 'warning')
		.map((hint) => hint.message)
		.join('\n');
/** What a case of two runs keeps between them: the first run, its run options, the calls before the second. */
const firstRun = {};
/**
 * A case of two runs that share static data and the store: `first(sandbox)`
 * arms Marketo and returns the parameters; the first run must succeed and
 * deliver nothing; `ok(items, sandbox, first)` sees the second, faults cleared.
 */
function secondRunCase({ name, fixture, first, ok }) {
	return {
		name,
		fixture,
		parameters: {},
		before: async (sandbox, current) => {
			const parameters = await first(sandbox);
			firstRun.runOptions = trigger();
			firstRun.first = await current.run(parameters, firstRun.runOptions);
			firstRun.calls = sandbox.log.length;
			sandbox.clearFaults();
			return parameters;
		},
		runOptions: () => firstRun.runOptions,
		ok: (items, _result, sandbox) => {
			assert.equal(firstRun.first.error(), undefined, firstRun.first.error()?.message);
			assert.equal(firstRun.first.items().length, 0, 'the first run delivered nothing');
			ok(items, sandbox, firstRun.first);
		},
	};
}

/**
 * Each case: `parameters` (or `parameters(sandbox)`), optional `setup(sandbox)`
 * returning extra parameters, `fixture` options for a case that needs its own
 * sandbox or credential, and what must hold:
 *   error: [message RegExp, description RegExp?] — or ok: (items, result, sandbox) => void
 *   calls: 'none' (no request reached Marketo, not even for a token) | 'noCreate' | 'noFile'
 */
const CASES = [
	// ── Security ─────────────────────────────────────────────────────────────
	{
		name: 'a token quoted in an HTTP 400 body on the credential’s first use is redacted',
		fresh: true,
		setup: (sandbox) => sandbox.addFault({ path: '/create.json', status: 400, body: ({ token }) => `Bad request (token ${token}, access_token=${token})` }),
		parameters: { operation: 'createJob', fields: FIELDS, ...MARCH },
		error: [/Marketo answered HTTP 400 while trying to create the export job/],
	},
	{
		name: 'a token quoted in an HTTP 502 body of a call that is not repeated is redacted',
		fresh: true,
		setup: (sandbox) => sandbox.addFault({ path: '/create.json', status: 502, body: ({ token }) => `<html>upstream error for Bearer ${token}</html>` }),
		parameters: { operation: 'createJob', fields: FIELDS, ...MARCH },
		error: [/HTTP 502/, /not repeated because Marketo may already have acted on it/],
	},
	{
		name: 'a token quoted in Marketo’s own error message is redacted',
		fresh: true,
		setup: (sandbox) =>
			sandbox.addFault({
				path: '/create.json',
				contentType: 'application/json',
				body: ({ token }) => JSON.stringify({ requestId: 'x#1', success: false, errors: [{ code: '1003', message: `Invalid request {"access_token":"${token}"} ${token}` }] }),
			}),
		parameters: { operation: 'createJob', fields: FIELDS, ...MARCH },
		error: [/Marketo error 1003 while trying to create the export job/],
	},
	{
		name: 'a token quoted in an HTML page answered with HTTP 200 is redacted',
		fresh: true,
		setup: (sandbox) => sandbox.addFault({ path: '/status.json', contentType: 'text/html', body: ({ token }) => `<html><body>Session ${token} expired</body></html>` }),
		parameters: { operation: 'getJobStatus', exportId: UUID },
		error: [/HTTP 200 with an answer that is not Marketo JSON/],
		calls: 'noCreate',
	},
	{
		name: 'a token in a failed job’s errorMsg is redacted from the error and the job',
		setup: async (sandbox, fixture) => {
			await fixture.run({ operation: 'listJobs' });
			const job = sandbox.completedJob(LIST_JOB);
			sandbox.addFault({ path: `${job.exportId}/status`, patchJob: { status: 'Failed', errorMsg: `internal: token=${tokenOf(sandbox)} ${tokenOf(sandbox)}` } });
			return { exportId: job.exportId };
		},
		parameters: { operation: 'getJobFile' },
		error: [/is Failed; only a Completed job has a file/, /Marketo says: internal: token=\[redacted\]/],
	},
	{
		name: 'the client secret quoted in an answer is redacted',
		setup: (sandbox) => sandbox.addFault({ path: '/create.json', status: 400, body: `client_secret=${sandbox.clientSecret}&client_id=${sandbox.clientId} ${sandbox.clientSecret}` }),
		parameters: { operation: 'createJob', fields: FIELDS, ...MARCH },
		error: [/HTTP 400/],
	},
	{
		name: 'an http:// endpoint on another host is refused before any call, naming the credential field',
		fixture: { endpoint: 'http://123-ABC-456.mktorest.com/rest' },
		parameters: { operation: 'listJobs' },
		error: [/REST API Endpoint is "http:\/\/123-ABC-456\.mktorest\.com\/rest": Marketo serves its API over https only/, /correct the REST API Endpoint/],
		calls: 'none',
	},
	{
		name: 'a user name and password in the endpoint are refused before any call',
		fixture: (sandbox) => ({ endpoint: sandbox.restEndpoint.replace('http://', 'http://admin:hunter2@') }),
		parameters: { operation: 'listJobs' },
		error: [/REST API Endpoint carries a user name or password/],
		calls: 'none',
	},
	{
		name: 'an endpoint with a query is refused before any call',
		fixture: (sandbox) => ({ endpoint: `${sandbox.restEndpoint}?pod=1` }),
		parameters: { operation: 'listJobs' },
		error: [/must not carry a query/],
		calls: 'none',
	},
	{
		name: 'Malformed Rows: Fail: a ragged row names the row and the column count, never a value, and says to report it',
		setup: (sandbox) => {
			const job = sandbox.completedJob(LIST_JOB);
			setFile(job, 'id,email\n1,ada.lovelace@example.com\n2,grace.hopper@example.com,extra\n');
			return { exportId: job.exportId };
		},
		parameters: { operation: 'getJobFile', options: { malformedRows: 'fail' } },
		error: [/is malformed: Row 3 has 3 values but the header has 2 columns/, /exactly as Marketo built it .*Report it to Marketo Support quoting export ID/],
	},
	{
		name: 'Malformed Rows: Fail: an unterminated quote names the row and column, never a value',
		setup: (sandbox) => {
			const job = sandbox.completedJob(LIST_JOB);
			setFile(job, 'id,email\n1,"ada.lovelace@example.com\n');
			return { exportId: job.exportId };
		},
		parameters: { operation: 'getJobFile', options: { malformedRows: 'fail' } },
		error: [/Row 2, column 2 \(email\): a quoted value is never closed/, /export ID/],
	},
	{
		name: 'Malformed Rows: Fail: text after a closing quote names the row and column, never a value',
		setup: (sandbox) => {
			const job = sandbox.completedJob(LIST_JOB);
			setFile(job, 'id,email\n1,"ada.lovelace@example.com"x\n');
			return { exportId: job.exportId };
		},
		parameters: { operation: 'getJobFile', options: { malformedRows: 'fail' } },
		error: [/Row 2, column 2 \(email\): text follows a closing quote/],
	},
	{
		name: 'Malformed Rows: Read Leniently (the default): a ragged row goes out as an item marked unreadableRow, with its text and the reason; the warning names the row, never a value',
		setup: (sandbox) => {
			const job = sandbox.completedJob(LIST_JOB);
			setFile(job, 'id,email\n1,ada.lovelace@example.com\n2,grace.hopper@example.com,extra\n3,\n');
			return { exportId: job.exportId };
		},
		parameters: { operation: 'getJobFile' },
		ok: (items, result) => {
			assert.deepEqual(items.map((item) => item.json.id ?? null), [1, 3, null]);
			const unreadable = items.at(-1).json;
			assert.deepEqual(
				{ ...unreadable, exportId: undefined },
				{ unreadableRow: true, exportId: undefined, rowNumber: 3, reason: '3 values where the header has 2 columns', rawText: '2,grace.hopper@example.com,extra' },
			);
			assert.match(unreadable.exportId, /^[0-9a-f-]{36}$/);
			assert.match(warningsOf(result), /1 row could not be read \(row 3: 3 values where the header has 2 columns\)\. Each is output as an item with unreadableRow: true/);
			assert.doesNotMatch(hintsOf(result), /grace|hopper|extra/);
		},
	},
	{
		name: 'Malformed Rows: Read Leniently: a quote Marketo did not escape, inside a quoted or an unquoted value, is read as data and counted by row and column',
		setup: (sandbox) => {
			const job = sandbox.completedJob(LIST_JOB);
			setFile(job, 'id,email\n1,"ada"lovelace@example.com"\n2,grace"hopper@example.com\n3,"ok@example.com"\n');
			return { exportId: job.exportId };
		},
		parameters: { operation: 'getJobFile' },
		ok: (items, result) => {
			assert.deepEqual(items.map((item) => item.json.email), ['ada"lovelace@example.com', 'grace"hopper@example.com', 'ok@example.com']);
			assert.match(warningsOf(result), /2 quotes Marketo did not escape read as part of the value \(row 2 column 2 \(email\), row 3 column 2 \(email\)\)/);
			assert.doesNotMatch(hintsOf(result), /lovelace|hopper/);
		},
	},
	{
		name: 'Malformed Rows: Read Leniently: a quote that never closes keeps the rest of the file as one unreadable item, never dropped',
		setup: (sandbox) => {
			const job = sandbox.completedJob(LIST_JOB);
			setFile(job, 'id,email\n1,ok@example.com\n2,"ada.lovelace@example.com\n3,grace.hopper@example.com\n');
			return { exportId: job.exportId };
		},
		parameters: { operation: 'getJobFile' },
		ok: (items, result) => {
			assert.equal(items.length, 2);
			assert.equal(items[0].json.email, 'ok@example.com');
			assert.equal(items[1].json.unreadableRow, true);
			assert.equal(items[1].json.rawText, '2,"ada.lovelace@example.com\n3,grace.hopper@example.com\n');
			assert.match(items[1].json.reason, /column 2 \(email\): a quoted value is never closed/);
			assert.doesNotMatch(hintsOf(result), /lovelace|hopper/);
		},
	},
	{
		name: 'a header naming a column twice is refused with what to do',
		setup: (sandbox) => {
			const job = sandbox.completedJob(LIST_JOB);
			setFile(job, 'id,id\n1,2\n');
			return { exportId: job.exportId };
		},
		parameters: { operation: 'getJobFile' },
		error: [/names the column "id" twice/, /Report it to Marketo Support/],
	},

	// ── Runaway loops and wasted jobs ────────────────────────────────────────
	{ name: 'Poll Interval 3e6 is refused', parameters: extract({ options: { pollIntervalSeconds: 3e6 } }), error: [/Poll Interval \(Seconds\): 3000000 is outside the allowed range/, /from 0 to 3600 seconds/], calls: 'none' },
	{ name: 'a negative Poll Interval is refused', parameters: extract({ options: { pollIntervalSeconds: -1 } }), error: [/Poll Interval \(Seconds\): -1 is outside/], calls: 'none' },
	{ name: 'Max Wait 0 is refused', parameters: extract({ options: { maxWaitMinutes: 0 } }), error: [/Max Wait \(Minutes\): 0 is outside the allowed range/, /from 0.01 to 1440 minutes/], calls: 'none' },
	{ name: 'a negative Max Wait is refused', parameters: extract({ options: { maxWaitMinutes: -5 } }), error: [/Max Wait \(Minutes\): -5/], calls: 'none' },
	{ name: 'Max Wait of a billion minutes is refused', parameters: extract({ options: { maxWaitMinutes: 1e9 } }), error: [/Max Wait \(Minutes\): 1000000000 is outside/], calls: 'none' },
	{ name: 'Max Wait as text that is no number is refused', parameters: extract({ options: { maxWaitMinutes: 'forever' } }), error: [/Max Wait \(Minutes\): "forever" is not a number/], calls: 'none' },
	{
		name: 'an unknown job status fails at once, naming it',
		setup: (sandbox) => sandbox.addFault({ path: /\/status\.json$/, patchJob: { status: 'Archived' }, times: 1000 }),
		parameters: extract(),
		error: [/Marketo reported the status "Archived" for export job .* this node knows Created, Queued, Processing, Completed, Failed, Cancelled/, /Check the job with Get Job Status/],
		check: (_result, sandbox, started) => assert.ok(Date.now() - started < 20_000, 'it did not wait for Max Wait'),
	},
	{
		name: 'a status in other letter case is understood',
		setup: (sandbox) => sandbox.addFault({ path: /\/status\.json$/, patchJob: { status: 'COMPLETED' }, times: 1, nth: 1 }),
		parameters: { operation: 'getJobStatus' },
		before: (sandbox) => ({ exportId: sandbox.completedJob(LIST_JOB).exportId }),
		ok: (items) => assert.equal(items[0].json.status, 'Completed'),
	},
	{
		name: 'the documented spelling "Canceled" is understood as cancelled',
		setup: (sandbox) => sandbox.addFault({ path: /\/status\.json$/, patchJob: { status: 'Canceled' }, times: 1000 }),
		parameters: extract(),
		error: [/was cancelled outside this execution/],
	},
	{ name: 'a Created At in 1900 is refused as outside the years', parameters: extract({ startAt: '1900-01-01T00:00:00Z', endAt: '2026-11-01T00:00:00Z' }), error: [/Start At: 1900-01-01T00:00:00Z is outside the years 1970 to 2100/], calls: 'none' },
	{
		name: 'a range needing more jobs than Max Jobs is refused with the count and the quota consequence',
		parameters: extract({ startAt: '1990-01-01T00:00:00Z', endAt: '2026-11-01T00:00:00Z' }),
		error: [/Max Jobs: the range needs 434 export jobs of 31 days .*Max Jobs is 48\. No job was created\./, /500 MB daily export quota.*raise Max Jobs \(Options\) to 434/],
		calls: 'none',
	},
	{ name: 'four windows with Max Jobs 3 are refused', parameters: extract({ startAt: '2026-02-01T00:00:00Z', endAt: '2026-05-06T23:59:59Z', options: { maxJobs: 3 } }), error: [/needs 4 export jobs/], calls: 'none' },
	{
		name: 'four windows with Max Jobs 4 run',
		parameters: extract({ startAt: '2026-02-01T00:00:00Z', endAt: '2026-05-06T23:59:59Z', options: { maxJobs: 4 } }),
		ok: (items, _result, sandbox, before) => {
			assert.ok(items.length > 0);
			assert.equal(sandbox.servedCalls('/create.json').length - before.creates, 4);
		},
	},
	{ name: 'Window Length 0 is refused', parameters: extract({ options: { windowDays: 0 } }), error: [/Window Length \(Days\): 0 is outside the allowed range/, /a whole number from 1 to 31/], calls: 'none' },
	{ name: 'Window Length 32 is refused: Marketo takes 31 days at most', parameters: extract({ options: { windowDays: 32 } }), error: [/Window Length \(Days\): 32 is outside/], calls: 'none' },
	{ name: 'Window Length "week" is refused', parameters: extract({ options: { windowDays: 'week' } }), error: [/Window Length \(Days\): "week" is not a number/], calls: 'none' },
	{
		name: 'Window Length 7 splits three weeks into three jobs of 7 days, each lead once',
		parameters: extract({ startAt: '2026-03-01T00:00:00Z', endAt: '2026-03-21T23:59:59Z', options: { windowDays: 7 } }),
		ok: (items, _result, sandbox, before) => {
			const windows = jobsSince(sandbox, before).map((job) => job.spec.filter.createdAt);
			assert.deepEqual(windows, [
				{ startAt: '2026-03-01T00:00:00Z', endAt: '2026-03-07T23:59:59Z' },
				{ startAt: '2026-03-08T00:00:00Z', endAt: '2026-03-14T23:59:59Z' },
				{ startAt: '2026-03-15T00:00:00Z', endAt: '2026-03-21T23:59:59Z' },
			]);
			const expected = sandbox.leads.filter((lead) => lead.createdAt >= Date.parse('2026-03-01T00:00:00Z') && lead.createdAt <= Date.parse('2026-03-21T23:59:59Z'));
			assert.deepEqual(items.map((item) => item.json.id).sort((a, b) => a - b), expected.map((lead) => lead.id).sort((a, b) => a - b));
		},
	},
	{ name: 'Window Length 7 counts against Max Jobs in weeks', parameters: extract({ startAt: '2026-01-01T00:00:00Z', endAt: '2026-03-01T00:00:00Z', options: { windowDays: 7, maxJobs: 4 } }), error: [/Max Jobs: the range needs 9 export jobs of 7 days/], calls: 'none' },
	{ name: 'Max Jobs 0 is refused', parameters: extract({ options: { maxJobs: 0 } }), error: [/Max Jobs: 0 is outside/], calls: 'none' },
	{ name: 'Max Jobs as a fraction is refused', parameters: extract({ options: { maxJobs: 2.5 } }), error: [/Max Jobs: 2.5 is outside/, /a whole number from 1 to 1000/], calls: 'none' },

	// ── Options-type values from expressions or imports ──────────────────────
	{ name: 'Format XML is refused', parameters: extract({ format: 'XML' }), error: [/Format: "XML" is not one of CSV, TSV, SSV/, /any letter case/], calls: 'none' },
	{ name: 'Format csv in lower case is taken as CSV', parameters: extract({ format: 'csv' }), ok: (items, _r, sandbox) => {
		assert.ok(items.length > 0);
		assert.equal([...sandbox.jobs.jobs.values()].at(-1).format, 'CSV');
	} },
	{ name: 'Format tsv in lower case is taken as TSV', parameters: extract({ format: 'tsv' }), ok: (items, _r, sandbox) => {
		assert.ok(items.length > 0);
		assert.equal([...sandbox.jobs.jobs.values()].at(-1).format, 'TSV');
	} },
	{ name: 'a number as Format is refused', parameters: extract({ format: 123 }), error: [/Format: a number \(123\) is not one of/], calls: 'none' },
	{ name: 'Output must be spelled exactly', parameters: extract({ output: 'Items' }), error: [/Output: "Items" is not one of items, binary, both/, /exactly as listed/], calls: 'none' },
	{ name: 'Output "files" is refused', parameters: extract({ output: 'files' }), error: [/Output: "files" is not one of items, binary, both/], calls: 'none' },
	{ name: 'an empty Output is refused', parameters: extract({ output: '' }), error: [/Output: empty is not one of/], calls: 'none' },
	{ name: 'Get Job File Output "file" is refused', parameters: { operation: 'getJobFile', exportId: UUID, output: 'file' }, error: [/Output: "file" is not one of items, binary/], calls: 'none' },
	{ name: 'Get Job File Output "BINARY" is refused: it must be spelled exactly', parameters: { operation: 'getJobFile', exportId: UUID, output: 'BINARY' }, error: [/Output: "BINARY" is not one of items, binary/], calls: 'none' },
	{ name: 'an empty binary field name is refused by n8n before the node runs', parameters: extract({ output: 'binary', binaryPropertyName: '' }), n8nRefuses: /Parameter "Put Output File in Field" is required/, calls: 'none' },
	{ name: 'an empty binary field name from an expression is refused', parameters: extract({ output: 'binary', binaryPropertyName: '={{ "" }}' }), error: [/Put Output File in Field: empty is not a field name/], calls: 'none' },
	{ name: 'a binary field name padded with spaces is refused', parameters: extract({ output: 'both', binaryPropertyName: ' my file ' }), error: [/Put Output File in Field: " my file " starts or ends with a space/, /Remove the spaces: "my file"/], calls: 'none' },
	{ name: 'a number as binary field name is refused', parameters: { operation: 'getJobFile', exportId: UUID, output: 'binary', binaryPropertyName: 5 }, error: [/Put Output File in Field: a number \(5\) is not a field name/], calls: 'none' },
	{ name: 'a filter must be spelled exactly: n8n would hide the parameters that depend on it', parameters: extract({ filterType: 'CREATEDAT' }), error: [/Filter: "CREATEDAT" is not one of createdAt, updatedAt/, /exactly as listed/], calls: 'none' },
	{ name: 'an unknown filter is refused', parameters: extract({ filterType: 'modifiedAt' }), error: [/Filter: "modifiedAt" is not one of createdAt, updatedAt, staticListId/], calls: 'none' },
	{ name: 'an unknown Job choice is refused', parameters: extract({ jobSource: 'adopt' }), error: [/Job: "adopt" is not one of new, existing/], calls: 'none' },
	{ name: 'an unknown Range choice is refused', parameters: extract({ rangeMode: 'since' }), error: [/Range: "since" is not one of fixed, sinceLastRun/], calls: 'none' },
	{ name: 'an unknown resource is refused', parameters: { resource: 'leads', operation: 'listJobs' }, error: [/Resource: "leads" is not one of leadExport/], calls: 'none' },
	{ name: 'an unknown operation is refused', parameters: { operation: 'deleteJob' }, error: [/Operation: "deleteJob" is not one of extractLeads, createJob/], calls: 'none' },
	{ name: 'an unknown job status to list is refused', parameters: { operation: 'listJobs', statusFilter: ['Done'] }, error: [/Status: "Done" is not one of Created, Queued/], calls: 'none' },
	{
		name: 'statuses to list as comma-separated text in any case are understood',
		parameters: { operation: 'listJobs', statusFilter: 'completed, failed' },
		ok: (_items, _result, sandbox) => assert.equal(sandbox.servedCalls('/export.json').at(-1).query.status, 'Completed,Failed'),
	},
	{ name: 'Convert Values "false" as text turns conversion off', parameters: extract({ options: { typedValues: 'false' } }), ok: (items) => assert.equal(typeof items[0].json.id, 'string') },
	{ name: 'Convert Values "no" is refused', parameters: extract({ options: { typedValues: 'no' } }), error: [/Convert Values: "no" is not true or false/], calls: 'none' },
	{ name: 'Parse Attributes "maybe" is refused before any call', parameters: { resource: 'activityExport', operation: 'extractActivities', fields: ['marketoGUID', 'attributes'], ...MARCH, options: { ...FAST, parseAttributes: 'maybe' } }, error: [/Parse Attributes: "maybe" is not true or false/], calls: 'none' },
	{ name: 'Reset Since Last Run "yes" is refused', parameters: since({ options: { resetSinceLastRun: 'yes' } }), error: [/Reset Since Last Run: "yes" is not true or false/], calls: 'none' },

	// ── Numbers from expressions ─────────────────────────────────────────────
	{ name: 'Jobs at Once "2" as text is understood', parameters: extract({ options: { concurrency: '2' } }), ok: (items) => assert.ok(items.length > 0) },
	{ name: 'Jobs at Once 3 is refused', parameters: extract({ options: { concurrency: 3 } }), error: [/Jobs at Once: 3 is outside the allowed range/, /a whole number from 1 to 2/], calls: 'none' },
	{ name: 'Jobs at Once 1.5 is refused', parameters: extract({ options: { concurrency: 1.5 } }), error: [/Jobs at Once: 1.5 is outside/], calls: 'none' },
	{ name: 'Jobs at Once "two" is refused with its type', parameters: extract({ options: { concurrency: 'two' } }), error: [/Jobs at Once: "two" is not a number/], calls: 'none' },
	{ name: 'Jobs at Once as an object is refused with its type', parameters: extract({ options: { concurrency: '={{ { n: 2 } }}' } }), error: [/Jobs at Once: an object is not a number/], calls: 'none' },
	{ name: 'Max Items "10" as text is applied', parameters: extract({ options: { maxItems: '10' } }), error: [/more than 10 leads \(Max Items\)/, /Output: Files/], calls: 'noFile' },
	{ name: 'a negative Max Items is refused', parameters: extract({ options: { maxItems: -1 } }), error: [/Max Items: -1 is outside/], calls: 'none' },
	{ name: 'Max Memory "lots" is refused', parameters: extract({ options: { maxMemoryMb: 'lots' } }), error: [/Max Memory \(MB\): "lots" is not a number/], calls: 'none' },
	{ name: 'an Export ID given as a number says so', parameters: { operation: 'getJobStatus', exportId: 12345 }, error: [/Export ID: a number \(12345\) is not a Marketo export ID/, /a UUID such as/], calls: 'none' },
	{ name: 'an Export ID that is not a UUID is refused', parameters: { operation: 'cancelJob', exportId: 'job-42' }, error: [/Export ID: "job-42" is not a Marketo export ID/], calls: 'none' },
	{ name: 'an Export ID given as an object says so', parameters: { operation: 'enqueueJob', exportId: '={{ { id: 1 } }}' }, error: [/Export ID: an object is not a Marketo export ID/], calls: 'none' },
	{ name: 'an empty Export ID is refused by n8n before the node runs', parameters: { operation: 'getJobStatus', exportId: '' }, n8nRefuses: /Parameter "Export ID" is required/, calls: 'none' },
	{ name: 'an empty Export ID from an expression is refused', parameters: { operation: 'getJobStatus', exportId: '={{ $json.missing }}' }, error: [/Export ID: empty is not a Marketo export ID/], calls: 'none' },
	{
		name: 'an Export ID with spaces around it is trimmed',
		parameters: { operation: 'getJobStatus' },
		before: (sandbox) => ({ exportId: `  ${sandbox.jobs.create(LIST_JOB).exportId.toUpperCase()}  ` }),
		ok: (items) => assert.equal(items[0].json.status, 'Created'),
	},
	{ name: 'Fields given as a number say so', parameters: extract({ fields: 5 }), error: [/Fields: a number \(5\) is not a list of field names/], calls: 'none' },
	{ name: 'Fields given as an object say so', parameters: extract({ fields: '={{ { id: true } }}' }), error: [/Fields: an object is not a list of field names/], calls: 'none' },
	{ name: 'a number inside the Fields list is refused', parameters: extract({ fields: '={{ ["id", 5] }}' }), error: [/Fields: a number \(5\) in the list is not a field name/], calls: 'none' },
	{ name: 'Fields as comma-separated text are understood', parameters: extract({ fields: 'id, email' }), ok: (items) => assert.deepEqual(Object.keys(items[0].json), ['id', 'email']) },
	{ name: 'a field name with SQL in it is refused', parameters: extract({ fields: ['id; DROP TABLE leads'] }), error: [/Fields: "id; DROP TABLE leads" is not a Marketo REST field name/], calls: 'none' },
	{ name: 'no field at all is refused by n8n before the node runs', parameters: extract({ fields: [] }), n8nRefuses: /Parameter "Field Names or IDs" is required/, calls: 'none' },
	{ name: 'no field from an expression is refused', parameters: extract({ fields: '={{ [] }}' }), error: [/Fields: no field chosen/], calls: 'none' },
	{ name: 'duplicate fields are sent once', parameters: extract({ fields: ['id', 'id', 'email'] }), ok: (items) => assert.deepEqual(Object.keys(items[0].json), ['id', 'email']) },

	// ── Dates from expressions ───────────────────────────────────────────────
	{ name: 'epoch seconds as Start At are refused, not read as 1970', parameters: extract({ startAt: '={{ 1767225600 }}' }), error: [/Start At: a number \(1767225600\) is not a date/, /DateTime\.fromSeconds\(1767225600\)/], calls: 'none' },
	{ name: '1e15 as End At is refused', parameters: extract({ endAt: '={{ 1e15 }}' }), error: [/End At: a number \(1000000000000000\) is not a date/], calls: 'none' },
	{ name: 'a word as Start At is refused', parameters: extract({ startAt: 'yesterday' }), error: [/Start At: "yesterday" is not a date/, /ISO-8601/], calls: 'none' },
	{ name: 'a year-2999 range is refused as outside the years', parameters: extract({ startAt: '2999-01-01T00:00:00Z', endAt: '2999-01-02T00:00:00Z' }), error: [/Start At: 2999-01-01T00:00:00Z is outside the years 1970 to 2100/], calls: 'none' },
	{ name: 'a Luxon DateTime from an expression is understood', parameters: extract({ startAt: '={{ DateTime.fromISO("2026-03-01T00:00:00Z") }}' }), ok: (items) => assert.ok(items.length > 0) },
	{ name: 'a JavaScript Date from an expression is understood', parameters: extract({ endAt: '={{ new Date("2026-03-10T00:00:00Z") }}' }), ok: (items) => assert.ok(items.length > 0) },
	{ name: 'End At before Start At is refused', parameters: extract({ startAt: '2026-03-10T00:00:00Z', endAt: '2026-03-01T00:00:00Z' }), error: [/End At: 2026-03-01T00:00:00Z is before Start At/], calls: 'none' },
	{ name: 'an empty Start At is refused by n8n before the node runs', parameters: extract({ startAt: '' }), n8nRefuses: /Parameter "Start At" is required/, calls: 'none' },
	{ name: 'an empty Start At from an expression is refused', parameters: extract({ startAt: '={{ $json.from }}' }), error: [/Start At: empty is not a date/], calls: 'none' },
	{ name: 'a First Run Starts At in the future is refused', parameters: since({ firstRunStartAt: '2099-01-01T00:00:00Z' }), error: [/First Run Starts At: 2099-01-01T00:00:00Z is in the future/], calls: 'none' },
	{ name: 'a First Run Starts At given as a number is refused', parameters: since({ firstRunStartAt: '={{ 1767225600000 }}' }), error: [/First Run Starts At: a number \(1767225600000\) is not a date/], calls: 'none' },
	{ name: 'Since Last Run with two input items is refused', parameters: since(), items: [{}, {}], error: [/Range: Since Last Run keeps one position per node/], calls: 'none' },
	{ name: 'Create Job over 31 days is refused', parameters: { operation: 'createJob', fields: FIELDS, filterType: 'createdAt', startAt: '2026-01-01T00:00:00Z', endAt: '2026-03-01T00:00:00Z' }, error: [/End At: the range .* is longer than Marketo's 31 days/, /Extract Leads operation, which splits/], calls: 'none' },

	// ── Lists, headers, byte ranges ──────────────────────────────────────────
	{ name: 'a static list ID that is not a number is refused by n8n before the node runs', parameters: extract({ filterType: 'staticListId', staticListId: { mode: 'id', value: 'abc' } }), n8nRefuses: /A list ID is a number/, calls: 'none' },
	{ name: 'a static list ID from an expression that is not a number is refused', parameters: extract({ filterType: 'staticListId', staticListId: { mode: 'id', value: '={{ "abc" }}' } }), error: [/Static List: "abc" is not a list ID/], calls: 'none' },
	{ name: 'an empty list name is refused', parameters: extract({ filterType: 'smartListName', smartListName: { mode: 'name', value: '  ' } }), error: [/Smart List: no list chosen/], calls: 'none' },
	{ name: 'a header for a field not exported is refused', parameters: extract({ columnHeaderNames: { header: [{ field: 'phone', header: 'Phone' }] } }), error: [/Column Header Names: "phone" is not one of the exported fields/], calls: 'none' },
	{ name: 'two columns with one header are refused', parameters: extract({ columnHeaderNames: { header: [{ field: 'email', header: 'id' }] } }), error: [/Column Header Names: two columns would be named "id"/], calls: 'none' },
	{ name: 'a byte range that is not one is refused', parameters: { operation: 'getJobFile', exportId: UUID, output: 'binary', byteRange: 'abc' }, error: [/Byte Range: "abc" is not a byte range/], calls: 'none' },
	{ name: 'a byte range with first > last is refused', parameters: { operation: 'getJobFile', exportId: UUID, output: 'binary', byteRange: '10-5' }, error: [/Byte Range: "10-5" is not a byte range/], calls: 'none' },
	{ name: 'a byte range given as a number is refused', parameters: { operation: 'getJobFile', exportId: UUID, output: 'binary', byteRange: '={{ 5 }}' }, error: [/Byte Range: a number \(5\) is not a byte range/], calls: 'none' },
	{
		name: 'a byte range past the end of the file is refused before the file is fetched',
		parameters: { operation: 'getJobFile', output: 'binary', byteRange: '99999999-' },
		before: (sandbox) => ({ exportId: sandbox.completedJob(LIST_JOB).exportId }),
		error: [/Byte Range: starts at byte 99999999, but the file of export .* has \d+ bytes/, /Ask for bytes inside 0-\d+/],
		calls: 'noFile',
	},
	{
		name: 'a byte range past the end of a file whose size Marketo did not give is refused by Marketo’s 416',
		parameters: { operation: 'getJobFile', output: 'binary', byteRange: '99999999-' },
		before: (sandbox) => {
			const job = sandbox.completedJob(LIST_JOB);
			sandbox.addFault({ path: `${job.exportId}/status`, patchJob: { fileSize: undefined } });
			return { exportId: job.exportId };
		},
		error: [/The byte range bytes=99999999- lies outside the file of export/],
	},

	// ── Endpoint variants ────────────────────────────────────────────────────
	{ name: 'an endpoint ending in /rest/v1 is understood', fixture: (sandbox) => ({ endpoint: `${sandbox.restEndpoint}/v1` }), parameters: { operation: 'listJobs' }, ok: () => {} },
	{ name: 'an endpoint ending in /rest? is understood', fixture: (sandbox) => ({ endpoint: `${sandbox.restEndpoint}?` }), parameters: { operation: 'listJobs' }, ok: () => {} },
	{ name: 'an endpoint ending in /identity/ is understood', fixture: (sandbox) => ({ endpoint: `${sandbox.url}/identity/` }), parameters: { operation: 'listJobs' }, ok: () => {} },
	{ name: 'an empty endpoint is refused', fixture: { endpoint: '' }, parameters: { operation: 'listJobs' }, error: [/REST API Endpoint is empty: it must be an http\(s\) URL/], calls: 'none' },
	{ name: 'an ftp:// endpoint is refused', fixture: { endpoint: 'ftp://123-ABC-456.mktorest.com/rest' }, parameters: { operation: 'listJobs' }, error: [/it must be an http\(s\) URL/], calls: 'none' },

	// ── Odd Marketo answers ──────────────────────────────────────────────────
	{ name: 'success:false without errors is an error, not a crash', setup: (sandbox) => sandbox.addFault({ path: '/create.json', json: { requestId: 'r#1', success: false } }), parameters: { operation: 'createJob', fields: FIELDS, ...MARCH }, error: [/Marketo error unknown while trying to create the export job: Marketo reported success:false without a message/] },
	{ name: 'success with no job is an error naming the call', setup: (sandbox) => sandbox.addFault({ path: '/create.json', json: { requestId: 'r#1', success: true, result: [] } }), parameters: { operation: 'createJob', fields: FIELDS, ...MARCH }, error: [/create the export job: Marketo answered success without a job/] },
	{ name: 'a JSON answer that is not an envelope is an error', setup: (sandbox) => sandbox.addFault({ path: '/export.json', json: [1, 2, 3] }), parameters: { operation: 'listJobs' }, error: [/HTTP 200 with an answer that is not Marketo JSON/] },
	{ name: 'an HTML page with HTTP 200 is an error naming the call', setup: (sandbox) => sandbox.addFault({ path: '/export.json', contentType: 'text/html', body: '<html>Maintenance</html>' }), parameters: { operation: 'listJobs' }, error: [/Marketo answered HTTP 200 with an answer that is not Marketo JSON while trying to list export jobs/] },
	{
		name: 'an unknown file format in the status is refused before downloading',
		parameters: { operation: 'getJobFile' },
		before: (sandbox) => {
			const job = sandbox.completedJob(LIST_JOB);
			sandbox.addFault({ path: `${job.exportId}/status`, patchJob: { format: 'XML' } });
			return { exportId: job.exportId };
		},
		error: [/Marketo reported the file format "XML" for export job .*; this node reads CSV, TSV, SSV/, /Nothing was downloaded/],
		calls: 'noFile',
	},
	{
		name: 'a file format in lower case is understood',
		parameters: { operation: 'getJobFile' },
		before: (sandbox) => {
			const job = sandbox.completedJob({ ...LIST_JOB, format: 'TSV' });
			sandbox.addFault({ path: `${job.exportId}/status`, patchJob: { format: 'tsv' } });
			return { exportId: job.exportId };
		},
		ok: (items) => assert.ok(items.length > 0 && 'email' in items[0].json),
	},
	{
		name: 'an md5 checksum is verified with md5',
		parameters: { operation: 'getJobFile' },
		before: (sandbox) => {
			const job = sandbox.completedJob(LIST_JOB);
			sandbox.addFault({ path: `${job.exportId}/status`, patchJob: { fileChecksum: `md5:${createHash('md5').update(job.file).digest('hex')}` } });
			return { exportId: job.exportId };
		},
		ok: (items, result) => {
			assert.ok(items.length > 0);
			assert.ok(!JSON.stringify(result.run.data.resultData.runData).includes('checked against its size only'));
		},
	},
	{
		name: 'a wrong md5 checksum fails after a second copy',
		parameters: { operation: 'getJobFile' },
		before: (sandbox) => {
			const job = sandbox.completedJob(LIST_JOB);
			sandbox.addFault({ path: `${job.exportId}/status`, patchJob: { fileChecksum: 'md5:00000000000000000000000000000000' } });
			return { exportId: job.exportId };
		},
		error: [/failed its check twice: the file's md5 is [0-9a-f]{32} but the job's fileChecksum is md5:0{32}/],
		check: (_result, sandbox, _started, before) => assert.equal(sandbox.servedCalls('/file.json').length - before.files, 2),
	},
	{
		name: 'a checksum in an algorithm the node cannot compute leaves a size check and a warning',
		parameters: { operation: 'getJobFile' },
		before: (sandbox) => {
			const job = sandbox.completedJob(LIST_JOB);
			sandbox.addFault({ path: `${job.exportId}/status`, patchJob: { fileChecksum: 'crc32c:1a2b3c4d' } });
			return { exportId: job.exportId };
		},
		ok: (items, result) => {
			assert.ok(items.length > 0);
			assert.match(JSON.stringify(result.run.data.resultData.runData), /checked against its size only: its checksum uses crc32c, which this node cannot compute/);
		},
	},
	{
		name: 'no checksum at all leaves a size check and a warning',
		parameters: extract({ jobSource: 'existing' }),
		before: (sandbox) => {
			const job = sandbox.completedJob(LIST_JOB);
			sandbox.addFault({ path: `${job.exportId}/status`, patchJob: { fileChecksum: undefined }, times: 10 });
			return { exportId: job.exportId };
		},
		ok: (items, result) => {
			assert.ok(items.length > 0);
			assert.match(JSON.stringify(result.run.data.resultData.runData), /checked against its size only: Marketo gave no checksum for it/);
		},
	},
	{
		name: 'a file size that does not match fails after a second copy',
		parameters: { operation: 'getJobFile' },
		before: (sandbox) => {
			const job = sandbox.completedJob(LIST_JOB);
			sandbox.addFault({ path: `${job.exportId}/status`, patchJob: { fileSize: job.fileSize + 1 } });
			return { exportId: job.exportId };
		},
		error: [/failed its check twice: \d+ bytes arrived but the job's fileSize is \d+/, /run Get Job File again later/],
	},
	{
		name: 'a job whose file answers HTTP 500 with the token in the body is redacted',
		parameters: { operation: 'getJobFile', output: 'binary' },
		before: (sandbox) => {
			const job = sandbox.completedJob(LIST_JOB);
			sandbox.addFault({ path: `${job.exportId}/file`, status: 418, body: ({ token }) => `teapot for ${token}` });
			return { exportId: job.exportId };
		},
		error: [/Marketo answered HTTP 418 for the file of export/],
	},

	// ── Hardening, second round: de-duplication on a whole key only ─────────
	{
		name: 'program members of three programs over four windows without leadId: every member once, leadId added to the jobs and left out of the items',
		parameters: members({ programIds: [1021, 1022, 1023], fields: ['statusName', 'email', 'membershipDate'] }),
		ok: (items, _result, sandbox, before) => {
			const expected = sandbox.programMembers.filter((m) => [1021, 1022, 1023].includes(m.programId) && inFourWindows(m));
			assert.ok(expected.length > 100);
			assert.deepEqual(items.map((i) => `${i.json.programId}/${i.json.email}`).sort(), expected.map((m) => `${m.programId}/${m.email}`).sort());
			assert.ok(items.every((i) => !('leadId' in i.json)), 'leadId is left out of the items');
			assert.deepEqual(Object.keys(items[0].json), ['programId', 'statusName', 'email', 'membershipDate']);
			assert.ok(jobsSince(sandbox, before).every((job) => job.spec.fields.includes('leadId')), 'every job exports leadId');
			assert.doesNotMatch(hintsOf(_result), /duplicates removed/);
		},
	},
	{
		name: 'program members of one program over four windows without leadId: the jobs carry leadId, the items do not',
		parameters: members({ programIds: [1022], fields: ['statusName', 'email'] }),
		ok: (items, _result, sandbox, before) => {
			const expected = sandbox.programMembers.filter((m) => m.programId === 1022 && inFourWindows(m));
			assert.deepEqual(items.map((i) => i.json.email).sort(), expected.map((m) => m.email).sort());
			assert.deepEqual(Object.keys(items[0].json), ['statusName', 'email']);
			assert.ok(jobsSince(sandbox, before).every((job) => job.spec.fields.includes('leadId')));
		},
	},
	{
		name: 'a custom object keyed by two fields, exported over four windows without one of them: every record once',
		parameters: customObjects({ customObjectName: 'account_product_c', fields: ['marketoGUID', 'accountNumber', 'seats'] }),
		ok: (items, _result, sandbox, before) => {
			const expected = sandbox.customObjectRecords.account_product_c.filter(inFourWindows);
			assert.ok(expected.length > 100);
			assert.deepEqual(items.map((i) => i.json.marketoGUID).sort(), expected.map((r) => r.marketoGUID).sort());
			assert.ok(items.every((i) => !('productCode' in i.json)), 'productCode is left out of the items');
			assert.ok(jobsSince(sandbox, before).every((job) => job.spec.fields.includes('productCode')));
		},
	},
	{
		name: 'a custom object keyed by a field named constructor, exported over four windows without it: every record once',
		parameters: customObjects({ customObjectName: 'odd_c', fields: ['marketoGUID', 'toString', 'valueOf'] }),
		ok: (items, _result, sandbox) => {
			const expected = sandbox.customObjectRecords.odd_c.filter(inFourWindows);
			assert.ok(expected.length > 50);
			assert.deepEqual(items.map((i) => i.json.marketoGUID).sort(), expected.map((r) => r.marketoGUID).sort());
			assert.ok(items.every((i) => !Object.hasOwn(i.json, 'constructor')), 'constructor is left out of the items');
			assert.ok(items.every((i) => typeof i.json.valueOf === 'number' && typeof i.json.toString === 'string'), 'the fields named like object members are typed by their describe');
		},
	},
	{
		name: 'renaming a field named constructor is refused before any call: n8n would drop the entry on its way to Marketo',
		parameters: customObjects({ customObjectName: 'odd_c', fields: ['constructor', 'toString'], columnHeaderNames: { header: [{ field: 'constructor', header: 'Ctor' }] } }),
		error: [/Column Header Names: "constructor" can be neither renamed nor a header: n8n removes every object key named __proto__, constructor, prototype/, /Remove the entry/],
		calls: 'none',
	},
	{
		name: 'a header named constructor is refused before any call',
		parameters: extract({ columnHeaderNames: { header: [{ field: 'email', header: 'constructor' }] } }),
		error: [/Column Header Names: "constructor" can be neither renamed nor a header/],
		calls: 'none',
	},
	{
		name: 'leads over two windows without id: the jobs carry id, the items do not',
		parameters: extract({ fields: ['email', 'firstName'], startAt: '2026-03-01T00:00:00Z', endAt: '2026-04-20T00:00:00Z' }),
		ok: (items, _result, sandbox, before) => {
			const expected = sandbox.leads.filter((l) => l.createdAt >= Date.parse('2026-03-01T00:00:00Z') && l.createdAt <= Date.parse('2026-04-20T00:00:00Z'));
			assert.deepEqual(items.map((i) => i.json.email).sort(), expected.map((l) => l.email).sort());
			assert.deepEqual(Object.keys(items[0].json), ['email', 'firstName']);
			const jobs = jobsSince(sandbox, before);
			assert.equal(jobs.length, 2);
			assert.ok(jobs.every((job) => job.spec.fields.includes('id')));
		},
	},
	{
		name: 'activities over two windows without marketoGUID: the jobs carry marketoGUID, the items do not',
		parameters: {
			resource: 'activityExport',
			operation: 'extractActivities',
			fields: ['leadId', 'activityTypeId'],
			startAt: '2026-03-01T00:00:00Z',
			endAt: '2026-04-10T00:00:00Z',
			options: FAST,
		},
		ok: (items, _result, sandbox, before) => {
			const expected = sandbox.activities.filter((a) => a.activityDate >= Date.parse('2026-03-01T00:00:00Z') && a.activityDate <= Date.parse('2026-04-10T00:00:00Z'));
			assert.equal(items.length, expected.length);
			assert.deepEqual(Object.keys(items[0].json), ['leadId', 'activityTypeId']);
			assert.ok(jobsSince(sandbox, before).every((job) => job.spec.fields.includes('marketoGUID')));
		},
	},
	{
		name: 'a header that takes the name of the key field the node would add is refused before any call',
		parameters: extract({ fields: ['email', 'firstName'], startAt: '2026-03-01T00:00:00Z', endAt: '2026-04-20T00:00:00Z', columnHeaderNames: { header: [{ field: 'firstName', header: 'id' }] } }),
		error: [/Column Header Names: another field is renamed "id", the name of the key field id that the node adds/, /Give that field another header, or add id to Fields/],
		calls: 'none',
	},

	// ── Catch-up state that cannot be trusted costs nothing but what it saves ──
	{
		name: 'a catch-up state in the store that cannot be trusted (a split of a minute ending in 2031, a quota reset a month off) is not used',
		parameters: since({ startAt: undefined, endAt: undefined, firstRunStartAt: '2026-03-01T00:00:00Z' }),
		runOptions: () => {
			const journal = new JournalStore();
			const row = 'wf-test|n:n-marketo';
			const entries = [
				['splitSeconds', 60],
				['splitUntil', Date.parse('2031-01-01T00:00:00Z') / 1000],
				['quotaResetAt', Math.floor(Date.now() / 1000) + 30 * 86_400],
			].flatMap(([name, value]) => storedNumber(`catchUp|leadExport.createdAt|${name}`, value));
			journal.rows.set(row, entries.map(JournalStore.hash));
			return { mode: 'trigger', staticData: {}, journal };
		},
		ok: (items, result, sandbox, before) => {
			assert.ok(items.length > 0, 'the run exported');
			const jobs = jobsSince(sandbox, before);
			const first = jobs[0].spec.filter.createdAt;
			assert.equal(Date.parse(first.endAt) - Date.parse(first.startAt), 31 * 86_400_000 - 1000, 'whole windows, no split of a minute');
			assert.ok(sandbox.servedCalls('/export.json').length > before.lists, 'it looked for left-over jobs: no quota mark was believed');
			assert.doesNotMatch(hintsOf(result), /not caught up/);
		},
	},
	{
		name: 'a catch-up state in static data that is not numbers is not used, where n8n has no store',
		parameters: since({ startAt: undefined, endAt: undefined, firstRunStartAt: '2026-03-01T00:00:00Z' }),
		runOptions: () => ({
			mode: 'trigger',
			staticData: { 'node:Marketo': { sinceLastRunCatchUp: { 'leadExport.createdAt': { splitSeconds: 'an hour', splitUntil: { at: 1 }, quotaResetAt: '2026-12-01' } } } },
			journal: new NoStore(),
		}),
		ok: (items, _result, sandbox, before) => {
			assert.ok(items.length > 0);
			const first = jobsSince(sandbox, before)[0].spec.filter.createdAt;
			assert.equal(Date.parse(first.endAt) - Date.parse(first.startAt), 31 * 86_400_000 - 1000);
		},
	},

	// ── Hardening, second round: bounded and readable answers ───────────────
	{
		name: 'a job list that never ends is followed for 100 pages, then refused clearly',
		setup: endlessJobList,
		parameters: { operation: 'listJobs' },
		error: [/Marketo's job list did not end after 100 pages \(30000 jobs\) while trying to list export jobs/, /keeps an API user's jobs for 7 days/],
		// Pages Marketo served: a call answered 601/602 (a token the sandbox's fast clock expired) is repeated with a new one.
		check: (_result, sandbox, _started, before) => assert.equal(sandbox.servedCalls('/export.json').slice(before.lists).length, 100),
	},
	{
		name: 'a job list that never ends costs an extract only its look for left-overs: it exports and says why it did not look',
		setup: endlessJobList,
		parameters: extract(),
		ok: (items, result) => {
			assert.ok(items.length > 0);
			assert.match(hintsOf(result), /Jobs left by earlier runs were not looked for: Marketo's job list did not end after 100 pages/);
		},
	},
	{
		name: 'entries of the job list that are not jobs are left out and counted',
		setup: (sandbox) => sandbox.addFault({ path: '/leads/export.json', json: { requestId: 'r#1', success: true, result: [null, 5, 'x', { exportId: 123 }, {}, { exportId: UUID, status: 'Completed', format: 'CSV' }] } }),
		parameters: { operation: 'listJobs' },
		ok: (items, result) => {
			assert.deepEqual(items.map((i) => i.json.exportId), [UUID]);
			assert.match(hintsOf(result), /Marketo's job list held 5 entries that are not a job \(no export ID\); left out/);
		},
	},
	{
		name: 'program members: entries of the job list that are not jobs are left out and counted',
		setup: (sandbox) => sandbox.addFault({ path: '/program/members/export.json', json: { requestId: 'r#1', success: true, result: [null, [], { exportId: null }] } }),
		parameters: { resource: 'programMemberExport', operation: 'listJobs' },
		ok: (items, result) => {
			assert.equal(items.length, 0);
			assert.match(hintsOf(result), /held 3 entries that are not a job/);
		},
	},
	{
		name: 'entries of the job list that are not jobs do not stop an extract from looking for left-overs',
		setup: (sandbox) => sandbox.addFault({ path: '/leads/export.json', json: { requestId: 'r#1', success: true, result: [null, 5, 'x', { exportId: 123 }, {}] } }),
		parameters: extract(),
		ok: (items, result) => {
			assert.ok(items.length > 0);
			assert.doesNotMatch(hintsOf(result), /not looked for|Cannot convert/);
		},
	},
	{
		name: 'an activity whose attributes nest 5,000 levels deep stays text, with a hint, and the run can be saved',
		parameters: { resource: 'activityExport', operation: 'extractActivities', jobSource: 'existing', options: FAST },
		before: (sandbox) => ({ exportId: deepActivityJob(sandbox).exportId }),
		ok: (items, result) => {
			assert.equal(items.length, 2);
			assert.equal(typeof items[0].json.attributes, 'string');
			assert.deepEqual(items[1].json.attributes, { 'Webpage URL': 'www.example.com' });
			assert.doesNotThrow(() => JSON.stringify(result.run.data));
			assert.match(hintsOf(result), /1 of 2 activities: the attributes column nests more than 64 levels deep; kept as the text Marketo wrote/);
		},
	},
	{
		name: 'Get Job File keeps too-deep attributes as text too',
		parameters: { resource: 'activityExport', operation: 'getJobFile' },
		before: (sandbox) => ({ exportId: deepActivityJob(sandbox).exportId }),
		ok: (items, result) => {
			assert.equal(typeof items[0].json.attributes, 'string');
			assert.deepEqual(items[1].json.attributes, { 'Webpage URL': 'www.example.com' });
			assert.match(hintsOf(result), /nests more than 64 levels deep/);
		},
	},
	{ name: 'a static list ID beyond 2^53 is refused, not rounded', parameters: extract({ filterType: 'staticListId', staticListId: { mode: 'id', value: '={{ "99999999999999999999" }}' } }), error: [/Static List: 99999999999999999999 is larger than any Marketo ID/, /Check the ID/], calls: 'none' },
	{ name: 'a smart list ID beyond 2^53 is refused', parameters: { resource: 'customObjectExport', operation: 'createJob', customObjectName: 'car_c', fields: ['marketoGUID'], filterType: 'smartListId', smartListId: { mode: 'id', value: '={{ "9007199254740993" }}' } }, error: [/Smart List: 9007199254740993 is larger than any Marketo ID/], calls: 'none' },
	{ name: 'a program ID beyond 2^53 is refused', parameters: members({ fields: ['leadId'], programIds: '={{ ["99999999999999999999"] }}' }), error: [/Programs: 99999999999999999999 is larger than any Marketo ID/], calls: 'none' },
	{ name: 'an activity type ID beyond 2^53 is refused', parameters: { resource: 'activityExport', operation: 'extractActivities', fields: ['marketoGUID'], activityTypeIds: '={{ [1e20] }}', ...MARCH }, error: [/Activity Types: 100000000000000000000 is larger than any Marketo ID/], calls: 'none' },
	{
		name: 'a primary attribute value ID beyond 2^53 is refused',
		parameters: { resource: 'activityExport', operation: 'createJob', fields: ['marketoGUID'], activityTypeIds: [1], primaryAttributeFilter: 'ids', primaryAttributeValueIds: '501, 99999999999999999999', ...MARCH },
		error: [/Primary Attribute Value IDs: 99999999999999999999 is larger than any Marketo ID/],
		calls: 'none',
	},
	{
		name: 'a processed-data store that answers oddly is named in the hint in the user’s words, and the extract delivers',
		journal: () => new OddStore(),
		before: (sandbox) => {
			sandbox.jobs.create(LIST_JOB);
			return {};
		},
		parameters: extract(),
		ok: (items, result) => {
			assert.ok(items.length > 0);
			const hints = hintsOf(result);
			assert.match(hints, /Jobs left by earlier runs were not looked for: n8n's processed-data store, where this node keeps its job journal, gave an answer the node cannot read/);
			assert.doesNotMatch(hints, /is not a function|Cannot (read|convert)/);
		},
	},

	// ── Hardening, second round: one file, one answer ────────────────────────
	{
		name: 'Get Job File converts values as Extract does',
		parameters: { operation: 'getJobFile' },
		before: (sandbox) => ({ exportId: sandbox.completedJob(LIST_JOB).exportId }),
		ok: (items) => assert.ok(items.length > 0 && items.every((i) => typeof i.json.id === 'number')),
	},
	{
		name: 'Get Job File refuses more leads than Max Items before downloading',
		parameters: { operation: 'getJobFile', options: { maxItems: 10 } },
		before: (sandbox) => ({ exportId: sandbox.completedJob(LIST_JOB).exportId }),
		error: [/The export holds more than 10 leads \(Max Items\)/, /Use Output: File, which streams the file/],
		calls: 'noFile',
	},
	{
		name: 'Get Job File refuses items past Max Memory before downloading',
		parameters: { operation: 'getJobFile', options: { maxMemoryMb: 1 } },
		before: (sandbox) => {
			const job = sandbox.completedJob(LIST_JOB);
			// 20,000 short rows: 0.3 MB of file, well past 1 MB as items.
			setFile(job, `id,email\n${Array.from({ length: 20_000 }, (_, i) => `${i},x${i}@example.org`).join('\n')}\n`);
			job.numberOfRecords = 20_000;
			return { exportId: job.exportId };
		},
		error: [/The export would take about \d+ MB of memory as items \(\d+ bytes of file\); Max Memory \(MB\) is 1/],
		calls: 'noFile',
	},
	{ name: 'Get Job File refuses a Max Items that is no number', parameters: { operation: 'getJobFile', exportId: UUID, options: { maxItems: 'many' } }, error: [/Max Items: "many" is not a number/], calls: 'none' },
	{
		name: 'Get Job File of activities parses attributes as Extract does',
		parameters: { resource: 'activityExport', operation: 'getJobFile' },
		before: (sandbox) => ({ exportId: sandbox.completedJob({ fields: ['marketoGUID', 'leadId', 'attributes'], format: 'CSV', filter: { createdAt: MARCH_WINDOW } }, 'activities').exportId }),
		ok: (items) => {
			assert.ok(items.length > 0);
			assert.ok(items.every((i) => typeof i.json.leadId === 'number' && typeof i.json.attributes === 'object'));
		},
	},
	{
		name: 'Get Job File of a custom object types its fields by its describe, as Extract does',
		parameters: { resource: 'customObjectExport', customObjectName: 'car_c', operation: 'getJobFile' },
		before: (sandbox) => ({ exportId: sandbox.completedJob({ fields: ['vIN', 'leadID', 'price'], format: 'CSV', filter: { staticListId: 1001 } }, 'customobjects/car_c').exportId }),
		ok: (items) => assert.ok(items.length > 0 && items.every((i) => typeof i.json.leadID === 'number' && typeof i.json.vIN === 'string')),
	},
	{
		name: 'Get Job File of program members types member fields as Extract does',
		parameters: { resource: 'programMemberExport', operation: 'getJobFile' },
		before: (sandbox) => ({ exportId: sandbox.completedJob({ fields: ['leadId', 'reachedSuccess', 'statusName'], format: 'CSV', filter: { programId: 1021 } }, 'programMembers').exportId }),
		ok: (items) => assert.ok(items.length > 0 && items.every((i) => typeof i.json.leadId === 'number' && typeof i.json.reachedSuccess === 'boolean')),
	},

	// ── Hardening, third round: deletions, merges, reads and state ───────────
	{
		name: '1 · a Merge Leads activity whose attribute is spelled Merge IDs, with JSON text, gives its merged IDs in mergedLeadIds',
		fixture: { leadCount: 200 },
		setup: (sandbox) => {
			const at = Date.now() - 3600_000;
			const merge = { campaignId: null, activityTypeId: 32, primaryAttributeValueId: 1, primaryAttributeValue: 'x', actionResult: 'succeeded', leadId: sandbox.leads[0].id };
			sandbox.activities.push({ ...merge, marketoGUID: '990001', activityDate: at, attributes: JSON.stringify({ 'Merge IDs': '[102]', 'Merge Source': 'Web service API' }) });
			sandbox.activities.push({ ...merge, marketoGUID: '990002', activityDate: at + 1000, attributes: JSON.stringify({ 'Merge IDs': 'not a list' }) });
			return { startAt: isoSeconds(at - 60_000), endAt: isoSeconds(at + 60_000) };
		},
		parameters: { resource: 'activityExport', operation: 'extractActivities', activityTypeIds: [32], options: FAST },
		ok: (items, result) => {
			const mine = items.filter((i) => String(i.json.marketoGUID).startsWith('99000'));
			assert.deepEqual(mine.map((i) => i.json.mergedLeadIds), [[102], []]);
			assert.equal(mine[0].json.attributes['Merge IDs'], '[102]', 'the attributes as Marketo wrote them');
			assert.match(warningsOf(result), /1 Merge Leads activity names no merged lead IDs the node can read/);
		},
	},
	{
		name: '1b · an extract of every activity type keeps Marketo’s columns: no mergedLeadIds, for a table upsert mapped on them',
		fixture: { leadCount: 200 },
		setup: (sandbox) => {
			const at = Date.now() - 3600_000;
			sandbox.mergeLeads(sandbox.leads[0].id, [sandbox.leads[1].id], at);
			return { startAt: isoSeconds(at - 60_000), endAt: isoSeconds(at + 60_000) };
		},
		parameters: { resource: 'activityExport', operation: 'extractActivities', options: FAST },
		ok: (items) => {
			assert.ok(items.some((i) => i.json.activityTypeId === 32), 'the merge is exported');
			assert.ok(items.every((i) => !('mergedLeadIds' in i.json)));
		},
	},
	{
		name: '2 · Get Deleted Leads refuses entries whose leadId is not an ID (true, null, "", "0x2F", "1e3", [9023], "9023") and counts them; none is converted',
		setup: (sandbox) => {
			const at = Date.now() - 3600_000;
			deletedPages(sandbox, [{ moreResult: false, result: [true, null, '', '0x2F', '1e3', [9023], '9023'].map((leadId, i) => deletion(leadId, at, i + 1)).concat([deletion(9024, at + 1000, 99)]) }]);
		},
		parameters: deletedSince(),
		ok: (items, result) => {
			assert.deepEqual(leadIdsOf(items), [9024]);
			assert.match(warningsOf(result), /7 entries of Get Deleted Leads refused and not output: a lead ID that is not a positive integer/);
		},
	},
	{
		name: '3 · a deletion dated after the range’s end listed before in-range ones: the read goes on, and both are delivered',
		setup: (sandbox) => {
			const now = Date.now();
			deletedPages(sandbox, [{ moreResult: false, result: [deletion(501, now - 60_000), deletion(502, now - 3600_000), deletion(503, now - 3599_000)] }]);
		},
		parameters: deletedSinceLastRun(),
		runOptions: trigger,
		ok: (items) => assert.deepEqual(leadIdsOf(items), [502, 503], 'lead 501 lies past the end (5 minutes before now): the next run’s'),
	},
	{
		name: '4a · a Get Deleted Leads page whose result is an object is refused clearly, not read as the last page',
		setup: (sandbox) => deletedPages(sandbox, [{ moreResult: false, result: { leadId: 1 } }]),
		parameters: deletedSinceLastRun(),
		runOptions: trigger,
		error: [/Marketo answered a page of Get Deleted Leads that the node cannot read: its result is an object, not a list of deletions/, /the position did not move/],
	},
	{
		name: '4b · moreResult "true" written as text is read as true: the next page is read',
		setup: (sandbox) => {
			const at = Date.now() - 3600_000;
			deletedPages(sandbox, [
				{ moreResult: 'true', nextPageToken: 'P1', result: [deletion(601, at)] },
				{ moreResult: false, nextPageToken: 'P2', result: [deletion(602, at + 1000)] },
			]);
		},
		parameters: deletedSince(),
		ok: (items) => assert.deepEqual(leadIdsOf(items), [601, 602]),
	},
	{
		name: '4c · a moreResult that is neither true nor false is refused clearly',
		setup: (sandbox) => deletedPages(sandbox, [{ moreResult: 'maybe', nextPageToken: 'P1', result: [] }]),
		parameters: deletedSince(),
		error: [/its moreResult is a string, neither true nor false/],
	},
	{
		name: '5a · a Get Deleted Leads page cut short part-way is read again, not taken for the user’s cancel',
		fixture: { leadCount: 200 },
		setup: (sandbox) => {
			const ids = sandbox.leads.slice(0, 3).map((lead) => lead.id);
			sandbox.deleteLeads(ids, Date.now() - 3600_000);
			sandbox.addFault({ path: '/deletedleads.json', cutBody: true });
			return {};
		},
		parameters: deletedSince(),
		ok: (items, _result, sandbox) => {
			assert.equal(items.length, 3);
			assert.equal(sandbox.log.filter((entry) => entry.fault === 'cut').length, 1, 'the cut answer was met');
		},
	},
	{
		name: '5b · a status answer cut short in a plain Extract Leads is read again: every lead is delivered',
		setup: (sandbox) => sandbox.addFault({ path: '/status.json', cutBody: true }),
		parameters: extract(),
		ok: (items, _result, sandbox) => {
			const expected = sandbox.leads.filter((lead) => lead.createdAt >= Date.parse(MARCH.startAt) && lead.createdAt <= Date.parse(MARCH.endAt));
			assert.equal(items.length, expected.length);
			assert.ok(sandbox.log.some((entry) => entry.fault === 'cut'));
		},
		check: (_result, _sandbox, _started, before) => assert.ok(loggedLines.slice(before.logged).some(([level, message]) => level === 'warn' && /retrying "get the status of export job/.test(message))),
	},
	{
		name: '6 · a paging token that cycles A → B → A stops the read at the last whole second: each deletion once, two pages',
		setup: (sandbox) => {
			const at = Date.now() - 3600_000;
			deletedPages(
				sandbox,
				[
					{ moreResult: true, nextPageToken: 'B', result: [deletion(701, at)] },
					{ moreResult: true, nextPageToken: 'A', result: [deletion(702, at + 10_000)] },
					{ moreResult: true, nextPageToken: 'B', result: [deletion(701, at)] },
				],
				'A',
			);
		},
		parameters: deletedSinceLastRun(),
		runOptions: trigger,
		ok: (items, result, sandbox, before) => {
			assert.deepEqual(leadIdsOf(items), [701], 'the last second read (702’s) is left whole to the next run');
			assert.equal(sandbox.servedCalls('/deletedleads.json').length - before.deletedPages, 2);
			assert.match(warningsOf(result), /Marketo answered a paging token it had answered before, with more to come/);
		},
	},
	{
		name: '7 · the same deletion on two pages is output once',
		setup: (sandbox) => {
			const at = Date.now() - 3600_000;
			deletedPages(sandbox, [
				{ moreResult: true, nextPageToken: 'P1', result: [deletion(801, at), deletion(802, at + 1000)] },
				{ moreResult: false, nextPageToken: 'P2', result: [deletion(802, at + 1000), deletion(803, at + 2000)] },
			]);
		},
		parameters: deletedSince(),
		ok: (items, result) => {
			assert.deepEqual(leadIdsOf(items), [801, 802, 803]);
			assert.match(hintsOf(result), /1 deletions Marketo answered twice output once/);
		},
	},
	secondRunCase({
		name: '8 · endless empty pages: the run stops at 10,000 pages and the next goes on from where it stopped, not from the first page again',
		fixture: { leadCount: 200 },
		first: (sandbox) => {
			const since = Math.floor((Date.now() - 2 * 3600_000) / 1000) * 1000;
			sandbox.deleteLeads([sandbox.leads[0].id], since + 60_000);
			let n = 0;
			const page = () => JSON.stringify({ requestId: 'r#1', success: true, moreResult: true, nextPageToken: sandboxToken(since, ++n) });
			sandbox.addFault({ path: '/deletedleads.json', times: 10_000, contentType: 'application/json', body: page });
			return { ...deletedSinceLastRun(), firstRunStartAt: isoSeconds(since) };
		},
		ok: (items, sandbox, first) => {
			assert.match(warningsOf(first), /this run read 10000 pages, the most one run reads\. None of its pages held a deletion of the range, so the position stays at .*the next run goes on from the page where this one stopped/);
			// A call answered 601/602 (the token expired: the sandbox's clock runs fast) is repeated with a new token, as it must be.
			const calls = sandbox.log.slice(firstRun.calls).filter((entry) => entry.kind !== 'token' && !['601', '602'].includes(entry.errorCode));
			const second = calls.map((entry) => entry.path);
			assert.deepEqual(second, ['/rest/v1/activities/deletedleads.json'], `no new paging token: the second run goes on from the saved one (${JSON.stringify(calls)})`);
			assert.deepEqual(leadIdsOf(items), [sandbox.lifecycle.deletions.at(-1).leadId]);
		},
	}),
	{
		name: '9a · static data holding a string where the node keeps its positions stops the run before any call, naming Reset Since Last Run',
		parameters: since(),
		runOptions: () => ({ mode: 'trigger', staticData: { 'node:Marketo': { sinceLastRun: 'garbage' } }, journal: new JournalStore() }),
		error: [/Since Last Run: the saved position cannot be read \(static data holds a string under sinceLastRun, where the node keeps an object\)/, /Reset Since Last Run/],
		calls: 'none',
	},
	{
		name: '9b · static data holding a string where the node keeps its catch-up state stops the run the same way',
		parameters: since(),
		runOptions: () => ({ mode: 'trigger', staticData: { 'node:Marketo': { sinceLastRunCatchUp: 'garbage' } }, journal: new JournalStore() }),
		error: [/static data holds a string under sinceLastRunCatchUp/, /Reset Since Last Run/],
		calls: 'none',
	},
	{
		name: '9c · Reset Since Last Run replaces static data of the wrong shape, and the run exports',
		parameters: since({ startAt: undefined, endAt: undefined, firstRunStartAt: '2026-03-01T00:00:00Z', options: { resetSinceLastRun: true, maxJobs: 1 } }),
		runOptions: () => {
			firstRun.staticData = { 'node:Marketo': { sinceLastRun: [], sinceLastRunCatchUp: 7 } };
			return { mode: 'trigger', staticData: firstRun.staticData, journal: new JournalStore() };
		},
		ok: (items) => {
			assert.ok(items.length > 0);
			const { sinceLastRun } = firstRun.staticData['node:Marketo'];
			assert.ok(!Array.isArray(sinceLastRun), 'a list would lose its named entries when n8n saves it');
			assert.equal(typeof sinceLastRun['leadExport.createdAt'].highWatermark, 'string');
		},
	},
	{
		name: '10 · a create answered with status Failed and export ID "null" fails clearly, with no call on "null"',
		setup: (sandbox) => sandbox.addFault({ path: '/create.json', json: { requestId: 'r#1', success: true, result: [{ exportId: 'null', status: 'Failed', format: 'CSV' }] } }),
		parameters: extract(),
		error: [/Marketo answered without a usable export ID while trying to create the export job: it named the job "null", status Failed/, /none was enqueued or cancelled/],
		check: (_result, sandbox, _started, before) => {
			assert.equal(sandbox.servedCalls('/enqueue.json').length, before.enqueues);
			assert.equal(sandbox.servedCalls('/cancel.json').length, before.cancels);
		},
	},
	{
		name: '11 · a custom object whose describe names a key field it does not have: the jobs carry its idField instead, and every record arrives once',
		setup: (sandbox) => sandbox.addFault({ path: '/customobjects/car_c/describe.json', times: 3, json: { requestId: 'r#1', success: true, result: [{ ...CUSTOM_OBJECTS.car_c, dedupeFields: ['vinNumber'] }] } }),
		parameters: customObjects({ customObjectName: 'car_c', fields: ['make', 'model'] }),
		ok: (items, _result, sandbox, before) => {
			const expected = sandbox.customObjectRecords.car_c.filter(inFourWindows);
			assert.equal(items.length, expected.length);
			const jobs = jobsSince(sandbox, before);
			assert.ok(jobs.length > 1 && jobs.every((job) => job.spec.fields.includes('marketoGUID') && !job.spec.fields.includes('vinNumber')));
			assert.ok(items.every((i) => !('marketoGUID' in i.json)), 'the added key leaves the items');
		},
	},
	secondRunCase({
		name: '12 · 1029 at enqueue whose cancel fails too: the next run adopts that job for its window, no second job is made',
		fixture: { leadCount: 200 },
		first: (sandbox) => {
			sandbox.addFault({ path: '/enqueue.json', envelopeError: { code: 1029, message: 'Export daily quota 500MB exceeded' } });
			sandbox.addFault({ path: '/cancel.json', envelopeError: { code: 1003, message: 'Job cannot be cancelled' } });
			firstRun.jobs = sandbox.jobs.jobs.size;
			return since({ startAt: undefined, endAt: undefined, firstRunStartAt: '2026-03-01T00:00:00Z', options: { maxJobs: 2 } });
		},
		ok: (items, sandbox) => {
			const jobs = [...sandbox.jobs.jobs.values()].slice(firstRun.jobs);
			const forFirstWindow = jobs.filter((job) => job.spec.filter.createdAt.startAt === '2026-03-01T00:00:00Z');
			assert.equal(forFirstWindow.length, 1, 'one job for the first window');
			assert.equal(forFirstWindow[0].status, 'Completed', 'the job the cancel left was adopted and exported');
			assert.ok(items.length > 0);
		},
	}),
	{
		name: '13 · Window Length 1 with a stored split of 15.5 days: windows of one day',
		parameters: since({ startAt: undefined, endAt: undefined, firstRunStartAt: '2026-03-01T00:00:00Z', options: { windowDays: 1, maxJobs: 2 } }),
		runOptions: () => {
			const journal = new JournalStore();
			const entries = [
				['splitSeconds', 15.5 * 86_400],
				['splitUntil', Date.parse('2026-05-01T00:00:00Z') / 1000],
			].flatMap(([name, value]) => storedNumber(`catchUp|leadExport.createdAt|${name}`, value));
			journal.rows.set('wf-test|n:n-marketo', entries.map(JournalStore.hash));
			return { mode: 'trigger', staticData: {}, journal };
		},
		ok: (_items, _result, sandbox, before) => {
			const jobs = jobsSince(sandbox, before);
			assert.ok(jobs.length > 0);
			for (const job of jobs) assert.equal(Date.parse(job.spec.filter.createdAt.endAt) - Date.parse(job.spec.filter.createdAt.startAt), 86_400_000 - 1000);
		},
	},
];

/** Everything the run shows: output, errors (message, description, stack), hints, and n8n's log. */
function everythingShown(result, logFrom) {
	const data = JSON.stringify(result.run.data, (_key, value) =>
		value instanceof Error ? { message: value.message, description: value.description, stack: value.stack, context: value.context } : value,
	);
	return data + JSON.stringify(loggedLines.slice(logFrom));
}

describe(`Hostile input and odd Marketo answers (${CASES.length} cases) in n8n’s engine`, () => {
	let fixture;
	before(async () => {
		fixture = await sandboxFixture({ speed: 1200, leadCount: 1500 });
	});
	after(() => fixture.stop());

	for (const testCase of CASES) {
		it(testCase.name, async () => {
			let own;
			if (testCase.fixture) {
				const options = typeof testCase.fixture === 'function' ? testCase.fixture(fixture.sandbox) : testCase.fixture;
				own = await sandboxFixture({ speed: 1200, leadCount: 200, ...options });
			}
			const current = own ?? fixture;
			const { sandbox } = current;
			try {
				const extra = {
					...(testCase.before ? await testCase.before(sandbox, current) : {}),
					...(testCase.setup ? ((await testCase.setup(sandbox, current)) ?? {}) : {}),
				};
				const parameters = { ...testCase.parameters, ...extra };
				const runOptions = { items: testCase.items, journal: testCase.journal?.(), ...testCase.runOptions?.() };
				if (testCase.fresh) {
					// The credential's first use: n8n has not fetched a token yet.
					const credentials = new CredentialStore();
					credentials.set(CREDENTIAL_ID, { baseUrl: sandbox.restEndpoint, clientId: sandbox.clientId, clientSecret: sandbox.clientSecret });
					runOptions.credentials = credentials;
				}
				const before = {
					log: sandbox.log.length,
					creates: sandbox.servedCalls('/create.json').length,
					files: sandbox.servedCalls('/file.json').length,
					lists: sandbox.servedCalls('/export.json').length,
					enqueues: sandbox.servedCalls('/enqueue.json').length,
					cancels: sandbox.servedCalls('/cancel.json').length,
					deletedPages: sandbox.servedCalls('/deletedleads.json').length,
					jobs: sandbox.jobs.jobs.size,
					logged: loggedLines.length,
				};
				const started = Date.now();
				let result;
				try {
					result = await current.run(parameters, runOptions);
				} catch (error) {
					// n8n refuses a workflow whose required parameters are empty before any node runs.
					if (!testCase.n8nRefuses) throw error;
					assert.match(error.message, testCase.n8nRefuses);
					assert.equal(sandbox.log.length, before.log, 'a request reached Marketo');
					return;
				}
				if (testCase.n8nRefuses) assert.fail('n8n ran the workflow');

				if (testCase.error) {
					const error = result.error();
					if (!error) assert.fail(`expected an error, got ${result.items().length} items`);
					const [message, description] = testCase.error;
					assert.match(error.message, message);
					if (description) assert.match(error.description ?? '', description);
				} else {
					testCase.ok(result.items(), result, sandbox, before);
				}
				if (testCase.calls === 'none') assert.equal(sandbox.log.length, before.log, 'a request reached Marketo');
				if (testCase.calls === 'noCreate' || testCase.calls === 'none') assert.equal(sandbox.servedCalls('/create.json').length, before.creates, 'a job was created');
				if (testCase.calls === 'noFile') assert.equal(sandbox.servedCalls('/file.json').length, before.files, 'a file was fetched');
				testCase.check?.(result, sandbox, started, before);

				const shown = everythingShown(result, before.logged);
				assert.ok(!shown.includes(sandbox.clientSecret), 'the client secret is shown');
				for (const token of sandbox.tokens.keys()) assert.ok(!shown.includes(token), 'a token is shown');
				if (testCase.error) assert.doesNotMatch(shown, /[a-z0-9.]+@example\.(com|org)/, 'a lead’s e-mail address is shown');
			} finally {
				sandbox.clearFaults();
				await own?.stop();
			}
		});
	}
});
