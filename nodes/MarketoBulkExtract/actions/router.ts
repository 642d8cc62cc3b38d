import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { MarketoClient } from '../transport';
import { MarketoApiError } from '../transport/marketoErrors';
import { asNodeError } from '../transport/nodeErrors';
import { matchChoice } from '../helpers/validation';
import { leadExportKind } from '../exportKinds/lead';
import type { ExportKind } from '../exportKinds/exportKind';
import { operations, type LeadExportOperation } from './leadExport';

/** Each Resource: its export kind and its operations. */
const RESOURCES: Record<string, { kind: ExportKind; operations: typeof operations }> = {
	[leadExportKind.resource]: { kind: leadExportKind, operations },
};

/**
 * Runs the chosen operation once per input item, reading its parameters for
 * that item. With "Continue On Fail" a failing item becomes an item carrying
 * the error; every output item points back at the input item it came from.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const output: INodeExecutionData[] = [];
	let client: MarketoClient | undefined;

	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const resource = matchChoice(
				this,
				itemIndex,
				'Resource',
				this.getNodeParameter('resource', itemIndex, leadExportKind.resource),
				Object.keys(RESOURCES),
			);
			const { kind, operations: resourceOperations } = RESOURCES[resource];
			const operation = matchChoice(
				this,
				itemIndex,
				'Operation',
				this.getNodeParameter('operation', itemIndex, 'extractLeads'),
				Object.keys(resourceOperations) as LeadExportOperation[],
			);
			const handler = resourceOperations[operation];
			client ??= await MarketoClient.connect(this);
			const results = await handler.execute.call(this, client, itemIndex, kind);
			// Operations return fresh items: pair them in place (an extract may return millions).
			const pairedItem = { item: itemIndex };
			for (const result of results) {
				result.pairedItem = pairedItem;
				output.push(result);
			}
		} catch (error) {
			if (this.continueOnFail()) {
				output.push({ json: errorItem(error), pairedItem: { item: itemIndex } });
				continue;
			}
			const nodeError = asNodeError(this.getNode(), error);
			nodeError.context.itemIndex = itemIndex;
			throw nodeError;
		}
	}
	return [output];
}

function errorItem(error: Error): IDataObject {
	const item: IDataObject = { error: error.message };
	const description = (error as { description?: unknown }).description;
	if (typeof description === 'string' && description !== '') item.description = description;
	if (error instanceof MarketoApiError) item.marketoCode = error.marketoCode;
	return item;
}
