import type { ExportJob } from '../../transport/exportJobApi';
import { createJobBody, type ExportDefinition } from '../model/exportDefinition';
import type { ExtractTask } from '../model/extractTask';
import { describeWindow, planAround, type DateWindow, type PlannedWindow, type WindowSplit } from '../model/windows';

/**
 * An extract's tasks, in order: one per window of a date range (or one job),
 * each a new job's create body or a job to adopt. The one place a create body
 * is built for the engine.
 */

/** The plan's tasks: one per window of a date range (or one job), in order. */
export function plannedTasks(definition: ExportDefinition, maxWindowDays: number, split?: WindowSplit): ExtractTask[] {
	if (!definition.range) return [{ index: 0, label: definition.label, body: createJobBody(definition), enqueued: false }];
	return windowTasks(definition, planAround<ExportJob>(definition.range.start, definition.range.end, [], maxWindowDays, split));
}

/** One task per planned window, in order: a new job's (its create body), or an adopted job's. */
export function windowTasks(definition: ExportDefinition, plan: Array<PlannedWindow<ExportJob>>): ExtractTask[] {
	return plan.map(({ window, taken }, index) => {
		const label = `window ${index + 1}/${plan.length} (${describeWindow(window)})`;
		if (taken) return adoptedTask(taken, window, index, label);
		return { index, label, body: createJobBody(definition, window), window, enqueued: false };
	});
}

export function adoptedTask(found: ExportJob, window: DateWindow | undefined, index: number, label: string): ExtractTask {
	return { index, label, exportId: found.exportId, window, status: String(found.status), adopted: true, enqueued: false };
}
