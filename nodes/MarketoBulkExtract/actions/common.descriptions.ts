import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ResourceDeclaration } from './resource';

/** Parameters shared by several operations, so each exists once. */

export const exportIdProperty: INodeProperties = {
	displayName: 'Export ID',
	name: 'exportId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'ce45a7a1-f19d-4ce2-882c-a3c795940a7d',
	description: 'The exportId that Create Job or List Jobs returned, e.g. {{ $JSON.exportId }}',
};

/**
 * All Fields: every field the kind's describe lists, read again at each run,
 * so a field added in Marketo appears in the next run's items. Hides Fields.
 */
export function allFieldsProperty(noun: string): INodeProperties {
	return {
		displayName: 'All Fields',
		name: 'allFields',
		type: 'boolean',
		default: false,
		description: `Whether to export every field Marketo's describe lists, read again at each run, so a field added in Marketo appears in the next run's ${noun} (a warehouse table needs a column for it). Off: the fields chosen below.`,
	};
}

/** The fields to export, picked from the kind's describe (`loadOptionsMethod`, reloaded when `dependsOn` changes); hidden by All Fields where the kind has it. */
export function fieldsProperty(loadOptionsMethod: string, hint: string, dependsOn?: string[], withAllFields = false): INodeProperties {
	return {
		displayName: 'Field Names or IDs',
		name: 'fields',
		type: 'multiOptions',
		required: true,
		default: [],
		typeOptions: dependsOn ? { loadOptionsMethod, loadOptionsDependsOn: dependsOn } : { loadOptionsMethod },
		description:
			'Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		hint,
		...(withAllFields ? { displayOptions: { show: { allFields: [false] } } } : {}),
	};
}

/** The file format: every kind writes the same three. */
export const formatProperty: INodeProperties = {
	displayName: 'Format',
	name: 'format',
	type: 'options',
	default: 'CSV',
	options: [
		{ name: 'CSV', value: 'CSV', description: 'Comma-separated values' },
		{ name: 'SSV', value: 'SSV', description: 'Space- or semicolon-separated values' },
		{ name: 'TSV', value: 'TSV', description: 'Tab-separated values' },
	],
	description: 'File format Marketo writes; the node parses all three',
};

/** The range of a date filter (createdAt, updatedAt); the resource says when it applies. */
export const dateRangeProperties: INodeProperties[] = [
	{
		displayName: 'Start At',
		name: 'startAt',
		type: 'dateTime',
		required: true,
		default: '',
		description:
			"Start of the range, inclusive. Read in the workflow's time zone unless it carries an offset; sent to Marketo in UTC without milliseconds.",
	},
	{
		displayName: 'End At',
		name: 'endAt',
		type: 'dateTime',
		required: true,
		default: '',
		description: 'End of the range, inclusive',
	},
];

function listLocator(name: string, displayName: string, searchMethod: string, byId: boolean): INodeProperties {
	return {
		displayName,
		name,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		displayOptions: { show: { filterType: [name] } },
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: searchMethod, searchable: true },
			},
			{
				displayName: byId ? 'By ID' : 'By Name',
				name: byId ? 'id' : 'name',
				type: 'string',
				placeholder: byId ? '1081' : 'Newsletter subscribers',
				validation: byId
					? [{ type: 'regex', properties: { regex: '^\\d+$', errorMessage: 'A list ID is a number' } }]
					: [],
			},
		],
	};
}

/** The list of the static and smart list filters (leads, custom objects). */
export const listProperties: INodeProperties[] = [
	listLocator('staticListId', 'Static List', 'searchStaticLists', true),
	listLocator('staticListName', 'Static List', 'searchStaticListNames', false),
	listLocator('smartListId', 'Smart List', 'searchSmartLists', true),
	listLocator('smartListName', 'Smart List', 'searchSmartListNames', false),
];

/** Renamed columns, the field picked from the kind's describe (`loadOptionsMethod`). */
export const columnHeaderNamesProperty = (loadOptionsMethod: string, dependsOn?: string[]): INodeProperties => ({
		displayName: 'Column Header Names',
		name: 'columnHeaderNames',
		type: 'fixedCollection',
		placeholder: 'Add Column Header',
		default: {},
		typeOptions: { multipleValues: true },
		description: 'Rename columns of the file; output items use these names as keys',
		options: [
			{
				displayName: 'Header',
				name: 'header',
				values: [
					{
						displayName: 'Field Name or ID',
						name: 'field',
						type: 'options',
						typeOptions: dependsOn ? { loadOptionsMethod, loadOptionsDependsOn: dependsOn } : { loadOptionsMethod },
						default: '',
						description:
							'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
					},
					{
						displayName: 'Header',
						name: 'header',
						type: 'string',
						default: '',
						placeholder: 'Email Address',
					},
				],
			},
		],
	});

/** The Output options: one item per record (named for the resource: "One Item per Lead"), then `others`. */
export function outputOptions(resource: ResourceDeclaration, others: INodePropertyOptions[]): INodePropertyOptions[] {
	const record = resource.recordName.toLowerCase();
	return [
		{
			name: `One Item per ${resource.recordName}`,
			value: 'items',
			description: `Parse the file; each ${record} becomes an item keyed by column header`,
		},
		...others,
	];
}

/** A collection's options in alphabetical order, as n8n's lint wants them. */
export function alphabetical(options: INodeProperties[]): INodeProperties[] {
	return [...options].sort((a, b) => a.displayName.localeCompare(b.displayName));
}

/** Shows `properties` only for the given operations of one resource. */
export function forOperations(
	resource: ResourceDeclaration,
	operations: string[],
	properties: INodeProperties[],
): INodeProperties[] {
	return updateDisplayOptions({ show: { resource: [resource.kind.resource], operation: operations } }, properties);
}
