import { isExportId } from '../../helpers/marketoValues';
import type { MarketoClient } from '../../transport';
import { cancelExportJob, listExportJobs, type ExportJob } from '../../transport/exportJobApi';
import type { ExportDefinition } from '../model/exportDefinition';
import { expectedColumns, readFileHeader, sameColumns } from '../files/fileHeader';
import { adoptedTask, windowTasks } from './jobPlan';
import type { JobJournal, JournaledJob } from '../state/jobJournal';
import type { ExtractTask } from '../model/extractTask';
import { planAround, type WindowSplit } from '../model/windows';

/** Statuses of a job that can still deliver a file: the ones a later run adopts. */
export const LIVE_STATUSES = ['Created', 'Queued', 'Processing', 'Completed'];
const CANCELLABLE = new Set(['Created', 'Queued', 'Processing']);
const FILE_KEPT_FOR_ADOPTION_MS = 6 * 86_400_000;
/**
 * The most listed jobs one lookup asks the journal about (3 entries each): the
 * newest, as a left-over job is at most a few days old. Marketo lists an API
 * user's jobs of 7 days, which a busy instance fills with thousands.
 */
export const MAX_CANDIDATES = 500;
// The job a run would rather adopt when two serve the same need.
const PREFERENCE = ['Completed', 'Processing', 'Queued', 'Created'];

export interface LeftOverPlan {
	tasks: ExtractTask[];
	/** For the execution hint: what was adopted, cancelled and left. */
	report: string[];
	/** False when Marketo's job list or the journal could not be read: the plan is the whole range. */
	lookedFor: boolean;
}

/**
 * Before creating anything: the jobs this node left in Marketo (a killed
 * worker, a stopped execution, a failed run's completed files) that serve
 * this run are adopted, whatever their state, and only the rest of the range
 * is planned around them. This node's jobs that do not serve it are left,
 * unless the user stopped their execution or asks to cancel them. Jobs of
 * other workflows and tools are never touched: the journal does not know them.
 */
export async function planWithLeftOvers(
	client: MarketoClient,
	journal: JobJournal,
	job: LeftOverJob,
): Promise<LeftOverPlan> {
	return await adoptAndPlan(client, journal, job).catch((error: unknown) => {
		if (client.cancelSignal?.aborted) throw error;
		// Looking for left-overs saves quota; it is no reason not to export. The plan stays whole.
		return {
			tasks: job.planned,
			report: [`Jobs left by earlier runs were not looked for: ${inUsersWords(error)}. Every window gets a new job.`],
			lookedFor: false,
		};
	});
}

/**
 * Why the look failed, as a user can act on it: Marketo's errors, and the
 * store's own (its database's, e.g. "database is locked"), say it themselves;
 * a TypeError from reading an odd answer is named as the store, never quoted.
 */
function inUsersWords(error: unknown): string {
	if (error instanceof Error && !(error instanceof TypeError || error instanceof RangeError || error instanceof ReferenceError)) {
		return error.message;
	}
	return "n8n's processed-data store, where this node keeps its job journal, failed";
}

interface LeftOverJob {
	exportPath: string;
	definition: ExportDefinition;
	maxWindowDays: number;
	/** Shorter windows at the range's start, where a window was too large for one run (windows.ts). */
	split?: WindowSplit;
	cancelLeftOvers: boolean;
	/** The plan without left-overs (plannedTasks), kept when they cannot be looked for. */
	planned: ExtractTask[];
}

async function adoptAndPlan(client: MarketoClient, journal: JobJournal, job: LeftOverJob): Promise<LeftOverPlan> {
	const { exportPath, definition, maxWindowDays, split } = job;
	const { jobs: listed } = await listExportJobs(client, exportPath, LIVE_STATUSES);
	// Only what Marketo could have made (an ID of another shape goes into no path and no record), the
	// newest first and at most MAX_CANDIDATES: a lookup's size is bounded. Jobs of another format stay
	// candidates: a stopped execution's are cancelled even when they cannot serve this run.
	const newest = listed
		.filter((entry) => isExportId(entry.exportId) && LIVE_STATUSES.includes(String(entry.status)))
		.sort((a, b) => String(b.createdAt ?? '').localeCompare(String(a.createdAt ?? '')))
		.slice(0, MAX_CANDIDATES);
	const byId = new Map(newest.map((entry) => [entry.exportId, entry]));
	const own = await journal.lookUp([...byId.keys()], definition.range !== undefined);
	const report: string[] = [];
	const candidates = own.filter((entry) => entry.sameDefinition && servesRange(entry, definition) && stillUsable(byId.get(entry.exportId)!, definition));
	const { verified, refused } = await verifyFiles(client, exportPath, definition, candidates, byId);
	if (refused.length > 0) {
		report.push(
			`Not adopted, as their files do not hold this definition's columns: ${refused.map((entry) => `export ${entry.exportId}`).join(', ')}. They are left as they are.`,
		);
	}
	const serving = verified.sort(
		(a, b) => PREFERENCE.indexOf(String(byId.get(a.exportId)!.status)) - PREFERENCE.indexOf(String(byId.get(b.exportId)!.status)),
	);
	const adopted = chooseNonOverlapping(serving, definition);
	const adoptedIds = new Set(adopted.map((entry) => entry.exportId));

	let tasks: ExtractTask[];
	if (!definition.range) {
		tasks = adopted.length > 0 ? [adoptedTask(byId.get(adopted[0].exportId)!, undefined, 0, definition.label)] : job.planned;
	} else {
		const taken = adopted.map((entry) => ({ window: entry.window!, taken: byId.get(entry.exportId)! }));
		tasks = windowTasks(definition, planAround(definition.range.start, definition.range.end, taken, maxWindowDays, split));
	}
	if (adopted.length > 0) {
		const names = tasks.filter((task) => task.adopted).map((task) => `export ${task.exportId} (${task.label}, ${task.status})`);
		report.push(`Adopted ${names.length} ${names.length === 1 ? 'job' : 'jobs'} an earlier run of this node left in Marketo: ${names.join('; ')}.`);
	}

	const leftOver = own.filter((entry) => !adoptedIds.has(entry.exportId) && !refused.includes(entry));
	report.push(...(await settleLeftOvers(client, journal, job, leftOver, byId)));
	return { tasks, report, lookedFor: true };
}

