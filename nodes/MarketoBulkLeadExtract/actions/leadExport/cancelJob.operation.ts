import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { readExportId } from '../../helpers/validation';
import type { MarketoClient } from '../../transport';
import { cancelExportJob } from '../../transport/leadExportApi';
import { exportIdProperty, forOperations } from '../common.descriptions';

export const description: INodeProperties[] = forOperations(['cancelJob'], [exportIdProperty]);

/**
 * Cancels a Created, Queued or Processing job.
 * https://developer.adobe.com/marketo-apis/api/mapi/#tag/Bulk-Export-Leads/operation/cancelExportLeadsUsingPOST
 */
export async function execute(
	this: IExecuteFunctions,
	client: MarketoClient,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const exportId = readExportId(this, itemIndex);
	return [{ json: await cancelExportJob(client, exportId) }];
}
