import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { ExportRecord } from '../../csv/exportFileReader';
import type { MarketoClient } from '../../transport';
import { createExportJob, type ExportJob } from '../../transport/exportJobApi';
import { isMarketoError, MarketoApiError } from '../../transport/marketoErrors';
import type { CatchUpOutcome } from './catchUp';
import { RecordDeduplicator } from '../files/deduplicator';
import { DOWNLOAD_TIMING } from '../files/download';
import { EngineError } from '../model/engineError';
import type { ExtractHost, RunHint } from '../model/engineHost';
import type { ExportDefinition } from '../model/exportDefinition';
import type { ExportProfile } from '../model/exportProfile';
import { FileDelivery, type FileOutput, type OutputMode } from '../files/fileDelivery';
import { expectedColumns } from '../files/fileHeader';
import { JobJournal } from '../state/jobJournal';
import type { ExtractTask } from '../model/extractTask';
import { checkFields, withAllFields } from './fieldCheck';
import { JobScheduler } from './jobScheduler';
import { plannedTasks } from './jobPlan';
import { planWithLeftOvers } from './leftOverJobs';
import { LimitReachedError } from '../model/limits';
import { recordKeyFor, type RecordKey } from '../files/recordKey';
import { filterLookBack, type LookBackCheck, type LookBackResult } from '../files/lookBackFilter';
import { unreadableRowItem } from '../files/malformedRows';
import { marketoSecondsOf } from '../../helpers/marketoValues';
import { MAX_CLOCK_SKEW_SECONDS } from '../state/sinceLastRunPosition';
import { CatchUp, FixedRange, type RunMode } from './runMode';
import type { WindowSplit } from '../model/windows';

export type { OutputMode, CatchUpOutcome };

export interface ExtractSettings extends FileOutput {
	binaryPropertyName: string;
	concurrency: number;
	/** The most export jobs one extract may plan (a date range is one job per window). */
	maxJobs: number;
	maxWaitMs: number;
	pollIntervalMs: number;
	/** Cancel this node's left-over jobs that do not serve the run (those of a stopped execution always are). */
	cancelLeftOverJobs: boolean;
	/** Called while the run works (each poll, each file): Since Last Run's lease (runLease.ts). */
	keepAlive?: () => Promise<void>;
	/** Days per job of a date range, at most the kind's maximum: shorter for instances too dense for a month a run. */
	windowDays?: number;
	/**
	 * Since Last Run: deliver the windows that fit, in order, and stop at a
	 * limit (Max Items, Max Memory, Max Jobs, Max Wait, the daily export
	 * quota) instead of failing (catchUp.ts). `split`: shorter windows where an
	 * earlier run found one too large. `quotaSpent`: the last run met Marketo's
	 * daily export quota, and it has not reset since: the run asks Marketo
	 * once, by creating its first job, before anything else. `lookBack`: the
	 * range reaches back before the position (lookBack.ts); the records
	 * earlier runs delivered are left out of the items (lookBackFilter.ts).
	 * `failedJobs`: a job Marketo fails stops the run before its window, which
	 * the next run exports in halves ('split', the default), or fails the run.
	 * `missingFields`: a field Marketo's describe no longer lists is left out
	 * with a warning ('leaveOut', the default), or fails the run before any
	 * job, as it always does for a fixed range (fieldCheck.ts).
	 */
	catchUp?: { split?: WindowSplit; quotaSpent?: boolean; lookBack?: LookBackCheck; failedJobs?: 'split' | 'fail'; missingFields?: 'leaveOut' | 'fail' };
}

export interface ExtractSource {
	/** The kind of export for this item: its endpoints, field types, key and words. */
	profile: ExportProfile;
	definition?: ExportDefinition;
	adoptExportId?: string;
}

