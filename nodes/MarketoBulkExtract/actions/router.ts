import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { MarketoClient } from '../transport';
import { MarketoApiError } from '../transport/marketoErrors';
import { asN8nError } from './engineErrors';
import { matchChoice } from './parameters';
import { operationsOf } from './operations';
import { RESOURCES } from './resources';

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
			const resourceValue = matchChoice(
				this,
				itemIndex,
				'Resource',
				this.getNodeParameter('resource', itemIndex, 'leadExport'),
				Object.keys(RESOURCES),
			);
			const resource = RESOURCES[resourceValue];
			const operations = operationsOf(resource);
			const operation = matchChoice(
				this,
				itemIndex,
				'Operation',
				this.getNodeParameter('operation', itemIndex, resource.extract.value),
				Object.keys(operations),
			);
			client ??= await MarketoClient.connect(this);
			const results = await operations[operation].execute.call(this, client, itemIndex, resource.kind);
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
			const nodeError = asN8nError(this.getNode(), error);
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
