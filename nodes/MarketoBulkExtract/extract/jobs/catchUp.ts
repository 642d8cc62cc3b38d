import type { DateTime } from 'luxon';

import type { ExportJob } from '../../transport/exportJobApi';
import type { ItemBudget } from '../files/itemBudget';
import type { LimitReached } from '../model/limits';
import type { ExtractTask } from '../model/extractTask';
import type { SchedulerCatchUp } from './jobScheduler';
import { MIN_SPLIT_SECONDS, type WindowSplit } from '../model/windows';

/**
 * Why a catch-up run ended before its range's end: one of the run's limits,
 * or Marketo's daily export quota. `alone`: the window's file alone passes
 * Max Items or Max Memory, so no run could output it whole.
 */
export type CatchUpStop =
	| { limit: 'exportQuota' }
	| (LimitReached & { alone?: boolean });

/** What a catch-up run delivered and where the next goes on: for the operation to save and say. */
export interface CatchUpOutcome {
	/** The end of the last window delivered; undefined when none was. */
	deliveredUntil?: DateTime;
	windowsDelivered: number;
	/** Windows of the range not delivered; 0 when the run reached the range's end. */
	windowsLeft: number;
	/** The range's end: where the sync catches up to. */
	rangeEnd?: DateTime;
	/** Why the run stopped early; undefined when it delivered its whole range. */
	stop?: CatchUpStop;
	/** The window it stopped at, for messages. */
	stoppedAt?: string;
	/** Shorter windows for the next runs, when a window alone was too large. */
	split?: WindowSplit;
	/** Bytes Marketo exported for a window this run could not output (the quota a split costs). */
	bytesSpentOnSplit: number;
	/** Jobs left in Marketo for the next run to adopt: "export … (window …, Completed)". */
	leftForNextRun: string[];
	/**
	 * The job of the window the run stopped at, when it is left in Marketo
	 * (the quota refused its enqueue, and its cancel failed too): the next run
	 * must adopt it, not ask the quota with a new job for that window.
	 */
	jobLeftAtStop?: string;
}

/**
 * Since Last Run delivers its windows in order, up to where a limit stops it,
 * and commits them: the position moves to the end of the last window
 * delivered and the run ends successfully, so a schedule drains a backlog
 * larger than one run. This decides, as jobs complete, which windows are
 * delivered: only the longest run of consecutive windows from the range's
 * start that fits the output's limits (a window that completes early waits
 * for the ones before it; none is delivered across a gap). Once the run knows
 * where it stops, the scheduler creates no more jobs; jobs past the stop are
 * neither cancelled nor exported again: the next run adopts them.
 */
export class CatchUpGate implements SchedulerCatchUp {
	/** Where the run stops and why: the first window it will not deliver. */
	stop?: { index: number; reason: CatchUpStop };

	split?: WindowSplit;

	/** A job whose file alone is too large: never adopted, and its quota was spent for nothing. */
	tooLarge?: { task: ExtractTask; job: ExportJob };

	private readonly seen = new Map<number, ExportJob>();

	private readonly accepted: Array<[ExtractTask, ExportJob]> = [];

	/** The first window not yet accepted for delivery. */
	private frontier = 0;

	constructor(
		private readonly tasks: ExtractTask[],
		/** Max Items and Max Memory for an items output; undefined for files alone. */
		private readonly budget: ItemBudget | undefined,
		/** The split the run was planned with: a new one keeps its reach. */
		private readonly plannedSplit: WindowSplit | undefined,
	) {}

	/** The run's other limit: at most `maxJobs` windows; the rest wait for the next run. */
	limitJobs(maxJobs: number, windowDays: number): void {
		const { tasks } = this;
		if (tasks.length <= maxJobs) return;
		this.stopAt(maxJobs, { limit: 'maxJobs', jobs: tasks.length, max: maxJobs, first: tasks[0].label, last: tasks[tasks.length - 1].label, windowDays });
	}

	wanted(task: ExtractTask): boolean {
		return this.stop === undefined || task.index < this.stop.index;
	}

	completed(task: ExtractTask, job: ExportJob): void {
		this.seen.set(task.index, job);
		while (this.frontier < this.tasks.length && this.wanted(this.tasks[this.frontier])) {
			const next = this.seen.get(this.frontier);
			if (!next) return;
			const reached = this.budget?.admit(next);
			if (reached) {
				this.stopForSize(this.tasks[this.frontier], next, reached);
				return;
			}
			this.accepted.push([this.tasks[this.frontier], next]);
			this.frontier++;
		}
	}

	quotaSpent(task: ExtractTask): void {
		this.stopAt(task.index, { limit: 'exportQuota' });
	}

	/** Max Wait: the run delivers what it has; the jobs it waited for are left for the next run. */
	waitedLongEnough(reached: LimitReached): void {
		this.stopAt(this.frontier, reached);
	}

	/** The windows accepted since last asked, in window order, for download. */
	takeAccepted(): Array<[ExtractTask, ExportJob]> {
		return this.accepted.splice(0);
	}

	/** The windows delivered: those before the frontier (each was downloaded when accepted). */
	get delivered(): ExtractTask[] {
		return this.tasks.slice(0, this.frontier);
	}

	/** A window of an hour whose file alone passes a limit, with nothing before it: no run could deliver it. */
	get stuck(): LimitReached | undefined {
		const reason = this.stop?.reason;
		if (!reason || reason.limit === 'exportQuota' || !reason.alone || this.split || this.frontier > 0) return undefined;
		return reason;
	}

	private stopAt(index: number, reason: CatchUpStop): void {
		if (this.stop === undefined || index < this.stop.index) this.stop = { index, reason };
	}

	/**
	 * The next window does not fit with those before it: the run stops before
	 * it, and the next run adopts its job. When it does not fit on its own
	 * either, the next run exports its window in halves (down to an hour), and
	 * its job is not adopted again.
	 */
	private stopForSize(task: ExtractTask, job: ExportJob, reached: LimitReached): void {
		const alone = this.budget?.exceededAlone(job) !== undefined;
		this.stopAt(task.index, { ...reached, alone });
		if (!alone || !task.window) return;
		const seconds = Math.round(task.window.end.diff(task.window.start, 'seconds').seconds) + 1;
		// An hour is the shortest window: one still too large stays a limit the user must raise.
		if (seconds <= MIN_SPLIT_SECONDS) return;
		this.tooLarge = { task, job };
		const until = this.plannedSplit && this.plannedSplit.until > task.window.end ? this.plannedSplit.until : task.window.end;
		this.split = { until, seconds: Math.max(MIN_SPLIT_SECONDS, Math.ceil(seconds / 2)) };
	}
}