export interface ExtractResult {
	items: INodeExecutionData[];
	/** The summary, then what was adopted, cancelled or left, then warnings: for the operation to show. */
	hints: RunHint[];
	/** A catch-up run's outcome: what it delivered, where it stopped and why. */
	catchUp?: CatchUpOutcome;
	/**
	 * The earliest moment (epoch seconds) the delivered windows' jobs could
	 * have read Marketo: a job is created after its window ended, and reads
	 * what Marketo holds then or later. Undefined when nothing was delivered.
	 */
	readFrom?: number;
	/** The columns that tell the records apart (the key), when the run had one: for messages. */
	keyColumns?: string[];
	/** What the look-back read again and left out, and the quota it cost (bytes, estimated by its share of the records). */
	lookBack?: LookBackResult & { bytes: number };
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
	/** Rows of its file a lenient read could not make records of (malformedRows.ts), output after the records. */
	unreadable?: IDataObject[];
	fileItem?: INodeExecutionData;
	/** The earliest moment (epoch seconds) the job could have read Marketo. */
	readFrom: number;
}

/** One extract's state, handed from step to step: plan → schedule and download → report. */
interface ExtractRun {
	host: ExtractHost;
	client: MarketoClient;
	profile: ExportProfile;
	settings: ExtractSettings;
	startedAt: number;
	/** For log lines and the summary: "Marketo Extract Leads". */
	title: string;
	/** Days per job of a date range: the settings' Window Length, within what Marketo takes. */
	windowDays: number;
	/** The definition as the jobs carry it: with the key columns added, when the items need them. */
	definition?: ExportDefinition;
	/** The key that de-duplicates the items of several files. */
	key?: RecordKey;
	tasks: ExtractTask[];
	journal?: JobJournal;
	/** How the run meets its limits: fails (a fixed range) or stops there (catch-up). */
	mode: RunMode;
	delivery: FileDelivery;
	results: Map<number, WindowResult>;
	stats: ExtractStats;
	/** Info hints beyond the summary: jobs adopted, cancelled or left. */
	notes: string[];
	/** Warning hints beyond the files' own, e.g. records not checked for duplicates. */
	warnings: string[];
}

/**
 * One extract run for one input item, of any export kind. What happens to Marketo's jobs on
 * every way out: success leaves them Completed; a failure cancels the jobs
 * still queued or processing and says so; a cancelled execution cannot call
 * Marketo any more, so it names the jobs that keep running.
 */
export async function runExtract(
	host: ExtractHost,
	client: MarketoClient,
	source: ExtractSource,
	settings: ExtractSettings,
): Promise<ExtractResult> {
	const run = await plan(host, client, source, settings);
	await scheduleAndDownload(run);
	return await report(run);
}

/**
 * The tasks, before any job is created: one per window of a date range, or one
 * job; checked against Max Jobs; the key columns added when several files
 * make items; then the jobs an earlier run left that serve this one adopted.
 */
