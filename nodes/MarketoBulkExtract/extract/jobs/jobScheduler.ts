import type { MarketoClient } from '../../transport';
import {
	cancelExportJob,
	createExportJob,
	enqueueExportJob,
	getExportJobStatus,
	isKnownStatus,
	JOB_STATUSES,
	type ExportJob,
} from '../../transport/exportJobApi';
import { isMarketoError } from '../../transport/marketoErrors';
import { EngineError } from '../model/engineError';
import type { ExtractTask } from '../model/extractTask';
import { LimitReachedError } from '../model/limits';

/** The longest a run sleeps without saying it is alive (keepAlive). */
const KEEP_ALIVE_MS = 60_000;

export interface SchedulerOptions {
	/** Called at every poll: the run is alive (Since Last Run's lease, runLease.ts). */
	keepAlive?: () => Promise<void>;
	/** The endpoints of the export kind's jobs (ExportKind.readExportPath). */
	exportPath: string;
	/** Jobs of this extract in Marketo's queue at once (Marketo processes at most 2 per subscription). */
	concurrency: number;
	pollIntervalMs: number;
	/** Epoch ms after which the extract gives up waiting. */
	deadline: number;
	/** Called the moment Marketo created a task's job, before it is enqueued (the job journal). */
	onCreated?: (task: ExtractTask) => Promise<void>;
	/**
	 * A catch-up run (catchUp.ts): where it stops, decided as jobs complete.
	 * Without one, every task is wanted and the daily export quota fails the run.
	 */
	catchUp?: SchedulerCatchUp;
}

/** What the scheduler asks of a catch-up run, which delivers its windows up to where a limit stops it. */
export interface SchedulerCatchUp {
	/** Whether the task's window lies before where the run stops: a task that is not is neither created nor waited for. */
	wanted(task: ExtractTask): boolean;
	/** A job seen Completed, told before any further job is created, so the run can stop creating. */
	completed(task: ExtractTask, job: ExportJob): void;
	/** Marketo's daily export quota refused the task's create or enqueue, or failed its job: the run stops there. */
	quotaSpent(task: ExtractTask): void;
	/** Marketo failed the task's job (not at the quota): whether the run stops before its window; if not, why, for the error. */
	failed(task: ExtractTask, job: ExportJob): { stops: true } | { stops: false; why?: string };
}

/**
 * Runs the tasks' export jobs through Marketo: creates and enqueues up to
 * `concurrency` at a time, polls their status at the polling interval, and
 * hands each Completed job to `onCompleted` (the download). When a job
 * completes, the next task's job is created and enqueued before the download
 * starts, so Marketo processes it meanwhile. Jobs still in flight when
 * something fails are left in `inFlight` for the caller to cancel.
 */
export class JobScheduler {
	readonly inFlight: ExtractTask[] = [];

	/** Completed jobs whose download had not started when the run stopped. */
	private readonly ready: Array<[ExtractTask, ExportJob]> = [];

	get completedNotDownloaded(): ExtractTask[] {
		return this.ready.map(([task]) => task);
	}

	constructor(
		private readonly client: MarketoClient,
		private readonly options: SchedulerOptions,
		private readonly log: (message: string) => void,
	) {}

	async run(tasks: ExtractTask[], onCompleted: (task: ExtractTask, job: ExportJob) => Promise<void>): Promise<void> {
		const pending = [...tasks];
		const ready = this.ready;
		for (;;) {
			while (this.active().length < this.options.concurrency && pending.length > 0) {
				const task = pending.shift()!;
				if (!this.wanted(task)) continue;
				// In flight from the start, so a job whose enqueue fails is still cancelled on the way out.
				this.inFlight.push(task);
				const job = await this.start(task);
				if (job?.status === 'Completed') this.completed(task, job);
			}
			const next = ready.shift();
			if (next) {
				await onCompleted(...next);
				continue;
			}
			if (this.active().length === 0) return;
			await this.options.keepAlive?.();
			await this.waitForNextPoll();
			for (const task of this.active()) {
				const job = await this.poll(task);
				if (job?.status === 'Completed') this.completed(task, job);
			}
		}
	}

	/** The jobs in flight the run still waits for; a catch-up run leaves those past its stop to the next run. */
	private active(): ExtractTask[] {
		return this.inFlight.filter((task) => this.wanted(task));
	}

	private wanted(task: ExtractTask): boolean {
		return this.options.catchUp?.wanted(task) ?? true;
	}

	private completed(task: ExtractTask, job: ExportJob): void {
		this.inFlight.splice(this.inFlight.indexOf(task), 1);
		this.ready.push([task, job]);
		this.options.catchUp?.completed(task, job);
	}

	/** A catch-up run stops at the task the daily export quota refused; any other run fails with Marketo's error. */
	private quotaStops(task: ExtractTask, quotaSpent: boolean): boolean {
		if (!(this.options.catchUp && quotaSpent)) return false;
		this.log(`${task.label}: Marketo's daily export quota is spent; the run stops before this window`);
		this.options.catchUp.quotaSpent(task);
		return true;
	}