/**
 * This node's jobs that do not serve the run: a stopped execution's are
 * cancelled (the user asked for that), and all of them with Cancel Left-Over
 * Jobs; the others are left and named. Returns the report's lines.
 */
async function settleLeftOvers(
	client: MarketoClient,
	journal: JobJournal,
	job: LeftOverJob,
	leftOver: JournaledJob[],
	byId: Map<string, ExportJob>,
): Promise<string[]> {
	const cancelled: string[] = [];
	const left: string[] = [];
	for (const entry of leftOver) {
		const found = byId.get(entry.exportId)!;
		const status = String(found.status);
		const describe = `export ${entry.exportId} (${status}, created ${found.createdAt ?? 'at an unknown time'})`;
		if (!CANCELLABLE.has(status) || !(entry.stopped || job.cancelLeftOvers)) {
			left.push(describe);
			continue;
		}
		const failure = await cancelExportJob(client, job.exportPath, entry.exportId).then(
			() => undefined,
			(error: unknown) => (error as Error).message,
		);
		if (failure !== undefined) {
			left.push(`${describe}: could not be cancelled (${failure})`);
			continue;
		}
		cancelled.push(`${describe}${entry.stopped ? ', its execution was stopped' : ''}`);
		await journal.forget([entry]);
	}
	const report: string[] = [];
	if (cancelled.length > 0) report.push(`Cancelled ${cancelled.length} left-over ${cancelled.length === 1 ? 'job' : 'jobs'} of this node: ${cancelled.join('; ')}.`);
	if (left.length > 0) {
		report.push(
			`Left in Marketo: ${left.length} ${left.length === 1 ? 'job' : 'jobs'} of this node that this run cannot use (another definition or range, or a file Marketo deletes within a day): ${left.join('; ')}. Turn on Cancel Left-Over Jobs (Options) to cancel such jobs.`,
		);
	}
	return report;
}

/**
 * A completed job is adopted only when its file's header holds exactly the
 * columns this definition asks for (fileHeader.ts): one ranged read each. A
 * job still running is checked when its file arrives (FileDelivery).
 */
async function verifyFiles(
	client: MarketoClient,
	exportPath: string,
	definition: ExportDefinition,
	candidates: JournaledJob[],
	byId: Map<string, ExportJob>,
): Promise<{ verified: JournaledJob[]; refused: JournaledJob[] }> {
	const expected = expectedColumns(definition);
	const verified: JournaledJob[] = [];
	const refused: JournaledJob[] = [];
	for (const entry of candidates) {
		const job = byId.get(entry.exportId)!;
		if (job.status !== 'Completed') {
			verified.push(entry);
			continue;
		}
		const header = await readFileHeader(client, exportPath, job);
		(header && sameColumns(header, expected) ? verified : refused).push(entry);
	}
	return { verified, refused };
}

/**
 * Marketo's word must agree with the journal's (the format), and a completed
 * job's file must outlive the download: files are kept 7 days, so one that
 * finished more than 6 days ago is not adopted (it could vanish mid-run, and
 * the next run would adopt it again).
 */
function stillUsable(job: ExportJob, definition: ExportDefinition): boolean {
	if (!sameFormat(job, definition)) return false;
	if (job.status !== 'Completed') return true;
	const finished = Date.parse(String(job.finishedAt ?? ''));
	return Number.isFinite(finished) && Date.now() - finished < FILE_KEPT_FOR_ADOPTION_MS;
}

/** Marketo's word on the format must agree with the definition's (a job it gives none for may still be ours). */
function sameFormat(job: ExportJob, definition: ExportDefinition): boolean {
	return job.format === undefined || String(job.format).toUpperCase() === definition.format;
}

function servesRange(entry: JournaledJob, definition: ExportDefinition): boolean {
	if (!definition.range) return true;
	if (!entry.window) return false;
	return entry.window.start >= definition.range.start && entry.window.end <= definition.range.end && entry.window.start <= entry.window.end;
}

/** At most one job per need: for a range, windows that do not overlap (earlier ones first); else one job. */
function chooseNonOverlapping(serving: JournaledJob[], definition: ExportDefinition): JournaledJob[] {
	if (!definition.range) return serving.slice(0, 1);
	const chosen: JournaledJob[] = [];
	for (const entry of serving) {
		const overlaps = chosen.some((other) => entry.window!.start <= other.window!.end && other.window!.start <= entry.window!.end);
		if (!overlaps) chosen.push(entry);
	}
	return chosen;
}
