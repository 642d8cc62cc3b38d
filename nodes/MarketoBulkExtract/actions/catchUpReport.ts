import type { DateTime } from 'luxon';

import type { CatchUpOutcome, CatchUpStop } from '../extract/jobs/catchUp';
import { toMarketoDateTime } from '../helpers/marketoValues';
import { describeQuotaReset } from '../helpers/quotaReset';
import { LIMIT_LABELS } from './engineErrors';

/**
 * What a Since Last Run extract that stopped before now tells its user, as a
 * warning hint and a log line: what it delivered and up to when, what
 * remains, and when the next run goes on. The engine says which limit
 * stopped it (catchUp.ts); only here does the limit get its editor label.
 */
export function catchUpReport(outcome: CatchUpOutcome, start: DateTime, noun: string): string | undefined {
	const { stop, windowsDelivered, windowsLeft, rangeEnd } = outcome;
	if (!stop) return undefined;
	// `start`: the second after the position. Windows of the look-back alone (before it) move nothing.
	const deliveredUntil = outcome.deliveredUntil && outcome.deliveredUntil >= start ? outcome.deliveredUntil : undefined;
	const delivered = deliveredUntil
		? `delivered ${windowsDelivered} ${windowsDelivered === 1 ? 'window' : 'windows'}, up to ${toMarketoDateTime(deliveredUntil)}`
		: `delivered nothing; the position stays at ${toMarketoDateTime(start.minus({ seconds: 1 }))}`;
	const remaining = `${windowsLeft} ${windowsLeft === 1 ? 'window remains' : 'windows remain'} up to ${rangeEnd ? toMarketoDateTime(rangeEnd) : 'now'}${estimate(outcome, stop)}`;
	const goesOn = deliveredUntil ? deliveredUntil.plus({ seconds: 1 }) : start;
	const parts = [
		`Since Last Run has not caught up yet: ${why(outcome, stop, noun)}`,
		`It ${delivered}; ${remaining}.`,
		`${stop.limit === 'exportQuota' ? `The next run after the quota resets (${describeQuotaReset()})` : 'The next run'} goes on from ${toMarketoDateTime(goesOn)}.`,
	];
	if (outcome.leftForNextRun.length > 0) {
		parts.push(`It adopts the jobs this run left in Marketo instead of exporting their windows again: ${outcome.leftForNextRun.join('; ')}.`);
	}
	return parts.join(' ');
}

/** The limit that stopped the run, at which window, and what the next run does about it. */
function why(outcome: CatchUpOutcome, stop: CatchUpStop, noun: string): string {
	const at = outcome.stoppedAt ?? 'the next window';
	switch (stop.limit) {
		case 'exportQuota':
			return `Marketo's daily export quota (500 MB unless Adobe raised it, shared with every integration) is spent, so ${at} was not exported.`;
		case 'jobFailed': {
			const spent = stop.bytes ? ` The quota Marketo counted for it (${stop.bytes} bytes) was spent without output.` : '';
			const next = outcome.split ? ` The next run exports it in windows of ${duration(outcome.split.seconds)} (Marketo advises smaller ranges when jobs fail).` : '';
			return `Marketo failed export job ${stop.exportId} of ${at}: "${stop.errorMsg ?? 'no reason given'}".${next}${spent}`;
		}
		case 'maxJobs':
			return `one run exports at most ${stop.max} windows (${LIMIT_LABELS.maxJobs}); the range holds ${stop.jobs}.`;
		case 'maxWait':
			return `Marketo had not finished ${at} within ${LIMIT_LABELS.maxWait}.`;
		case 'maxItems':
		case 'maxMemoryMb': {
			const size =
				stop.limit === 'maxItems'
					? `${stop.records} ${noun}, more than ${LIMIT_LABELS.maxItems} (${stop.max})`
					: `about ${stop.estimateMb} MB as items (${stop.shape}), more than ${LIMIT_LABELS.maxMemoryMb} (${stop.max})`;
			if (!stop.alone) return `with ${at} the output would hold ${size}, so the run stopped before it.`;
			if (!outcome.split) return `${at} alone holds ${size}.`;
			return `${at} alone holds ${size}. The next run exports it in windows of ${duration(outcome.split.seconds)}; the quota Marketo counted for its file (${outcome.bytesSpentOnSplit} bytes) was spent without output.`;
		}
	}
}

/** Runs (or, at the quota, days) like this one until caught up, at this run's pace. */
function estimate(outcome: CatchUpOutcome, stop: CatchUpStop): string {
	const { windowsDelivered, windowsLeft } = outcome;
	if (windowsDelivered === 0 || windowsLeft === 0) return '';
	const runs = Math.ceil(windowsLeft / windowsDelivered);
	if (stop.limit === 'exportQuota') return `, about ${runs} more ${runs === 1 ? 'day' : 'days'} at the quota this run had`;
	return `, about ${runs} more ${runs === 1 ? 'run' : 'runs'} like this one`;
}

function duration(seconds: number): string {
	const [amount, unit] = seconds >= 86_400 ? [seconds / 86_400, 'day'] : [seconds / 3600, 'hour'];
	const rounded = Math.round(amount * 10) / 10;
	return `${rounded} ${unit}${rounded === 1 ? '' : 's'}`;
}
