import { DateTime } from 'luxon';
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { MAX_DELETED_LEADS_PAGES, readDeletedLeads, type DeletedLeadsResult } from '../../extract/deletions/deletedLeads';
import { toMarketoDateTime } from '../../helpers/marketoValues';
import type { MarketoClient } from '../../transport';
import { MarketoApiError } from '../../transport/marketoErrors';
import { alphabetical, forOperations } from '../common.descriptions';
import { invalidParameter, readChoice, readDateTime, toNumber } from '../parameters';
import type { ResourceDeclaration } from '../resource';
import { firstRunStartAtProperty, resetSinceLastRunOption, withSinceLastRun } from '../sinceLastRun';

/**
 * Get Deleted Leads, an operation of Lead Export: the leads deleted since a
 * moment, one item each (the lead ID and when), from Marketo's REST endpoint,
 * not a bulk job. It lives with the lead exports because its items are what
 * a lead mirror needs beside them: the rows to delete. Since Last Run keeps a
 * position of its own (`leadExport.deletedLeads`).
 * https://developer.adobe.com/marketo-apis/api/mapi/#tag/Activities/operation/getDeletedLeadsUsingGET
 */

export const OPERATION = 'getDeletedLeads';

export const option: INodePropertyOptions = {
	name: 'Get Deleted Leads',
	value: OPERATION,
	action: 'Get deleted leads',
	description: 'The leads deleted since a moment or since the last run: one item per lead (Marketo keeps them 14 days)',
};

/**
 * Since Last Run reads up to this long before now: Marketo lists a deletion
 * in its activity log a moment after it happens, and a run that read its
 * second too early would leave it behind for good. Five minutes is far more
 * than that moment, and nothing for a schedule.
 */
const SETTLE_SECONDS = 300;
/** Marketo may prune deletions older than this. */
const HORIZON_DAYS = 14;
const POSITION = 'leadExport.deletedLeads';
const RANGES = ['since', 'sinceLastRun'] as const;
const MAX_ITEMS = { label: 'Max Items', min: 1, max: 100_000_000, integer: true, fallback: 100_000 } as const;

export const description = (resource: ResourceDeclaration): INodeProperties[] =>
	forOperations(resource, [OPERATION], [
		{
			displayName: 'Range',
			name: 'deletedRange',
			type: 'options',
			default: 'sinceLastRun',
			options: [
				{ name: 'Since a Date', value: 'since', description: 'The leads deleted from Deleted Since up to now' },
				{
					name: 'Since Last Run',
					value: 'sinceLastRun',
					description: 'The leads deleted since the previous run’s end, up to now (for scheduled workflows)',
				},
			],
		},
		...updateDisplayOptions({ show: { deletedRange: ['since'] } }, [
			{
				displayName: 'Deleted Since',
				name: 'deletedSince',
				type: 'dateTime',
				required: true,
				default: '',
				description: 'The leads deleted at or after this moment. Marketo keeps deletions for 14 days and may prune older ones.',
			},
		]),
		...updateDisplayOptions({ show: { deletedRange: ['sinceLastRun'] } }, [firstRunStartAtProperty('Marketo keeps deletions 14 days: start at most 14 days ago.')]),
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: alphabetical([
				{
					displayName: 'Max Items',
					name: 'maxItems',
					type: 'number',
					default: 100000,
					typeOptions: { minValue: 1, maxValue: 100000000 },
					description:
						'The most deleted leads one run outputs (1 to 100,000,000). Since Last Run goes on from there at the next run; Since a Date fails instead.',
				},
				{ ...resetSinceLastRunOption, displayOptions: { show: { '/deletedRange': ['sinceLastRun'] } } },
			]),
		},
	]);

export async function execute(this: IExecuteFunctions, client: MarketoClient, itemIndex: number): Promise<INodeExecutionData[]> {
	const range = readChoice(this, itemIndex, { name: 'deletedRange', label: 'Range', choices: RANGES, fallback: 'sinceLastRun' });
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const maxItems = toNumber(this, itemIndex, options.maxItems, MAX_ITEMS);
	if (range === 'since') return await sinceDate(this, itemIndex, client, maxItems);
	// A second run waits for the first: deletions are read in seconds, not hours.
	const wait = { pollIntervalMs: client.instance.isLoopback ? 50 : 5000, maxWaitMs: 10 * 60_000, lagSeconds: SETTLE_SECONDS };
	return await withSinceLastRun(this, itemIndex, client, POSITION, wait, async ({ position, start, end, keepAlive }) => {
		const resume = new ResumeToken(this, start);
		const resumeFrom = resume.read();
		const result = await readDeletedLeads(client, { start, end }, maxItems, keepAlive, resumeFrom).catch(async (error: unknown) => {
			// A token Marketo no longer takes costs the pages it skipped, read again from a new one.
			if (resumeFrom === undefined || !(error instanceof MarketoApiError)) throw error;
			return await readDeletedLeads(client, { start, end }, maxItems, keepAlive);
		});
		resume.save(result.resumeToken);
		if (result.coveredUntil >= start) await position.save(result.coveredUntil);
		hint(this, summary(result, start));
		warnRefused(this, result);
		if (result.stop) {
			const goesOn = result.resumeToken
				? `None of its pages held a deletion of the range, so the position stays at ${toMarketoDateTime(start.minus({ seconds: 1 }))}; the next run goes on from the page where this one stopped, not from the first again.`
				: `It delivered the deleted leads up to ${toMarketoDateTime(result.coveredUntil)}; the next run goes on from ${toMarketoDateTime(result.coveredUntil.plus({ seconds: 1 }))}.`;
			const message = `Since Last Run has not caught up yet: ${STOPS[result.stop](maxItems)}. ${goesOn}`;
			this.logger.warn(`Marketo Get Deleted Leads: ${message}`);
			hint(this, message, 'warning');
		}
		warnBeyondHorizon(this, start);
		return result.records.map((json) => ({ json }));
	});
}

