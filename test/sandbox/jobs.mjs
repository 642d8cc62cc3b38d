import { createHash, randomUUID } from 'node:crypto';

import { chicagoMidnightBefore, TICK_MS } from './clock.mjs';
import { ACTIVITY_FIELDS, DEFAULT_ACTIVITY_FIELDS } from './activities.mjs';
import { CUSTOM_OBJECTS } from './customObjects.mjs';
import { PROGRAM_MEMBER_FIELDS, PROGRAMS } from './programMembers.mjs';
import { renderExportFile } from './exportFile.mjs';

const MAX_PROCESSING = 2;
const MAX_QUEUED = 10;
const MAX_RANGE_MS = 31 * 24 * 3600 * 1000;
const SEVEN_DAYS = 7 * 24 * 3600 * 1000;

export class MarketoError extends Error {
	constructor(code, message) {
		super(message);
		this.code = String(code);
	}
}

/** For benchmarks: the file's rows `times` times over, under one header (a large file without a large dataset). */
function repeatRows(file, times = 1) {
	if (times <= 1) return file;
	const body = file.subarray(file.indexOf(0x0a) + 1);
	return Buffer.concat([file, ...Array.from({ length: times - 1 }, () => body)]);
}

const iso = (ms) => (ms === undefined ? undefined : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));

/**
 * Marketo's export-job state machine. Status moves only on 60-second ticks of
 * the virtual clock: processing jobs finish, then queued jobs take free slots
 * (2 processing, 10 queued including processing). The daily export quota is
 * counted from finished files since midnight America/Chicago.
 */
export class JobStore {
	constructor({ clock, leads, activities = [], programMembers = [], customObjectRecords = {}, lists, options, lateWrites }) {
		this.clock = clock;
		/** Writes Marketo commits after their date (lateWrites.mjs): a job sees those committed when it finishes. */
		this.lateWrites = lateWrites;
		this.leads = leads;
		this.activities = activities;
		this.programMembers = programMembers;
		this.customObjectRecords = customObjectRecords;
		this.lists = lists;
		this.options = options;
		this.jobs = new Map();
		this.lastTick = Math.floor(clock.now() / TICK_MS) * TICK_MS;
		/** Most jobs seen in Processing at once, and every state change, for tests. */
		this.maxProcessing = 0;
		this.transitions = [];
		/** Jobs that will fail when they finish processing: exportId or '*next*' → errorMsg. */
		this.failures = new Map();
		/** Rules that fail the jobs they match as they start processing: { match(job), errorMsg, remaining }. */
		this.failureRules = [];
		/** While true, queued jobs are not started (a stuck queue). */
		this.stuck = false;
		/** Called after a job's file is built, e.g. to change leads between two windows. */
		this.onComplete = undefined;
		this.fileCache = new Map();
		/** Rules that rewrite the files of the jobs they match (rewriteFiles). */
		this.fileRewrites = [];
	}

	/** Applies every tick that has passed on the virtual clock. */
	sync() {
		const now = this.clock.now();
		while (this.lastTick + TICK_MS <= now) {
			this.lastTick += TICK_MS;
			this.tick(this.lastTick);
		}
	}

	tick(at) {
		for (const job of this.jobs.values()) {
			if (job.status !== 'Processing') continue;
			job.ticksLeft--;
			if (job.ticksLeft > 0) continue;
			const failure = this.failures.get(job.exportId);
			if (failure !== undefined) {
				this.setStatus(job, 'Failed', at);
				job.errorMsg = failure;
				job.finishedAt = at;
			} else {
				this.complete(job, at);
			}
		}
		if (this.stuck) return;
		const queued = [...this.jobs.values()].filter((j) => j.status === 'Queued').sort((a, b) => a.queuedAt - b.queuedAt);
		for (const job of queued) {
			if (this.countIn('Processing') >= MAX_PROCESSING) break;
			this.setStatus(job, 'Processing', at);
			job.startedAt = at;
			if (this.failures.has('*next*')) {
				this.failures.set(job.exportId, this.failures.get('*next*'));
				this.failures.delete('*next*');
			}
			const rule = this.failureRules.find((candidate) => candidate.remaining > 0 && candidate.match(job));
			if (rule) {
				rule.remaining--;
				this.failures.set(job.exportId, rule.errorMsg);
			}
			job.ticksLeft = this.processingTicksFor(job);
		}
		this.maxProcessing = Math.max(this.maxProcessing, this.countIn('Processing'));
	}

