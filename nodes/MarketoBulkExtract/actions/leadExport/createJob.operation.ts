import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { createJobBody, readLeadExportDefinition } from '../../helpers/jobDefinition';
import type { MarketoClient } from '../../transport';
import { createExportJob } from '../../transport/leadExportApi';

/**
 * Defines an export job. The job does nothing until enqueued.
 * https://developer.adobe.com/marketo-apis/api/mapi/#tag/Bulk-Export-Leads/operation/createExportLeadsUsingPOST
 */
export async function execute(
	this: IExecuteFunctions,
	client: MarketoClient,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const definition = readLeadExportDefinition(this, itemIndex, { limitRangeToMarketoMaximum: true });
	const job = await createExportJob(client, createJobBody(definition));
	return [{ json: job }];
}
