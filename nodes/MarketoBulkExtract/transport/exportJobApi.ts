import type { IDataObject } from 'n8n-workflow';

import type { MarketoClient, MarketoEnvelope } from './index';
import { MarketoApiError } from './marketoErrors';
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

/** The formats Marketo writes, and so the ones the parser reads. */
export const EXPORT_FORMATS = ['CSV', 'TSV', 'SSV'] as const;

export type ExportFormat = (typeof EXPORT_FORMATS)[number];

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

function onlyJob(client: MarketoClient, envelope: MarketoEnvelope, action: string): ExportJob {
	const job = envelope.result?.[0];
	if (!job || typeof job.exportId !== 'string') {
		throw client.apiError(
			{ code: 'no-result', marketoMessage: 'Marketo answered success without a job', httpStatus: 200 },
			action,
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
	return onlyJob(client, envelope, action);
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
		if (error instanceof MarketoApiError && error.kind === 'alreadyQueued') {
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

/** Every job of the caller from the last 7 days, following nextPageToken to the end. */
export async function listExportJobs(client: MarketoClient, exportPath: string, statuses: string[]): Promise<ExportJob[]> {
	const jobs: ExportJob[] = [];
	const seenTokens = new Set<string>();
	let nextPageToken: string | undefined;
	do {
		const qs: IDataObject = { batchSize: LIST_BATCH_SIZE };
		if (statuses.length > 0) qs.status = statuses.join(',');
		if (nextPageToken) qs.nextPageToken = nextPageToken;
		const envelope = await client.request({
			method: 'GET',
			path: `${exportPath}.json`,
			qs,
			repeatable: true,
			action: 'list export jobs',
		});
		const page = envelope.result ?? [];
		jobs.push(...page.map((job) => normaliseJob(client, job)));
		nextPageToken = page.length > 0 ? envelope.nextPageToken : undefined;
		// A token seen before would loop forever; Marketo has not been seen doing it.
		if (nextPageToken && seenTokens.has(nextPageToken)) break;
		if (nextPageToken) seenTokens.add(nextPageToken);
	} while (nextPageToken);
	return jobs;
}