	/**
	 * Marketo failing jobs, not at the quota (its bulk extract page warned of
	 * failures on large date ranges): the next `times` jobs that `match`
	 * (default: any) end Failed with `errorMsg` when they finish processing.
	 */
	failJobs({ times = 1, errorMsg = 'Failed to process export job', match = () => true } = {}) {
		const rule = { times, remaining: times, errorMsg, match };
		this.failureRules.push(rule);
		return rule;
	}

	/**
	 * Rewrites the files of the next `times` jobs that `match` as they complete
	 * (`rewrite(text, job)` → the file's new text), with size and checksum of
	 * the new bytes, as Marketo would serve a file it built wrongly.
	 */
	rewriteFiles({ times = 1, match = () => true, rewrite }) {
		const rule = { times, remaining: times, match, rewrite };
		this.fileRewrites.push(rule);
		return rule;
	}

	processingTicksFor(job) {
		const ticks = this.options.processingTicks;
		return Math.max(1, typeof ticks === 'function' ? ticks(job) : (ticks ?? 1));
	}

	countIn(...statuses) {
		let n = 0;
		for (const job of this.jobs.values()) if (statuses.includes(job.status)) n++;
		return n;
	}

	setStatus(job, status, at) {
		this.transitions.push({ exportId: job.exportId, from: job.status, to: status, at });
		job.status = status;
	}

	complete(job, at) {
		this.lateWrites?.commitDue();
		const leads =
			job.kind === 'activities'
				? this.selectActivities(job.spec.filter)
				: job.kind === 'programMembers'
					? this.selectProgramMembers(job.spec.filter)
					: job.kind.startsWith('customobjects/')
						? this.selectCustomObjectRecords(job.kind.slice('customobjects/'.length), job.spec.filter)
						: this.select(job.spec.filter);
		// Benchmarks export the same definition many times: build each large file once.
		const key = this.options.cacheFiles ? JSON.stringify([job.spec, job.format]) : undefined;
		// Several programs: Marketo adds programId as the first column.
		const fields = job.spec.filter?.programIds ? ['programId', ...job.spec.fields.filter((f) => f !== 'programId')] : job.spec.fields;
		const file =
			(key && this.fileCache.get(key)) ??
			renderExportFile({
				leads,
				fields,
				columnHeaderNames: job.spec.columnHeaderNames,
				format: job.format,
				ssvDelimiter: this.options.ssvDelimiter,
			});
		if (key) this.fileCache.set(key, file);
		// Marketo files of zero records are at most a header; 'missing' plays one with no file at all.
		job.file = leads.length === 0 && this.options.emptyExport === 'missing' ? Buffer.alloc(0) : repeatRows(file, this.options.fileRepeat);
		job.numberOfRecords = leads.length * (this.options.fileRepeat ?? 1);
		const rewrite = this.fileRewrites.find((rule) => rule.remaining > 0 && rule.match(job));
		if (rewrite) {
			rewrite.remaining--;
			job.file = Buffer.from(rewrite.rewrite(job.file.toString('utf8'), job), 'utf8');
		}
		job.fileSize = job.file.length;
		job.fileChecksum = `sha256:${createHash('sha256').update(job.file).digest('hex')}`;
		job.finishedAt = at;
		this.setStatus(job, 'Completed', at);
		this.onComplete?.(job);
	}

	select(filter) {
		const [type, value] = Object.entries(filter)[0];
		if (type === 'createdAt' || type === 'updatedAt') {
			const start = Date.parse(value.startAt);
			const end = Date.parse(value.endAt);
			return this.leads.filter((lead) => lead[type] >= start && lead[type] <= end);
		}
		const list = this.findList(type, value);
		return this.leads.filter((lead) => list.member(lead));
	}

