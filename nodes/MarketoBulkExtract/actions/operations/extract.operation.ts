import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ExportDefinition } from '../../extract/model/exportDefinition';
import type { ExportProfile } from '../../extract/model/exportProfile';
import { runExtract, type ExtractResult, type ExtractSettings, type ExtractSource, type OutputMode } from '../../extract/jobs/extractRun';
import { MAX_WINDOW_DAYS } from '../../extract/model/windows';
import { nextQuotaReset } from '../../helpers/quotaReset';
import type { MarketoClient } from '../../transport';
import { alphabetical, exportIdProperty, forOperations, outputOptions } from '../common.descriptions';
import { catchUpReport } from '../catchUpReport';
import { inEditorWords } from '../engineErrors';
import { itemOutputOptions, readItemOutput } from '../itemOutputOptions';
import { matchChoice, readBinaryPropertyName, readChoice, readExportId, toBoolean, toNumber } from '../parameters';
import { firstRunStartAtProperty, resetSinceLastRunOption, withSinceLastRun } from '../sinceLastRun';
import { lookBackHints, lookBackOption, openLookBack, readLookBackMinutes, whatToKeep } from '../lookBack';
import { END_LAG_SECONDS } from '../../extract/model/lookBack';
import type { ExportKind, ResourceDeclaration } from '../resource';

/** Defaults when an option is not set; the same literals stand in the description (lint wants literals there). */
export const EXTRACT_DEFAULTS = {
	pollIntervalSeconds: 60,
	maxWaitMinutes: 240,
	concurrency: 2,
	maxJobs: 48,
} as const;

const NEW_JOB = { jobSource: ['new'] };