async function plan(host: ExtractHost, client: MarketoClient, source: ExtractSource, settings: ExtractSettings): Promise<ExtractRun> {
	const { profile } = source;
	const title = `Marketo Extract ${profile.noun.title}`;
	const windowDays = Math.min(settings.windowDays ?? profile.maxWindowDays, profile.maxWindowDays);
	const { catchUp } = settings;
	const mode: RunMode = catchUp ? new CatchUp(catchUp.split, catchUp.quotaSpent === true, catchUp.failedJobs !== 'fail') : new FixedRange();
	const { split } = mode;
	let { definition } = source;
	// All Fields: what Marketo's describe lists now, before the jobs are planned.
	const fieldWarnings: string[] = [];
	if (definition?.allFields) {
		const all = await withAllFields(client, profile, definition);
		definition = all.definition;
		if (all.warning) fieldWarnings.push(all.warning);
	}
	let tasks = source.adoptExportId
		? [{ index: 0, label: `export ${source.adoptExportId}`, exportId: source.adoptExportId, adopted: true, enqueued: false }]
		: plannedTasks(definition!, windowDays, split);
	mode.planned(tasks, settings.maxJobs, windowDays);
	host.logger.info(`${title}: ${tasks.length} export ${tasks.length === 1 ? 'job' : 'jobs'} planned`);
	let key: RecordKey | undefined;
	// A catch-up run's windows are delivered by several runs: each must make its jobs with the same
	// definition, or the next would not adopt the jobs this one left.
	if (definition && settings.output !== 'binary' && (tasks.length > 1 || mode.keysEveryPlan)) {
		({ definition, key } = await recordKeyFor(client, profile, definition, { withDate: catchUp?.lookBack !== undefined }));
		tasks = plannedTasks(definition, windowDays, split);
	}
	// Before any job: a field Marketo no longer has would make every create answer 1003.
	if (definition) {
		const checked = await checkFields(client, profile, definition, catchUp ? (catchUp.missingFields ?? 'leaveOut') : 'fail', key?.addedColumns);
		if (checked.definition !== definition) {
			definition = checked.definition;
			tasks = plannedTasks(definition, windowDays, split);
		}
		if (checked.warning) fieldWarnings.push(checked.warning);
	}
	const delivery = new FileDelivery(
		host,
		client,
		profile,
		settings,
		{ count: definition?.fields.length, columnHeaderNames: definition?.columnHeaderNames },
		{ delayMs: settings.pollIntervalMs, giveUpMs: DOWNLOAD_TIMING.notReadyGiveUpMs },
	);
	const stats = { jobs: 0, records: 0, bytes: 0, duplicatesRemoved: 0, resumes: 0, refetches: 0 };
	const run: ExtractRun = { host, client, profile, settings, startedAt: Date.now(), title, windowDays, definition, key, tasks, mode, delivery, results: new Map(), stats, notes: [], warnings: [] };
	for (const warning of fieldWarnings) {
		host.logger.warn(`${title}: ${warning}`);
		run.warnings.push(warning);
	}
	if (definition) run.journal = await openJournal(run, definition);
	const quotaStillSpent = mode.asksQuotaFirst && (await quotaStillSpentFor(run));
	if (definition && run.journal && !quotaStillSpent) await adoptLeftOvers(run, run.journal, definition);
	const budget = settings.output === 'binary' ? undefined : delivery.budget;
	mode.begin(run.tasks, { maxJobs: settings.maxJobs, windowDays, budget, quotaStillSpent });
	return run;
}

async function openJournal(run: ExtractRun, definition: ExportDefinition): Promise<JobJournal | undefined> {
	const { host, client, profile, title } = run;
	return await JobJournal.open(
		host,
		profile.exportPath,
		definition,
		(message) => host.logger.warn(`${title}: ${message}`),
		async (ms) => await client.wait(ms),
	);
}

/**
 * After a run met the daily export quota: whether it is still spent, asked
 * with one call, the create of the first window's job, before the search for
 * left-over jobs and everything else. A run that finds it spent ends there;
 * one that finds it reset has made its first job, which it journals and adopts.
 */
async function quotaStillSpentFor(run: ExtractRun): Promise<boolean> {
	const [first] = run.tasks;
	if (!first?.body) return false;
	const job = await createExportJob(run.client, run.profile.exportPath, first.body).catch((error: unknown) => {
		if (isMarketoError(error, 'exportQuota')) return undefined;
		return Promise.reject(error);
	});
	if (!job) return true;
	Object.assign(first, { exportId: job.exportId, created: true, status: job.status });
	await run.journal?.recordCreated(first);
	return false;
}

