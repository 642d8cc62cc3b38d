import { createHash } from 'crypto';
import { DateTime } from 'luxon';

import type { ExtractHost } from '../model/engineHost';
import type { ExportDefinition } from '../model/exportDefinition';
import { confirmPauseMs, NodeFacts } from './nodeFacts';
import { storeKeys } from './storeKeys';
import type { DateWindow } from '../model/windows';

/** A job as the journal records it (an ExtractTask is one): its ID, and its window when it has one. */
export interface JournalEntry {
	exportId?: string;
	window?: DateWindow;
}

/** What the journal knows of one of this node's jobs. */
export interface JournaledJob {
	exportId: string;
	/** Whether the job was made for the definition the journal was opened with. */
	sameDefinition: boolean;
	/** Its window, for a job of the same definition with a date range. */
	window?: DateWindow;
	/** Whether the execution that made it was stopped by the user (n8n's Stop button). */
	stopped: boolean;
}

/**
 * The jobs this node created in Marketo and has not delivered yet, recorded
 * in n8n's database (NodeFacts) the moment Marketo creates each, so a killed
 * worker cannot lose them. Marketo's List Jobs gives a job's status and
 * format but not its fields or filter: this is the only way for a later run
 * to know that a job is this node's and which window it serves.
 *
 * Writing is best effort: a write n8n refuses is logged through `warn` and
 * never fails the extract, which only loses the chance to find that job later.
 */
export class JobJournal {
	private constructor(
		private readonly facts: NodeFacts,
		/** Hash of everything but the date range: fields, headers, format, filter kind and values, endpoint. */
		private readonly definitionKey: string,
		private readonly warn: (message: string) => void,
		private readonly pause: (ms: number) => Promise<void>,
	) {}

	/** The journal for this node and definition, or undefined where n8n has no store for it. */
	static async open(
		host: ExtractHost,
		exportPath: string,
		definition: ExportDefinition,
		warn: (message: string) => void,
		pause: (ms: number) => Promise<void>,
	): Promise<JobJournal | undefined> {
		const facts = await NodeFacts.open(host);
		return facts ? new JobJournal(facts, definitionKey(exportPath, definition), warn, pause) : undefined;
	}

	/** Records a job the moment Marketo created it. */
	async recordCreated(job: JournalEntry): Promise<void> {
		await this.write(() => this.facts.record(entriesOf(this.definitionKey, job)), `export ${job.exportId} could not be journaled; a later run will not find it should this one die`);
	}

	/** Marks jobs whose execution the user stopped, for a later run to adopt or cancel; false if n8n refused. */
	async recordStopped(jobs: JournalEntry[]): Promise<boolean> {
		return await this.write(() => this.facts.record(jobs.map((job) => storeKeys.stoppedJob(job.exportId!))), 'the stopped jobs could not be journaled');
	}

	/** Forgets delivered or cancelled jobs. */
	async forget(jobs: JournalEntry[]): Promise<void> {
		const entries = jobs.flatMap((job) => [...entriesOf(this.definitionKey, job), storeKeys.stoppedJob(job.exportId!)]);
		await this.write(() => this.facts.forget(entries), `${jobs.length} finished ${jobs.length === 1 ? 'job stays' : 'jobs stay'} in the job journal`);
	}

	private async write(action: () => Promise<void>, consequence: string): Promise<boolean> {
		try {
			await action();
			return true;
		} catch (error) {
			this.warn(`${consequence} (${(error as Error).message})`);
			return false;
		}
	}

	/**
	 * Which of these jobs this node made, and for those of this definition, their windows.
	 *
	 * Asking the store records what it is asked, for a moment: another
	 * execution of this node asking about the same job at that moment would
	 * take it for recorded. So what the first question finds is asked again
	 * after a pause of random length, and only what both answers hold counts:
	 * a job is never this node's, nor stopped, on one answer alone.
	 */
	async lookUp(exportIds: string[], withWindows: boolean): Promise<JournaledJob[]> {
		if (exportIds.length === 0) return [];
		const entriesFor = (ids: string[]) =>
			ids.flatMap((exportId) => [storeKeys.ownJob(exportId), storeKeys.jobOfDefinition(this.definitionKey, exportId), storeKeys.stoppedJob(exportId)]);
		const first = await this.facts.ask(entriesFor(exportIds));
		const found = exportIds.filter((exportId) => first.has(storeKeys.ownJob(exportId)));
		if (found.length === 0) return [];
		await this.pause(confirmPauseMs());
		const again = await this.facts.ask(entriesFor(found));
		const known = new Set([...first].filter((entry) => again.has(entry)));
		const own = found.filter((exportId) => known.has(storeKeys.ownJob(exportId)));
		const same = own.filter((exportId) => known.has(storeKeys.jobOfDefinition(this.definitionKey, exportId)));
		const windows = new Map<string, DateWindow>();
		if (withWindows && same.length > 0) {
			// A window that cannot be read exactly is not adopted: "neither" on any doubt.
			const bounds = await this.facts.readNumbers(
				same.flatMap((exportId) => [storeKeys.windowStart(exportId), storeKeys.windowEnd(exportId)]),
				'neither',
			);
			for (const exportId of same) {
				const start = bounds.get(storeKeys.windowStart(exportId));
				const end = bounds.get(storeKeys.windowEnd(exportId));
				if (typeof start === 'number' && typeof end === 'number') windows.set(exportId, { start: fromSeconds(start), end: fromSeconds(end) });
			}
		}
		return own.map((exportId) => ({
			exportId,
			sameDefinition: same.includes(exportId) && (!withWindows || windows.has(exportId)),
			window: windows.get(exportId),
			stopped: known.has(storeKeys.stoppedJob(exportId)),
		}));
	}
}

/** A window is kept as its bounds in epoch seconds: whole seconds, as Marketo's filters are. */
function entriesOf(definitionKey: string, { exportId, window }: JournalEntry): string[] {
	const entries = [storeKeys.ownJob(exportId!), storeKeys.jobOfDefinition(definitionKey, exportId!)];
	if (window) {
		entries.push(
			...NodeFacts.numberEntries(storeKeys.windowStart(exportId!), window.start.toSeconds()),
			...NodeFacts.numberEntries(storeKeys.windowEnd(exportId!), window.end.toSeconds()),
		);
	}
	return entries;
}

function fromSeconds(seconds: number): DateTime {
	return DateTime.fromSeconds(seconds, { zone: 'utc' });
}

/** Two definitions that differ in anything but their date range make different jobs. */
function definitionKey(exportPath: string, definition: ExportDefinition): string {
	const identity = JSON.stringify([
		exportPath,
		definition.fields,
		definition.format,
		Object.entries(definition.columnHeaderNames ?? {}).sort(),
		definition.dateFilter ?? null,
		sortedKeys(definition.filters),
	]);
	return createHash('sha256').update(identity).digest('hex').slice(0, 24);
}

function sortedKeys(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(sortedKeys);
	if (value && typeof value === 'object') {
		return Object.fromEntries(
			Object.keys(value)
				.sort()
				.map((key) => [key, sortedKeys((value as Record<string, unknown>)[key])]),
		);
	}
	return value;
}
