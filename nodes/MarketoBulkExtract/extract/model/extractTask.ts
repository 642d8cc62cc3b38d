import type { IDataObject } from 'n8n-workflow';

import type { JobStatus } from '../../transport/exportJobApi';
import type { DateWindow } from './windows';

/** One export job of an extract: a date window, a list, or an adopted job. */
export interface ExtractTask {
	/** Position in the extract; output keeps this order. */
	index: number;
	/** For messages: "window 2/4 (2026-02-01T00:00:00Z – …)". */
	label: string;
	/** The create body; absent when adopting an existing job. */
	body?: IDataObject;
	exportId?: string;
	/** Last status seen. */
	status?: JobStatus | string;
	/** False while Marketo's queue was full at enqueue; enqueue is tried again at each poll. */
	enqueued: boolean;
	/** The task's date window, when the export has a date range. */
	window?: DateWindow;
	/** True once this run created the job: only such jobs are ever cancelled by it. */
	created?: boolean;
	/** A job an earlier run left, adopted instead of creating one. */
	adopted?: boolean;
}
