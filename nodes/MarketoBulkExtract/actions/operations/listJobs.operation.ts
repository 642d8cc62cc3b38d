import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { MarketoClient } from '../../transport';
import { listEntries, matchChoice } from '../parameters';
import { JOB_STATUSES, listExportJobs } from '../../transport/exportJobApi';
import { forOperations } from '../common.descriptions';
import type { ExportKind, ResourceDeclaration } from '../resource';

export const description = (resource: ResourceDeclaration): INodeProperties[] =>
	forOperations(resource, ['listJobs'],
	[
		{
			displayName: 'Status',
			name: 'statusFilter',
			type: 'multiOptions',
			default: [],
			options: [
				{ name: 'Cancelled', value: 'Cancelled' },
				{ name: 'Completed', value: 'Completed' },
				{ name: 'Created', value: 'Created' },
				{ name: 'Failed', value: 'Failed' },
				{ name: 'Processing', value: 'Processing' },
				{ name: 'Queued', value: 'Queued' },
			],
			description: 'Only jobs in these states; none chosen lists every job',
		},
	],
);

/**
 * The API user's export jobs of the last 7 days, one item per job, every page followed.
 * https://developer.adobe.com/marketo-apis/api/mapi/#tag/Bulk-Export-Leads/operation/getExportLeadsUsingGET
 */
export async function execute(
	this: IExecuteFunctions,
	client: MarketoClient,
	itemIndex: number,
	kind: ExportKind,
): Promise<INodeExecutionData[]> {
	const statuses = listEntries(this.getNodeParameter('statusFilter', itemIndex, [])).map((status) =>
		matchChoice(this, itemIndex, 'Status', status, JOB_STATUSES, true),
	);
	const { jobs, skipped } = await listExportJobs(client, kind.readExportPath(this, itemIndex), statuses);
	if (skipped > 0) {
		this.addExecutionHints({
			message: `Marketo's job list held ${skipped} ${skipped === 1 ? 'entry that is' : 'entries that are'} not a job (no export ID); left out.`,
			type: 'warning',
			location: 'outputPane',
		});
	}
	return jobs.map((job) => ({ json: job }));
}
