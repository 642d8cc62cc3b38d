import type { ExtractHost } from '../model/engineHost';
import { storeKeys } from './storeKeys';

// Epoch seconds have ten digits until the year 2286.
const DIGITS = 10;
/**
 * Digits read per round: a number is recorded as every prefix of its digits
 * two at a time, and read back in five rounds of 100 candidates each (see
 * docs/STATE.md, "Store calls per run", for the measurement that chose two).
 */
const DIGITS_PER_ROUND = 2;
const ROUNDS = DIGITS / DIGITS_PER_ROUND;
/** The values of one round's digits: 00 to 99. */
const STEPS = Array.from({ length: 10 ** DIGITS_PER_ROUND }, (_, step) => String(step).padStart(DIGITS_PER_ROUND, '0'));
// Entries kept per node; n8n drops the oldest beyond it.
const MAX_ENTRIES = 20_000;
const OPTIONS = { mode: 'entries' as const, maxEntries: MAX_ENTRIES };

/**
 * The limit for a call that adds `adding` entries to a row of `count`: never
 * below the row itself, so that what this call adds (a question's entries,
 * removed again at once) drops none of the row's oldest entries, the position
 * and the journal among them, however full the row already is.
 */
const limitFor = (count: number, adding: number) => ({ mode: 'entries' as const, maxEntries: Math.max(MAX_ENTRIES, count + adding) });

/**
 * How long to wait before asking again what one answer found: the store
 * records what it is asked, for a moment, so another execution asking the
 * same at that moment would make it look recorded. What both answers hold,
 * a pause of random length apart, counts (the journal's lookup, the lease's
 * marks). A few database round trips are far shorter than its least.
 */
const CONFIRM_PAUSE_MS = { min: 100, max: 400 };

export function confirmPauseMs(): number {
	return CONFIRM_PAUSE_MS.min + Math.random() * (CONFIRM_PAUSE_MS.max - CONFIRM_PAUSE_MS.min);
}

/**
 * Facts this node keeps across executions in n8n's processed-data store (the
 * database table behind the Remove Duplicates node), scoped to this node of
 * this workflow. Unlike static data, which n8n saves only when an execution
 * ends and, in queue mode, does not hand to the worker that runs the next
 * one, a fact is in the database the moment it is recorded, for every main
 * and worker process.
 *
 * The store keeps MD5 hashes of entries, so a fact can only be asked for ("is
 * X recorded?"). A number (epoch seconds) is recorded as every prefix of its
 * ten digits, two at a time, and read back two digits per round.
 */
export class NodeFacts {
	private constructor(private readonly host: ExtractHost) {}

	/**
	 * The store for this node, or undefined (the reason in n8n's log) where n8n
	 * offers none: an unsaved workflow, or an n8n without the processed-data
	 * store. A store that answers but cannot be trusted is returned: each
	 * reader then meets UnreadableStoreError and says so in its own terms.
	 */
	static async open(host: ExtractHost): Promise<NodeFacts | undefined> {
		const facts = new NodeFacts(host);
		try {
			// Whether n8n answers at all; whether its answers can be trusted, every question itself finds out.
			await host.helpers.checkProcessedAndRecord([], 'node', await facts.optionsFor(0));
			return facts;
		} catch (error) {
			host.logger.info(`Marketo Bulk Extract: n8n's processed-data store is not available in this execution (${(error as Error).message}).`);
			return undefined;
		}
	}

	async record(entries: string[]): Promise<void> {
		if (entries.length > 0) await this.host.helpers.checkProcessedAndRecord(entries, 'node', await this.optionsFor(entries.length));
	}

	/**
	 * Records `entries` and lets n8n drop the row's oldest entries beyond
	 * `rowCap` (never the entries of this call, nor the `reserve` newest
	 * before them): the one call of the node that drops anything, for facts
	 * that may be lost (a lost one costs a repeat, never a record), written
	 * after everything the node must keep was last written.
	 */
	async recordDroppingOldest(entries: string[], rowCap: number, reserve: number): Promise<void> {
		if (entries.length === 0) return;
		const options = { mode: 'entries' as const, maxEntries: Math.max(rowCap, entries.length + reserve) };
		await this.host.helpers.checkProcessedAndRecord(entries, 'node', options);
	}

	/** The options of a call that adds up to `adding` entries; an n8n that cannot count the row keeps the fixed limit. */
	private async optionsFor(adding: number): Promise<ReturnType<typeof limitFor>> {
		let count = 0;
		try {
			const counted: unknown = await this.host.helpers.getProcessedDataCount?.('node', OPTIONS);
			if (typeof counted === 'number' && Number.isFinite(counted)) count = counted;
		} catch {
			// Counting is a safeguard; the question itself still goes to the store.
		}
		return limitFor(count, adding);
	}