	/** Activities of the createdAt range, of the given types, with the given primary attributes. */
	selectActivities(filter) {
		const start = Date.parse(filter.createdAt.startAt);
		const end = Date.parse(filter.createdAt.endAt);
		const types = filter.activityTypeIds;
		const ids = filter.primaryAttributeValueIds;
		const names = filter.primaryAttributeValues;
		return this.activities.filter(
			(a) =>
				a.activityDate >= start &&
				a.activityDate <= end &&
				(!types || types.includes(a.activityTypeId)) &&
				(!ids || ids.includes(a.primaryAttributeValueId)) &&
				(!names || names.includes(a.primaryAttributeValue)),
		);
	}

	/** A custom object's records updated in the range, or linked to the leads of a list. */
	selectCustomObjectRecords(apiName, filter) {
		const records = this.customObjectRecords[apiName] ?? [];
		const [type, value] = Object.entries(filter)[0];
		if (type === 'updatedAt') {
			const start = Date.parse(value.startAt);
			const end = Date.parse(value.endAt);
			return records.filter((r) => r.updatedAt >= start && r.updatedAt <= end);
		}
		const list = this.findList(type, value);
		const members = new Set(this.leads.filter((lead) => list.member(lead)).map((lead) => lead.id));
		return records.filter((r) => members.has(r.leadID));
	}

	/** Members of the program(s), ANDed with the optional filters. */
	selectProgramMembers(filter) {
		const programs = filter.programIds ?? [filter.programId];
		const range = filter.updatedAt ? [Date.parse(filter.updatedAt.startAt), Date.parse(filter.updatedAt.endAt)] : undefined;
		return this.programMembers.filter(
			(m) =>
				programs.includes(m.programId) &&
				(filter.isExhausted === undefined || m.isExhausted === filter.isExhausted) &&
				(filter.nurtureCadence === undefined || m.nurtureCadence === filter.nurtureCadence) &&
				(filter.statusNames === undefined || filter.statusNames.includes(m.statusName)) &&
				(!range || (m.updatedAt >= range[0] && m.updatedAt <= range[1])),
		);
	}

	/** Marketo's rules for a program member export's filter, with its 1003 messages. */
	validateProgramMemberFilter(filter) {
		if (!filter || typeof filter !== 'object') throw new MarketoError(1003, 'filter is required');
		const allowed = ['programId', 'programIds', 'isExhausted', 'nurtureCadence', 'statusNames', 'updatedAt'];
		for (const key of Object.keys(filter)) if (!allowed.includes(key)) throw new MarketoError(1003, `Invalid filter type: ${key}`);
		const { programId, programIds } = filter;
		if ((programId === undefined) === (programIds === undefined)) throw new MarketoError(1003, 'Exactly one of programId and programIds is required');
		const ids = programIds ?? [programId];
		if (!Array.isArray(ids) || ids.length === 0 || ids.length > 10 || !ids.every(Number.isInteger)) throw new MarketoError(1003, 'programIds takes 1 to 10 program ids');
		for (const id of ids) if (!PROGRAMS.some((p) => p.id === id)) throw new MarketoError(1003, `Program ${id} not found`);
		if (filter.isExhausted !== undefined && typeof filter.isExhausted !== 'boolean') throw new MarketoError(1003, 'isExhausted must be a boolean');
		if (filter.nurtureCadence !== undefined && !['pause', 'norm'].includes(filter.nurtureCadence)) throw new MarketoError(1003, 'nurtureCadence must be pause or norm');
		if (filter.statusNames !== undefined) {
			const known = new Set(this.programMembers.filter((m) => ids.includes(m.programId)).map((m) => m.statusName));
			if (!Array.isArray(filter.statusNames) || !filter.statusNames.some((name) => known.has(name))) throw new MarketoError(1003, 'Invalid Data: status name not found');
		}
		if (filter.updatedAt) this.validateFilter({ updatedAt: filter.updatedAt });
	}

	findList(type, value) {
		const pool = type.startsWith('static') ? this.lists.staticLists : this.lists.smartLists;
		const byId = type.endsWith('Id');
		const list = pool.find((l) => (byId ? l.id === Number(value) : l.name === value));
		if (!list) throw new MarketoError(1003, `${byId ? 'List id' : 'List name'} '${value}' not found`);
		return list;
	}

