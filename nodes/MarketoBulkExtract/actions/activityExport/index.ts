import type { INodeProperties } from 'n8n-workflow';

import { activityExportKind } from './definition';
import { columnHeaderNamesProperty, dateRangeProperties, formatProperty } from '../common.descriptions';
import { operationOptions } from '../operations';
import type { ResourceDeclaration } from '../resource';
import * as loadOptions from './methods';

/**
 * The Activity Export resource: Bulk Activity Extract.
 * https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/bulk-extract/bulk-activity-extract
 */
export const activityExport: ResourceDeclaration = {
	kind: activityExportKind,
	displayName: 'Activity Export',
	recordName: 'Activity',
	get operation(): INodeProperties {
		return {
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { resource: ['activityExport'] } },
			options: operationOptions(activityExport),
			default: 'extractActivities',
		};
	},
	extract: {
		value: 'extractActivities',
		name: 'Extract Activities',
		action: 'Extract activities',
		description: 'Create the export, wait for Marketo, download and parse the file: one item per activity',
	},
	definition: {
		head: [
			{
				displayName: 'Field Names or IDs',
				name: 'fields',
				type: 'multiOptions',
				required: true,
				default: [
					'marketoGUID',
					'leadId',
					'activityDate',
					'activityTypeId',
					'campaignId',
					'primaryAttributeValueId',
					'primaryAttributeValue',
					'attributes',
				],
				typeOptions: { loadOptionsMethod: 'getActivityFields' },
				description:
					'Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
				hint: 'Marketo’s activity columns. The default is its standard eight; add actionResult to see whether each action succeeded, was skipped or failed.',
			},
			formatProperty,
			{
				displayName: 'Activity Type Names or IDs',
				name: 'activityTypeIds',
				type: 'multiOptions',
				default: [],
				typeOptions: { loadOptionsMethod: 'getActivityTypes' },
				description:
					'Only activities of these types; none chosen exports every type. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Primary Attribute Filter',
				name: 'primaryAttributeFilter',
				type: 'options',
				default: 'none',
				options: [
					{ name: 'None', value: 'none', description: 'Every activity of the chosen types' },
					{ name: 'By ID', value: 'ids', description: 'Only activities whose primary attribute (form, list, program, field) has one of these IDs' },
					{ name: 'By Name', value: 'names', description: 'Only activities whose primary attribute has one of these names' },
				],
				description: 'Marketo takes it only together with Activity Types, at most 50 values, IDs or names but not both',
			},
			{
				displayName: 'Primary Attribute Value IDs',
				name: 'primaryAttributeValueIds',
				type: 'string',
				default: '',
				required: true,
				placeholder: '3001, 3002',
				displayOptions: { show: { primaryAttributeFilter: ['ids'] } },
				description: 'IDs separated by commas (at most 50): form, static list, program or lead field IDs',
			},
			{
				displayName: 'Primary Attribute Values',
				name: 'primaryAttributeValues',
				type: 'string',
				default: '',
				required: true,
				typeOptions: { rows: 4 },
				placeholder: 'GL_OP_ALL_2021.MPS Outbound',
				displayOptions: { show: { primaryAttributeFilter: ['names'] } },
				description:
					'One name per line (at most 50). Forms, static lists and programs are named program.asset, e.g. GL_OP_ALL_2021.MPS Outbound.',
			},
		],
		dateRangeShow: {},
		dateRange: dateRangeProperties,
		tail: [columnHeaderNamesProperty('getActivityFields')],
	},
	extractOptions: [
		{
			displayName: 'Parse Attributes',
			name: 'parseAttributes',
			type: 'boolean',
			default: true,
			description:
				'Whether to turn the attributes column (JSON text) into an object. One that is not valid JSON stays text, and the run says how many.',
		},
	],
	methods: { loadOptions },
};
