import { DateTime } from 'luxon';
import type { IDataObject } from 'n8n-workflow';

import { toMarketoDateTime } from '../helpers/marketoValues';
import type { PositionHost } from './engineHost';

import { NodeFacts, UnreadableStoreError, untrusted } from './nodeFacts';
import { MAX_WINDOW_DAYS, MIN_SPLIT_SECONDS, type WindowSplit } from './windows';

/**
 * "Since last run": the end of the range the node last delivered (its
 * high-watermark), one per position: the resource and its date filter, e.g.
 * `leadExport.updatedAt`.
 *
 * It is kept twice. In n8n's processed-data store (NodeFacts), written the
 * moment the node delivers: the one place n8n 2.x workers read it back from,
 * since in queue mode a worker starts every execution with empty static data
 * (n8n keeps no static data in an execution's workflow snapshot). And in the
 * node's static data, which n8n saves when the execution ends, as it always
 * did. The later of the two is the position.
 *
 * Manual executions (the editor's Test) neither read nor move it: n8n saves
 * no static data for them either.
 */
const STATE_KEY = 'sinceLastRun';
/** Where static data keeps a position's split (windows.ts), beside the position. */
const SPLIT_STATE_KEY = 'sinceLastRunSplit';

/** How far a position may lie ahead of this process's clock: n8n's main and workers may disagree by minutes, not more. */
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

/** A position that cannot be trusted: the run stops before any call, and the operation says how to reset it. */
export class PositionError extends Error {
	constructor(
		readonly problem: 'unreadable' | 'future',
		readonly detail: string,
	) {
		super(`the position is ${problem}: ${detail}`);
	}
}

export class SinceLastRunPosition {
	private stored: number | undefined;

	/** The split as the store holds it, so that saving another forgets exactly its entries. */
	private storedSplit: { until?: number; seconds?: number } = {};

	/**
	 * Shorter windows from the position on, where an earlier run found a
	 * window too large to output (catchUp.ts); read with the position. It only
	 * saves quota: one lost or refused costs the too-large export once more.
	 */
	split: WindowSplit | undefined;

	private constructor(
		private readonly ctx: PositionHost,
		private readonly position: string,
		private facts: NodeFacts | undefined,
	) {}

	static async open(ctx: PositionHost, position: string): Promise<SinceLastRunPosition> {
		const facts = ctx.getMode() === 'manual' ? undefined : await NodeFacts.open(ctx);
		return new SinceLastRunPosition(ctx, position, facts);
	}

	private get key(): string {
		return `position|${this.position}`;
	}

	private get splitKeys(): { until: string; seconds: string } {
		return { until: `split|${this.position}|until`, seconds: `split|${this.position}|seconds` };
	}

	private state(): IDataObject {
		const staticData = this.ctx.getWorkflowStaticData('node');
		staticData[STATE_KEY] ??= {};
		return staticData[STATE_KEY] as IDataObject;
	}

	/**
	 * The position, or undefined before the first run; checked, never guessed.
	 * Kept in two places, the later one wins: static data lags in queue mode
	 * (a worker starts without it) and the store may have lost entries, but
	 * neither can hold a position the node never reached. A value that cannot
	 * be read, or lies ahead of now by more than clocks can disagree, is an
	 * error: restarting from First Run Starts At would export again what was
	 * delivered, and a future position would export nothing, run after run.
	 */
	async read(): Promise<DateTime | undefined> {
		const fromStaticData = this.fromStaticData();
		const fromStore = await this.fromStore();
		const now = DateTime.utc();
		for (const [value, where] of [[fromStaticData, 'static data'], [fromStore, "n8n's processed-data store"]] as const) {
			if (value && value.diff(now).as('seconds') > MAX_CLOCK_SKEW_SECONDS) {
				throw new PositionError('future', `${toMarketoDateTime(value)} in ${where}, later than now (${toMarketoDateTime(now)})`);
			}
		}
		const position = !fromStore ? fromStaticData : !fromStaticData ? fromStore : fromStore > fromStaticData ? fromStore : fromStaticData;
		this.split = this.trustedSplit(position, now);
		return position;
	}

	/** A split that still lies ahead of the position and has a length windows can have; any other is not used. */
	private trustedSplit(position: DateTime | undefined, now: DateTime): WindowSplit | undefined {
		const fromStore =
			this.storedSplit.until !== undefined && this.storedSplit.seconds !== undefined
				? { until: DateTime.fromSeconds(this.storedSplit.until, { zone: 'utc' }), seconds: this.storedSplit.seconds }
				: undefined;
		const saved = this.ctx.getWorkflowStaticData('node')[SPLIT_STATE_KEY] as IDataObject | undefined;
		const entry = saved?.[this.position] as IDataObject | undefined;
		const fromStaticData =
			typeof entry?.until === 'string' && typeof entry.seconds === 'number'
				? { until: DateTime.fromISO(entry.until, { zone: 'utc' }), seconds: entry.seconds }
				: undefined;
		for (const split of [fromStore, fromStaticData]) {
			if (!split?.until.isValid || !Number.isInteger(split.seconds)) continue;
			if (split.seconds < MIN_SPLIT_SECONDS || split.seconds > MAX_WINDOW_DAYS * 86_400) continue;
			if ((position && split.until <= position) || split.until.diff(now).as('seconds') > MAX_CLOCK_SKEW_SECONDS) continue;
			return split;
		}
		return undefined;
	}

