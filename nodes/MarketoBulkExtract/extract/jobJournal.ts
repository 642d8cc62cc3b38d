import { createHash } from 'crypto';
import type { IExecuteFunctions } from 'n8n-workflow';

import type { ExportDefinition } from '../exportKinds/exportKind';
import { NodeFacts } from './nodeFacts';

/** A job's date window in epoch seconds, both ends inclusive. */
export interface JournalWindow {
	start: number;
	end: number;
}

/** What the journal knows of one of this node's jobs. */
export interface JournaledJob {
	exportId: string;
	/** Whether the job was made for the definition the journal was opened with. */
	sameDefinition: boolean;
	/** Its window, for a job of the same definition with a date range. */
	window?: JournalWindow;
	/** Whether the execution that made it was stopped by the user (n8n's Stop button). */
	stopped: boolean;
}

/**
 * The jobs this node created in Marketo and has not delivered yet, recorded
 * in n8n's database (NodeFacts) the moment Marketo creates each, so a killed
 * worker cannot lose them. Marketo's List Jobs gives a job's status and
 * format but not its fields or filter: this is the only way for a later run
 * to know that a job is this node's and which window it serves.
 */
export class JobJournal {
	private constructor(
		private readonly facts: NodeFacts,
		/** Hash of everything but the date range: fields, headers, format, filter kind and values, endpoint. */
		private readonly definitionKey: string,
	) {}

	/** The journal for this node and definition, or undefined where n8n has no store for it. */
	static async open(ctx: IExecuteFunctions, exportPath: string, definition: ExportDefinition): Promise<JobJournal | undefined> {
		const facts = await NodeFacts.open(ctx);
		return facts ? new JobJournal(facts, definitionKey(exportPath, definition)) : undefined;
	}

	/** Records a job the moment Marketo created it. */
	async recordCreated(exportId: string, window?: JournalWindow): Promise<void> {
		await this.facts.record(entriesOf(this.definitionKey, exportId, window));
	}

	/** Marks jobs whose execution the user stopped: a later run adopts or cancels them. */
	async recordStopped(exportIds: string[]): Promise<void> {
		await this.facts.record(exportIds.map((exportId) => `stopped|${exportId}`));
	}

	/** Forgets delivered or cancelled jobs; `window` as recorded. */
	async forget(jobs: Array<{ exportId: string; window?: JournalWindow }>): Promise<void> {
		await this.facts.forget(jobs.flatMap(({ exportId, window }) => [...entriesOf(this.definitionKey, exportId, window), `stopped|${exportId}`]));
	}

	/** Which of these jobs this node made, and for those of this definition, their windows. */
	async lookUp(exportIds: string[], withWindows: boolean): Promise<JournaledJob[]> {
		if (exportIds.length === 0) return [];
		const known = await this.facts.ask(
			exportIds.flatMap((exportId) => [`own|${exportId}`, `job|${this.definitionKey}|${exportId}`, `stopped|${exportId}`]),
		);
		const own = exportIds.filter((exportId) => known.has(`own|${exportId}`));
		const same = own.filter((exportId) => known.has(`job|${this.definitionKey}|${exportId}`));
		const windows = new Map<string, JournalWindow>();
		if (withWindows && same.length > 0) {
			// A window that cannot be read exactly is not adopted: "neither" on any doubt.
			const bounds = await this.facts.readNumbers(
				same.flatMap((exportId) => [`s|${exportId}`, `e|${exportId}`]),
				'neither',
			);
			for (const exportId of same) {
				const start = bounds.get(`s|${exportId}`);
				const end = bounds.get(`e|${exportId}`);
				if (start !== undefined && end !== undefined) windows.set(exportId, { start, end });
			}
		}
		return own.map((exportId) => ({
			exportId,
			sameDefinition: same.includes(exportId) && (!withWindows || windows.has(exportId)),
			window: windows.get(exportId),
			stopped: known.has(`stopped|${exportId}`),
		}));
	}
}

function entriesOf(definitionKey: string, exportId: string, window?: JournalWindow): string[] {
	const entries = [`own|${exportId}`, `job|${definitionKey}|${exportId}`];
	if (window) entries.push(...NodeFacts.numberEntries(`s|${exportId}`, window.start), ...NodeFacts.numberEntries(`e|${exportId}`, window.end));
	return entries;
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
