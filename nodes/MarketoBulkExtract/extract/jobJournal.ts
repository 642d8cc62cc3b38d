import { createHash } from 'crypto';
import type { IExecuteFunctions } from 'n8n-workflow';

import type { ExportDefinition } from '../exportKinds/exportKind';

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

// Hashed entries, so a job's window is read back digit by digit: epoch seconds have ten.
const DIGITS = 10;
// Entries kept per node; n8n drops the oldest beyond it. A run writes about 23 per job.
const MAX_ENTRIES = 20_000;
const OPTIONS = { mode: 'entries' as const, maxEntries: MAX_ENTRIES };

/**
 * The jobs this node created in Marketo and has not delivered yet, kept where
 * a killed worker cannot lose them: n8n's processed-data store (the database
 * table behind the Remove Duplicates node), scoped to this node of this
 * workflow, written the moment a job is created. Static data would not do: n8n
 * saves it only when an execution ends.
 *
 * Marketo's List Jobs gives a job's status and format but not its fields or
 * filter, so this is the only way for a later run to know that a job is its
 * own and which window it serves. The store keeps MD5 hashes of entries, not
 * the entries, so a fact can only be asked for ("is X recorded?"): a window
 * is recorded as every prefix of its ten-digit start and end, and read back
 * one digit per round.
 */
export class JobJournal {
	private constructor(
		private readonly ctx: IExecuteFunctions,
		/** Hash of everything but the date range: fields, headers, format, filter kind and values, endpoint. */
		private readonly definitionKey: string,
	) {}

	/**
	 * Opens the journal for this node and definition, or returns undefined
	 * (with the reason in n8n's log) where n8n offers no store: an unsaved
	 * workflow, or an n8n without the processed-data store.
	 */
	static async open(ctx: IExecuteFunctions, exportPath: string, definition: ExportDefinition): Promise<JobJournal | undefined> {
		const journal = new JobJournal(ctx, definitionKey(exportPath, definition));
		try {
			await journal.ask([]);
			return journal;
		} catch (error) {
			ctx.logger.info(`Marketo Bulk Extract: jobs are not journaled in this execution (${(error as Error).message}); left-over jobs of a killed run cannot be found.`);
			return undefined;
		}
	}

	/** Records a job the moment Marketo created it. */
	async recordCreated(exportId: string, window?: JournalWindow): Promise<void> {
		await this.record(entriesOf(this.definitionKey, exportId, window));
	}

	/** Marks jobs whose execution the user stopped: a later run adopts or cancels them. */
	async recordStopped(exportIds: string[]): Promise<void> {
		await this.record(exportIds.map((exportId) => `stopped|${exportId}`));
	}

	/** Forgets delivered or cancelled jobs; `window` as recorded. */
	async forget(jobs: Array<{ exportId: string; window?: JournalWindow }>): Promise<void> {
		const entries = jobs.flatMap(({ exportId, window }) => [...entriesOf(this.definitionKey, exportId, window), `stopped|${exportId}`]);
		if (entries.length > 0) await this.ctx.helpers.removeProcessed(entries, 'node', OPTIONS);
	}

	/** Which of these jobs this node made, and for those of this definition, their windows. */
	async lookUp(exportIds: string[], withWindows: boolean): Promise<JournaledJob[]> {
		if (exportIds.length === 0) return [];
		const known = await this.ask(
			exportIds.flatMap((exportId) => [`own|${exportId}`, `job|${this.definitionKey}|${exportId}`, `stopped|${exportId}`]),
		);
		const own = exportIds.filter((exportId) => known.has(`own|${exportId}`));
		const same = own.filter((exportId) => known.has(`job|${this.definitionKey}|${exportId}`));
		const windows = withWindows ? await this.readWindows(same) : new Map<string, JournalWindow>();
		return own.map((exportId) => ({
			exportId,
			sameDefinition: same.includes(exportId) && (!withWindows || windows.has(exportId)),
			window: windows.get(exportId),
			stopped: known.has(`stopped|${exportId}`),
		}));
	}

	/** Reads the recorded windows: per round, asks every remaining job's next digit of start and end. */
	private async readWindows(exportIds: string[]): Promise<Map<string, JournalWindow>> {
		const prefixes = new Map<string, { s: string; e: string }>(exportIds.map((id) => [id, { s: '', e: '' }]));
		for (let round = 0; round < DIGITS && prefixes.size > 0; round++) {
			const asked: string[] = [];
			for (const [exportId, prefix] of prefixes) {
				for (let digit = 0; digit <= 9; digit++) {
					asked.push(`s|${exportId}|${prefix.s}${digit}`, `e|${exportId}|${prefix.e}${digit}`);
				}
			}
			const known = await this.ask(asked);
			for (const [exportId, prefix] of [...prefixes]) {
				const next = (side: 's' | 'e', current: string) => {
					const digits = [...'0123456789'].filter((digit) => known.has(`${side}|${exportId}|${current}${digit}`));
					return digits.length === 1 ? current + digits[0] : undefined;
				};
				const s = next('s', prefix.s);
				const e = next('e', prefix.e);
				// No digit, or two (a hash collision): the window cannot be read, the job is not adopted.
				if (s === undefined || e === undefined) prefixes.delete(exportId);
				else prefixes.set(exportId, { s, e });
			}
		}
		return new Map([...prefixes].map(([exportId, { s, e }]) => [exportId, { start: Number(s), end: Number(e) }]));
	}

	private async record(entries: string[]): Promise<void> {
		await this.ctx.helpers.checkProcessedAndRecord(entries, 'node', OPTIONS);
	}

	/** Which entries are recorded. The store records what it is asked for, so what was not is removed again. */
	private async ask(entries: string[]): Promise<Set<string>> {
		const answer = await this.ctx.helpers.checkProcessedAndRecord(entries, 'node', OPTIONS);
		if (answer.new.length > 0) await this.ctx.helpers.removeProcessed(answer.new, 'node', OPTIONS);
		return new Set(answer.processed.map(String));
	}
}

function entriesOf(definitionKey: string, exportId: string, window?: JournalWindow): string[] {
	const entries = [`own|${exportId}`, `job|${definitionKey}|${exportId}`];
	if (window) {
		const start = String(window.start).padStart(DIGITS, '0');
		const end = String(window.end).padStart(DIGITS, '0');
		for (let length = 1; length <= DIGITS; length++) {
			entries.push(`s|${exportId}|${start.slice(0, length)}`, `e|${exportId}|${end.slice(0, length)}`);
		}
	}
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