	private fromStaticData(): DateTime | undefined {
		const state = this.state();
		if (!Object.hasOwn(state, this.position)) return undefined;
		const saved: unknown = state[this.position];
		const text = typeof saved === 'object' && saved !== null ? (saved as IDataObject).highWatermark : undefined;
		const parsed = typeof text === 'string' ? DateTime.fromISO(text, { zone: 'utc' }) : undefined;
		if (!parsed?.isValid) throw new PositionError('unreadable', `static data holds ${JSON.stringify(text ?? saved)?.slice(0, 60)}`);
		return parsed;
	}

	private async fromStore(): Promise<DateTime | undefined> {
		if (!this.facts) return undefined;
		// Two values under one key (two runs raced): the lower, so no second is skipped and no window is longer.
		const { until, seconds } = this.splitKeys;
		const stored = await untrusted(this.facts.readNumbers([this.key, until, seconds], 'lower'));
		if (stored instanceof UnreadableStoreError) {
			// Static data still knows where the last run ended (regular mode); without it the node cannot know.
			if (!Object.hasOwn(this.state(), this.position)) throw new PositionError('unreadable', stored.message);
			this.ctx.logger.warn(`Marketo Bulk Extract: ${stored.message}; the position is read from static data alone.`);
			this.facts = undefined;
			return undefined;
		}
		const number = (value: number | 'partial' | undefined) => (typeof value === 'number' ? value : undefined);
		this.storedSplit = { until: number(stored.get(until)), seconds: number(stored.get(seconds)) };
		return this.fromStored(stored.get(this.key));
	}

	private fromStored(stored: number | 'partial' | undefined): DateTime | undefined {
		if (stored === 'partial') throw new PositionError('unreadable', "n8n's processed-data store has lost part of it");
		this.stored = stored;
		return stored === undefined ? undefined : DateTime.fromSeconds(stored, { zone: 'utc' });
	}

	/**
	 * Moves the position to `end`, the end of the last window delivered (none:
	 * it stays), and keeps the split the next run plans with: `split` when the
	 * run made one, else the one it was planned with while it still lies ahead.
	 */
	async save(end: DateTime | undefined, split?: WindowSplit): Promise<void> {
		const keep = split ?? (this.split && (!end || end < this.split.until) ? this.split : undefined);
		this.saveSplitInStaticData(keep);
		if (end) {
			this.state()[this.position] = {
				highWatermark: end.toUTC().toISO({ suppressMilliseconds: true }),
				savedAt: DateTime.utc().toISO({ suppressMilliseconds: true }),
			};
		}
		if (!this.facts) return;
		try {
			if (end) {
				await this.storeNumber(this.key, this.stored, end.toSeconds());
				this.stored = end.toSeconds();
			}
			const { until, seconds } = this.splitKeys;
			await this.storeNumber(until, this.storedSplit.until, keep?.until.toSeconds());
			await this.storeNumber(seconds, this.storedSplit.seconds, keep?.seconds);
			this.storedSplit = { until: keep?.until.toSeconds(), seconds: keep?.seconds };
		} catch (error) {
			this.ctx.logger.warn(`Marketo Bulk Extract: the position ${this.position} could not be stored (${(error as Error).message}); static data keeps it.`);
		}
	}

	/**
	 * Replaces the number `old` under `key` with `value` (none: forgets it).
	 * n8n drops a node's oldest entries beyond its limit: the prefixes both
	 * values share are written again, so the number is always among the
	 * newest entries, never the first dropped.
	 */
	private async storeNumber(key: string, old: number | undefined, value: number | undefined): Promise<void> {
		const facts = this.facts!;
		const entries = value === undefined ? [] : NodeFacts.numberEntries(key, value);
		const oldEntries = old === undefined ? [] : NodeFacts.numberEntries(key, old);
		await facts.forget(oldEntries.filter((entry) => entries.includes(entry)));
		await facts.record(entries);
		await facts.forget(oldEntries.filter((entry) => !entries.includes(entry)));
	}

	private saveSplitInStaticData(split: WindowSplit | undefined): void {
		const staticData = this.ctx.getWorkflowStaticData('node');
		const splits = (staticData[SPLIT_STATE_KEY] ??= {}) as IDataObject;
		if (split) splits[this.position] = { until: split.until.toUTC().toISO({ suppressMilliseconds: true }), seconds: split.seconds };
		else delete splits[this.position];
	}

	/** Reset Since Last Run: forgets the position in both places, whatever they hold (a value that cannot be read too). */
	async forget(): Promise<void> {
		delete this.state()[this.position];
		this.saveSplitInStaticData(undefined);
		this.stored = undefined;
		this.storedSplit = {};
		if (!this.facts) return;
		const cleared = await untrusted(
			(async () => {
				for (const key of [this.key, this.splitKeys.until, this.splitKeys.seconds]) await this.facts!.forgetNumbers(key);
			})(),
		);
		if (cleared instanceof UnreadableStoreError) {
			// A store that cannot be trusted cannot be cleared either; the reset run starts from First Run Starts At all the same.
			this.ctx.logger.warn(`Marketo Bulk Extract: ${cleared.message}; the position is kept in static data alone.`);
			this.facts = undefined;
		}
	}
}
