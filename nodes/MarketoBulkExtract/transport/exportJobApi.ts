import { NodeApiError, type IDataObject } from 'n8n-workflow';

import type { MarketoEnvelope } from './envelope';
import type { MarketoClient } from './index';
import { EXPORT_FORMATS, isExportId } from '../helpers/marketoValues';
import { isMarketoError, MarketoApiError } from './marketoErrors';
import { asNodeError } from './nodeErrors';

/**
 * One function per bulk extract job endpoint. Leads, activities, program
 * members and custom objects share the endpoints' shape, the queue and the
 * quota; `exportPath` says which kind's jobs (e.g. `/bulk/v1/leads/export`,
 * from the export kind's profile). Each call states whether it is safe to
 * repeat after an ambiguous failure (see MarketoCall.repeatable).
 */

export const JOB_STATUSES = ['Created', 'Queued', 'Processing', 'Completed', 'Failed', 'Cancelled'] as const;

export type JobStatus = (typeof JOB_STATUSES)[number];

/**
 * The job as Marketo describes it. The status and format are in their
 * documented spelling when Marketo's matches one in any case (the cancelled
 * state is spelled one way); anything else is kept as Marketo wrote it, for the
 * caller to refuse (see isKnownStatus, and exportFile.ts for the format).
 */
export interface ExportJob extends IDataObject {
	exportId: string;
	status: JobStatus | string;
	format?: string;
	numberOfRecords?: number;
	fileSize?: number;
	fileChecksum?: string;
	errorMsg?: string;
}

/**
 * Adobe's docs spell the state "Canceled", its responses "Cancelled". Every text
 * of the job is cleaned of secrets: it reaches output items and messages.
 */
export function normaliseJob(client: MarketoClient, raw: IDataObject): ExportJob {
	const job: IDataObject = {};
	for (const [key, value] of Object.entries(raw)) job[key] = typeof value === 'string' ? client.redact(value) : value;
	if (typeof job.status === 'string') {
		const status = job.status.toLowerCase() === 'canceled' ? 'cancelled' : job.status.toLowerCase();
		job.status = JOB_STATUSES.find((known) => known.toLowerCase() === status) ?? job.status;
	}
	if (typeof job.format === 'string') {
		job.format = EXPORT_FORMATS.find((known) => known === (job.format as string).toUpperCase()) ?? job.format;
	}
	return job as ExportJob;
}

export function isKnownStatus(status: unknown): status is JobStatus {
	return (JOB_STATUSES as readonly unknown[]).includes(status);
}

/**
 * The one job an answer describes. Its export ID must be one Marketo makes
 * (a UUID): "null" or an empty ID would go into the next call's path, which
 * could only fail, and fail saying something else.
 */
function onlyJob(
	client: MarketoClient,
	envelope: MarketoEnvelope,
	action: string,
	/** What became of the job when its ID is unusable, for the error's description. */
	unusableId = 'Check the job with List Jobs.',
): ExportJob {
	const job = envelope.result?.[0];
	if (!job || typeof job.exportId !== 'string') {
		throw client.apiError(
			{ code: 'no-result', marketoMessage: 'Marketo answered success without a job', httpStatus: 200 },
			action,
		);
	}
	if (!isExportId(job.exportId)) {
		const status = typeof job.status === 'string' ? `, status ${client.redact(job.status).slice(0, 40)}` : '';
		throw new NodeApiError(
			client.node,
			{ message: 'not an export ID' },
			{
				message: `Marketo answered without a usable export ID while trying to ${action}: it named the job "${client.redact(job.exportId).slice(0, 40)}"${status}.`,
				description: `Marketo's export IDs are UUIDs; the node made no call on this one. ${unusableId}`,
			},
		);
	}
	return normaliseJob(client, job);
}

export async function createExportJob(client: MarketoClient, exportPath: string, body: IDataObject): Promise<ExportJob> {
	const action = 'create the export job';
	const envelope = await client.request({
		method: 'POST',
		path: `${exportPath}/create.json`,
		body,
		repeatable: false,
		action,
	});
	const job = onlyJob(client, envelope, action, 'Marketo did not say it created a job, so none was enqueued or cancelled. Run the extract again; if it happens again, report it to Marketo Support.');
	// A job created Failed cannot be enqueued: an error now, not a poll that waits for it.
	if (job.status === 'Failed') {
		throw new NodeApiError(
			client.node,
			{ message: 'create answered Failed' },
			{
				message: `Marketo answered the create of export job ${job.exportId} with the status Failed: ${job.errorMsg ?? 'Marketo gave no reason'}.`,
				description: 'The job cannot be enqueued, so none was, and nothing was exported. Run the extract again; if it fails again, check the fields and filter.',
			},
		);
	}
	return job;
}