/** The composite operation of a resource: its value is the resource's `extract.value`. */
export const description = (resource: ResourceDeclaration): INodeProperties[] => {
	const { head, dateRangeShow, dateRange, tail } = resource.definition;
	const record = resource.recordName.toLowerCase();
	return forOperations(resource, [resource.extract.value], [
		{
			displayName: 'Job',
			name: 'jobSource',
			type: 'options',
			default: 'new',
			options: [
				{ name: 'Define a New Export', value: 'new', description: 'Create, enqueue, wait for and download new export jobs' },
				{
					name: 'Adopt an Existing Job',
					value: 'existing',
					description: 'Pick up a job created earlier, wherever it is: Created, Queued, Processing or Completed',
				},
			],
		},
		...updateDisplayOptions({ show: { jobSource: ['existing'] } }, [exportIdProperty]),
		...updateDisplayOptions({ show: NEW_JOB }, head),
		...updateDisplayOptions({ show: { ...NEW_JOB, ...dateRangeShow } }, [
			{
				displayName: 'Range',
				name: 'rangeMode',
				type: 'options',
				default: 'fixed',
				options: [
					{ name: 'Fixed Dates', value: 'fixed', description: `From Start At to End At; any length, split into ${MAX_WINDOW_DAYS}-day jobs` },
					{
						name: 'Since Last Run',
						value: 'sinceLastRun',
						description:
							'From just after the previous run’s end up to now (for scheduled workflows), reading again the minutes before it for what Marketo writes late (Look Back). A backlog larger than one run’s limits drains over several runs, window by window.',
					},
				],
			},
		]),
		...updateDisplayOptions({ show: { ...NEW_JOB, rangeMode: ['fixed'], ...dateRangeShow } }, dateRange),
		...updateDisplayOptions({ show: { ...NEW_JOB, rangeMode: ['sinceLastRun'], ...dateRangeShow } }, [
			firstRunStartAtProperty('n8n keeps that position only for runs of the active workflow, not for manual test runs.'),
		]),
		...updateDisplayOptions({ show: NEW_JOB }, tail),
		{
			displayName: 'Output',
			name: 'output',
			type: 'options',
			default: 'items',
			options: outputOptions(resource, [
				{
					name: 'Files',
					value: 'binary',
					description: 'One item per export file, the file as binary data streamed to n8n’s binary store',
				},
				{ name: 'Both', value: 'both', description: `The ${record} items, then one item per file` },
			]),
		},
		{
			displayName: 'Put Output File in Field',
			name: 'binaryPropertyName',
			type: 'string',
			default: 'data',
			required: true,
			displayOptions: { show: { output: ['binary', 'both'] } },
			description: 'The binary field of each file item',
		},
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: alphabetical([...itemOutputOptions(resource), 
				{
					displayName: 'Cancel Left-Over Jobs',
					name: 'cancelLeftOverJobs',
					type: 'boolean',
					default: false,
					description:
						'Whether to cancel this node’s earlier jobs still in Marketo’s queue that do not serve this run (another definition or range). Jobs that serve it are adopted either way, jobs of a stopped execution are always cancelled, and jobs of other workflows are never touched.',
				},
				{
					displayName: 'Jobs at Once',
					name: 'concurrency',
					type: 'number',
					default: 2,
					typeOptions: { minValue: 1, maxValue: 2 },
					description:
						'Export jobs of this extract in Marketo’s queue at once (1 or 2). Marketo processes at most 2 per subscription, shared with every integration.',
				},
				lookBackOption(resource.kind),
				{
					displayName: 'On a Failed Job',
					name: 'onFailedJob',
					type: 'options',
					default: 'split',
					options: [
						{
							name: 'Split Its Window and Go On',
							value: 'split',
							description:
								'Since Last Run: deliver the windows before it and end with a warning; the next runs export its window in halves, down to an hour, and fail only past that',
						},
						{ name: 'Fail', value: 'fail', description: 'Stop the run with Marketo’s error' },
					],
					description:
						'What Since Last Run does when Marketo fails an export job (not at the daily quota): Marketo advises smaller ranges when jobs fail. Fixed Dates always fails, since the range asked for cannot be delivered whole.',
				},
				{
					displayName: 'On a Missing Field',
					name: 'onMissingField',
					type: 'options',
					default: 'leaveOut',
					options: [
						{
							name: 'Leave It Out and Go On',
							value: 'leaveOut',
							description: 'Since Last Run: export the other fields and end with a warning naming it',
						},
						{ name: 'Fail', value: 'fail', description: 'Stop the run before any job, naming it' },
					],
					description:
						'What Since Last Run does with a field of Fields that Marketo no longer has (removed or renamed since the workflow was built), checked against Marketo’s describe before any job is created. Fixed Dates always fails before any job.',
				},
				{
					displayName: 'Max Jobs',
					name: 'maxJobs',
					type: 'number',
					default: 48,
					typeOptions: { minValue: 1, maxValue: 1000 },
					description:
						`Fail, before creating any job, when the date range needs more ${MAX_WINDOW_DAYS}-day export jobs than this (1 to 1000; 48 is about four years); Since Last Run instead exports this many windows a run and leaves the rest to the next. Every job’s file counts against the subscription’s 500 MB daily export quota.`,
				},
				{
					displayName: 'Max Wait (Minutes)',
					name: 'maxWaitMinutes',
					type: 'number',
					default: 240,
					typeOptions: { minValue: 0.01, maxValue: 1440, numberPrecision: 2 },
					description:
						'Give up (and cancel the export jobs) when Marketo has not finished within this time: more than 0, at most 1440 (a day). Since Last Run instead delivers the windows finished by then and leaves the other jobs running for the next run to adopt.',
				},
				{
					displayName: 'Poll Interval (Seconds)',
					name: 'pollIntervalSeconds',
					type: 'number',
					default: 60,
					typeOptions: { minValue: 0, maxValue: 3600, numberPrecision: 2 },
					description:
						'How often to ask for the job status, at most 3600 (an hour). Marketo refreshes it once a minute, so less than 60 is raised to 60 (except against a local test server).',
				},
				{
					displayName: 'Window Length (Days)',
					name: 'windowDays',
					type: 'number',
					default: 31,
					typeOptions: { minValue: 1, maxValue: 31 },
					description:
						`Days of a date range per export job, 1 to ${MAX_WINDOW_DAYS} (Marketo's most). Shorter windows make smaller files: for instances so busy that a month of records is too much for one job or one run.`,
				},
				resetSinceLastRunOption,
			]),
		},
	]);
};

/**
 * Creates the export (one job per 31-day window for date ranges), enqueues
 * it, waits for Marketo, downloads and checks each file, and emits one item
 * per lead (or the files). See extract/extractRun.ts for what happens on
 * every failure.
 * https://developer.adobe.com/marketo-apis/guides/marketo/marketo-rest-api/bulk-extract/bulk-lead-extract/
 */
