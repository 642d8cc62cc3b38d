import type { INodeProperties } from 'n8n-workflow';

import { programMemberExportKind } from './definition';
import { allFieldsProperty, columnHeaderNamesProperty, dateRangeProperties, fieldsProperty, formatProperty } from '../common.descriptions';
import { operationOptions } from '../operations';
import type { ResourceDeclaration } from '../resource';
import * as loadOptions from './methods';

/**
 * The Program Member Export resource: Bulk Program Member Extract.
 * https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/bulk-extract/bulk-program-member-extract
 */
export const programMemberExport: ResourceDeclaration = {
	kind: programMemberExportKind,
	displayName: 'Program Member Export',
	recordName: 'Program Member',
	get operation(): INodeProperties {
		return {
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { resource: ['programMemberExport'] } },
			options: operationOptions(programMemberExport),
			default: 'extractProgramMembers',
		};
	},
	extract: {
		value: 'extractProgramMembers',
		name: 'Extract Program Members',
		action: 'Extract program members',
		description: 'Create the export, wait for Marketo, download and parse the file: one item per program member',
	},
	definition: {
		head: [
			{
				displayName: 'Program Names or IDs',
				name: 'programIds',
				type: 'multiOptions',
				required: true,
				default: [],
				typeOptions: { loadOptionsMethod: 'getPrograms' },
				description:
					'The programs whose members to export: one, or up to 10 (then Marketo adds programId as the first column). Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			allFieldsProperty('members'),
			fieldsProperty(
				'getProgramMemberFields',
				'Program member fields (Describe Program Member) and lead fields, by REST API name. Export leadId (and programId for several programs) to have members de-duplicated across windows.',
				undefined,
				true,
			),
			formatProperty,
			{
				displayName: 'Status Names',
				name: 'statusNames',
				type: 'string',
				default: '',
				placeholder: 'Registered, Attended',
				description: 'Only members with one of these program statuses (separated by commas); empty for every status',
			},
			{
				displayName: 'Exhausted Content',
				name: 'isExhausted',
				type: 'options',
				default: 'any',
				options: [
					{ name: 'Any', value: 'any' },
					{ name: 'Exhausted Only', value: 'true', description: 'Members who have exhausted the engagement program’s content' },
					{ name: 'Not Exhausted', value: 'false' },
				],
			},
			{
				displayName: 'Nurture Cadence',
				name: 'nurtureCadence',
				type: 'options',
				default: 'any',
				options: [
					{ name: 'Any', value: 'any' },
					{ name: 'Normal', value: 'norm' },
					{ name: 'Paused', value: 'pause' },
				],
			},
			{
				displayName: 'Date Filter',
				name: 'dateFilter',
				type: 'options',
				default: 'none',
				options: [
					{ name: 'None', value: 'none', description: 'Every member of the programs' },
					{
						name: 'Updated At',
						value: 'updatedAt',
						description: 'Members updated within a date range (not on every subscription: error 1035 otherwise)',
					},
				],
			},
		],
		dateRangeShow: { dateFilter: ['updatedAt'] },
		dateRange: dateRangeProperties,
		tail: [columnHeaderNamesProperty('getProgramMemberFields')],
	},
	methods: { loadOptions },
};
