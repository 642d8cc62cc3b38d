import { DateTime } from 'luxon';
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { runExtract, type ExtractSettings, type OutputMode } from '../../extract/extractRun';
import { forgetHighWatermark, readHighWatermark, saveHighWatermark } from '../../extract/incremental';
import {
	DATE_FILTERS,
	readLeadExportDefinition,
	type FilterType,
	type LeadExportDefinition,
} from '../../helpers/jobDefinition';
import { invalidParameter, readDateTime, readExportId, toMarketoDateTime } from '../../helpers/validation';
import type { MarketoClient } from '../../transport';
import {
	columnHeaderNamesProperty,
	dateRangeProperties,
	exportIdProperty,
	fieldsAndFormatProperties,
	filterTypeProperty,
	forOperations,
	listProperties,
	showWhen,
} from '../common.descriptions';

/** Defaults when an option is not set; the same literals stand in the description (lint wants literals there). */
export const EXTRACT_DEFAULTS = {
	pollIntervalSeconds: 60,
	maxWaitMinutes: 240,
	concurrency: 2,
	maxItems: 500_000,
	maxMemoryMb: 512,
} as const;

const NEW_JOB = { jobSource: ['new'] };

export const description: INodeProperties[] = forOperations(
	['extractLeads'],
	[
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
		...showWhen({ jobSource: ['existing'] }, [exportIdProperty]),
		...showWhen(NEW_JOB, [...fieldsAndFormatProperties, filterTypeProperty]),
		...showWhen({ ...NEW_JOB, filterType: ['createdAt', 'updatedAt'] }, [
			{
				displayName: 'Range',
				name: 'rangeMode',
				type: 'options',
				default: 'fixed',
				options: [
					{ name: 'Fixed Dates', value: 'fixed', description: 'From Start At to End At; any length, split into 31-day jobs' },
					{
						name: 'Since Last Run',
						value: 'sinceLastRun',
						description: 'From just after the previous successful run’s end up to now (for scheduled workflows)',
					},
				],
			},
		]),
		...showWhen({ ...NEW_JOB, rangeMode: ['fixed'] }, dateRangeProperties),
		...showWhen({ ...NEW_JOB, rangeMode: ['sinceLastRun'], filterType: ['createdAt', 'updatedAt'] }, [
			{
				displayName: 'First Run Starts At',
				name: 'firstRunStartAt',
				type: 'dateTime',
				required: true,
				default: '',
				description:
					'Where the first run (or a run after a reset) starts. Later runs start one second after the previous successful run’s end. n8n keeps that position only for runs of the active workflow, not for manual test runs.',
			},
		]),
		...showWhen(NEW_JOB, [...listProperties, columnHeaderNamesProperty]),
		{
			displayName: 'Output',
			name: 'output',
			type: 'options',
			default: 'items',
			options: [
				{ name: 'One Item per Lead', value: 'items', description: 'Each lead becomes an item' },
				{
					name: 'Files',
					value: 'binary',
					description: 'One item per export file, the file as binary data streamed to n8n’s binary store',
				},
				{ name: 'Both', value: 'both', description: 'The lead items, then one item per file' },
			],
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
			options: [
				{
					displayName: 'Convert Values',
					name: 'typedValues',
					type: 'boolean',
					default: true,
					description:
						'Whether to turn integer, decimal, currency, percent and boolean fields into JSON numbers and booleans (by the instance’s field types). Off keeps the text Marketo wrote.',
				},
				{
					displayName: 'Jobs at Once',
					name: 'concurrency',
					type: 'number',
					default: 2,
					typeOptions: { minValue: 1, maxValue: 2 },
					description:
						'Export jobs of this extract in Marketo’s queue at once. Marketo processes at most 2 per subscription, shared with every integration.',
				},
				{
					displayName: 'Max Items',
					name: 'maxItems',
					type: 'number',
					default: 500000,
					typeOptions: { minValue: 1 },
					description:
						'Fail, before downloading, when the export holds more leads than this. Each item takes memory in n8n; for larger exports use Output: Files.',
				},
				{
					displayName: 'Max Memory (MB)',
					name: 'maxMemoryMb',
					type: 'number',
					default: 512,
					typeOptions: { minValue: 1 },
					description:
						'Fail, before downloading, when the items would take more memory than this. Estimated from the file size, the leads and the number of fields (about 72 bytes per field), so a wide export reaches it with fewer leads. Output: Files is not limited.',
				},
				{
					displayName: 'Max Wait (Minutes)',
					name: 'maxWaitMinutes',
					type: 'number',
					default: 240,
					typeOptions: { minValue: 0, numberPrecision: 2 },
					description:
						'Give up (and cancel the export jobs) when Marketo has not finished within this time',
				},
				{
					displayName: 'Poll Interval (Seconds)',
					name: 'pollIntervalSeconds',
					type: 'number',
					default: 60,
					typeOptions: { minValue: 0, numberPrecision: 2 },
					description:
						'How often to ask for the job status. Marketo refreshes it once a minute, so less than 60 is raised to 60 (except against a local test server).',
				},
				{
					displayName: 'Reset Since Last Run',
					name: 'resetSinceLastRun',
					type: 'boolean',
					default: false,
					description:
						'Whether to forget the saved position and start again from First Run Starts At. Turn it off again after one run.',
				},
			],
		},
	],
);

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
): Promise<INodeExecutionData[]> {
	const settings = readSettings(this, itemIndex, client);
	const jobSource = this.getNodeParameter('jobSource', itemIndex, 'new') as 'new' | 'existing';

	if (jobSource === 'existing') {
		const exportId = readExportId(this, itemIndex);
		return await runExtract(this, client, { adoptExportId: exportId }, settings);
	}

	const filterType = this.getNodeParameter('filterType', itemIndex) as FilterType;
	const rangeMode = DATE_FILTERS.includes(filterType)
		? (this.getNodeParameter('rangeMode', itemIndex, 'fixed') as 'fixed' | 'sinceLastRun')
		: 'fixed';

	if (rangeMode === 'fixed') {
		const definition = readLeadExportDefinition(this, itemIndex, { limitRangeToMarketoMaximum: false });
		return await runExtract(this, client, { definition }, settings);
	}

	if (this.getInputData().length > 1) {
		throw invalidParameter(
			this,
			itemIndex,
			'Range',
			'Since Last Run keeps one position per node, so it takes one input item',
			'Feed the node a single item (a Schedule Trigger does), or use Fixed Dates with dates from each item.',
		);
	}
	const { resetSinceLastRun } = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	if (resetSinceLastRun === true) forgetHighWatermark(this, filterType);
	const watermark = readHighWatermark(this, filterType);
	const start = watermark
		? watermark.plus({ seconds: 1 })
		: readDateTime(this, itemIndex, 'firstRunStartAt', 'First Run Starts At');
	const end = DateTime.utc().startOf('second');
	if (start > end) {
		this.addExecutionHints({
			message: `Since Last Run: nothing to export, the previous run already reached ${toMarketoDateTime(start.minus({ seconds: 1 }))}.`,
			type: 'info',
			location: 'outputPane',
		});
		return [];
	}
	const definition: LeadExportDefinition = readLeadExportDefinition(this, itemIndex, {
		limitRangeToMarketoMaximum: false,
		range: { start, end },
	});
	const items = await runExtract(this, client, { definition }, settings);
	saveHighWatermark(this, filterType, end);
	return items;
}

