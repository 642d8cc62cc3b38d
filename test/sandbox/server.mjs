import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

import { chicagoMidnightBefore, VirtualClock } from './clock.mjs';
import { ACTIVITY_TYPES, generateActivities } from './activities.mjs';
import { defaultLists, generateLeads, leadFieldsFor } from './dataset.mjs';
import { CUSTOM_OBJECTS, generateCustomObjectRecords } from './customObjects.mjs';
import { generateProgramMembers, PROGRAM_MEMBER_DESCRIBE, PROGRAMS } from './programMembers.mjs';
import { JobStore, MarketoError } from './jobs.mjs';
import { LeadLifecycle, MERGE_LEADS_TYPE } from './leadLifecycle.mjs';
import { LateWrites, sendEmailBatch, writeRecords } from './lateWrites.mjs';

const TOKEN_LIFETIME_S = 3600;

/**
 * A Marketo simulator on 127.0.0.1: the identity endpoint, the Bulk Lead
 * Extract endpoints, describe and the list assets, with Marketo's quirks
 * (errors inside HTTP 200, 606/615/607 limits, 1029's three meanings, Range
 * downloads, sha256 checksums) and fault injection for tests.
 */
export async function startSandbox(options = {}) {
	const clock = options.clock ?? new VirtualClock({ speed: options.speed ?? 1 });
	// The standard lead fields, plus `customFields` custom ones for wide exports.
	const leadFields = leadFieldsFor({ customFields: options.customFields ?? 0 });
	const leads =
		options.leads ??
		generateLeads({
			seed: options.seed ?? 42,
			count: options.leadCount ?? 2000,
			start: options.datasetStart ?? '2026-01-01T00:00:00Z',
			end: options.datasetEnd ?? '2026-11-01T00:00:00Z',
			updatedUntil: options.datasetUpdatedUntil ?? '2026-11-15T00:00:00Z',
			fields: leadFields,
		});
	const lists = options.lists ?? defaultLists(options);
	const settings = {
		clientId: options.clientId ?? 'sandbox-client-id',
		clientSecret: options.clientSecret ?? 'sandbox-client-secret-do-not-log',
		rateLimit: options.rateLimit ?? { calls: 100, windowMs: 20_000 },
		concurrentLimit: options.concurrentLimit ?? 10,
		dailyCallQuota: options.dailyCallQuota ?? 50_000,
		dailyQuotaBytes: options.dailyQuotaBytes ?? 500 * 1024 * 1024,
		processingTicks: options.processingTicks ?? 1,
		ssvDelimiter: options.ssvDelimiter ?? ' ',
		updatedAtUnsupported: options.updatedAtUnsupported ?? false,
		emptyExport: options.emptyExport ?? 'header',
		fileRepeat: options.fileRepeat ?? 1,
		cacheFiles: options.cacheFiles ?? false,
		fieldNames: new Set(leadFields.map((field) => field.rest.name)),
		quotaUsedBytes: 0,
	};
	const activities =
		options.activities ??
		generateActivities({
			seed: (options.seed ?? 42) + 1,
			count: options.activityCount ?? 3000,
			start: options.datasetStart ?? '2026-01-01T00:00:00Z',
			end: options.datasetEnd ?? '2026-11-01T00:00:00Z',
			leads,
			malformedAttributesEvery: options.malformedAttributesEvery ?? 0,
		});
	const programMembers =
		options.programMembers ??
		generateProgramMembers({
			seed: (options.seed ?? 42) + 2,
			leads,
			start: options.datasetStart ?? '2026-01-01T00:00:00Z',
			end: options.datasetEnd ?? '2026-11-01T00:00:00Z',
		});
	const customObjectRecords =
		options.customObjectRecords ??
		generateCustomObjectRecords({
			seed: (options.seed ?? 42) + 3,
			leads,
			start: options.datasetStart ?? '2026-01-01T00:00:00Z',
			end: options.datasetEnd ?? '2026-11-01T00:00:00Z',
		});
	const lateWrites = new LateWrites();
	const jobs = new JobStore({ clock, leads, activities, programMembers, customObjectRecords, lists, options: settings, lateWrites });
	const lifecycle = new LeadLifecycle({ clock, leads, activities });
	const tokens = new Map();
	const faults = [];
	const log = [];
	const callTimes = [];
	const calls = { day: chicagoMidnightBefore(clock.now()), count: 0 };
	let inFlight = 0;

	function issueToken() {
		const now = clock.now();
		for (const [token, info] of tokens) {
			if (info.expiresAt > now) return { token, expiresIn: Math.floor((info.expiresAt - now) / 1000) };
		}
		const token = `${randomUUID()}:sb`;
		tokens.set(token, { expiresAt: now + TOKEN_LIFETIME_S * 1000 });
		return { token, expiresIn: TOKEN_LIFETIME_S };
	}

	/**
	 * The first armed fault matching this request, counted down. Token faults act
	 * before authentication (they expire the token the request carries); all
	 * others only on requests that pass it, so a refused token does not use them up.
	 */
	function takeFault(req, url, phase) {
		for (const fault of faults) {
			if (fault.remaining <= 0) continue;
			if (Boolean(fault.expireToken) !== (phase === 'token')) continue;
			if (fault.method && fault.method !== req.method) continue;
			if (fault.path && !(fault.path instanceof RegExp ? fault.path.test(url.pathname) : url.pathname.includes(fault.path))) continue;
			fault.seen++;
			if (fault.seen < (fault.nth ?? 1)) continue;
			fault.remaining--;
			return fault;
		}
		return undefined;
	}

	async function handle(req, res) {
		const url = new URL(req.url, 'http://sandbox');
		const entry = {
			method: req.method,
			path: url.pathname,
			query: Object.fromEntries(url.searchParams),
			range: req.headers.range,
			authorization: req.headers.authorization ? 'Bearer' : undefined,
			at: clock.now(),
		};
		log.push(entry);
		// An answer the connection dropped before it was all sent (the client gave up, or a fault cut it).
		res.on('close', () => {
			if (!res.writableFinished) entry.closedEarly = true;
		});
		const body = await readBody(req);
		const reply = (status, payload, headers = {}) => {
			entry.status = status;
			const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
			res.writeHead(status, { 'Content-Type': typeof payload === 'string' ? 'text/plain' : 'application/json;charset=UTF-8', ...headers });
			res.end(text);
		};
		const envelope = (result, extra = {}) => {
			entry.status = 200;
			entry.success = true;
			reply(200, { requestId: requestId(), result, success: true, ...extra });
		};

		const fail = (code, message) => {
			entry.errorCode = String(code);
			reply(200, { requestId: requestId(), success: false, errors: [{ code: String(code), message }] });
		};

		if (url.pathname === '/identity/oauth/token') {
			entry.kind = 'token';
			const params = new URLSearchParams(url.search);
			if (req.method === 'POST' && body.length > 0) {
				for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params.set(k, v);
			}
			if (params.get('grant_type') !== 'client_credentials') {
				return reply(400, { error: 'unsupported_grant_type', error_description: 'grant_type must be client_credentials' });
			}
			if (params.get('client_id') !== settings.clientId || params.get('client_secret') !== settings.clientSecret) {
				return reply(401, { error: 'invalid_client', error_description: 'Bad client credentials' });
			}
			const { token, expiresIn } = issueToken();
			return reply(200, { access_token: token, token_type: 'bearer', expires_in: expiresIn, scope: 'api@sandbox.example' });
		}

		if (takeFault(req, url, 'token')) for (const info of tokens.values()) info.expiresAt = clock.now() - 1;

		const auth = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
		if (!auth) return fail(600, 'Access token not specified');
		const token = tokens.get(auth[1]);
		if (!token) return fail(601, 'Access token invalid');
		if (token.expiresAt <= clock.now()) return fail(602, 'Access token expired');

		const fault = takeFault(req, url, 'request');
		if (fault?.envelopeError) {
			entry.fault = 'envelopeError';
			return fail(fault.envelopeError.code, fault.envelopeError.message);
		}
		if (fault?.status || fault?.json || fault?.body) {
			// An odd answer: any status, body and content type; a body function sees the request's token.
			entry.fault = 'reply';
			const body = typeof fault.body === 'function' ? fault.body({ token: auth[1] }) : fault.body;
			const payload = fault.json ?? body ?? 'Service Unavailable';
			const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
			entry.status = fault.status ?? 200;
			res.writeHead(entry.status, { 'Content-Type': fault.contentType ?? (typeof payload === 'string' ? 'text/plain' : 'application/json;charset=UTF-8') });
			return res.end(text);
		}
		if (fault?.destroy) {
			entry.fault = 'destroy';
			return req.socket.destroy();
		}
		if (fault?.cutBody) {
			// The answer Marketo made, cut short part-way: its length announced, half of it sent, the connection dropped.
			entry.fault = 'cut';
			const writeHead = res.writeHead;
			res.end = (text) => {
				const bytes = Buffer.from(String(text ?? ''), 'utf8');
				res.setHeader('Content-Length', String(bytes.length));
				res.writeHead = writeHead;
				res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.socket?.destroy());
				return res;
			};
			// Headers wait for the body, so that the announced length is the whole answer's.
			res.writeHead = (status, headers) => {
				res.statusCode = status;
				for (const [name, value] of Object.entries(headers ?? {})) res.setHeader(name, value);
				return res;
			};
		}

		// Limits apply to authenticated API calls; identity calls are free.
		const now = clock.now();
		const day = chicagoMidnightBefore(now);
		if (day !== calls.day) Object.assign(calls, { day, count: 0 });
		if (calls.count >= settings.dailyCallQuota) return fail(607, 'Daily quota reached');
		while (callTimes.length > 0 && callTimes[0] <= now - settings.rateLimit.windowMs) callTimes.shift();
		if (callTimes.length >= settings.rateLimit.calls) return fail(606, 'Max rate limit \'100\' exceeded with in \'20\' secs');
		if (inFlight > settings.concurrentLimit) return fail(615, 'Concurrent access limit reached');
		callTimes.push(now);
		calls.count++;

		try {
			return await route(req, res, url, body, { entry, reply, envelope, fail, fault });
		} catch (error) {
			if (error instanceof MarketoError) return fail(error.code, error.message);
			entry.status = 500;
			return reply(500, String(error?.stack ?? error));
		}
	}

	async function route(req, res, url, body, { entry, reply, envelope, fail, fault }) {
		const path = url.pathname;
		const json = () => {
			try {
				return JSON.parse(body.toString('utf8') || '{}');
			} catch {
				throw new MarketoError(609, 'Invalid JSON');
			}
		};
		if (req.method === 'GET' && path === '/rest/v1/leads/describe.json') return envelope(leadFields);
		const listMatch = /^\/rest\/asset\/v1\/(staticLists|smartLists)\.json$/.exec(path);
		if (req.method === 'GET' && listMatch) {
			const pool = listMatch[1] === 'staticLists' ? lists.staticLists : lists.smartLists;
			const offset = Number(url.searchParams.get('offset') ?? 0);
			const maxReturn = Math.min(200, Number(url.searchParams.get('maxReturn') ?? 20));
			const page = pool.slice(offset, offset + maxReturn).map(({ id, name }) => ({ id, name }));
			if (page.length === 0) return envelope(undefined, { warnings: ['No assets found for the given search criteria.'] });
			return envelope(page);
		}
		if (req.method === 'GET' && path === '/rest/v1/activities/types.json') return envelope([...ACTIVITY_TYPES, MERGE_LEADS_TYPE]);
		if (req.method === 'GET' && path === '/rest/v1/activities/pagingtoken.json') {
			return envelope(undefined, { nextPageToken: lifecycle.pagingToken(url.searchParams.get("sinceDatetime")) });
		}
		if (req.method === 'GET' && path === '/rest/v1/activities/deletedleads.json') {
			const { result, ...paging } = lifecycle.deletedLeadsPage(url.searchParams.get('nextPageToken'), url.searchParams.get('batchSize') ?? undefined);
			return envelope(result, paging);
		}
		if (req.method === 'GET' && path === '/rest/v1/programs/members/describe.json') return envelope([PROGRAM_MEMBER_DESCRIBE]);
		if (req.method === 'GET' && path === '/rest/v1/customobjects.json') {
			return envelope(Object.values(CUSTOM_OBJECTS).map(({ name, displayName, description }) => ({ name, displayName, description })));
		}
		const describeMatch = /^\/rest\/v1\/customobjects\/([^/]+)\/describe\.json$/.exec(path);
		if (req.method === 'GET' && describeMatch) {
			const object = CUSTOM_OBJECTS[describeMatch[1]];
			if (!object) throw new MarketoError(1003, `Invalid custom object name: ${describeMatch[1]}`);
			return envelope([object]);
		}
		if (req.method === 'GET' && path === '/rest/asset/v1/programs.json') {
			const offset = Number(url.searchParams.get('offset') ?? 0);
			const maxReturn = Math.min(200, Number(url.searchParams.get('maxReturn') ?? 20));
			const page = PROGRAMS.slice(offset, offset + maxReturn).map(({ id, name }) => ({ id, name, type: 'program' }));
			if (page.length === 0) return envelope(undefined, { warnings: ['No assets found for the given search criteria.'] });
			return envelope(page);
		}
		// Leads and activities: the same job endpoints under their own path, one queue and one quota.
		const createMatch = /^\/bulk\/v1\/(leads|activities|program\/members|customobjects\/[A-Za-z0-9_]+)\/export\/create\.json$/.exec(path);
		if (req.method === 'POST' && createMatch) {
			return envelope([patched(JobStore.view(jobs.create(json(), kindOf(createMatch[1]))), fault)]);
		}
		const jobListMatch = /^\/bulk\/v1\/(leads|activities|program\/members|customobjects\/[A-Za-z0-9_]+)\/export\.json$/.exec(path);
		if (req.method === 'GET' && jobListMatch) {
			const statuses = (url.searchParams.get('status') ?? '').split(',').filter(Boolean);
			const batchSize = Math.min(300, Number(url.searchParams.get('batchSize') ?? 300));
			const offset = Number(Buffer.from(url.searchParams.get('nextPageToken') ?? '', 'base64').toString() || 0);
			const all = jobs.list({ statuses, kind: kindOf(jobListMatch[1]) });
			const page = all.slice(offset, offset + batchSize).map(JobStore.view);
			const extra = offset + batchSize < all.length ? { nextPageToken: Buffer.from(String(offset + batchSize)).toString('base64') } : {};
			return envelope(page, extra);
		}
		const jobMatch = /^\/bulk\/v1\/(leads|activities|program\/members|customobjects\/[A-Za-z0-9_]+)\/export\/([^/]+)\/(enqueue|status|file|cancel)\.json$/.exec(path);
		if (jobMatch) {
			const [, kindPath, exportId, action] = jobMatch;
			const kind = kindOf(kindPath);
			if (action === 'enqueue' && req.method === 'POST') return envelope([patched(JobStore.view(jobs.enqueue(exportId, kind)), fault)]);
			if (action === 'status' && req.method === 'GET') return envelope([patched(JobStore.view(jobs.get(exportId, kind)), fault)]);
			if (action === 'cancel' && req.method === 'POST') return envelope([patched(JobStore.view(jobs.cancel(exportId, kind)), fault)]);
			if (action === 'file' && req.method === 'GET') return serveFile(req, res, exportId, kind, { entry, reply, fault });
		}
		return reply(404, `No route for ${req.method} ${path}`);
	}

	function serveFile(req, res, exportId, kind, { entry, reply, fault }) {
		jobs.sync();
		const found = jobs.jobs.get(exportId);
		const job = found?.kind === kind ? found : undefined;
		const missing = job?.file?.length === 0 && settings.emptyExport === 'missing';
		if (!job || job.status !== 'Completed' || fault?.fileNotReady || missing) {
			return reply(404, `File for export ${exportId} not found`);
		}
		let file = job.file;
		if (fault?.corrupt) {
			file = Buffer.from(file);
			file[Math.floor(file.length / 2)] ^= 0x20;
			entry.fault = 'corrupt';
		}
		const size = file.length;
		let start = 0;
		let end = size - 1;
		let status = 200;
		const headers = { 'Content-Type': contentTypeFor(job.format), 'Accept-Ranges': 'bytes' };
		if (req.headers.range) {
			const match = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range.trim());
			if (!match || (match[1] === '' && match[2] === '')) return reply(416, 'Invalid range', { 'Content-Range': `bytes */${size}` });
			if (match[1] === '') {
				start = Math.max(0, size - Number(match[2]));
			} else {
				start = Number(match[1]);
				if (match[2] !== '') end = Math.min(end, Number(match[2]));
			}
			if (start >= size || start > end) return reply(416, 'Requested range not satisfiable', { 'Content-Range': `bytes */${size}` });
			status = 206;
			headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
		}
		const slice = file.subarray(start, end + 1);
		headers['Content-Length'] = String(slice.length);
		entry.status = status;
		entry.bytes = slice.length;
		res.writeHead(status, headers);
		if (fault?.dropAfterBytes !== undefined) {
			entry.fault = 'dropped';
			entry.bytes = Math.min(fault.dropAfterBytes, slice.length);
			res.write(slice.subarray(0, fault.dropAfterBytes), () => res.socket?.destroy());
			return;
		}
		res.end(slice);
	}

	const server = createServer((req, res) => {
		inFlight++;
		res.on('close', () => inFlight--);
		handle(req, res).catch((error) => {
			if (!res.headersSent) res.writeHead(500);
			res.end(String(error));
		});
	});
	await new Promise((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
	const { port } = server.address();
	const url = `http://127.0.0.1:${port}`;

	const sandbox = {
		url,
		/** What a user would paste into the credential: the REST endpoint. */
		restEndpoint: `${url}/rest`,
		clientId: settings.clientId,
		clientSecret: settings.clientSecret,
		/** Issued tokens: token → { expiresAt } (virtual ms). */
		tokens,
		clock,
		jobs,
		leads,
		lists,
		leadFields,
		activities,
		programMembers,
		customObjectRecords,
		settings,
		log,
		/** Deletes leads (ids) now, or at `at` (virtual ms): gone from lead exports, listed by Get Deleted Leads for 14 days. */
		deleteLeads: (ids, at) => lifecycle.delete(ids, at),
		/** Merges `losers` into `winner`: they leave lead exports; the winner gets a Merge Leads activity. */
		mergeLeads: (winner, losers, at) => lifecycle.merge(winner, losers, at),
		lifecycle,
		/**
		 * Arms a fault: { method?, path?, nth?, times?, envelopeError?, status?, body? (text, or ({ token }) => text),
		 * json?, contentType?, patchJob?, destroy?, cutBody? (the answer cut short part-way), expireToken?, dropAfterBytes?, corrupt?, fileNotReady? }
		 */
		addFault(fault) {
			const armed = { ...fault, seen: 0, remaining: fault.times ?? 1 };
			faults.push(armed);
			return armed;
		},
		clearFaults() {
			faults.length = 0;
		},
		/** A job made, enqueued and moved on to Completed by stepping the clock, for tests of its file. */
		completedJob(body, kind = 'leads') {
			const job = jobs.create(body, kind);
			jobs.enqueue(job.exportId, kind);
			while (job.status === 'Queued' || job.status === 'Processing') {
				clock.advance(60_000);
				jobs.sync();
			}
			if (job.status !== 'Completed') throw new Error(`the job ended ${job.status}`);
			return job;
		},
		expireTokens() {
			for (const info of tokens.values()) info.expiresAt = clock.now() - 1;
		},
		/** API calls (not identity) in the log, optionally filtered by path fragment. */
		apiCalls(fragment = '') {
			return log.filter((e) => e.kind !== 'token' && e.path.includes(fragment));
		},
		/**
		 * API calls Marketo served: those answered 601/602 left out. The sandbox's clock runs 1,200 times
		 * fast, so a token lasts about 3 s of real time and a loaded machine meets its expiry at any call;
		 * the node then renews the token and repeats the call, as it must. Counts of reads, creates and
		 * downloads use this; tests of the renewal itself use apiCalls.
		 */
		servedCalls(fragment = '') {
			return this.apiCalls(fragment).filter((entry) => entry.errorCode !== '601' && entry.errorCode !== '602');
		},
		tokenRequests() {
			return log.filter((e) => e.kind === 'token');
		},
		async stop() {
			server.closeAllConnections?.();
			await new Promise((resolve) => server.close(resolve));
		},
		/** Writes Marketo commits after their date: none is seen by a job that reads Marketo before it is committed. */
		lateWrites,
		/** `count` writes of a kind dated around `at`, `lateShare` of them committed up to `maxDelayMs` later (lateWrites.mjs). */
		writeRecords: (kind, options) => writeRecords(sandbox, kind, options),
		/** One Send Email activity per lead, dated at the send's start, committed over `commitOverMs`. */
		sendEmailBatch: (options) => sendEmailBatch(sandbox, options),
		/** An admin deletes a lead field in Marketo: gone from describe, and a create naming it answers 1003. */
		removeLeadField(name) {
			const index = leadFields.findIndex((field) => field.rest.name === name);
			if (index === -1) throw new Error(`no lead field ${name}`);
			settings.fieldNames.delete(name);
			return leadFields.splice(index, 1)[0];
		},
		/** An admin adds (or restores) a lead field: in describe, and exportable (its values null unless the leads have some). */
		addLeadField(field) {
			leadFields.push(field);
			settings.fieldNames.add(field.rest.name);
		},
	};
	return sandbox;
}

/** The job store's name for the kind a bulk path serves ('customobjects/car_c': each object's jobs apart). */
function kindOf(path) {
	return path === 'program/members' ? 'programMembers' : path;
}


/** A fault's patchJob changes what Marketo says of a job (an odd status, format or checksum). */
function patched(view, fault) {
	return fault?.patchJob ? { ...view, ...fault.patchJob } : view;
}

function contentTypeFor(format) {
	if (format === 'TSV') return 'text/tab-separated-values;charset=UTF-8';
	if (format === 'SSV') return 'text/plain;charset=UTF-8';
	return 'text/csv;charset=UTF-8';
}

let requestCounter = 0;
function requestId() {
	requestCounter++;
	return `${requestCounter.toString(16)}#${Date.now().toString(16)}`;
}

function readBody(req) {
	return new Promise((resolve, reject) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}
