import { DateTime } from 'luxon';
import { sleep, type IDataObject } from 'n8n-workflow';

import { toMarketoDateTime } from '../../helpers/marketoValues';
import type { PositionHost } from '../model/engineHost';

import { confirmPauseMs, NodeFacts, UnreadableStoreError, untrusted } from './nodeFacts';
import { storeKeys } from './storeKeys';
import { MAX_WINDOW_DAYS, MIN_SPLIT_SECONDS, type WindowSplit } from '../model/windows';

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
/** Where static data keeps a position's catch-up state (CatchUpState), beside the position. */
const CATCH_UP_STATE_KEY = 'sinceLastRunCatchUp';
/** The catch-up state's numbers (epoch seconds, or seconds), under these names in the store and static data. */
const CATCH_UP_NUMBERS = ['splitUntil', 'splitSeconds', 'quotaResetAt', 'readAt', 'keptMinutes'] as const;
type CatchUpNumbers = Partial<Record<(typeof CATCH_UP_NUMBERS)[number], number>>;
/** How often a save looks whether another execution's write took it away, and a read looks again at a number caught mid-write. */
const CONFIRM_ATTEMPTS = 3;
/** What a save wrote: entries that must be in the store, and those of the numbers it replaced, that must not. */
interface StoredChange {
	present: string[];
	absent: string[];
}
/** How far ahead a quota reset can lie: a day, and an hour for a change of daylight saving time. */
const MAX_RESET_AHEAD_SECONDS = 25 * 3600;

/**
 * What a catch-up run (catchUp.ts) leaves the next, beside the position. It
 * only saves quota and calls: one lost or refused as untrustworthy costs a
 * too-large export once more, or one call more; never a record.
 */
export interface CatchUpState {
	/** Shorter windows from the position on, where a window was too large to output. */
	split?: WindowSplit;
	/** The last run met Marketo's daily export quota; it resets then. */
	quotaResetAt?: DateTime;
	/** The look-back's state (LookBackState): what the last run that moved the position left the next. */
	lookBack?: LookBackState;
}

/**
 * What a run that moved the position leaves the look-back of the next. Only
 * what changes rarely is kept, so a schedule's steady state writes neither.
 */
