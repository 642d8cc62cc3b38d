import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { readExportId } from '../../helpers/validation';
import type { MarketoClient } from '../../transport';
import { getExportJobStatus } from '../../transport/leadExportApi';
import { exportIdProperty, forOperations } from '../common.descriptions';

export const description: INodeProperties[] = forOperations(['getJobStatus'], [exportIdProperty]);

/**
 * The job's status, counts, file size and checksum. Marketo refreshes it once a minute.
 * https://developer.adobe.com/marketo-apis/api/mapi/#tag/Bulk-Export-Leads/operation/getExportLeadsStatusUsingGET
 */
export async function execute(
	this: IExecuteFunctions,
	client: MarketoClient,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const exportId = readExportId(this, itemIndex);
	return [{ json: await getExportJobStatus(client, exportId) }];
}
