import type { INodeProperties } from 'n8n-workflow';

import { customObjectExportKind } from './definition';
import {
	allFieldsProperty,
	columnHeaderNamesProperty,
	dateRangeProperties,
	fieldsProperty,
	formatProperty,
	listProperties,
} from '../common.descriptions';
import { operationOptions } from '../operations';
import type { ResourceDeclaration } from '../resource';
import * as loadOptions from './methods';

/** Which records: Marketo takes exactly one filter per job (no Created At for custom objects). */
const filterTypeProperty: INodeProperties = {
	displayName: 'Filter',
	name: 'filterType',
	type: 'options',
	default: 'updatedAt',
	options: [
		{ name: 'Smart List ID', value: 'smartListId', description: 'Records linked to the members of a smart list' },
		{ name: 'Smart List Name', value: 'smartListName', description: 'Records linked to the members of a smart list' },
		{ name: 'Static List ID', value: 'staticListId', description: 'Records linked to the members of a static list' },
		{ name: 'Static List Name', value: 'staticListName', description: 'Records linked to the members of a static list' },
		{ name: 'Updated At', value: 'updatedAt', description: 'Records updated within a date range' },
	],
	description: 'Which records to export; Marketo takes exactly one filter per job',
};

/**
 * The Custom Object Export resource: Bulk Custom Object Extract.
 * https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/bulk-extract/bulk-custom-object-extract
 */
export const customObjectExport: ResourceDeclaration = {
	kind: customObjectExportKind,
	displayName: 'Custom Object Export',
	recordName: 'Record',
	get operation(): INodeProperties {
		return {
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { resource: ['customObjectExport'] } },
			options: operationOptions(customObjectExport),
			default: 'extractCustomObjects',
		};
	},
	extract: {
		value: 'extractCustomObjects',
		name: 'Extract Custom Objects',
		action: 'Extract custom objects',
		description: 'Create the export, wait for Marketo, download and parse the file: one item per custom object record',
	},
	common: [
		{
			displayName: 'Custom Object Name or ID',
			name: 'customObjectName',
			type: 'options',
			required: true,
			default: '',
			typeOptions: { loadOptionsMethod: 'getCustomObjects' },
			description:
				'The custom object type (Marketo custom objects linked to leads; not CRM objects). Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		},
	],
	definition: {
		head: [
			allFieldsProperty('records'),
			fieldsProperty(
				'getCustomObjectFields',
				'The custom object’s fields (Describe Custom Object), by API name.',
				['customObjectName'],
				true,
			),
			formatProperty,
			filterTypeProperty,
		],
		dateRangeShow: { filterType: ['updatedAt'] },
		dateRange: dateRangeProperties,
		tail: [...listProperties, columnHeaderNamesProperty('getCustomObjectFields', ['customObjectName'])],
	},
	methods: { loadOptions },
};