export interface LookBackState {
	/**
	 * The earliest moment the run read Marketo (its jobs were created then or
	 * later), kept only where it lies more than a minute after the position
	 * (a backlog drained): the look-back then reaches back from it, not from
	 * the position (lookBack.ts). Lost, it reaches further: quota, no record.
	 */
	readAt?: DateTime;
	/**
	 * The Look Back with which the run kept in n8n's store what it delivered
	 * (deliveredRecords.ts): the store holds the records dated from
	 * lookBackStart(position, keptMinutes, readAt) on. None: it kept nothing,
	 * and every record read again is output. Lost, records are output again.
	 */
	keptMinutes?: number;
}

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

	/** The catch-up state as the store holds it, so that saving another forgets exactly its entries. */
	private storedCatchUp: CatchUpNumbers = {};

	/** What the last run left the next (catchUp.ts), read with the position and checked. */
	catchUp: CatchUpState = {};

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
		return storeKeys.position(this.position);
	}

	private catchUpKey(name: (typeof CATCH_UP_NUMBERS)[number]): string {
		return storeKeys.catchUp(this.position, name);
	}

	/** Every number this position keeps in the store: the position, then its catch-up state. */
	private get storeKeys(): string[] {
		return [this.key, ...CATCH_UP_NUMBERS.map((name) => this.catchUpKey(name))];
	}

	private state(): IDataObject {
		return this.staticDataObject(STATE_KEY);
	}

	/**
	 * The object static data keeps under `key`, made when absent. Anything
	 * else there (a string, a list, edited by hand or by another node) is an
	 * unreadable position, before any call: written into, it would crash the
	 * run after its export, every run; n8n drops a list's named entries when
	 * it saves, so the position would be lost. Reset Since Last Run clears it.
	 */
	private staticDataObject(key: string): IDataObject {
		const staticData = this.ctx.getWorkflowStaticData('node');
		staticData[key] ??= {};
		const value: unknown = staticData[key];
		if (!isObjectRecord(value)) {
			const shape = Array.isArray(value) ? 'a list' : value === null ? 'null' : `a ${typeof value}`;
			throw new PositionError('unreadable', `static data holds ${shape} under ${key}, where the node keeps an object`);
		}
		return value;
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
		this.catchUp = this.trustedCatchUp(position, now);
		return position;
	}

	/**
	 * The catch-up state the store holds (or, without it, static data): a
	 * split that still lies ahead of the position, with a length windows can
	 * have; a quota reset still to come, within a day. Anything else is not used.
	 */
	private trustedCatchUp(position: DateTime | undefined, now: DateTime): CatchUpState {
		const saved = this.staticDataObject(CATCH_UP_STATE_KEY);
		const fromStaticData = (saved[this.position] ?? {}) as CatchUpNumbers;
		const numbers = this.facts ? this.storedCatchUp : fromStaticData;
		const state: CatchUpState = {};
		const { splitUntil, splitSeconds, quotaResetAt } = numbers;
		if (Number.isInteger(splitUntil) && Number.isInteger(splitSeconds)) {
			const until = DateTime.fromSeconds(splitUntil!, { zone: 'utc' });
			const lengthFits = splitSeconds! >= MIN_SPLIT_SECONDS && splitSeconds! <= MAX_WINDOW_DAYS * 86_400;
			const ahead = (!position || until > position) && until.diff(now).as('seconds') <= MAX_CLOCK_SKEW_SECONDS;
			if (until.isValid && lengthFits && ahead) state.split = { until, seconds: splitSeconds! };
		}
		if (Number.isInteger(quotaResetAt)) {
			const resetAt = DateTime.fromSeconds(quotaResetAt!, { zone: 'utc' });
			const inSeconds = resetAt.diff(now).as('seconds');
			if (inSeconds > 0 && inSeconds <= MAX_RESET_AHEAD_SECONDS) state.quotaResetAt = resetAt;
		}
		// A read in the future would shorten the look-back: not believed. An earlier one only lengthens it.
		const { readAt, keptMinutes } = numbers;
		state.lookBack = {};
		if (Number.isInteger(readAt) && DateTime.fromSeconds(readAt!, { zone: 'utc' }).diff(now).as('seconds') <= MAX_CLOCK_SKEW_SECONDS) {
			state.lookBack.readAt = DateTime.fromSeconds(readAt!, { zone: 'utc' });
		}
		if (Number.isInteger(keptMinutes) && keptMinutes! > 0) state.lookBack.keptMinutes = keptMinutes;
		return state;
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
		let stored = await untrusted(this.facts.readNumbers(this.storeKeys, 'lower'));
		// Digits that stop part-way: read while another execution replaced them (a save at that moment), or lost.
		for (let attempt = 1; attempt < CONFIRM_ATTEMPTS && !(stored instanceof UnreadableStoreError) && stored.get(this.key) === 'partial'; attempt++) {
			await sleep(confirmPauseMs());
			stored = await untrusted(this.facts.readNumbers(this.storeKeys, 'lower'));
		}
		if (stored instanceof UnreadableStoreError) {
			// Static data still knows where the last run ended (regular mode); without it the node cannot know.
			if (!Object.hasOwn(this.state(), this.position)) throw new PositionError('unreadable', stored.message);
			this.ctx.logger.warn(`Marketo Bulk Extract: ${stored.message}; the position is read from static data alone.`);
			this.facts = undefined;
			return undefined;
		}
		for (const name of CATCH_UP_NUMBERS) {
			const value = stored.get(this.catchUpKey(name));
			if (typeof value === 'number') this.storedCatchUp[name] = value;
		}
		return this.fromStored(stored.get(this.key));
	}

	private fromStored(stored: number | 'partial' | undefined): DateTime | undefined {
		if (stored === 'partial') throw new PositionError('unreadable', "n8n's processed-data store has lost part of it");
		this.stored = stored;
		return stored === undefined ? undefined : DateTime.fromSeconds(stored, { zone: 'utc' });
	}

	/**
	 * Moves the position to `end`, the end of the last window delivered (none:
	 * it stays), and keeps what the next run needs: the split it plans with (a
	 * new one, or the one this run had while it still lies ahead), when the
	 * quota this run met resets, and the look-back's state (the last one's, unless given).
	 */
	async save(
		end: DateTime | undefined,
		next: { split?: WindowSplit; quotaResetAt?: DateTime; lookBack?: LookBackState } = {},
	): Promise<void> {
		const split = next.split ?? (this.catchUp.split && (!end || end < this.catchUp.split.until) ? this.catchUp.split : undefined);
		const lookBack = next.lookBack ?? this.catchUp.lookBack ?? {};
		const numbers: CatchUpNumbers = {
			splitUntil: split?.until.toSeconds(),
			splitSeconds: split?.seconds,
			quotaResetAt: next.quotaResetAt ? Math.trunc(next.quotaResetAt.toSeconds()) : undefined,
			readAt: lookBack.readAt ? Math.floor(lookBack.readAt.toSeconds()) : undefined,
			keptMinutes: lookBack.keptMinutes,
		};
		this.saveCatchUpInStaticData(numbers);
		if (end) {
			this.state()[this.position] = {
				highWatermark: end.toUTC().toISO({ suppressMilliseconds: true }),
				savedAt: DateTime.utc().toISO({ suppressMilliseconds: true }),
			};
		}
		if (!this.facts) return;
		try {
			const written: StoredChange = { present: [], absent: [] };
			if (end) {
				await this.storeNumber(this.key, this.stored, end.toSeconds(), written);
				this.stored = end.toSeconds();
			}
			for (const name of CATCH_UP_NUMBERS) {
				if (this.storedCatchUp[name] === numbers[name]) continue;
				await this.storeNumber(this.catchUpKey(name), this.storedCatchUp[name], numbers[name], written);
				this.storedCatchUp[name] = numbers[name];
			}
			await this.confirmStored(written);
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
	private async storeNumber(key: string, old: number | undefined, value: number | undefined, change: StoredChange): Promise<void> {
		const facts = this.facts!;
		const entries = value === undefined ? [] : NodeFacts.numberEntries(key, value);
		const oldEntries = old === undefined ? [] : NodeFacts.numberEntries(key, old);
		const oldOnly = oldEntries.filter((entry) => !entries.includes(entry));
		await facts.forget(oldEntries.filter((entry) => entries.includes(entry)));
		await facts.record(entries);
		await facts.forget(oldOnly);
		change.present.push(...entries);
		change.absent.push(...oldOnly);
	}

	/**
	 * Looks, after a pause, whether what `save` wrote is still there, and
	 * writes it again where not. The store has no lock: a call of another
	 * execution at the same moment (a run waiting for the lease looks every
	 * second) writes the row back as it read it, without this write. Lost,
	 * the position would start the next run from First Run Starts At again.
	 * Such a call lasts a round trip, far shorter than the pause.
	 */
	private async confirmStored(change: StoredChange): Promise<void> {
		const facts = this.facts!;
		for (let attempt = 0; attempt < CONFIRM_ATTEMPTS && change.present.length + change.absent.length > 0; attempt++) {
			await sleep(confirmPauseMs());
			const found = await facts.ask([...change.present, ...change.absent]);
			const missing = change.present.filter((entry) => !found.has(entry));
			const back = change.absent.filter((entry) => found.has(entry));
			if (missing.length === 0 && back.length === 0) return;
			this.ctx.logger.warn(`Marketo Bulk Extract: another execution's write took part of the position ${this.position} away; it is written again.`);
			await facts.record(missing);
			await facts.forget(back);
		}
	}

	private saveCatchUpInStaticData(numbers: CatchUpNumbers): void {
		const states = this.staticDataObject(CATCH_UP_STATE_KEY);
		const kept = Object.fromEntries(Object.entries(numbers).filter(([, value]) => value !== undefined));
		if (Object.keys(kept).length > 0) states[this.position] = kept;
		else delete states[this.position];
	}

	/** Reset Since Last Run: forgets the position in both places, whatever they hold (a value that cannot be read too). */
	async forget(): Promise<void> {
		// Static data of another shape is replaced whole: nothing of the node's can be read from it.
		const staticData = this.ctx.getWorkflowStaticData('node');
		for (const key of [STATE_KEY, CATCH_UP_STATE_KEY]) if (staticData[key] !== undefined && !isObjectRecord(staticData[key])) staticData[key] = {};
		delete this.state()[this.position];
		this.saveCatchUpInStaticData({});
		this.stored = undefined;
		this.storedCatchUp = {};
		if (!this.facts) return;
		const cleared = await untrusted(
			(async () => {
				for (const key of this.storeKeys) await this.facts!.forgetNumbers(key);
			})(),
		);
		if (cleared instanceof UnreadableStoreError) {
			// A store that cannot be trusted cannot be cleared either; the reset run starts from First Run Starts At all the same.
			this.ctx.logger.warn(`Marketo Bulk Extract: ${cleared.message}; the position is kept in static data alone.`);
			this.facts = undefined;
		}
	}
}

/** What static data keeps the node's entries in: an object, not a list (n8n drops a list's named entries when it saves). */
function isObjectRecord(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