	/** Creates (or adopts) the task's job and enqueues it; returns the job when it is already Completed. */
	private async start(task: ExtractTask): Promise<ExportJob | undefined> {
		let job: ExportJob;
		if (task.exportId) {
			job = await getExportJobStatus(this.client, this.options.exportPath, task.exportId);
			this.observe(task, job);
			this.refuseEnded(task, job);
			if (job.status !== 'Created') {
				task.enqueued = true;
				return job;
			}
		} else {
			const created = await createExportJob(this.client, this.options.exportPath, task.body!).catch((error: unknown) => {
				if (this.quotaStops(task, isMarketoError(error, 'exportQuota'))) return undefined;
				return Promise.reject(error);
			});
			if (!created) {
				// Nothing was created: the task leaves the jobs in flight.
				this.inFlight.splice(this.inFlight.indexOf(task), 1);
				return undefined;
			}
			job = created;
			task.exportId = job.exportId;
			task.created = true;
			this.observe(task, job);
			await this.options.onCreated?.(task);
		}
		await this.tryEnqueue(task);
		return undefined;
	}

	private async tryEnqueue(task: ExtractTask): Promise<void> {
		const job = await enqueueExportJob(this.client, this.options.exportPath, task.exportId!).catch(async (error: unknown) => await this.enqueueRefused(task, error));
		task.enqueued = job !== undefined;
		if (job) this.observe(task, job);
	}

	/** Marketo refused to enqueue: the quota stops a catch-up run there, a full queue is asked again at the next poll, anything else fails. */
	private async enqueueRefused(task: ExtractTask, error: unknown): Promise<undefined> {
		if (this.quotaStops(task, isMarketoError(error, 'exportQuota'))) {
			// Left, it would be a second job for its window once the quota resets; nothing was exported.
			if (task.created) {
				await cancelExportJob(this.client, this.options.exportPath, task.exportId!).then(
					() => (task.status = 'Cancelled'),
					() => undefined,
				);
			}
			return undefined;
		}
		if (!isMarketoError(error, 'queueFull')) throw error;
		this.log(`${task.label}: Marketo's export queue is full (10 jobs); enqueue will be tried again`);
		return undefined;
	}

	private async poll(task: ExtractTask): Promise<ExportJob | undefined> {
		if (!task.enqueued) {
			await this.tryEnqueue(task);
			return undefined;
		}
		const job = await getExportJobStatus(this.client, this.options.exportPath, task.exportId!);
		this.observe(task, job);
		this.refuseEnded(task, job);
		if (job.status === 'Created') task.enqueued = false;
		return job;
	}

	/** A job that failed, was cancelled, or is in a state this node does not know ends the extract. */
	private refuseEnded(task: ExtractTask, job: ExportJob): void {
		if (!isKnownStatus(job.status)) {
			throw new EngineError(
				`Marketo reported the status "${String(job.status)}" for export job ${job.exportId} (${task.label}); this node knows ${JOB_STATUSES.join(', ')}.`,
				'Waiting for a status the node does not know could last until the longest wait the run allows, so the extract stops here. Check the job with Get Job Status; if Marketo has introduced a new status, please report it.',
				'marketo',
			);
		}
		if (job.status === 'Failed') {
			// Marketo may fail a queued job when the quota runs out while it waits.
			if (this.quotaStops(task, /quota/i.test(String(job.errorMsg ?? '')))) return;
			const reason = job.errorMsg ?? 'Marketo gave no reason';
			const caughtUp = this.options.catchUp?.failed(task, job);
			if (caughtUp?.stops) {
				this.log(`${task.label}: export ${job.exportId} failed (${reason}); the run stops before this window, and the next exports it in halves`);
				this.inFlight.splice(this.inFlight.indexOf(task), 1);
				return;
			}
			throw new EngineError(
				`Marketo export job ${job.exportId} (${task.label}) failed: ${reason}`,
				(caughtUp?.why ? `${caughtUp.why} ` : '') + 'Marketo could not build the file. Run the extract again; if it fails again, check the fields and filter.',
			);
		}
		if (job.status === 'Cancelled') {
			throw new EngineError(
				`Marketo export job ${job.exportId} (${task.label}) was cancelled outside this execution.`,
				'Someone or something cancelled the job (another workflow, or Cancel Job). Run the extract again.',
			);
		}
	}

	private observe(task: ExtractTask, job: ExportJob): void {
		if (task.status !== job.status) {
			this.log(`${task.label}: export ${job.exportId} is ${job.status}`);
			task.status = job.status;
		}
	}

	private async waitForNextPoll(): Promise<void> {
		const remaining = this.options.deadline - Date.now();
		if (remaining <= 0) throw new LimitReachedError({ limit: 'maxWait' });
		// A long poll interval is slept a minute at a time, so the run shows it is alive meanwhile.
		const until = Date.now() + Math.min(this.options.pollIntervalMs, remaining);
		for (let left = until - Date.now(); left > 0; left = until - Date.now()) {
			await this.client.wait(Math.min(left, KEEP_ALIVE_MS));
			if (until - Date.now() > 0) await this.options.keepAlive?.();
		}
	}

	/**
	 * Cancels the jobs in flight that this run created; a job it adopted may
	 * serve another execution too, so it is left running. Returns what happened
	 * to each, for the error message, and the tasks whose job was cancelled.
	 */
	async cancelInFlight(): Promise<{ outcomes: string[]; cancelled: ExtractTask[] }> {
		const outcomes: string[] = [];
		const cancelled: ExtractTask[] = [];
		for (const task of this.inFlight) {
			if (!task.exportId) continue;
			if (!task.created) {
				outcomes.push(`${task.exportId} (${task.label}) left running: this run adopted it and did not create it`);
				continue;
			}
			try {
				await cancelExportJob(this.client, this.options.exportPath, task.exportId);
				outcomes.push(`${task.exportId} (${task.label}) cancelled`);
				cancelled.push(task);
			} catch (error) {
				outcomes.push(`${task.exportId} (${task.label}) could not be cancelled: ${(error as Error).message}`);
			}
		}
		return { outcomes, cancelled };
	}
}
