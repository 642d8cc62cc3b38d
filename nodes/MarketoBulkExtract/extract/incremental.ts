import { DateTime } from 'luxon';
import type { IDataObject } from 'n8n-workflow';

import type { PositionHost } from './engineHost';

import { NodeFacts } from './nodeFacts';

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

export class SinceLastRunPosition {
	private stored: number | undefined;

	private constructor(
		private readonly ctx: PositionHost,
		private readonly position: string,
		private readonly facts: NodeFacts | undefined,
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

	/** The position, or undefined before the first run. */
	async read(): Promise<DateTime | undefined> {
		const saved = (this.state()[this.position] as IDataObject | undefined)?.highWatermark;
		const parsed = typeof saved === 'string' ? DateTime.fromISO(saved, { zone: 'utc' }) : undefined;
		const fromStaticData = parsed?.isValid ? parsed : undefined;
		// Two values under one key (two runs raced): the earlier, so no second is skipped.
		this.stored = this.facts ? (await this.facts.readNumbers([this.key], 'lower')).get(this.key) : undefined;
		const fromStore = this.stored === undefined ? undefined : DateTime.fromSeconds(this.stored, { zone: 'utc' });
		if (!fromStore) return fromStaticData;
		if (!fromStaticData) return fromStore;
		return fromStore > fromStaticData ? fromStore : fromStaticData;
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

	async forget(): Promise<void> {
		delete this.state()[this.position];
		if (!this.facts) return;
		if (this.stored === undefined) await this.read();
		if (this.stored !== undefined) await this.facts.forget(NodeFacts.numberEntries(this.key, this.stored));
		this.stored = undefined;
	}
}
