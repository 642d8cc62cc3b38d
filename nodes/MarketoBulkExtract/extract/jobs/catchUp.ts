import type { DateTime } from 'luxon';

import type { ExportJob } from '../../transport/exportJobApi';
import type { ItemBudget } from '../files/itemBudget';
import type { LimitReached } from '../model/limits';
import type { ExtractTask } from '../model/extractTask';
import type { SchedulerCatchUp } from './jobScheduler';
import { MIN_SPLIT_SECONDS, type WindowSplit } from '../model/windows';

/**
 * Why a catch-up run ended before its range's end: one of the run's limits,
 * Marketo's daily export quota, or a job Marketo failed (not at the quota).
 * `alone`: the window's file alone passes Max Items or Max Memory, so no run
 * could output it whole.
 */
export type CatchUpStop =
	| { limit: 'exportQuota' }
	| { limit: 'jobFailed'; exportId: string; errorMsg?: string; bytes?: number }
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
	/** Shorter windows for the next runs, when a window alone was too large or its job failed. */
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

	/** A job Marketo failed: its window is exported in halves by the next run; the job is dead. */
	failedJob?: { task: ExtractTask; job: ExportJob };

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
		/** Whether a failed job stops the run before its window (and splits it) rather than failing the run. */
		private readonly splitsFailedJobs = true,
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

	/**
	 * Marketo failed the window's job (not at the quota): Marketo's bulk
	 * extract page advises smaller ranges, so the run stops before the
	 * window, delivers those before it, and the next run exports it in
	 * halves. False where that cannot help (the window is an hour, the
	 * shortest split, or the user chose to fail): the run fails.
	 */
	failed(task: ExtractTask, job: ExportJob): { stops: true } | { stops: false; why?: string } {
		if (!this.splitsFailedJobs || !task.window) return { stops: false };
		if (this.stop && this.stop.index < task.index) return { stops: true };
		const split = this.halved(task);
		if (!split) {
			return {
				stops: false,
				why: 'Since Last Run exports the window of a failed job in halves, down to an hour (Marketo advises smaller ranges when jobs fail), and this window is an hour or less. The position stays before it; the windows before it are exported again by the next run.',
			};
		}
		this.stopAt(task.index, { limit: 'jobFailed', exportId: job.exportId, errorMsg: job.errorMsg, bytes: typeof job.fileSize === 'number' ? job.fileSize : undefined });
		this.failedJob = { task, job };
		this.split = split;
		// A window found too large after this one is judged again by the run that gets to it.
		if (this.tooLarge && this.tooLarge.task.index > task.index) this.tooLarge = undefined;
		return { stops: true };
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
		if (!reason || reason.limit === 'exportQuota' || reason.limit === 'jobFailed' || !reason.alone || this.split || this.frontier > 0) return undefined;
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
		if (!alone) return;
		// An hour is the shortest window: one still too large stays a limit the user must raise.
		const split = this.halved(task);
		if (!split) return;
		this.tooLarge = { task, job };
		this.split = split;
	}

	/** The split that exports the task's window in halves from here on; none for a window of an hour or less. */
	private halved(task: ExtractTask): WindowSplit | undefined {
		if (!task.window) return undefined;
		const seconds = Math.round(task.window.end.diff(task.window.start, 'seconds').seconds) + 1;
		if (seconds <= MIN_SPLIT_SECONDS) return undefined;
		const until = this.plannedSplit && this.plannedSplit.until > task.window.end ? this.plannedSplit.until : task.window.end;
		return { until, seconds: Math.max(MIN_SPLIT_SECONDS, Math.ceil(seconds / 2)) };
	}
}
