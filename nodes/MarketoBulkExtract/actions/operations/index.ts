import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import * as createJob from './createJob.operation';
import * as extract from './extract.operation';
import * as getJobFile from './getJobFile.operation';
import * as listJobs from './listJobs.operation';
import { cancelJob, enqueueJob, getJobStatus } from './singleJob.operation';
import type { Operation, ResourceDeclaration } from '../resource';

/** The six single-endpoint operations, the same for every resource. Their values are stored in users' workflows: never renamed. */
const JOB_OPERATIONS: Record<string, Operation> = {
	createJob,
	enqueueJob,
	getJobStatus,
	getJobFile,
	cancelJob,
	listJobs,
};

/** A resource's operations by value: its composite extract first, then the job operations, then its own. */
export function operationsOf(resource: ResourceDeclaration): Record<string, Operation> {
	const own = Object.fromEntries((resource.ownOperations ?? []).map(({ option, module }) => [String(option.value), module]));
	return { [resource.extract.value]: extract, ...JOB_OPERATIONS, ...own };
}

/**
 * The options of a resource's Operation parameter: its composite extract among
 * the six job operations, sorted by name. (The parameter itself stands in each
 * resource's declaration: n8n's lint wants its default written out.)
 */
export function operationOptions(resource: ResourceDeclaration): INodePropertyOptions[] {
	const { extract: composite } = resource;
	const options: INodePropertyOptions[] = [
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
		{ name: composite.name, value: composite.value, action: composite.action, description: composite.description },
		{
			name: 'Get Job File',
			value: 'getJobFile',
			action: 'Get the file of an export job',
			description: `Download a completed job’s file, as ${resource.kind.noun.many} or as binary data`,
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
	];
	options.push(...(resource.ownOperations ?? []).map(({ option }) => option));
	return options.sort((a, b) => a.name.localeCompare(b.name));
}

/** The Operation parameter of a resource, its parameters for every operation, then each operation's own. */
export function operationProperties(resource: ResourceDeclaration): INodeProperties[] {
	const common = (resource.common ?? []).map((property) => ({
		...property,
		displayOptions: { show: { ...property.displayOptions?.show, resource: [resource.kind.resource] } },
	}));
	return [
		resource.operation,
		...common,
		...Object.values(operationsOf(resource)).flatMap((module) => module.description(resource)),
	];
}
