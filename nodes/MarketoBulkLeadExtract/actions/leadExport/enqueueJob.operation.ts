import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { readExportId } from '../../helpers/validation';
import type { MarketoClient } from '../../transport';
import { enqueueExportJob } from '../../transport/leadExportApi';
import { exportIdProperty, forOperations } from '../common.descriptions';

export const description: INodeProperties[] = forOperations(['enqueueJob'], [exportIdProperty]);

/**
 * Puts a Created job in Marketo's export queue. A job that is already queued is
 * reported with its current status rather than as an error.
 * https://developer.adobe.com/marketo-apis/api/mapi/#tag/Bulk-Export-Leads/operation/enqueueExportLeadsUsingPOST
 */
export async function execute(
	this: IExecuteFunctions,
	client: MarketoClient,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const exportId = readExportId(this, itemIndex);
	return [{ json: await enqueueExportJob(client, exportId) }];
}
