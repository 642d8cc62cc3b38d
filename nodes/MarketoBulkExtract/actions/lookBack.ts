import { DateTime } from 'luxon';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ExtractResult } from '../extract/jobs/extractRun';
import type { LookBackCheck } from '../extract/files/lookBackFilter';
import { lookBackStart, MAX_LOOK_BACK_MINUTES } from '../extract/model/lookBack';
import { DeliveredRecords, MAX_KEPT_PER_RUN, type KeepPlan } from '../extract/state/deliveredRecords';
import type { LookBackState, SinceLastRunPosition } from '../extract/state/sinceLastRunPosition';
import { toNumber } from './parameters';
import type { ExportKind } from './resource';

/**
 * Since Last Run's look-back, as the extract operation runs it: the option,
 * what the engine checks the records it reads again against, and what the
 * run leaves the next once its position is saved (extract/model/lookBack.ts
 * says why the look-back exists).
 */

/** The Look Back (Minutes) option, with the kind's default and what it covers. */
export function lookBackOption(kind: ExportKind): INodeProperties {
	const { defaultMinutes, covers } = kind.lookBack;
	return {
		displayName: 'Look Back (Minutes)',
		name: 'lookBackMinutes',
		type: 'number',
		default: defaultMinutes,
		typeOptions: { minValue: 0, maxValue: MAX_LOOK_BACK_MINUTES },
		description: `Since Last Run only: each run reads again this many minutes before where the last run ended, for ${kind.noun.many} Marketo writes after their date, and outputs only those no earlier run delivered. ${covers} Every minute is read again by every run, which costs daily export quota (the run’s hint says how much); 0 turns it off, at most ${MAX_LOOK_BACK_MINUTES} (a day).`,
	};
}

export function readLookBackMinutes(ctx: IExecuteFunctions, itemIndex: number, kind: ExportKind): number {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const fallback = kind.lookBack.defaultMinutes;
	return toNumber(ctx, itemIndex, options.lookBackMinutes, { label: 'Look Back (Minutes)', min: 0, max: MAX_LOOK_BACK_MINUTES, integer: true, fallback });
}

/** One run's look-back: what the engine asks, and the store that answers. */
export interface LookBackRun {
	minutes: number;
	check: LookBackCheck;
	store?: DeliveredRecords;
	/** Why the records read again cannot be checked, when nothing in the store can tell. */
	uncheckedBecause?: string;
}

/**
 * The look-back of a run that reads from `start` and whose new range begins
 * at `newFrom` (undefined on a first run: it reads nothing again, and keeps
 * what it delivers for the next). Manual runs have none: they move nothing.
 */
export async function openLookBack(
	ctx: IExecuteFunctions,
	positionName: string,
	position: SinceLastRunPosition,
	{ minutes, start, newFrom }: { minutes: number; start: DateTime; newFrom?: DateTime },
): Promise<LookBackRun | undefined> {
	if (minutes === 0 || ctx.getMode() === 'manual') return undefined;
	const store = await DeliveredRecords.open(ctx, positionName);
	const { readAt, keptMinutes } = position.catchUp.lookBack ?? {};
	const uncheckedBecause = !store
		? 'n8n offers no processed-data store to this execution'
		: keptMinutes === undefined
			? 'no earlier run kept what it delivered: the first run with the look-back, or the first after a reset'
			: undefined;
	const previousEnd = (newFrom ?? start).minus({ seconds: 1 });
	// What the last run kept: the records dated from where its look-back would have started.
	const keptFrom = keptMinutes === undefined ? undefined : Math.floor(lookBackStart(previousEnd, keptMinutes, readAt).toSeconds());
	const check: LookBackCheck = {
		deliveredUntil: Math.floor(previousEnd.toSeconds()),
		checkedFrom: store ? keptFrom : undefined,
		entryOf: (keyText, seconds) => DeliveredRecords.entryOf(positionName, keyText, seconds),
		delivered: async (entries) => await store?.delivered(entries),
	};
	return { minutes, check, store, uncheckedBecause };
}

/** How much later than the position a read must lie for the position to keep it: under a minute, the look-back's reach hardly changes. */
const READ_AT_KEPT_AFTER_SECONDS = 60;

/**
 * What a run that delivered windows leaves the next: the look-back's state,
 * saved with the position, and the records to keep in the store, written
 * after it (`apply`): those the next run's look-back reads again. `moved`:
 * the position's new end, undefined when only the look-back was delivered;
 * `position`: where it stands after the run.
 */
export function whatToKeep(
	lookBack: LookBackRun | undefined,
	result: ExtractResult,
	{ previous, moved, position }: { previous: LookBackState | undefined; moved?: DateTime; position: DateTime },
): { state: LookBackState; plan?: KeepPlan } {
	let readAt = previous?.readAt;
	if (moved) {
		const read = result.readFrom;
		readAt = read !== undefined && read - moved.toSeconds() > READ_AT_KEPT_AFTER_SECONDS ? DateTime.fromSeconds(read, { zone: 'utc' }) : undefined;
	}
	if (!lookBack?.store || !result.lookBack) return { state: { readAt } };
	// Where the next run's look-back starts: from there on, the store knows every record delivered.
	const cutoff = lookBackStart(position, lookBack.minutes, readAt);
	return { state: { readAt, keptMinutes: lookBack.minutes }, plan: DeliveredRecords.plan(result.lookBack.entries, Math.floor(cutoff.toSeconds())) };
}

/** The run's hints about its look-back: what it read again, at what cost, and what it could not check. */
export function lookBackHints(
	lookBack: LookBackRun,
	result: ExtractResult,
	plan: KeepPlan | undefined,
	words: { many: string; key: string },
): Array<{ message: string; type: 'info' | 'warning' }> {
	const reread = result.lookBack;
	if (!reread || reread.reread === 0) return [];
	const hints: Array<{ message: string; type: 'info' | 'warning' }> = [
		{
			message: `Look-back: ${reread.reread} ${words.many} of the ${lookBack.minutes} minutes before the last run’s end read again (about ${reread.bytes} bytes of the daily export quota); ${reread.late} written late are output now, ${reread.repeats} delivered before are left out.`,
			type: 'info',
		},
	];
	if (reread.unchecked > 0) {
		const why = lookBack.store?.unknownBecause ?? lookBack.uncheckedBecause ?? 'their key or date is empty, or older than what the node keeps';
		hints.push({
			message: `Look-back: ${reread.unchecked} ${words.many} read again could not be checked against earlier runs (${why}), so they are output again; an upsert on ${words.key} absorbs the repeats.`,
			type: 'warning',
		});
	}
	if (plan && plan.notKept > 0) {
		hints.push({
			message: `Look-back: ${plan.notKept} of the ${words.many} this run delivered are not kept for the next runs (the node keeps ${MAX_KEPT_PER_RUN} a run, the newest): the next runs may output them again; an upsert on ${words.key} absorbs the repeats. A shorter Look Back (Minutes) keeps fewer.`,
			type: 'warning',
		});
	}
	return hints;
}

