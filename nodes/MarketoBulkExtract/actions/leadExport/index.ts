import type { INodeProperties } from 'n8n-workflow';

import * as cancelJob from './cancelJob.operation';
import * as createJob from './createJob.operation';
import * as enqueueJob from './enqueueJob.operation';
import * as extractLeads from './extractLeads.operation';
import * as getJobFile from './getJobFile.operation';
import * as getJobStatus from './getJobStatus.operation';
import * as listJobs from './listJobs.operation';
import {
	columnHeaderNamesProperty,
	dateRangeProperties,
	fieldsAndFormatProperties,
	filterTypeProperty,
	forOperations,
	listProperties,
} from '../common.descriptions';

export const operations = {
	extractLeads,
	createJob,
	enqueueJob,
	getJobStatus,
	getJobFile,
	cancelJob,
	listJobs,
};

export type LeadExportOperation = keyof typeof operations;

/**
 * Operation values are stored in users' workflows: never rename one. The
 * default is stored nowhere (n8n omits default values), so it never changes.
 */
export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['leadExport'] } },
		options: [
			{
				name: 'Cancel Job',
				value: 'cancelJob',
				action: 'Cancel an export job',
				description: 'Cancel a created, queued or processing export job',
			},
			{
				name: 'Create Job',
				value: 'createJob',
				action: 'Create an export job',
				description: 'Define an export job (it starts only once enqueued)',
			},
			{
				name: 'Enqueue Job',
				value: 'enqueueJob',
				action: 'Enqueue an export job',
				description: 'Put a created export job in Marketo’s export queue',
			},
			{
				name: 'Extract Leads',
				value: 'extractLeads',
				action: 'Extract leads',
				description:
					'Create the export, wait for Marketo, download and parse the file: one item per lead',
			},
			{
				name: 'Get Job File',
				value: 'getJobFile',
				action: 'Get the file of an export job',
				description: 'Download a completed job’s file, as leads or as binary data',
			},
			{
				name: 'Get Job Status',
				value: 'getJobStatus',
				action: 'Get the status of an export job',
				description: 'Get an export job’s status, record count, file size and checksum',
			},
			{
				name: 'List Jobs',
				value: 'listJobs',
				action: 'List export jobs',
				description: 'List the export jobs of the last 7 days',
			},
		],
		default: 'extractLeads',
	},
	...extractLeads.description,
	...forOperations(['createJob'], [
		...fieldsAndFormatProperties,
		filterTypeProperty,
		...dateRangeProperties,
		...listProperties,
		columnHeaderNamesProperty,
	]),
	...enqueueJob.description,
	...getJobStatus.description,
	...getJobFile.description,
	...cancelJob.description,
	...listJobs.description,
];