async function adoptLeftOvers(run: ExtractRun, journal: JobJournal, definition: ExportDefinition): Promise<void> {
	const { host, client, profile, settings, title } = run;
	const adopted = await planWithLeftOvers(client, journal, {
		exportPath: profile.exportPath,
		definition,
		maxWindowDays: run.windowDays,
		split: run.mode.split,
		cancelLeftOvers: settings.cancelLeftOverJobs,
		planned: run.tasks,
	});
	run.tasks = adopted.tasks;
	for (const line of adopted.report) host.logger[adopted.lookedFor ? 'info' : 'warn'](`${title}: ${line}`);
	run.notes.push(...adopted.report);
}

/** Marketo works while the node downloads: the scheduler creates the next job before a finished file is fetched. */
async function scheduleAndDownload(run: ExtractRun): Promise<void> {
	const { host, client, settings, profile, journal, mode } = run;
	const scheduler = new JobScheduler(
		client,
		{
			exportPath: profile.exportPath,
			concurrency: settings.concurrency,
			pollIntervalMs: settings.pollIntervalMs,
			deadline: run.startedAt + settings.maxWaitMs,
			onCreated: async (task) => await journal?.recordCreated(task),
			keepAlive: settings.keepAlive,
			catchUp: mode.scheduler,
		},
		(message) => host.logger.info(`${run.title}: ${message}`),
	);
	try {
		await scheduler.run(run.tasks, async (task, job) => {
			for (const next of mode.toDownload(task, job)) await downloadWindow(run, ...next);
		});
	} catch (error) {
		const stopsHere = error instanceof LimitReachedError && error.reached.limit === 'maxWait' && mode.stopsAtMaxWait(error.reached);
		if (!stopsHere) throw await explainFailure(run, scheduler, error);
	}
	const stuck = mode.stuck();
	if (stuck) throw await explainFailure(run, scheduler, new LimitReachedError(stuck));
	// Delivered: no later run may adopt these jobs again; nor the job of a window too large to output whole.
	const { delivered, notToAdopt } = mode.delivered(run.tasks);
	await journal?.forget([...delivered, ...notToAdopt].filter((task) => task.exportId));
}

async function downloadWindow(run: ExtractRun, task: ExtractTask, job: ExportJob): Promise<void> {
	const { stats, host, title } = run;
	await run.settings.keepAlive?.();
	stats.jobs++;
	host.logger.info(`${title}: ${task.label}: downloading export ${job.exportId}, ${job.fileSize ?? '?'} bytes, ${job.numberOfRecords ?? '?'} records${task.adopted ? ' (adopted)' : ''}`);
	const expected = task.adopted && run.definition ? expectedColumns(run.definition) : undefined;
	const { records, unreadable, binary, ...transfer } = await run.delivery.deliver(job, expected);
	stats.bytes += transfer.bytes;
	stats.resumes += transfer.resumes;
	if (transfer.refetched) stats.refetches++;
	const result: WindowResult = { readFrom: readFromOf(run, task, job) };
	if (records) {
		stats.records += records.length;
		result.records = records;
	}
	if (unreadable) result.unreadable = unreadable.map((row) => unreadableRowItem(job.exportId, row));
	if (binary) {
		const json: IDataObject = { ...job };
		if (run.definition?.range && task.body) json.filter = task.body.filter as IDataObject;
		result.fileItem = { json, binary: { [run.settings.binaryPropertyName]: binary } };
	}
	run.results.set(task.index, result);
	host.logger.info(`${title}: ${task.label}: done`);
}

/**
 * When a window's job read Marketo, at the earliest: a job this run created,
 * no earlier than the run's start; an adopted one, when Marketo says it was
 * created (if that lies between its window's end and now), else its
 * window's end (an earlier run created it after that).
 */
function readFromOf(run: ExtractRun, task: ExtractTask, job: ExportJob): number {
	const runStart = Math.floor(run.startedAt / 1000);
	if (!task.adopted) return runStart;
	const windowEnd = task.window ? Math.floor(task.window.end.toSeconds()) : undefined;
	const created = marketoSecondsOf(job.createdAt);
	if (created !== undefined && created >= (windowEnd ?? 0) && created <= runStart + MAX_CLOCK_SKEW_SECONDS) return created;
	return windowEnd ?? runStart;
}

