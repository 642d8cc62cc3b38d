import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ExportRecord } from '../csv/exportFileReader';
import type { ExportDefinition, ExportKind } from '../exportKinds/exportKind';
import type { MarketoClient } from '../transport';
import type { ExportJob } from '../transport/exportJobApi';
import { asNodeError } from '../transport/nodeErrors';
import { RecordDeduplicator } from './deduplicator';
import { DOWNLOAD_TIMING } from './download';
import { FileDelivery, type FileOutput, type OutputMode } from './fileDelivery';
import { JobJournal } from './jobJournal';
import { JobScheduler, type ExtractTask } from './jobScheduler';
import { plannedTasks, planWithLeftOvers } from './leftOverJobs';
import { recordKeyFor, type RecordKey } from './recordKey';

export type { OutputMode };

export interface ExtractSettings extends Omit<FileOutput, 'filesOutputLabel'> {
	binaryPropertyName: string;
	concurrency: number;
	/** The most export jobs one extract may plan (a date range is one job per 31 days). */
	maxJobs: number;
	maxWaitMs: number;
	pollIntervalMs: number;
	/** Cancel this node's left-over jobs that do not serve the run (those of a stopped execution always are). */
	cancelLeftOverJobs: boolean;
	itemIndex: number;
}

export interface ExtractSource {
	/** The kind of export: its endpoints, describe, de-duplication key and words. */
	kind: ExportKind;
	/** The kind's job endpoints for this item (ExportKind.readExportPath). */
	exportPath: string;
	definition?: ExportDefinition;
	adoptExportId?: string;
}

interface ExtractStats {
	jobs: number;
	records: number;
	bytes: number;
	duplicatesRemoved: number;
	resumes: number;
	refetches: number;
}

interface WindowResult {
	records?: ExportRecord[];
	fileItem?: INodeExecutionData;
}

/** Builds the extract's tasks: one per window of a date range (31 days for every kind today), or one job. */
function tasksFor(source: ExtractSource): ExtractTask[] {
	if (source.adoptExportId) {
		return [{ index: 0, label: `export ${source.adoptExportId}`, exportId: source.adoptExportId, adopted: true, enqueued: false }];
	}
	return plannedTasks(source.definition!, source.kind.maxWindowDays);
}

/**
 * One extract run for one input item, of any export kind. What happens to Marketo's jobs on
 * every way out: success leaves them Completed; a failure cancels the jobs
 * still queued or processing and says so; a cancelled execution cannot call
 * Marketo any more, so it names the jobs that keep running.
 */
