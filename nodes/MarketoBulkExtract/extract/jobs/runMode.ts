import type { ExportJob } from '../../transport/exportJobApi';
import type { ItemBudget } from '../files/itemBudget';
import type { ExtractTask } from '../model/extractTask';
import { LimitReachedError, type LimitReached } from '../model/limits';
import type { WindowSplit } from '../model/windows';
import { CatchUpGate, type CatchUpOutcome } from './catchUp';
import type { SchedulerCatchUp } from './jobScheduler';
import { LIVE_STATUSES } from './leftOverJobs';

/**
 * How a run meets its limits, asked by the run at each one: "fail, or stop
 * here?". A fixed range (the user asked for exactly that range) fails at any
 * limit, before any call where it can. A catch-up run (Since Last Run)
 * delivers its windows in order up to the first limit and stops there
 * successfully, leaving the rest to the next run (catchUp.ts).
 */
export interface RunMode {
	/** Whether the record key is added to the jobs even for one window: a catch-up run's jobs must be alike across runs. */
	readonly keysEveryPlan: boolean;
	/** Whether the run asks Marketo's quota once before anything else: the last run met it, and it has not reset since. */
	readonly asksQuotaFirst: boolean;
	/** The split of the windows the run plans with, where an earlier run found one too large. */
	readonly split?: WindowSplit;
	/** Right after planning, before any call: the plan needs more than Max Jobs. */
	planned(tasks: ExtractTask[], maxJobs: number, windowDays: number): void;
	/** With the final tasks (left-overs adopted): where the run may stop, and the output's budget it admits files into. */
	begin(tasks: ExtractTask[], settings: { maxJobs: number; windowDays: number; budget?: ItemBudget; quotaStillSpent: boolean }): void;
	/** What the scheduler asks of the run; undefined: every task is wanted, and the quota fails the run. */
	readonly scheduler?: SchedulerCatchUp;
	/** A completed job: the tasks to download now, in window order. */
	toDownload(task: ExtractTask, job: ExportJob): Array<[ExtractTask, ExportJob]>;
	/** Max Wait met: true when the run stops here and delivers what it has; false fails it. */
	stopsAtMaxWait(reached: LimitReached): boolean;
	/** After the scheduler: a limit no later run could get past either, which fails the run. */
	stuck(): LimitReached | undefined;
	/** The tasks delivered (the journal forgets them), and the job never to adopt (a window too large to output). */
	delivered(tasks: ExtractTask[]): { delivered: ExtractTask[]; notToAdopt: ExtractTask[] };
	/** What a catch-up run got to and leaves, for the operation to save and say; undefined for a fixed range. */
	outcome(tasks: ExtractTask[], rangeEnd: CatchUpOutcome['rangeEnd']): CatchUpOutcome | undefined;
}

/** A fixed range: all of it, or an error. */
export class FixedRange implements RunMode {
	readonly keysEveryPlan = false;

	readonly asksQuotaFirst = false;

	readonly split = undefined;

	readonly scheduler = undefined;

	/** Says before the first call how many jobs the range needs, and refuses more than the run may plan. */
	planned(tasks: ExtractTask[], maxJobs: number, windowDays: number): void {
		if (tasks.length <= maxJobs) return;
		const first = tasks[0].label.replace(/^window 1\/\d+ /, '');
		const last = tasks[tasks.length - 1].label.replace(/^window \d+\/\d+ /, '');
		throw new LimitReachedError({ limit: 'maxJobs', jobs: tasks.length, max: maxJobs, first, last, windowDays });
	}

	begin(): void {}

	toDownload(task: ExtractTask, job: ExportJob): Array<[ExtractTask, ExportJob]> {
		return [[task, job]];
	}

	stopsAtMaxWait(): boolean {
		return false;
	}

	stuck(): undefined {
		return undefined;
	}

	delivered(tasks: ExtractTask[]): { delivered: ExtractTask[]; notToAdopt: ExtractTask[] } {
		return { delivered: tasks, notToAdopt: [] };
	}

	outcome(): undefined {
		return undefined;
	}
}

/** Since Last Run: the windows that fit, in order, then a successful stop. */
export class CatchUp implements RunMode {
	readonly keysEveryPlan = true;

	private gate?: CatchUpGate;

	constructor(
		readonly split: WindowSplit | undefined,
		/** The last run met the daily export quota, which has not reset since. */
		readonly asksQuotaFirst: boolean,
		/** Whether a job Marketo fails stops the run before its window (exported in halves next) instead of failing it. */
		private readonly splitsFailedJobs = true,
	) {}

	get scheduler(): SchedulerCatchUp | undefined {
		return this.gate;
	}

	/** A catch-up run takes the windows Max Jobs allows and leaves the rest to the next run (begin). */
	planned(): void {}

	begin(tasks: ExtractTask[], settings: { maxJobs: number; windowDays: number; budget?: ItemBudget; quotaStillSpent: boolean }): void {
		// The output's one budget: what the gate admits, the delivery does not count again.
		this.gate = new CatchUpGate(tasks, settings.budget, this.split, this.splitsFailedJobs);
		this.gate.limitJobs(settings.maxJobs, settings.windowDays);
		if (settings.quotaStillSpent) this.gate.quotaSpent(tasks[0]);
	}

	/** Windows are downloaded in order, each once it fits after those before it. */
	toDownload(): Array<[ExtractTask, ExportJob]> {
		return this.gate!.takeAccepted();
	}

	/** At Max Wait the run delivers what it has; the jobs it waited for stay for the next run. */
	stopsAtMaxWait(reached: LimitReached): boolean {
		this.gate!.waitedLongEnough(reached);
		return true;
	}

	stuck(): LimitReached | undefined {
		return this.gate!.stuck;
	}

	delivered(): { delivered: ExtractTask[]; notToAdopt: ExtractTask[] } {
		const { delivered, tooLarge, failedJob } = this.gate!;
		return { delivered, notToAdopt: [tooLarge?.task, failedJob?.task].filter((task): task is ExtractTask => task !== undefined) };
	}

	/** Where the run got to, and what it leaves: the windows after its stop, and their jobs in Marketo. */
	outcome(tasks: ExtractTask[], rangeEnd: CatchUpOutcome['rangeEnd']): CatchUpOutcome {
		const gate = this.gate!;
		const delivered = gate.delivered;
		const left = tasks.slice(delivered.length);
		const leftTasks = left.filter((task) => task.exportId && task !== gate.tooLarge?.task && LIVE_STATUSES.includes(String(task.status)));
		const stoppedAt = gate.stop ? tasks[gate.stop.index] : undefined;
		return {
			deliveredUntil: delivered.at(-1)?.window?.end,
			windowsDelivered: delivered.length,
			windowsLeft: left.length,
			rangeEnd,
			stop: gate.stop?.reason,
			stoppedAt: stoppedAt?.label,
			split: gate.split,
			bytesSpentOnSplit: gate.tooLarge?.job.fileSize ?? 0,
			leftForNextRun: leftTasks.map((task) => `export ${task.exportId} (${task.label}, ${String(task.status)})`),
			jobLeftAtStop: stoppedAt && leftTasks.includes(stoppedAt) ? stoppedAt.exportId : undefined,
		};
	}
}