function readSettings(ctx: IExecuteFunctions, itemIndex: number, client: MarketoClient): ExtractSettings {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const output = ctx.getNodeParameter('output', itemIndex, 'items') as OutputMode;
	const number = (name: keyof typeof EXTRACT_DEFAULTS, label: string, min: number): number => {
		const value = options[name] ?? EXTRACT_DEFAULTS[name];
		if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
			throw invalidParameter(ctx, itemIndex, label, `${String(value)} is not a number of at least ${min}`, `Enter ${min} or more, or remove the option to use ${EXTRACT_DEFAULTS[name]}.`);
		}
		return value;
	};
	const concurrency = number('concurrency', 'Jobs at Once', 1);
	if (concurrency > 2 || !Number.isInteger(concurrency)) {
		throw invalidParameter(ctx, itemIndex, 'Jobs at Once', `${concurrency} is not 1 or 2`, 'Marketo processes at most 2 export jobs at a time: enter 1 or 2.');
	}
	const requestedPollSeconds = number('pollIntervalSeconds', 'Poll Interval (Seconds)', 0);
	// Real Marketo refreshes status once a minute; a local sandbox or test double may go faster.
	const pollFloorSeconds = client.instance.isLoopback ? 0.01 : 60;
	return {
		output,
		binaryPropertyName:
			output === 'items' ? 'data' : (ctx.getNodeParameter('binaryPropertyName', itemIndex, 'data') as string),
		typedValues: options.typedValues !== false,
		concurrency,
		maxItems: number('maxItems', 'Max Items', 1),
		maxMemoryMb: number('maxMemoryMb', 'Max Memory (MB)', 1),
		maxWaitMs: number('maxWaitMinutes', 'Max Wait (Minutes)', 0) * 60_000,
		pollIntervalMs: Math.max(requestedPollSeconds, pollFloorSeconds) * 1000,
		itemIndex,
	};
}
