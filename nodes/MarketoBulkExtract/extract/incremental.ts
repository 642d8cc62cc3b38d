import { DateTime } from 'luxon';
import type { IDataObject } from 'n8n-workflow';

import { toMarketoDateTime } from '../helpers/marketoValues';
import type { PositionHost } from './engineHost';

import { NodeFacts, UnreadableStoreError, untrusted } from './nodeFacts';

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
		if (!fromStore) return fromStaticData;
		if (!fromStaticData) return fromStore;
		return fromStore > fromStaticData ? fromStore : fromStaticData;
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
		// Two values under one key (two runs raced): the earlier, so no second is skipped.
		const stored = await untrusted(this.facts.readNumbers([this.key], 'lower'));
		if (stored instanceof UnreadableStoreError) {
			// Static data still knows where the last run ended (regular mode); without it the node cannot know.
			if (!Object.hasOwn(this.state(), this.position)) throw new PositionError('unreadable', stored.message);
			this.ctx.logger.warn(`Marketo Bulk Extract: ${stored.message}; the position is read from static data alone.`);
			this.facts = undefined;
			return undefined;
		}
		return this.fromStored(stored.get(this.key));
	}

	private fromStored(stored: number | 'partial' | undefined): DateTime | undefined {
		if (stored === 'partial') throw new PositionError('unreadable', "n8n's processed-data store has lost part of it");
		this.stored = stored;
		return stored === undefined ? undefined : DateTime.fromSeconds(stored, { zone: 'utc' });
	}

	async save(end: DateTime): Promise<void> {
		this.state()[this.position] = {
			highWatermark: end.toUTC().toISO({ suppressMilliseconds: true }),
			savedAt: DateTime.utc().toISO({ suppressMilliseconds: true }),
		};
		if (!this.facts) return;
		try {
			const entries = NodeFacts.numberEntries(this.key, end.toSeconds());
			const old = this.stored === undefined ? [] : NodeFacts.numberEntries(this.key, this.stored);
			// n8n drops a node's oldest entries beyond its limit: the prefixes both values share are
			// written again, so the position is always among the newest entries, never the first dropped.
			await this.facts.forget(old.filter((entry) => entries.includes(entry)));
			await this.facts.record(entries);
			await this.facts.forget(old.filter((entry) => !entries.includes(entry)));
			this.stored = end.toSeconds();
		} catch (error) {
			this.ctx.logger.warn(`Marketo Bulk Extract: the position ${this.position} could not be stored (${(error as Error).message}); static data keeps it.`);
		}
	}

	/** Reset Since Last Run: forgets the position in both places, whatever they hold (a value that cannot be read too). */
	async forget(): Promise<void> {
		delete this.state()[this.position];
		this.stored = undefined;
		if (!this.facts) return;
		const cleared = await untrusted(this.facts.forgetNumbers(this.key));
		if (cleared instanceof UnreadableStoreError) {
			// A store that cannot be trusted cannot be cleared either; the reset run starts from First Run Starts At all the same.
			this.ctx.logger.warn(`Marketo Bulk Extract: ${cleared.message}; the position is kept in static data alone.`);
			this.facts = undefined;
		}
	}
}
