import type { IBinaryData, IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { ExportFileReader, type ExportRecord, type ValueConverter } from '../csv/exportFileReader';
import type { ExportDefinition, ExportKind, FieldType } from '../exportKinds/exportKind';
import type { ExportFormat } from '../helpers/jobDefinition';
import type { MarketoClient } from '../transport';
import type { ExportJob } from '../transport/exportJobApi';
import { asNodeError } from '../transport/nodeErrors';
import { RecordDeduplicator } from './deduplicator';
import { DOWNLOAD_TIMING, readableFromChunks, type DownloadProgress } from './download';
import { exportFormatOf, fileNameFor, mimeTypeFor } from './exportFile';
import { estimateItemsMemory, MEGABYTE, type ItemsMemoryInput } from './itemsMemory';
import { JobJournal } from './jobJournal';
import { JobScheduler, type ExtractTask } from './jobScheduler';
import { plannedTasks, planWithLeftOvers } from './leftOverJobs';
import { columnConverters, JSON_OBJECT_TYPE } from './typedValues';
import { downloadVerified, unverifiedContentWarning } from './verifiedDownload';

export type OutputMode = 'items' | 'binary' | 'both';

export interface ExtractSettings {
	output: OutputMode;
	binaryPropertyName: string;
	typedValues: boolean;
	concurrency: number;
	maxItems: number;
	/** The most export jobs one extract may plan (a date range is one job per 31 days). */
	maxJobs: number;
	/** Items output: the most memory the items may take, by estimate (itemsMemory.ts). */
	maxMemoryMb: number;
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
	const results = new Map<number, WindowResult>();
	const stats: ExtractStats = { jobs: 0, records: 0, bytes: 0, duplicatesRemoved: 0, resumes: 0, refetches: 0 };
	const log = (message: string) => ctx.logger.info(`${title}: ${message}`);
	const warn = (message: string) => ctx.logger.warn(`${title}: ${message}`);
	/** Execution hints of type info beyond the summary: jobs adopted, cancelled or left. */
	const notes: string[] = [];

	const journal = source.definition ? await JobJournal.open(ctx, exportPath, source.definition, warn) : undefined;
	if (journal && source.definition) {
		const plan = await planWithLeftOvers(client, journal, {
			exportPath,
			definition: source.definition,
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
	const wantsItems = settings.output !== 'binary';
	/** Execution hints of type warning, e.g. a file whose content could not be verified. */
	const warnings: string[] = [];
	let fields: FieldType[] | undefined;
	let convertersFor: ((columns: readonly string[]) => Array<ValueConverter | undefined>) | undefined;
	const exported = { records: 0, fileSize: 0 };
	const columns = source.definition?.fields.length;

	const download = async (task: ExtractTask, job: ExportJob): Promise<void> => {
		stats.jobs++;
		exported.records += job.numberOfRecords ?? 0;
		exported.fileSize += job.fileSize ?? 0;
		if (wantsItems) refuseOversizedItems(ctx, settings, { ...exported, columns }, kind.noun.many);
		if (wantsItems && fields === undefined) {
			fields = await kind.fieldTypes(client, ctx, settings.itemIndex, settings.typedValues);
			if (fields.length > 0) convertersFor = columnConverters(fields, source.definition?.columnHeaderNames);
		}
		const format = exportFormatOf(client, job);
		const file = {
			exportPath,
			exportId: job.exportId,
			fileSize: job.fileSize,
			fileChecksum: job.fileChecksum,
			numberOfRecords: job.numberOfRecords,
		};
		log(`${task.label}: downloading ${job.fileSize ?? '?'} bytes, ${job.numberOfRecords ?? '?'} records`);

		const verified = await downloadVerified(
			client,
			file,
			async (chunks, progress) =>
				await consumeFile(ctx, chunks, progress, { format, exportId: job.exportId, output: settings.output, convertersFor }),
			{ delayMs: settings.pollIntervalMs, giveUpMs: DOWNLOAD_TIMING.notReadyGiveUpMs },
		);
		const { records, binary } = verified.result;
		stats.bytes += verified.bytes;
		stats.resumes += verified.resumes;
		if (verified.refetched) stats.refetches++;
		const warning = unverifiedContentWarning(job.exportId, verified.check);
		if (warning) warnings.push(warning);
		const result: WindowResult = {};
		if (records) {
			stats.records += records.length;
			result.records = records;
		}
		if (binary) {
			const json: IDataObject = { ...job };
			if (source.definition?.range && task.body) json.filter = task.body.filter as IDataObject;
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
		const columnHeaderNames = source.definition?.columnHeaderNames ?? {};
		const fileRecords = tasks.map((task) => results.get(task.index)?.records ?? []);
		// A record repeats only across windows: one file needs no de-duplication.
		let records: ExportRecord[];
		if (fileRecords.length > 1) {
			// The key columns the files have: a one-program member export has no programId column, and needs none.
			const sample = fileRecords.find((file) => file.length > 0)?.[0] ?? {};
			const keyFields = await kind.keyFields(client, ctx, settings.itemIndex);
			const keyColumns = keyFields
				.map((field) => columnHeaderNames[field] ?? field)
				.filter((column) => column in sample);
			const deduplicator = new RecordDeduplicator(keyColumns);
			for (const file of fileRecords) for (const record of file) deduplicator.add(record);
			stats.duplicatesRemoved = deduplicator.removed;
			records = deduplicator.all();
		} else {
			records = fileRecords[0] ?? [];
		}
		for (const record of records) items.push({ json: record });
		warnings.push(...unparsedJsonWarnings(records, fields ?? [], columnHeaderNames, kind.noun.many));
	}
	for (const task of tasks) {
		const fileItem = results.get(task.index)?.fileItem;
		if (fileItem) items.push(fileItem);
	}

	ctx.addExecutionHints(
		{ message: summary(title, kind.noun.many, tasks.length, stats, client, Date.now() - startedAt), type: 'info', location: 'outputPane' },
		...notes.map((message) => ({ message, type: 'info' as const, location: 'outputPane' as const })),
		...warnings.map((message) => ({ message, type: 'warning' as const, location: 'outputPane' as const })),
	);
	return items;
}

/** A column converted as JSON (an activity's attributes) whose text did not parse stays text; say how often. */
function unparsedJsonWarnings(
	records: ExportRecord[],
	fields: readonly FieldType[],
	columnHeaderNames: Record<string, string>,
	noun: string,
): string[] {
	const warnings: string[] = [];
	for (const field of fields) {
		if (field.dataType !== JSON_OBJECT_TYPE) continue;
		const column = columnHeaderNames[field.name] ?? field.name;
		let kept = 0;
		for (const record of records) if (typeof record[column] === 'string' && record[column] !== '') kept++;
		if (kept > 0) {
			warnings.push(`${kept} of ${records.length} ${noun}: the ${column} column is not a JSON object; kept as the text Marketo wrote.`);
		}
	}
	return warnings;
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

/**
 * Items are held in memory by n8n: fail before downloading a file that would
 * take the export past Max Items (leads) or Max Memory (the estimate, which
 * follows the width of the export).
 */
function refuseOversizedItems(
	ctx: IExecuteFunctions,
	settings: ExtractSettings,
	exported: ItemsMemoryInput,
	noun: string,
): void {
	const remedy =
		'Use Output: Files, which streams the files to n8n’s binary store instead of holding every record as an item; or export fewer fields or a shorter range';
	if (exported.records > settings.maxItems) {
		throw new NodeOperationError(
			ctx.getNode(),
			`The export holds more than ${settings.maxItems} ${noun} (Max Items); ${exported.records} so far.`,
			{ description: `${remedy}; or raise Max Items if n8n has the memory.` },
		);
	}
	const estimateMb = Math.ceil(estimateItemsMemory(exported) / MEGABYTE);
	if (estimateMb > settings.maxMemoryMb) {
		const shape = exported.columns === undefined ? `${exported.fileSize} bytes of file` : `${exported.records} ${noun} × ${exported.columns} columns`;
		throw new NodeOperationError(
			ctx.getNode(),
			`The export would take about ${estimateMb} MB of memory as items (${shape}); Max Memory (MB) is ${settings.maxMemoryMb}.`,
			{ description: `${remedy}; or raise Max Memory (MB) if n8n has that much memory to spare (n8n may need as much again to save the execution).` },
		);
	}
}

/** Parses and/or stores one copy of a file, as the output mode asks. */
async function consumeFile(
	ctx: IExecuteFunctions,
	chunks: AsyncIterable<Buffer>,
	progress: DownloadProgress,
	file: {
		format: ExportFormat;
		exportId: string;
		output: OutputMode;
		convertersFor?: (columns: readonly string[]) => Array<ValueConverter | undefined>;
	},
): Promise<{ records?: ExportRecord[]; binary?: IBinaryData }> {
	const { format, exportId, output } = file;
	const reader = output === 'binary' ? undefined : new ExportFileReader(format, file.convertersFor);
	const records: ExportRecord[] = [];
	async function* parsed(): AsyncGenerator<Buffer> {
		for await (const chunk of chunks) {
			reader?.push(chunk, records);
			yield chunk;
		}
		reader?.end(records);
	}
	if (output === 'items') {
		for await (const chunk of parsed()) void chunk;
		return { records };
	}
	const readable = await readableFromChunks(parsed()[Symbol.asyncIterator](), progress);
	const binary = await ctx.helpers.prepareBinaryData(readable as Buffer, fileNameFor(exportId, format), mimeTypeFor(format));
	return { records: reader ? records : undefined, binary };
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
