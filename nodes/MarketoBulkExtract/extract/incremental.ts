import { DateTime } from 'luxon';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

/**
 * "Since last run": the end of the last successful extract's range (its
 * high-watermark) kept in the node's static data, one per position: the
 * resource and its date filter, e.g. `leadExport.updatedAt`.
 * n8n saves static data only for executions of an active workflow (trigger
 * runs), not for manual test runs: a manual run always starts from the first
 * run's start date and moves nothing.
 */
const STATE_KEY = 'sinceLastRun';

function state(ctx: IExecuteFunctions): IDataObject {
	const staticData = ctx.getWorkflowStaticData('node');
	staticData[STATE_KEY] ??= {};
	return staticData[STATE_KEY] as IDataObject;
}

export function readHighWatermark(ctx: IExecuteFunctions, position: string): DateTime | undefined {
	const saved = (state(ctx)[position] as IDataObject | undefined)?.highWatermark;
	if (typeof saved !== 'string') return undefined;
	const parsed = DateTime.fromISO(saved, { zone: 'utc' });
	return parsed.isValid ? parsed : undefined;
}

export function saveHighWatermark(ctx: IExecuteFunctions, position: string, end: DateTime): void {
	state(ctx)[position] = {
		highWatermark: end.toUTC().toISO({ suppressMilliseconds: true }),
		savedAt: DateTime.utc().toISO({ suppressMilliseconds: true }),
	};
}

export function forgetHighWatermark(ctx: IExecuteFunctions, position: string): void {
	delete state(ctx)[position];
}
