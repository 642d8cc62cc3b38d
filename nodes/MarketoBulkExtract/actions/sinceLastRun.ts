import { DateTime } from 'luxon';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { lookBackStart } from '../extract/model/lookBack';
import { SinceLastRunPosition } from '../extract/state/sinceLastRunPosition';
import { RunLease } from '../extract/state/runLease';
import { toMarketoDateTime } from '../helpers/marketoValues';
import type { MarketoClient } from '../transport';
import { inEditorWords } from './engineErrors';
import { invalidParameter, readDateTime, toBoolean } from './parameters';

/**
 * Since Last Run, for every operation that has it (the extracts, Get Deleted
 * Leads): one run of a node's position at a time (runLease.ts), the position
 * read and checked (sinceLastRunPosition.ts), Reset Since Last Run, and the
 * range: from one second after the position (less the look-back, for what
 * Marketo writes late: lookBack.ts) up to a moment before now. The operation
 * exports the range and moves the position as far as it delivered.
 */

/** The First Run Starts At parameter; `note`: what the operation adds to it (e.g. Marketo's 14 days for deletions). */
export function firstRunStartAtProperty(note: string): INodeProperties {
	return {
		displayName: 'First Run Starts At',
		name: 'firstRunStartAt',
		type: 'dateTime',
		required: true,
		default: '',
		description: `Where the first run (or a run after a reset) starts. Later runs start one second after the previous run’s end. ${note}`,
	};
}

/** The Reset Since Last Run option. */
export const resetSinceLastRunOption: INodeProperties = {
	displayName: 'Reset Since Last Run',
	name: 'resetSinceLastRun',
	type: 'boolean',
	default: false,
	description: 'Whether to forget the saved position and start again from First Run Starts At. Turn it off again after one run.',
};

/** How long a second run waits for the first one's lease, and how often it looks; how far behind now the range ends, and how far back it reads again. */
export interface SinceLastRunSettings {
	pollIntervalMs: number;
	maxWaitMs: number;
	/**
	 * Seconds the range's end stays behind now, for what Marketo records late:
	 * a deletion listed a moment after the run read its second would be lost.
	 */
	lagSeconds: number;
	/** Minutes before the position each run reads again (lookBack.ts); 0: none. */
	lookBackMinutes?: number;
}

/** A Since Last Run range, with its position (to move) and what keeps the lease alive. */
export interface SinceLastRunRange {
	position: SinceLastRunPosition;
	start: DateTime;
	end: DateTime;
	/**
	 * The first second no earlier run read: one after the position. The range
	 * starts before it by the look-back; undefined on a first run.
	 */
	newFrom?: DateTime;
	/** Renews the lease: call it while the run works (at each poll or page). */
	keepAlive?: () => Promise<void>;
}

/**
 * Runs `work` over the range of the position `positionName` (e.g.
 * `leadExport.updatedAt`), under its lease; returns nothing without calling it
 * when the previous run already reached now.
 */
export async function withSinceLastRun<T>(
	ctx: IExecuteFunctions,
	itemIndex: number,
	client: MarketoClient,
	positionName: string,
	settings: SinceLastRunSettings,
	work: (range: SinceLastRunRange) => Promise<T[]>,
): Promise<T[]> {
	const lease = await takeLease(ctx, itemIndex, client, positionName, settings);
	try {
		const { position, start, end, newFrom } = await sinceLastRunRange(ctx, itemIndex, positionName, settings);
		if (!end) return [];
		const keepAlive = lease ? async () => await lease.renew().catch(() => undefined) : undefined;
		return await work({ position, start, end, newFrom, keepAlive });
	} finally {
		await lease?.release().catch(() => undefined);
	}
}

/** Manual runs neither read nor move the position, so they take no lease. */
async function takeLease(
	ctx: IExecuteFunctions,
	itemIndex: number,
	client: MarketoClient,
	positionName: string,
	settings: SinceLastRunSettings,
): Promise<RunLease | undefined> {
	if (ctx.getMode() === 'manual') return undefined;
	const wait = { pollMs: settings.pollIntervalMs, deadline: Date.now() + settings.maxWaitMs, sleep: async (ms: number) => await client.wait(ms) };
	return await RunLease.take(ctx, positionName, wait).catch((error: unknown) => Promise.reject(inEditorWords(ctx, itemIndex, error, 'Files')));
}

/**
 * The range of a Since Last Run extract, and its position: one position per
 * resource and date filter (leads' createdAt and activities' createdAt move
 * apart). No `end` when the previous run already reached now: then nothing
 * is read again either (the next run with a new range does it).
 */
async function sinceLastRunRange(
	ctx: IExecuteFunctions,
	itemIndex: number,
	positionName: string,
	{ lagSeconds, lookBackMinutes = 0 }: SinceLastRunSettings,
): Promise<{ position: SinceLastRunPosition; start: DateTime; end?: DateTime; newFrom?: DateTime }> {
	if (ctx.getInputData().length > 1) {
		throw invalidParameter(
			ctx,
			itemIndex,
			'Range',
			'Since Last Run keeps one position per node, so it takes one input item',
			'Feed the node a single item (a Schedule Trigger does), or give each item a range of fixed dates.',
		);
	}
	const position = await SinceLastRunPosition.open(ctx, positionName);
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const reset = toBoolean(ctx, itemIndex, options.resetSinceLastRun, 'Reset Since Last Run', false);
	if (reset) await position.forget();
	const now = DateTime.utc().startOf('second');
	const end = now.minus({ seconds: lagSeconds });
	let watermark: DateTime | undefined;
	try {
		watermark = reset ? undefined : await position.read();
	} catch (error) {
		throw inEditorWords(ctx, itemIndex, error, 'Files');
	}
	if (!watermark) {
		const start = readDateTime(ctx, itemIndex, 'firstRunStartAt', 'First Run Starts At');
		if (start > now) {
			throw invalidParameter(
				ctx,
				itemIndex,
				'First Run Starts At',
				`${toMarketoDateTime(start)} is in the future, so the first run would export nothing`,
				'Set it to the moment the first run should export from, e.g. the start of this year.',
			);
		}
		return start > end ? nothingNew(ctx, position, start) : { position, start, end };
	}
	const newFrom = watermark.plus({ seconds: 1 });
	if (newFrom > end) return nothingNew(ctx, position, newFrom);
	// The look-back never reaches before First Run Starts At: what lies before it was never asked for.
	const firstRunStart = readFirstRunStart(ctx, itemIndex);
	const floor = firstRunStart && firstRunStart < newFrom ? firstRunStart : newFrom;
	const readAgainFrom = lookBackStart(watermark, lookBackMinutes, position.catchUp.lookBack?.readAt);
	return { position, start: readAgainFrom < floor ? floor : readAgainFrom, end, newFrom };
}

function nothingNew(ctx: IExecuteFunctions, position: SinceLastRunPosition, start: DateTime): { position: SinceLastRunPosition; start: DateTime } {
	ctx.addExecutionHints({
		message: `Since Last Run: nothing to export, the previous run already reached ${toMarketoDateTime(start.minus({ seconds: 1 }))}.`,
		type: 'info',
		location: 'outputPane',
	});
	return { position, start };
}

/** First Run Starts At on a later run, where it only bounds the look-back: one that cannot be read bounds nothing. */
function readFirstRunStart(ctx: IExecuteFunctions, itemIndex: number): DateTime | undefined {
	try {
		return readDateTime(ctx, itemIndex, 'firstRunStartAt', 'First Run Starts At');
	} catch {
		return undefined;
	}
}