export async function execute(
	this: IExecuteFunctions,
	client: MarketoClient,
	itemIndex: number,
	kind: ExportKind,
): Promise<INodeExecutionData[]> {
	const settings = readSettings(this, itemIndex, client);
	const profile = kind.profile(this, itemIndex);
	const jobSource = readChoice(this, itemIndex, { name: 'jobSource', label: 'Job', choices: JOB_SOURCES, fallback: 'new' });

	if (jobSource === 'existing') {
		const exportId = readExportId(this, itemIndex);
		return (await extract(this, itemIndex, client, { profile, adoptExportId: exportId }, settings)).items;
	}

	const dateFilter = kind.readDateFilter(this, itemIndex);
	const rangeMode = dateFilter
		? readChoice(this, itemIndex, { name: 'rangeMode', label: 'Range', choices: RANGE_MODES, fallback: 'fixed' })
		: 'fixed';

	if (rangeMode === 'fixed' || !dateFilter) {
		const definition = kind.readDefinition(this, itemIndex, { limitRangeToMarketoMaximum: false });
		return (await extract(this, itemIndex, client, { profile, definition }, settings)).items;
	}
	return await extractSinceLastRun(this, itemIndex, client, kind, { dateFilter, settings, profile });
}

/** The composite extract, its hints shown and its refusals worded as the editor labels things. */
async function extract(
	ctx: IExecuteFunctions,
	itemIndex: number,
	client: MarketoClient,
	source: ExtractSource,
	settings: ExtractSettings,
): Promise<ExtractResult> {
	try {
		const result = await runExtract(ctx, client, source, settings);
		ctx.addExecutionHints(...result.hints.map((hint) => ({ ...hint, location: 'outputPane' as const })));
		return result;
	} catch (error) {
		throw inEditorWords(ctx, itemIndex, error, 'Files');
	}
}

/**
 * From one second after the position up to a second before now, window by
 * window, and the look-back's minutes before it again (lookBack.ts): the run
 * delivers the windows that fit its limits, in order, moves the position to
 * the end of the last, and ends successfully with a warning saying what
 * remains (catchUp.ts), so a schedule drains any backlog. One run of the
 * node at a time: a second waits for the first (runLease.ts), then goes on
 * from where it ended.
 */
async function extractSinceLastRun(
	ctx: IExecuteFunctions,
	itemIndex: number,
	client: MarketoClient,
	kind: ExportKind,
	{ dateFilter, settings, profile }: { dateFilter: string; settings: ExtractSettings; profile: ExportProfile },
): Promise<INodeExecutionData[]> {
	const positionName = `${kind.resource}.${dateFilter}`;
	const minutes = readLookBackMinutes(ctx, itemIndex, kind);
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const failedJobs = matchChoice(ctx, itemIndex, 'On a Failed Job', options.onFailedJob ?? 'split', FAILED_JOB_CHOICES);
	const missingFields = matchChoice(ctx, itemIndex, 'On a Missing Field', options.onMissingField ?? 'leaveOut', MISSING_FIELD_CHOICES);
	const rangeSettings = { ...settings, lagSeconds: END_LAG_SECONDS, lookBackMinutes: minutes };
	return await withSinceLastRun(ctx, itemIndex, client, positionName, rangeSettings, async ({ position, start, end, newFrom, keepAlive }) => {
		const definition: ExportDefinition = kind.readDefinition(ctx, itemIndex, { limitRangeToMarketoMaximum: false, range: { start, end } });
		const lookBack = settings.output === 'binary' ? undefined : await openLookBack(ctx, positionName, position, { minutes, start, newFrom });
		const catchUp = { split: position.catchUp.split, quotaSpent: position.catchUp.quotaResetAt !== undefined, lookBack: lookBack?.check, failedJobs, missingFields };
		const result = await extract(ctx, itemIndex, client, { profile, definition }, { ...settings, keepAlive, catchUp });
		const { catchUp: outcome } = result;
		// The one-call probe creates the first window's job: a job left for it (its cancel failed) is adopted instead.
		const quotaResetAt = outcome?.stop?.limit === 'exportQuota' && !outcome.jobLeftAtStop ? nextQuotaReset() : undefined;
		// Windows of the look-back alone move nothing: the position only moves forward.
		const reached = outcome?.deliveredUntil;
		const moved = reached && (!newFrom || reached >= newFrom) ? reached : undefined;
		const after = moved ?? newFrom?.minus({ seconds: 1 });
		const kept = outcome?.windowsDelivered && after ? whatToKeep(lookBack, result, { previous: position.catchUp.lookBack, moved, position: after }) : undefined;
		await position.save(moved, { split: outcome?.split, quotaResetAt, lookBack: kept?.state });
		if (kept?.plan) await lookBack?.store?.apply(kept.plan);
		const hints = lookBack ? lookBackHints(lookBack, result, kept?.plan, { many: profile.noun.many, key: result.keyColumns?.join(', ') ?? `the ${profile.noun.one}’s key` }) : [];
		if (!lookBack && newFrom && start < newFrom) {
			hints.push({
				message: `Look-back: the files hold again the ${minutes} minutes before the last run’s end (${profile.noun.many} Marketo wrote late among them); an upsert on the ${profile.noun.one}’s key absorbs the repeats.`,
				type: 'info',
			});
		}
		const report = outcome && catchUpReport(outcome, newFrom ?? start, profile.noun.many);
		if (report) hints.push({ message: report, type: 'warning' });
		for (const hint of hints) if (hint.type === 'warning') ctx.logger.warn(`Marketo Extract ${profile.noun.title}: ${hint.message}`);
		ctx.addExecutionHints(...hints.map((hint) => ({ ...hint, location: 'outputPane' as const })));
		return result.items;
	});
}

