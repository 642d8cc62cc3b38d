import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { nodeMethods, nodeSubtitle, resourceProperties } from './actions/resources';
import { router } from './actions/router';
import * as listSearch from './methods/listSearch';
import * as loadOptions from './methods/loadOptions';

export class MarketoBulkExtract implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Marketo Bulk Extract',
		name: 'marketoBulkExtract',
		icon: { light: 'file:marketo.svg', dark: 'file:marketo.dark.svg' },
		group: ['input'],
		version: 1,
		subtitle: nodeSubtitle,
		description: 'Export leads, activities, program members and custom objects from Marketo in bulk',
		defaults: { name: 'Marketo Bulk Extract' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'marketoOAuth2Api', required: true }],
		properties: resourceProperties,
	};

	methods = nodeMethods({ loadOptions, listSearch });

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
