import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { ExportKind } from '../../exportKinds/exportKind';
import { createJobBody } from '../../helpers/jobDefinition';
import type { MarketoClient } from '../../transport';
import { createExportJob } from '../../transport/exportJobApi';

/**
 * Defines an export job. The job does nothing until enqueued.
 * https://developer.adobe.com/marketo-apis/api/mapi/#tag/Bulk-Export-Leads/operation/createExportLeadsUsingPOST
 */
export async function execute(
	this: IExecuteFunctions,
	client: MarketoClient,
	itemIndex: number,
	kind: ExportKind,
): Promise<INodeExecutionData[]> {
	const exportPath = kind.readExportPath(this, itemIndex);
	const definition = kind.readDefinition(this, itemIndex, { limitRangeToMarketoMaximum: true });
	const job = await createExportJob(client, exportPath, createJobBody(kind, definition));
	return [{ json: job }];
}