const JOB_SOURCES = ['new', 'existing'] as const;
const FAILED_JOB_CHOICES = ['split', 'fail'] as const;
const MISSING_FIELD_CHOICES = ['leaveOut', 'fail'] as const;
const RANGE_MODES = ['fixed', 'sinceLastRun'] as const;
const OUTPUT_MODES = ['items', 'binary', 'both'] as const;

/** The bounds of each numeric option; the descriptions above state the same. */
const LIMITS = {
	concurrency: { label: 'Jobs at Once', min: 1, max: 2, integer: true, fallback: EXTRACT_DEFAULTS.concurrency },
	maxJobs: { label: 'Max Jobs', min: 1, max: 1000, integer: true, fallback: EXTRACT_DEFAULTS.maxJobs },
	windowDays: { label: 'Window Length (Days)', min: 1, max: MAX_WINDOW_DAYS, integer: true, fallback: MAX_WINDOW_DAYS },
	// Zero would create, enqueue and cancel a job for nothing; a day is longer than any export queue.
	maxWaitMinutes: { label: 'Max Wait (Minutes)', min: 0.01, max: 1440, unit: 'minutes', fallback: EXTRACT_DEFAULTS.maxWaitMinutes },
	pollIntervalSeconds: { label: 'Poll Interval (Seconds)', min: 0, max: 3600, unit: 'seconds', fallback: EXTRACT_DEFAULTS.pollIntervalSeconds },
} as const;

function readSettings(ctx: IExecuteFunctions, itemIndex: number, client: MarketoClient): ExtractSettings {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const output: OutputMode = readChoice(ctx, itemIndex, { name: 'output', label: 'Output', choices: OUTPUT_MODES, fallback: 'items' });
	const option = (name: keyof typeof LIMITS): number => toNumber(ctx, itemIndex, options[name], LIMITS[name]);
	// Real Marketo refreshes status once a minute; a local sandbox or test double may go faster.
	const pollFloorSeconds = client.instance.isLoopback ? 0.01 : 60;
	return {
		output,
		binaryPropertyName: output === 'items' ? 'data' : readBinaryPropertyName(ctx, itemIndex),
		...readItemOutput(ctx, itemIndex, options),
		concurrency: option('concurrency'),
		maxJobs: option('maxJobs'),
		windowDays: option('windowDays'),
		maxWaitMs: option('maxWaitMinutes') * 60_000,
		pollIntervalMs: Math.max(option('pollIntervalSeconds'), pollFloorSeconds) * 1000,
		cancelLeftOverJobs: toBoolean(ctx, itemIndex, options.cancelLeftOverJobs, 'Cancel Left-Over Jobs', false),
	};
}
