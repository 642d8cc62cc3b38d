import type { INodeProperties } from 'n8n-workflow';

import { LEAD_DATE_FILTERS, leadExportKind } from './definition';
import {
	allFieldsProperty,
	columnHeaderNamesProperty,
	dateRangeProperties,
	fieldsProperty,
	formatProperty,
	listProperties,
} from '../common.descriptions';
import { operationOptions } from '../operations';
import * as getDeletedLeads from '../operations/getDeletedLeads.operation';
import type { ResourceDeclaration } from '../resource';

/** Which leads: Marketo takes exactly one filter per job. */
const filterTypeProperty: INodeProperties = {
	displayName: 'Filter',
	name: 'filterType',
	type: 'options',
	default: 'createdAt',
	options: [
		{ name: 'Created At', value: 'createdAt', description: 'Leads created within a date range' },
		{ name: 'Smart List ID', value: 'smartListId', description: 'Members of a smart list' },
		{ name: 'Smart List Name', value: 'smartListName', description: 'Members of a smart list' },
		{ name: 'Static List ID', value: 'staticListId', description: 'Members of a static list' },
		{ name: 'Static List Name', value: 'staticListName', description: 'Members of a static list' },
		{
			name: 'Updated At',
			value: 'updatedAt',
			description:
				'Leads whose most recent field update falls within a date range (not on every subscription)',
		},
	],
	description: 'Which leads to export; Marketo takes exactly one filter per job',
};

/**
 * The Lead Export resource: Bulk Lead Extract.
 * https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/bulk-extract/bulk-lead-extract
 */
export const leadExport: ResourceDeclaration = {
	kind: leadExportKind,
	displayName: 'Lead Export',
	recordName: 'Lead',
	get operation(): INodeProperties {
		return {
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { resource: ['leadExport'] } },
			options: operationOptions(leadExport),
			default: 'extractLeads',
		};
	},
	ownOperations: [{ option: getDeletedLeads.option, module: getDeletedLeads }],
	extract: {
		value: 'extractLeads',
		name: 'Extract Leads',
		action: 'Extract leads',
		description: 'Create the export, wait for Marketo, download and parse the file: one item per lead',
	},
	definition: {
		head: [
			allFieldsProperty('leads'),
			fieldsProperty(
				'getLeadFields',
				'Lead fields to export, by REST API name. An expression may give an array or a comma-separated list.',
				undefined,
				true,
			),
			formatProperty,
			filterTypeProperty,
		],
		dateRangeShow: { filterType: [...LEAD_DATE_FILTERS] },
		dateRange: dateRangeProperties,
		tail: [...listProperties, columnHeaderNamesProperty('getLeadFields')],
	},
};