export async function runExtract(
	ctx: IExecuteFunctions,
	client: MarketoClient,
	source: ExtractSource,
	settings: ExtractSettings,
): Promise<INodeExecutionData[]> {
	const startedAt = Date.now();
	const { kind, exportPath } = source;
	const title = `Marketo Extract ${kind.noun.title}`;
	let tasks = tasksFor(source);
	refuseTooManyJobs(ctx, settings, tasks, title);
	const wantsItems = settings.output !== 'binary';
	let { definition } = source;
	/** The key that de-duplicates the items of several files; the jobs carry every key column. */
	let key: RecordKey | undefined;
	if (definition && wantsItems && tasks.length > 1) {
		({ definition, key } = await recordKeyFor(ctx, client, kind, definition, settings.itemIndex));
		tasks = plannedTasks(definition, kind.maxWindowDays);
	}
	const results = new Map<number, WindowResult>();
	const stats: ExtractStats = { jobs: 0, records: 0, bytes: 0, duplicatesRemoved: 0, resumes: 0, refetches: 0 };
	const log = (message: string) => ctx.logger.info(`${title}: ${message}`);
	const warn = (message: string) => ctx.logger.warn(`${title}: ${message}`);
	/** Execution hints of type info beyond the summary: jobs adopted, cancelled or left. */
	const notes: string[] = [];

	const journal = definition ? await JobJournal.open(ctx, exportPath, definition, warn) : undefined;
	if (journal && definition) {
		const plan = await planWithLeftOvers(client, journal, {
			exportPath,
			definition,
			maxWindowDays: kind.maxWindowDays,
			cancelLeftOvers: settings.cancelLeftOverJobs,
			planned: tasks,
		});
		tasks = plan.tasks;
		for (const line of plan.report) (plan.lookedFor ? log : warn)(line);
		notes.push(...plan.report);
	}
	const onCreated = async (task: ExtractTask): Promise<void> => await journal?.recordCreated(task);
	const scheduler = new JobScheduler(
		client,
		{ exportPath, concurrency: settings.concurrency, pollIntervalMs: settings.pollIntervalMs, deadline: startedAt + settings.maxWaitMs, onCreated },
		log,
	);
	const delivery = new FileDelivery(
		ctx,
		client,
		kind,
		exportPath,
		{ ...settings, filesOutputLabel: 'Files' },
		{ count: definition?.fields.length, columnHeaderNames: definition?.columnHeaderNames },
		{ delayMs: settings.pollIntervalMs, giveUpMs: DOWNLOAD_TIMING.notReadyGiveUpMs },
	);
	/** Execution hints of type warning beyond the files' own, e.g. records not checked for duplicates. */
	const warnings: string[] = [];

	const download = async (task: ExtractTask, job: ExportJob): Promise<void> => {
		stats.jobs++;
		log(`${task.label}: downloading ${job.fileSize ?? '?'} bytes, ${job.numberOfRecords ?? '?'} records`);
		const { records, binary, ...transfer } = await delivery.deliver(job);
		stats.bytes += transfer.bytes;
		stats.resumes += transfer.resumes;
		if (transfer.refetched) stats.refetches++;
		const result: WindowResult = {};
		if (records) {
			stats.records += records.length;
			result.records = records;
		}
		if (binary) {
			const json: IDataObject = { ...job };
			if (definition?.range && task.body) json.filter = task.body.filter as IDataObject;
			result.fileItem = { json, binary: { [settings.binaryPropertyName]: binary } };
		}
		results.set(task.index, result);
		log(`${task.label}: done`);
	};

	try {
		await scheduler.run(tasks, download);
	} catch (error) {
		throw await explainFailure(ctx, client, scheduler, { tasks, results, title, noun: kind.noun.many, journal }, error);
	}
	// Delivered: no later run may adopt these jobs again.
	await journal?.forget(tasks.filter((task) => task.exportId));

	const items: INodeExecutionData[] = [];
	if (wantsItems) {
		const fileRecords = tasks.map((task) => results.get(task.index)?.records ?? []);
		const records = key && fileRecords.length > 1 ? deduplicated(fileRecords, key, stats, warnings, kind.noun.many) : fileRecords.flat();
		for (const record of records) items.push({ json: record });
		warnings.push(...delivery.itemWarnings(records));
	}
	for (const task of tasks) {
		const fileItem = results.get(task.index)?.fileItem;
		if (fileItem) items.push(fileItem);
	}

	ctx.addExecutionHints(
		{ message: summary(title, kind.noun.many, tasks.length, stats, client, Date.now() - startedAt), type: 'info', location: 'outputPane' },
		...notes.map((message) => ({ message, type: 'info' as const, location: 'outputPane' as const })),
		...[...delivery.warnings, ...warnings].map((message) => ({ message, type: 'warning' as const, location: 'outputPane' as const })),
	);
	return items;
}

/**
 * One copy of each record across the files, by its whole key (a record can
 * fall in two windows when its date moves mid-extract); the columns added for
 * the key leave the items again.
 */
function deduplicated(fileRecords: ExportRecord[][], key: RecordKey, stats: ExtractStats, warnings: string[], noun: string): ExportRecord[] {
	const deduplicator = new RecordDeduplicator(key.columns);
	for (const file of fileRecords) for (const record of file) deduplicator.add(record);
	stats.duplicatesRemoved = deduplicator.removed;
	if (deduplicator.unkeyed > 0) {
		warnings.push(
			`${deduplicator.unkeyed} ${noun} were not checked for duplicates across windows: their file lacks one of the key columns ${key.columns.join(', ')}. All of them are kept, so a ${noun.replace(/s$/, '')} whose date moved during the extract may appear twice.`,
		);
	}
	const records = deduplicator.all();
	// The added columns are the file's last: deleted last first, each record keeps V8's fast shape.
	const added = [...key.addedColumns].reverse();
	if (added.length > 0) for (const record of records) for (const column of added) delete record[column];
	return records;
}

