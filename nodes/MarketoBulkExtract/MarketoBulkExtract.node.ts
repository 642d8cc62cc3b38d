import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { resourceProperties } from './actions/resources';
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
		subtitle:
			'={{ {"extractLeads": "Extract leads", "extractActivities": "Extract activities", "extractProgramMembers": "Extract program members", "extractCustomObjects": "Extract custom objects", "createJob": "Create job", "enqueueJob": "Enqueue job", "getJobStatus": "Get job status", "getJobFile": "Get job file", "cancelJob": "Cancel job", "listJobs": "List jobs"}[$parameter["operation"]] }}',
		description: 'Export leads, activities, program members and custom objects from Marketo in bulk',
		defaults: { name: 'Marketo Bulk Extract' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'marketoOAuth2Api', required: true }],
		properties: resourceProperties,
	};

	methods = { loadOptions, listSearch };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