/**
 * Enqueues a job. "Job already queued" (1029) means the job is where it should
 * be, e.g. after a retried enqueue: its status is returned as on success.
 */
export async function enqueueExportJob(client: MarketoClient, exportPath: string, exportId: string): Promise<ExportJob> {
	const action = `enqueue export job ${exportId}`;
	try {
		const envelope = await client.request({
			method: 'POST',
			path: `${exportPath}/${exportId}/enqueue.json`,
			repeatable: true,
			action,
		});
		return onlyJob(client, envelope, action);
	} catch (error) {
		if (isMarketoError(error, 'alreadyQueued')) {
			return await getExportJobStatus(client, exportPath, exportId);
		}
		if (error instanceof MarketoApiError) {
			error.description = `${error.description ?? ''} Export job ${exportId} stays Created: enqueue it again later.`.trim();
		}
		throw asNodeError(client.node, error);
	}
}

export async function getExportJobStatus(client: MarketoClient, exportPath: string, exportId: string): Promise<ExportJob> {
	const action = `get the status of export job ${exportId}`;
	const envelope = await client.request({
		method: 'GET',
		path: `${exportPath}/${exportId}/status.json`,
		repeatable: true,
		action,
	});
	return onlyJob(client, envelope, action);
}

export async function cancelExportJob(client: MarketoClient, exportPath: string, exportId: string): Promise<ExportJob> {
	const action = `cancel export job ${exportId}`;
	const envelope = await client.request({
		method: 'POST',
		path: `${exportPath}/${exportId}/cancel.json`,
		repeatable: true,
		action,
	});
	return onlyJob(client, envelope, action);
}

/** Marketo's maximum page for the job list. */
const LIST_BATCH_SIZE = 300;

/**
 * The most pages the job list is followed for: 30,000 jobs. Marketo lists one
 * API user's jobs of the last 7 days, and the export queue (10 jobs, 2 at a
 * time) with the daily quota keeps that far below; a list that goes on past it
 * is Marketo misbehaving, and following it would hold jobs without bound.
 */
export const MAX_LIST_PAGES = 100;

export interface JobList {
	jobs: ExportJob[];
	/** Entries of the list that are not jobs (no export ID), left out. */
	skipped: number;
}

/** Every job of the caller from the last 7 days, following nextPageToken to the end (at most MAX_LIST_PAGES pages). */
export async function listExportJobs(client: MarketoClient, exportPath: string, statuses: string[]): Promise<JobList> {
	const action = 'list export jobs';
	const list: JobList = { jobs: [], skipped: 0 };
	const seenTokens = new Set<string>();
	let nextPageToken: string | undefined;
	let pages = 0;
	do {
		if (pages === MAX_LIST_PAGES) {
			throw new NodeApiError(
				client.node,
				{ message: `job list longer than ${MAX_LIST_PAGES} pages` },
				{
					message: `Marketo's job list did not end after ${MAX_LIST_PAGES} pages (${MAX_LIST_PAGES * LIST_BATCH_SIZE} jobs) while trying to ${action}.`,
					description: `Marketo keeps an API user's jobs for 7 days, far fewer than that; the node stopped following the list rather than hold it without end. Try again later, or filter the list by Status; if it happens again, report it to Marketo Support.`,
				},
			);
		}
		const qs: IDataObject = { batchSize: LIST_BATCH_SIZE };
		if (statuses.length > 0) qs.status = statuses.join(',');
		if (nextPageToken) qs.nextPageToken = nextPageToken;
		const envelope = await client.request({ method: 'GET', path: `${exportPath}.json`, qs, repeatable: true, action });
		pages++;
		const page: unknown[] = Array.isArray(envelope.result) ? envelope.result : [];
		for (const entry of page) {
			if (isJobEntry(entry)) list.jobs.push(normaliseJob(client, entry));
			else list.skipped++;
		}
		nextPageToken = page.length > 0 && typeof envelope.nextPageToken === 'string' ? envelope.nextPageToken : undefined;
		// A token seen before would loop forever; Marketo has not been seen doing it.
		if (nextPageToken && seenTokens.has(nextPageToken)) break;
		if (nextPageToken) seenTokens.add(nextPageToken);
	} while (nextPageToken);
	return list;
}

/** An entry of the job list that is a job: an object with a textual export ID. */
function isJobEntry(entry: unknown): entry is IDataObject & { exportId: string } {
	return typeof entry === 'object' && entry !== null && !Array.isArray(entry) && typeof (entry as IDataObject).exportId === 'string';
}