	exportedBytesToday() {
		const since = chicagoMidnightBefore(this.clock.now());
		let bytes = 0;
		for (const job of this.jobs.values()) {
			if (job.status === 'Completed' && job.finishedAt >= since) bytes += job.fileSize;
		}
		return bytes + (this.options.quotaUsedBytes ?? 0);
	}

	checkQuota() {
		if (this.exportedBytesToday() >= this.options.dailyQuotaBytes) {
			throw new MarketoError(1029, 'Export daily quota 500MB exceeded.');
		}
	}

	/** A job of `kind` ('leads' or 'activities': one queue and one quota for both). */
	create(body, kind = 'leads') {
		this.sync();
		const { format = 'CSV', columnHeaderNames, filter } = body ?? {};
		// Activity exports may leave fields out: Marketo then writes its eight standard columns.
		const fields = kind === 'activities' && body?.fields === undefined ? DEFAULT_ACTIVITY_FIELDS : body?.fields;
		if (!Array.isArray(fields) || fields.length === 0) throw new MarketoError(1003, 'fields cannot be empty');
		const customObject = kind.startsWith('customobjects/') ? CUSTOM_OBJECTS[kind.slice('customobjects/'.length)] : undefined;
		if (kind.startsWith('customobjects/') && !customObject) throw new MarketoError(1003, `Invalid custom object name: ${kind.slice('customobjects/'.length)}`);
		const known =
			kind === 'activities'
				? new Set(ACTIVITY_FIELDS)
				: kind === 'programMembers'
					? new Set([...PROGRAM_MEMBER_FIELDS, ...this.options.fieldNames])
					: customObject
						? new Set(customObject.fields.map((f) => f.name))
						: this.options.fieldNames;
		for (const field of fields) {
			if (!known.has(field)) throw new MarketoError(1003, `Invalid field name: ${field}`);
		}
		if (!['CSV', 'TSV', 'SSV'].includes(format)) throw new MarketoError(1003, `Invalid format: ${format}`);
		if (kind === 'activities') this.validateActivityFilter(filter);
		else if (kind === 'programMembers') this.validateProgramMemberFilter(filter);
		else if (customObject && filter && 'createdAt' in filter) throw new MarketoError(1003, 'Invalid filter type: createdAt');
		else this.validateFilter(filter);
		this.checkQuota();
		const now = this.clock.now();
		const job = {
			exportId: randomUUID(),
			kind,
			format,
			status: 'Created',
			createdAt: now,
			// Shown as the job's createdAt: Marketo's is its wall clock, which the node compares with its own
			// (when an adopted job read Marketo). The virtual clock drives the queue and the 7-day list.
			createdWallAt: Date.now(),
			spec: { fields, columnHeaderNames: columnHeaderNames ?? {}, filter },
		};
		this.jobs.set(job.exportId, job);
		this.transitions.push({ exportId: job.exportId, from: null, to: 'Created', at: now });
		return job;
	}

	/** Marketo's rules for an activity export's filter, with its 1003 messages. */
	validateActivityFilter(filter) {
		if (!filter || typeof filter !== 'object') throw new MarketoError(1003, 'filter is required');
		const allowed = ['createdAt', 'activityTypeIds', 'primaryAttributeValueIds', 'primaryAttributeValues'];
		for (const key of Object.keys(filter)) if (!allowed.includes(key)) throw new MarketoError(1003, `Invalid filter type: ${key}`);
		if (!filter.createdAt) throw new MarketoError(1003, 'createdAt filter is required');
		this.validateFilter({ createdAt: filter.createdAt });
		const { activityTypeIds: types, primaryAttributeValueIds: ids, primaryAttributeValues: names } = filter;
		if (types !== undefined && (!Array.isArray(types) || types.length === 0 || !types.every(Number.isInteger))) {
			throw new MarketoError(1003, 'activityTypeIds must be a non-empty array of integers');
		}
		if (ids !== undefined && names !== undefined) throw new MarketoError(1003, 'primaryAttributeValueIds and primaryAttributeValues cannot be used together');
		for (const [name, list] of [['primaryAttributeValueIds', ids], ['primaryAttributeValues', names]]) {
			if (list === undefined) continue;
			if (!types) throw new MarketoError(1003, `${name} requires activityTypeIds`);
			if (!Array.isArray(list) || list.length === 0 || list.length > 50) throw new MarketoError(1003, `${name} must hold 1 to 50 values`);
		}
	}

