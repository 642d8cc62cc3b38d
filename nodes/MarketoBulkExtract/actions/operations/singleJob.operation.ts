import type { IExecuteFunctions } from 'n8n-workflow';

import { readExportId } from '../parameters';
import type { MarketoClient } from '../../transport';
import {
	cancelExportJob,
	enqueueExportJob,
	getExportJobStatus,
	type ExportJob,
} from '../../transport/exportJobApi';
import { exportIdProperty, forOperations } from '../common.descriptions';
import type { ExportKind, Operation } from '../resource';

/** An operation that takes an Export ID, makes one call and outputs the job. */
function singleJobOperation(
	operation: string,
	call: (client: MarketoClient, exportPath: string, exportId: string) => Promise<ExportJob>,
): Operation {
	return {
		description: (resource) => forOperations(resource, [operation], [exportIdProperty]),
		async execute(this: IExecuteFunctions, client: MarketoClient, itemIndex: number, kind: ExportKind) {
			const exportPath = kind.readExportPath(this, itemIndex);
			const exportId = readExportId(this, itemIndex);
			return [{ json: await call(client, exportPath, exportId) }];
		},
	};
}

/**
 * Puts a Created job in Marketo's export queue. A job that is already queued is
 * reported with its current status rather than as an error.
 * https://developer.adobe.com/marketo-apis/api/mapi/#tag/Bulk-Export-Leads/operation/enqueueExportLeadsUsingPOST
 */
export const enqueueJob = singleJobOperation('enqueueJob', enqueueExportJob);

/**
 * A job's status, record count, file size and checksum.
 * https://developer.adobe.com/marketo-apis/api/mapi/#tag/Bulk-Export-Leads/operation/getExportLeadsStatusUsingGET
 */
export const getJobStatus = singleJobOperation('getJobStatus', getExportJobStatus);

/**
 * Cancels a created, queued or processing job.
 * https://developer.adobe.com/marketo-apis/api/mapi/#tag/Bulk-Export-Leads/operation/cancelExportLeadsUsingPOST
 */
export const cancelJob = singleJobOperation('cancelJob', cancelExportJob);
