import type { ExportJob } from '../../transport/exportJobApi';
import { estimateItemsMemory, MEGABYTE, type ItemsMemoryInput } from './itemsMemory';
import type { LimitReached } from '../model/limits';

/** The two limits of an items output: Max Items and Max Memory (MB). */
export interface ItemLimits {
	maxItems: number;
	maxMemoryMb: number;
}

/**
 * What the files of one output may add up to as items, n8n holding them in
 * memory: counted from what each job's status says before its file is
 * downloaded (numberOfRecords, fileSize). FileDelivery refuses a file that
 * would pass a limit; a catch-up run (catchUp.ts) stops before it instead.
 * Both admit files into the one budget of the output, each file once, so
 * they never disagree on what fits.
 */
export class ItemBudget {
	private readonly taken = { records: 0, fileSize: 0 };

	/** The jobs whose files are admitted: a second admission of one is not counted again. */
	private readonly admitted = new Set<string>();

	constructor(
		private readonly limits: ItemLimits,
		/** The files' columns, for the memory estimate; undefined for a job made elsewhere. */
		private readonly columns: number | undefined,
		private readonly noun: string,
	) {}

	/** The limit this job's file would pass on top of what is admitted; undefined when it fits, and then it is admitted. */
	admit(job: ExportJob): LimitReached | undefined {
		if (this.admitted.has(job.exportId)) return undefined;
		const reached = this.check({ records: this.taken.records + recordsOf(job), fileSize: this.taken.fileSize + sizeOf(job), columns: this.columns });
		if (reached) return reached;
		this.admitted.add(job.exportId);
		this.taken.records += recordsOf(job);
		this.taken.fileSize += sizeOf(job);
		return undefined;
	}

	/** The limit this job's file passes on its own, in an output of nothing else. */
	exceededAlone(job: ExportJob): LimitReached | undefined {
		return this.check({ records: recordsOf(job), fileSize: sizeOf(job), columns: this.columns });
	}

	private check(output: ItemsMemoryInput): LimitReached | undefined {
		const { maxItems, maxMemoryMb } = this.limits;
		if (output.records > maxItems) return { limit: 'maxItems', records: output.records, max: maxItems, noun: this.noun };
		const estimateMb = Math.ceil(estimateItemsMemory(output) / MEGABYTE);
		if (estimateMb <= maxMemoryMb) return undefined;
		const shape = output.columns === undefined ? `${output.fileSize} bytes of file` : `${output.records} ${this.noun} × ${output.columns} columns`;
		return { limit: 'maxMemoryMb', estimateMb, max: maxMemoryMb, shape };
	}
}

const recordsOf = (job: ExportJob): number => (typeof job.numberOfRecords === 'number' ? job.numberOfRecords : 0);
const sizeOf = (job: ExportJob): number => (typeof job.fileSize === 'number' ? job.fileSize : 0);