	async forget(entries: string[]): Promise<void> {
		if (entries.length > 0) await this.host.helpers.removeProcessed(entries, 'node', OPTIONS);
	}

	/**
	 * Which entries are recorded. The store records what it is asked for, so
	 * what was not is removed again. A canary no one ever recorded goes with
	 * every question: a store that calls it recorded (broken, or answering
	 * "recorded" to everything) is not believed, since its word would make
	 * other workflows' jobs look like this node's.
	 */
	async ask(entries: string[]): Promise<Set<string>> {
		const canary = storeKeys.canary();
		const asked = [...entries, canary];
		const answer: unknown = await this.host.helpers.checkProcessedAndRecord(asked, 'node', await this.optionsFor(asked.length));
		const { new: fresh, processed } = (answer ?? {}) as { new?: unknown; processed?: unknown };
		if (!Array.isArray(fresh) || !Array.isArray(processed)) throw new UnreadableStoreError('unreadable');
		if (fresh.length > 0) await this.host.helpers.removeProcessed(fresh.map(String), 'node', OPTIONS);
		const known = new Set(processed.map(String));
		if (known.has(canary)) throw new UnreadableStoreError('untrustworthy');
		return known;
	}

	/** Forgets every number recorded under `key`, whole, partial or raced: every branch of its digits. */
	async forgetNumbers(key: string): Promise<void> {
		let prefixes = [''];
		const found: string[] = [];
		for (let round = 0; round < ROUNDS && prefixes.length > 0; round++) {
			const asked = prefixes.flatMap((prefix) => STEPS.map((step) => storeKeys.numberDigits(key, prefix + step)));
			const known = await this.ask(asked);
			const present = asked.filter((entry) => known.has(entry));
			found.push(...present);
			prefixes = present.map((entry) => entry.slice(storeKeys.numberDigits(key, '').length));
		}
		await this.forget(found);
	}

	/** The entries that record `value` under `key`. */
	static numberEntries(key: string, value: number): string[] {
		const digits = String(Math.trunc(value)).padStart(DIGITS, '0');
		return Array.from({ length: ROUNDS }, (_, round) => storeKeys.numberDigits(key, digits.slice(0, (round + 1) * DIGITS_PER_ROUND)));
	}

	/**
	 * Reads the numbers recorded under `keys`, all keys at once, two digits
	 * per round. A key with no number is left out; one whose digits stop before
	 * the tenth (some of its entries were dropped) is `partial`: a shorter
	 * number would be a wrong one. Where two numbers are recorded under one key
	 * (two writers raced), `onTwo` decides: the lower or the higher digits, or
	 * neither (the key is left out).
	 */
	async readNumbers(keys: string[], onTwo: 'lower' | 'higher' | 'neither'): Promise<Map<string, number | 'partial'>> {
		const prefixes = new Map(keys.map((key) => [key, '']));
		const partial = new Set<string>();
		for (let round = 0; round < ROUNDS && prefixes.size > 0; round++) {
			const asked = [...prefixes].flatMap(([key, prefix]) => STEPS.map((step) => storeKeys.numberDigits(key, prefix + step)));
			const known = await this.ask(asked);
			for (const [key, prefix] of [...prefixes]) {
				const steps = STEPS.filter((step) => known.has(storeKeys.numberDigits(key, prefix + step)));
				if (steps.length === 0 || (steps.length > 1 && onTwo === 'neither')) {
					prefixes.delete(key);
					if (steps.length === 0 && round > 0) partial.add(key);
				} else prefixes.set(key, prefix + (onTwo === 'higher' ? steps[steps.length - 1] : steps[0]));
			}
		}
		const values = new Map<string, number | 'partial'>([...prefixes].map(([key, digits]) => [key, Number(digits)]));
		for (const key of partial) values.set(key, 'partial');
		return values;
	}
}

/**
 * n8n's store answered in a shape it never gives, or called recorded what no
 * one recorded: said in the user's words, not as a TypeError from reading it.
 */
export class UnreadableStoreError extends Error {
	constructor(readonly why: 'unreadable' | 'untrustworthy') {
		super(
			why === 'unreadable'
				? "n8n's processed-data store, where this node keeps its job journal, gave an answer the node cannot read"
				: "n8n's processed-data store, where this node keeps its job journal, called recorded an entry no one recorded, so none of its answers can be trusted",
		);
	}
}

/** The store's answer, or the error that says it cannot be trusted; any other failure stays a failure. */
export async function untrusted<T>(question: Promise<T>): Promise<T | UnreadableStoreError> {
	return await question.catch((error: unknown) => {
		if (error instanceof UnreadableStoreError) return error;
		return Promise.reject(error);
	});
}