async function sinceDate(ctx: IExecuteFunctions, itemIndex: number, client: MarketoClient, maxItems: number): Promise<INodeExecutionData[]> {
	const start = readDateTime(ctx, itemIndex, 'deletedSince', 'Deleted Since');
	const end = DateTime.utc().startOf('second');
	if (start > end) {
		throw invalidParameter(ctx, itemIndex, 'Deleted Since', `${toMarketoDateTime(start)} is in the future`, 'Set it to a moment in the last 14 days, e.g. {{ $now.minus({ days: 1 }) }}.');
	}
	const result = await readDeletedLeads(client, { start, end }, maxItems);
	if (result.stop === 'maxItems') {
		throw new NodeOperationError(ctx.getNode(), `More than ${maxItems} leads were deleted since ${toMarketoDateTime(start)} (Max Items).`, {
			itemIndex,
			description: 'Nothing was output. Raise Max Items, or use Since Last Run, which outputs them over several runs.',
		});
	}
	if (result.stop) {
		throw new NodeOperationError(ctx.getNode(), `Get Deleted Leads since ${toMarketoDateTime(start)} did not reach now: ${STOPS[result.stop](maxItems)}.`, {
			itemIndex,
			description: `Nothing was output. Deleted Since a more recent moment reads fewer pages; Since Last Run goes on over several runs.`,
		});
	}
	hint(ctx, summary(result, start));
	warnRefused(ctx, result);
	warnBeyondHorizon(ctx, start);
	return result.records.map((json) => ({ json }));
}

/** Why a run stopped before now, in the editor's words. */
const STOPS: Record<NonNullable<DeletedLeadsResult['stop']>, (maxItems: number) => string> = {
	maxItems: (maxItems) => `this run output ${maxItems} or more deleted leads (Max Items)`,
	pages: () => `this run read ${MAX_DELETED_LEADS_PAGES} pages, the most one run reads`,
	stuckToken: () => 'Marketo answered a paging token it had answered before, with more to come',
};

function summary(result: DeletedLeadsResult, start: DateTime): string {
	const repeated = result.repeated > 0 ? `; ${result.repeated} deletions Marketo answered twice output once` : '';
	return `Get Deleted Leads: ${result.records.length} deleted leads from ${toMarketoDateTime(start)} to ${toMarketoDateTime(result.coveredUntil)}, ${result.pages} ${result.pages === 1 ? 'page' : 'pages'}${repeated}.`;
}

/** Entries that name no lead are never output, and never silently: a mirror should know. */
function warnRefused(ctx: IExecuteFunctions, result: DeletedLeadsResult): void {
	if (result.refused === 0) return;
	const message = `${result.refused} ${result.refused === 1 ? 'entry' : 'entries'} of Get Deleted Leads refused and not output: a lead ID that is not a positive integer, or no date. Marketo's lead IDs are positive integers; converting another value would name another lead, and a mirror would delete it.`;
	ctx.logger.warn(`Marketo Get Deleted Leads: ${message}`);
	hint(ctx, message, 'warning');
}

/**
 * Where a run that met the most pages with nothing to deliver stopped in
 * Marketo's pages, kept in static data beside the position: the next run
 * from the same start asks from there instead of reading those pages again.
 * Only a hint to save calls: one lost, or refused by Marketo, costs the pages
 * once more, never a deletion.
 */
class ResumeToken {
	private static readonly KEY = 'deletedLeadsResume';

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly start: DateTime,
	) {}

	read(): string | undefined {
		const saved: unknown = this.ctx.getWorkflowStaticData('node')[ResumeToken.KEY];
		if (typeof saved !== 'object' || saved === null) return undefined;
		const { from, token } = saved as IDataObject;
		return from === toMarketoDateTime(this.start) && typeof token === 'string' && token !== '' ? token : undefined;
	}

	save(token: string | undefined): void {
		const staticData = this.ctx.getWorkflowStaticData('node');
		if (token) staticData[ResumeToken.KEY] = { from: toMarketoDateTime(this.start), token };
		else delete staticData[ResumeToken.KEY];
	}
}

/** Marketo may prune deletions older than 14 days: a range that starts before then may miss some, said out loud. */
function warnBeyondHorizon(ctx: IExecuteFunctions, start: DateTime): void {
	const horizon = DateTime.utc().minus({ days: HORIZON_DAYS }).startOf('second');
	if (start >= horizon) return;
	const message = `Deletions before ${toMarketoDateTime(horizon)} may be missing: this range starts at ${toMarketoDateTime(start)}, and Marketo keeps deleted leads for ${HORIZON_DAYS} days. To bring a mirror back to exact after a longer pause, run the reconcile described in the README ("Bringing a mirror back to exact").`;
	ctx.logger.warn(`Marketo Get Deleted Leads: ${message}`);
	hint(ctx, message, 'warning');
}

function hint(ctx: IExecuteFunctions, message: string, type: 'info' | 'warning' = 'info'): void {
	ctx.addExecutionHints({ message, type, location: 'outputPane' });
}
