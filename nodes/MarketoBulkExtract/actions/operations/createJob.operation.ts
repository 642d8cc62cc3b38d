import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { createJobBody } from '../../extract/model/exportDefinition';
import type { MarketoClient } from '../../transport';
import { createExportJob } from '../../transport/exportJobApi';
import { withAllFields } from '../../extract/jobs/fieldCheck';
import { inEditorWords } from '../engineErrors';
import { forOperations } from '../common.descriptions';
import type { ExportKind, ResourceDeclaration } from '../resource';

/** The resource's whole export definition; Marketo refuses more than 31 days, so no Since Last Run here. */
export function description(resource: ResourceDeclaration): INodeProperties[] {
	const { head, dateRangeShow, dateRange, tail } = resource.definition;
	return forOperations(resource, ['createJob'], [...head, ...updateDisplayOptions({ show: dateRangeShow }, dateRange), ...tail]);
}

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
	const read = kind.readDefinition(this, itemIndex, { limitRangeToMarketoMaximum: true });
	// All Fields: what Marketo's describe lists now.
	const { definition, warning } = await withAllFields(client, kind.profile(this, itemIndex), read).catch((error: unknown) =>
		Promise.reject(inEditorWords(this, itemIndex, error, 'Files')),
	);
	if (warning) this.addExecutionHints({ message: warning, type: 'warning', location: 'outputPane' });
	const job = await createExportJob(client, exportPath, createJobBody(definition));
	return [{ json: job }];
}