	validateFilter(filter) {
		const entries = filter && typeof filter === 'object' ? Object.entries(filter) : [];
		if (entries.length !== 1) throw new MarketoError(1003, 'Exactly one filter type is required');
		const [type, value] = entries[0];
		if (type === 'createdAt' || type === 'updatedAt') {
			if (type === 'updatedAt' && this.options.updatedAtUnsupported) {
				throw new MarketoError(1035, 'Unsupported filter type for target subscription: updatedAt');
			}
			const start = Date.parse(value?.startAt);
			const end = Date.parse(value?.endAt);
			if (Number.isNaN(start) || Number.isNaN(end)) throw new MarketoError(1003, 'Invalid date in filter');
			if (/\.\d+/.test(value.startAt) || /\.\d+/.test(value.endAt)) {
				throw new MarketoError(1003, 'Dates must not carry milliseconds');
			}
			if (end < start) throw new MarketoError(1003, 'endAt is before startAt');
			if (end - start > MAX_RANGE_MS) throw new MarketoError(1003, 'Date range exceeds 31 days');
			return;
		}
		if (['staticListId', 'staticListName', 'smartListId', 'smartListName'].includes(type)) {
			this.findList(type, value);
			return;
		}
		throw new MarketoError(1003, `Invalid filter type: ${type}`);
	}

	/** A job of `kind`: a lead export's ID is unknown at the activities endpoints, and the reverse. */
	get(exportId, kind = 'leads') {
		this.sync();
		const job = this.jobs.get(exportId);
		if (!job || job.kind !== kind) throw new MarketoError(1003, `Export Id ${exportId} not found`);
		return job;
	}

	enqueue(exportId, kind = 'leads') {
		const job = this.get(exportId, kind);
		if (job.status === 'Queued' || job.status === 'Processing') throw new MarketoError(1029, 'Job already queued');
		if (job.status !== 'Created') throw new MarketoError(1003, `Job is ${job.status}, cannot be enqueued`);
		if (this.countIn('Queued', 'Processing') >= MAX_QUEUED) throw new MarketoError(1029, 'Too many jobs (10) in queue');
		this.checkQuota();
		job.queuedAt = this.clock.now();
		this.setStatus(job, 'Queued', job.queuedAt);
		return job;
	}

	cancel(exportId, kind = 'leads') {
		const job = this.get(exportId, kind);
		if (!['Created', 'Queued', 'Processing'].includes(job.status)) {
			throw new MarketoError(1003, `Job is ${job.status}, cannot be cancelled`);
		}
		this.setStatus(job, 'Cancelled', this.clock.now());
		return job;
	}

	list({ statuses = [], since = this.clock.now() - SEVEN_DAYS, kind = 'leads' } = {}) {
		this.sync();
		return [...this.jobs.values()]
			.filter((job) => job.kind === kind)
			.filter((job) => job.createdAt >= since)
			.filter((job) => statuses.length === 0 || statuses.includes(job.status))
			.sort((a, b) => a.createdAt - b.createdAt);
	}

	/** The job as the status endpoint shows it. */
	static view(job) {
		const view = {
			exportId: job.exportId,
			format: job.format,
			status: job.status,
			createdAt: iso(job.createdWallAt ?? job.createdAt),
			queuedAt: iso(job.queuedAt),
			startedAt: iso(job.startedAt),
			finishedAt: iso(job.finishedAt),
		};
		if (job.status === 'Completed') {
			view.numberOfRecords = job.numberOfRecords;
			view.fileSize = job.fileSize;
			view.fileChecksum = job.fileChecksum;
		}
		if (job.errorMsg) view.errorMsg = job.errorMsg;
		for (const key of Object.keys(view)) if (view[key] === undefined) delete view[key];
		return view;
	}
}
