import type { ExtractHost } from '../model/engineHost';
import type { DeliveredEntry } from '../model/lookBack';
import { NodeFacts, UnreadableStoreError, untrusted } from './nodeFacts';
import { storeKeys } from './storeKeys';

/**
 * The records a Since Last Run position delivered that its look-back will
 * read again (lookBackFilter.ts), kept in n8n's processed-data store: one
 * entry per record (its key and date), from the next look-back's start on. Entries are
 * written only after the run saved its position, so an entry always names
 * a delivered record: a run that dies before leaves none, and its records
 * go out again, never missing. What the store loses (its row is bounded)
 * costs a record delivered twice, never one lost.
 */

/** The most entries one run keeps: past it, the oldest records of the look-back may go out again (a warning says how many). */
export const MAX_KEPT_PER_RUN = 20_000;
/** The row's size once a run's entries are written: they and the node's newest other entries stay, older entries go first. */
const ROW_CAP = MAX_KEPT_PER_RUN + 5_000;
/** The node's other entries written in the run before this one's (position, lease, journal of its jobs): never dropped. */
const RESERVE = 5_000;

/** What a run leaves the store: entries to write and entries to forget. */
export interface KeepPlan {
	keep: string[];
	forget: string[];
	/** Records dated from the cutoff on that are not kept (past MAX_KEPT_PER_RUN): a later run may output them again. */
	notKept: number;
}

export class DeliveredRecords {
	/** Why the store could not tell this run what was delivered, for the hint; undefined when it could. */
	unknownBecause?: string;

	private constructor(
		private readonly facts: NodeFacts,
		private readonly position: string,
		private readonly logWarning: (message: string) => void,
	) {}

	/** The store of this node, or undefined where n8n offers none (a manual run reads no position and has no look-back). */
	static async open(host: ExtractHost, position: string): Promise<DeliveredRecords | undefined> {
		const facts = await NodeFacts.open(host);
		return facts && new DeliveredRecords(facts, position, (message) => host.logger.warn(`Marketo Bulk Extract: ${message}`));
	}

	/** The entry of a record of `position` with this key and date. */
	static entryOf(position: string, keyText: string, seconds: number): string {
		return storeKeys.delivered(position, seconds, keyText);
	}

	/**
	 * Which of `entries` an earlier run delivered; undefined when the store
	 * cannot say. The store records what it is asked: the entries found new
	 * are removed at once, in one call, with the question's own mark. A mark
	 * found means an earlier question was cut short before that removal: the
	 * entries it left cannot be told from delivered ones, so none is believed
	 * this run, and the ones found are forgotten (this run writes them again
	 * for what it delivers).
	 */
	async delivered(entries: string[]): Promise<Set<string> | undefined> {
		const question = storeKeys.deliveredQuestion(this.position);
		const known = await untrusted(this.facts.ask([question, ...entries]));
		if (known instanceof UnreadableStoreError) {
			this.unknownBecause = known.message;
			this.logWarning(`${known.message}; every record the look-back reads again is output.`);
			return undefined;
		}
		if (known.has(question)) {
			this.unknownBecause = 'an earlier run stopped while it asked n8n’s processed-data store about them';
			this.logWarning(`${this.unknownBecause}; every record the look-back reads again is output once more.`);
			await this.facts.forget([question, ...entries.filter((entry) => known.has(entry))]);
			return undefined;
		}
		return known;
	}

	/**
	 * The entries to keep after a run: records dated from `cutoff` (where the
	 * next run's look-back starts) that no earlier run kept, the newest first
	 * up to MAX_KEPT_PER_RUN; and the ones before it, no longer read again.
	 */
	static plan(entries: DeliveredEntry[], cutoff: number): KeepPlan {
		const forget = entries.filter((one) => one.known && one.seconds < cutoff).map((one) => one.entry);
		const candidates = entries.filter((one) => !one.known && one.seconds >= cutoff).sort((a, b) => b.seconds - a.seconds);
		const kept = candidates.slice(0, MAX_KEPT_PER_RUN);
		return { keep: [...new Set(kept.map((one) => one.entry))], forget, notKept: candidates.length - kept.length };
	}

	/** Writes the plan; a failure is logged, not thrown: its cost is records output again by a later run. */
	async apply(plan: KeepPlan): Promise<boolean> {
		try {
			await this.facts.forget(plan.forget);
			await this.facts.recordDroppingOldest(plan.keep, ROW_CAP, RESERVE);
			return true;
		} catch (error) {
			this.logWarning(`the records delivered could not be kept in n8n's processed-data store (${(error as Error).message}); the next run may output some of them again.`);
			return false;
		}
	}
}