/** Says before the first call how many jobs the range needs, and refuses more than Max Jobs. */
function refuseTooManyJobs(ctx: IExecuteFunctions, settings: ExtractSettings, tasks: ExtractTask[], title: string): void {
	if (tasks.length <= settings.maxJobs) {
		ctx.logger.info(`${title}: ${tasks.length} export ${tasks.length === 1 ? 'job' : 'jobs'} planned`);
		return;
	}
	const first = tasks[0].label.replace(/^window 1\/\d+ /, '');
	const last = tasks[tasks.length - 1].label.replace(/^window \d+\/\d+ /, '');
	throw new NodeOperationError(
		ctx.getNode(),
		`Max Jobs: the range needs ${tasks.length} export jobs of 31 days (from ${first} to ${last}); Max Jobs is ${settings.maxJobs}. No job was created.`,
		{
			itemIndex: settings.itemIndex,
			description: `Every job's file counts against the subscription's 500 MB daily export quota, shared with every integration, and Marketo runs at most 2 jobs at a time: ${tasks.length} jobs can take the quota of several days. Check Start At, or raise Max Jobs (Options) to ${tasks.length} if this is intended.`,
		},
	);
}

async function explainFailure(
	ctx: IExecuteFunctions,
	client: MarketoClient,
	scheduler: JobScheduler,
	run: { tasks: ExtractTask[]; results: Map<number, WindowResult>; title: string; noun: string; journal?: JobJournal },
	error: unknown,
): Promise<Error> {
	const { tasks, results, title, noun, journal } = run;
	const nodeError = asNodeError(ctx.getNode(), error);
	const finished = tasks.filter((task) => results.has(task.index));
	const waiting = scheduler.completedNotDownloaded;
	const unfinished = tasks.filter((task) => !results.has(task.index) && !waiting.includes(task));
	const parts: string[] = [];
	if (client.cancelSignal?.aborted) {
		nodeError.message = 'The execution was cancelled while Marketo was exporting.';
		const running = scheduler.inFlight.filter((task) => task.exportId);
		const consequence =
			running.length > 0
				? `These Marketo export jobs keep running (a cancelled execution can no longer call Marketo): ${running.map((t) => `${t.exportId} (${t.label})`).join(', ')}. Cancel them with the Cancel Job operation if they are not needed.`
				: 'No Marketo export job was left running.';
		// After a cancel the editor may not show the node's error: the log keeps the job IDs.
		ctx.logger.warn(`${title}: execution cancelled. ${consequence}`);
		parts.push(consequence);
		// The journal is n8n's database, not Marketo: it can still be written. The next run adopts or cancels them.
		const created = running.filter((task) => task.created);
		if (journal && created.length > 0 && (await journal.recordStopped(created))) {
			parts.push('The next run of this node adopts them if they serve it, and cancels them otherwise.');
		}
	} else {
		const { outcomes, cancelled } = await scheduler.cancelInFlight();
		if (outcomes.length > 0) parts.push(`Export jobs still in Marketo's queue: ${outcomes.join('; ')}.`);
		await journal?.forget(cancelled);
	}
	if (tasks.length > 1 || finished.length > 0) {
		const records = finished.reduce((sum, task) => sum + (results.get(task.index)?.records?.length ?? 0), 0);
		parts.push(
			`Downloaded before the failure: ${finished.length} of ${tasks.length} jobs${records ? ` (${records} ${noun})` : ''}; nothing was output.`,
		);
		if (waiting.length > 0) {
			parts.push(
				`Completed in Marketo but not downloaded (files are kept 7 days; adopt them with Job: Adopt an Existing Job): ${waiting.map((task) => `${task.label}, export ${task.exportId}`).join('; ')}.`,
			);
		}
		if (unfinished.length > 0) parts.push(`Not exported: ${unfinished.map((task) => task.label).join(', ')}.`);
	}
	nodeError.description = [nodeError.description, ...parts].filter(Boolean).join(' ');
	return nodeError;
}

function summary(
	title: string,
	noun: string,
	jobCount: number,
	stats: ExtractStats,
	client: MarketoClient,
	durationMs: number,
): string {
	const parts = [
		`${jobCount} ${jobCount === 1 ? 'job' : 'jobs'}`,
		`${stats.records} ${noun}`,
		`${stats.bytes} bytes`,
		`${client.usage.calls} API calls`,
	];
	if (stats.duplicatesRemoved > 0) parts.push(`${stats.duplicatesRemoved} duplicates removed`);
	if (stats.resumes > 0) parts.push(`${stats.resumes} downloads resumed`);
	if (stats.refetches > 0) parts.push(`${stats.refetches} files fetched again after a checksum mismatch`);
	parts.push(`${(durationMs / 1000).toFixed(1)} s`);
	return `${title}: ${parts.join(', ')}.`;
}