/** The items in window order (records de-duplicated across files, without what the look-back found delivered, then the file items), and the hints. */
async function report(run: ExtractRun): Promise<ExtractResult> {
	const { tasks, results, key, stats, profile, delivery, settings } = run;
	const items: INodeExecutionData[] = [];
	let lookBack: ExtractResult['lookBack'];
	if (settings.output !== 'binary') {
		const fileRecords = tasks.map((task) => results.get(task.index)?.records ?? []);
		let records = key ? deduplicated(fileRecords, key, stats, run.warnings, profile.noun.many) : fileRecords.flat();
		const check = settings.catchUp?.lookBack;
		if (check && key) {
			const filtered = await filterLookBack(records, key, check);
			const bytes = stats.records > 0 ? Math.round((stats.bytes * filtered.reread) / stats.records) : 0;
			lookBack = { ...filtered, bytes };
			records = filtered.records;
		}
		if (key) withoutAddedColumns(records, key);
		for (const record of records) items.push({ json: record });
		run.warnings.push(...delivery.finishItems(records));
		// Rows that could not be read have no key or date to filter by: each goes out, marked, never dropped.
		for (const task of tasks) for (const json of results.get(task.index)?.unreadable ?? []) items.push({ json });
	}
	for (const task of tasks) {
		const fileItem = results.get(task.index)?.fileItem;
		if (fileItem) items.push(fileItem);
	}
	const jobCount = run.mode.delivered(tasks).delivered.length;
	const hints: RunHint[] = [
		{ message: summary(run.title, profile.noun.many, jobCount, stats, run.client, Date.now() - run.startedAt), type: 'info' },
		...run.notes.map((message) => ({ message, type: 'info' as const })),
		...[...delivery.warnings, ...run.warnings].map((message) => ({ message, type: 'warning' as const })),
	];
	const readFroms = run.mode.delivered(tasks).delivered.flatMap((task) => results.get(task.index)?.readFrom ?? []);
	const readFrom = readFroms.length > 0 ? Math.min(...readFroms) : undefined;
	return { items, hints, catchUp: run.mode.outcome(tasks, run.definition?.range?.end), readFrom, keyColumns: key?.columns, lookBack };
}

/** One copy of each record across the files, by its whole key (a record can fall in two windows when its date moves mid-extract). */
function deduplicated(fileRecords: ExportRecord[][], key: RecordKey, stats: ExtractStats, warnings: string[], noun: string): ExportRecord[] {
	const deduplicator = new RecordDeduplicator(key.columns);
	for (const file of fileRecords) for (const record of file) deduplicator.add(record);
	stats.duplicatesRemoved = deduplicator.removed;
	if (deduplicator.unkeyed > 0) {
		warnings.push(
			`${deduplicator.unkeyed} ${noun} were not checked for duplicates across windows: their file lacks one of the key columns ${key.columns.join(', ')}. All of them are kept, so a ${noun.replace(/s$/, '')} whose date moved during the extract may appear twice.`,
		);
	}
	return deduplicator.all();
}

/** The columns the node added to the jobs for the key leave the items again. */
function withoutAddedColumns(records: ExportRecord[], key: RecordKey): void {
	// The added columns are the file's last: deleted last first, each record keeps V8's fast shape.
	const added = [...key.addedColumns].reverse();
	if (added.length > 0) for (const record of records) for (const column of added) delete record[column];
}

/**
 * The error a failed run ends with, and what happened to Marketo's jobs: the
 * ones still queued or processing are cancelled (or, after a user's Stop,
 * named and journaled for the next run); the downloaded and the not exported
 * windows are listed.
 */
