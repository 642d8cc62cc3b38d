import type { ExtractHost } from './engineHost';

// Epoch seconds have ten digits until the year 2286.
const DIGITS = 10;
// Entries kept per node; n8n drops the oldest beyond it.
const MAX_ENTRIES = 20_000;
const OPTIONS = { mode: 'entries' as const, maxEntries: MAX_ENTRIES };

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
 * ten digits and read back one digit per round.
 */
export class NodeFacts {
	private constructor(private readonly host: ExtractHost) {}

	/**
	 * The store for this node, or undefined (the reason in n8n's log) where n8n
	 * offers none: an unsaved workflow, or an n8n without the processed-data store.
	 */
	static async open(host: ExtractHost): Promise<NodeFacts | undefined> {
		const facts = new NodeFacts(host);
		try {
			await facts.ask([]);
			return facts;
		} catch (error) {
			host.logger.info(`Marketo Bulk Extract: n8n's processed-data store is not available in this execution (${(error as Error).message}).`);
			return undefined;
		}
	}

	async record(entries: string[]): Promise<void> {
		if (entries.length > 0) await this.host.helpers.checkProcessedAndRecord(entries, 'node', OPTIONS);
	}

	async forget(entries: string[]): Promise<void> {
		if (entries.length > 0) await this.host.helpers.removeProcessed(entries, 'node', OPTIONS);
	}

	/** Which entries are recorded. The store records what it is asked for, so what was not is removed again. */
	async ask(entries: string[]): Promise<Set<string>> {
		const answer: unknown = await this.host.helpers.checkProcessedAndRecord(entries, 'node', OPTIONS);
		const { new: fresh, processed } = (answer ?? {}) as { new?: unknown; processed?: unknown };
		if (!Array.isArray(fresh) || !Array.isArray(processed)) throw new UnreadableStoreError();
		if (fresh.length > 0) await this.host.helpers.removeProcessed(fresh as string[], 'node', OPTIONS);
		return new Set(processed.map(String));
	}

	/** Forgets every number recorded under `key`, whole, partial or raced: every branch of its digits. */
	async forgetNumbers(key: string): Promise<void> {
		let prefixes = [''];
		const found: string[] = [];
		for (let round = 0; round < DIGITS && prefixes.length > 0; round++) {
			const asked = prefixes.flatMap((prefix) => [...'0123456789'].map((digit) => `${key}|${prefix}${digit}`));
			const known = await this.ask(asked);
			const present = asked.filter((entry) => known.has(entry));
			found.push(...present);
			prefixes = present.map((entry) => entry.slice(key.length + 1));
		}
		await this.forget(found);
	}

	/** The entries that record `value` under `key`. */
	static numberEntries(key: string, value: number): string[] {
		const digits = String(Math.trunc(value)).padStart(DIGITS, '0');
		return Array.from({ length: DIGITS }, (_, index) => `${key}|${digits.slice(0, index + 1)}`);
	}

	/**
	 * Reads the numbers recorded under `keys`, all keys at once, one digit per
	 * round. A key with no number is left out; one whose digits stop before the
	 * tenth (some of its entries were dropped) is `partial`: a shorter number
	 * would be a wrong one. Where two numbers are recorded under one key (two
	 * writers raced), `onTwo` decides: the lower or the higher digit, or
	 * neither (the key is left out).
	 */
	async readNumbers(keys: string[], onTwo: 'lower' | 'higher' | 'neither'): Promise<Map<string, number | 'partial'>> {
		const prefixes = new Map(keys.map((key) => [key, '']));
		const partial = new Set<string>();
		for (let round = 0; round < DIGITS && prefixes.size > 0; round++) {
			const asked = [...prefixes].flatMap(([key, prefix]) => [...'0123456789'].map((digit) => `${key}|${prefix}${digit}`));
			const known = await this.ask(asked);
			for (const [key, prefix] of [...prefixes]) {
				const digits = [...'0123456789'].filter((digit) => known.has(`${key}|${prefix}${digit}`));
				if (digits.length === 0 || (digits.length > 1 && onTwo === 'neither')) {
					prefixes.delete(key);
					if (digits.length === 0 && round > 0) partial.add(key);
				} else prefixes.set(key, prefix + (onTwo === 'higher' ? digits[digits.length - 1] : digits[0]));
			}
		}
		const values = new Map<string, number | 'partial'>([...prefixes].map(([key, digits]) => [key, Number(digits)]));
		for (const key of partial) values.set(key, 'partial');
		return values;
	}
}

/** n8n's store answered in a shape it never gives: said in the user's words, not as a TypeError from reading it. */
export class UnreadableStoreError extends Error {
	constructor() {
		super("n8n's processed-data store, where this node keeps its job journal, gave an answer the node cannot read");
	}
}