async function explainFailure(run: ExtractRun, scheduler: JobScheduler, error: unknown): Promise<Error> {
	const { client, journal } = run;
	const parts: string[] = [];
	if (client.cancelSignal?.aborted) {
		parts.push(...(await leftRunningAfterStop(run, scheduler)));
	} else {
		const { outcomes, cancelled } = await scheduler.cancelInFlight();
		if (outcomes.length > 0) parts.push(`Export jobs still in Marketo's queue: ${outcomes.join('; ')}.`);
		await journal?.forget(cancelled);
	}
	parts.push(...windowsReport(run, scheduler));
	// A limit keeps its figures for the operation to word; the consequence goes with it.
	if (error instanceof LimitReachedError) {
		error.consequence = parts.join(' ');
		return error;
	}
	// Marketo's errors (the transport's) and the engine's own carry a description; anything else gets one.
	const failure: Error & { description?: unknown } =
		error instanceof Error && 'description' in error ? error : new EngineError(error instanceof Error ? error.message : String(error), '');
	if (client.cancelSignal?.aborted) failure.message = 'The execution was cancelled while Marketo was exporting.';
	const added = run.key?.addedColumns ?? [];
	if (added.length > 0 && error instanceof MarketoApiError && error.marketoCode === '1003') {
		// Marketo refused a field the user may never have chosen: say the node added it, and why.
		parts.unshift(
			`The node added ${added.join(', ')} to the job's fields (the key that tells ${run.profile.noun.many} apart across windows); Marketo may not know ${added.length === 1 ? 'it' : 'them'}. A Fixed Dates range of one window, or Output: Files, needs no key.`,
		);
	}
	failure.description = [failure.description, ...parts].filter(Boolean).join(' ');
	return failure;
}

/** A stopped execution can no longer call Marketo: its jobs keep running, named here and journaled for the next run. */
async function leftRunningAfterStop(run: ExtractRun, scheduler: JobScheduler): Promise<string[]> {
	const running = scheduler.inFlight.filter((task) => task.exportId);
	const consequence =
		running.length > 0
			? `These Marketo export jobs keep running (a cancelled execution can no longer call Marketo): ${running.map((t) => `${t.exportId} (${t.label})`).join(', ')}. Cancel them with the Cancel Job operation if they are not needed.`
			: 'No Marketo export job was left running.';
	// After a cancel the editor may not show the node's error: the log keeps the job IDs.
	run.host.logger.warn(`${run.title}: execution cancelled. ${consequence}`);
	const parts = [consequence];
	// The journal is n8n's database, not Marketo: it can still be written. The next run adopts or cancels them.
	const created = running.filter((task) => task.created);
	if (run.journal && created.length > 0 && (await run.journal.recordStopped(created))) {
		parts.push('The next run of this node adopts them if they serve it, and cancels them otherwise.');
	}
	return parts;
}

/** Which windows were downloaded, completed but not downloaded, or not exported, when a run of several fails. */
function windowsReport(run: ExtractRun, scheduler: JobScheduler): string[] {
	const { tasks, results } = run;
	const finished = tasks.filter((task) => results.has(task.index));
	if (tasks.length <= 1 && finished.length === 0) return [];
	const waiting = scheduler.completedNotDownloaded;
	const unfinished = tasks.filter((task) => !results.has(task.index) && !waiting.includes(task));
	const records = finished.reduce((sum, task) => sum + (results.get(task.index)?.records?.length ?? 0), 0);
	const parts = [`Downloaded before the failure: ${finished.length} of ${tasks.length} jobs${records ? ` (${records} ${run.profile.noun.many})` : ''}; nothing was output.`];
	if (waiting.length > 0) {
		parts.push(
			`Completed in Marketo but not downloaded (files are kept 7 days; adopt them with Job: Adopt an Existing Job): ${waiting.map((task) => `${task.label}, export ${task.exportId}`).join('; ')}.`,
		);
	}
	if (unfinished.length > 0) parts.push(`Not exported: ${unfinished.map((task) => task.label).join(', ')}.`);
	return parts;
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
