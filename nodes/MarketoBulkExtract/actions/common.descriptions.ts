import type { INodeProperties } from 'n8n-workflow';

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

function listLocator(
	name: string,
	displayName: string,
	searchMethod: string,
	byId: boolean,
): INodeProperties {
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

/** Which fields, in which format: part of the body of Create Export Lead Job. */
export const fieldsAndFormatProperties: INodeProperties[] = [
	{
		displayName: 'Field Names or IDs',
		name: 'fields',
		type: 'multiOptions',
		required: true,
		default: [],
		typeOptions: { loadOptionsMethod: 'getLeadFields' },
		description:
			'Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		hint: 'Lead fields to export, by REST API name. An expression may give an array or a comma-separated list.',
	},
	{
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
	},
];

/** Which leads: Marketo takes exactly one filter per job. */
export const filterTypeProperty: INodeProperties = {
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

/** The range of the createdAt / updatedAt filters. */
export const dateRangeProperties: INodeProperties[] = [
	{
		displayName: 'Start At',
		name: 'startAt',
		type: 'dateTime',
		required: true,
		default: '',
		displayOptions: { show: { filterType: ['createdAt', 'updatedAt'] } },
		description:
			"Start of the range, inclusive. Read in the workflow's time zone unless it carries an offset; sent to Marketo in UTC without milliseconds.",
	},
	{
		displayName: 'End At',
		name: 'endAt',
		type: 'dateTime',
		required: true,
		default: '',
		displayOptions: { show: { filterType: ['createdAt', 'updatedAt'] } },
		description: 'End of the range, inclusive',
	},
];

/** The list of the static and smart list filters. */
export const listProperties: INodeProperties[] = [
	listLocator('staticListId', 'Static List', 'searchStaticLists', true),
	listLocator('staticListName', 'Static List', 'searchStaticListNames', false),
	listLocator('smartListId', 'Smart List', 'searchSmartLists', true),
	listLocator('smartListName', 'Smart List', 'searchSmartListNames', false),
];

export const columnHeaderNamesProperty: INodeProperties = {
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
						typeOptions: { loadOptionsMethod: 'getLeadFields' },
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
	};

/** Adds conditions to the properties' `displayOptions.show`. */
export function showWhen(
	show: Record<string, Array<string | number | boolean>>,
	properties: INodeProperties[],
): INodeProperties[] {
	return properties.map((property) => ({
		...property,
		displayOptions: {
			...property.displayOptions,
			show: { ...property.displayOptions?.show, ...show },
		},
	}));
}

/** Shows `properties` only for the given operations of the lead export resource. */
export function forOperations(operations: string[], properties: INodeProperties[]): INodeProperties[] {
	return showWhen({ resource: ['leadExport'], operation: operations }, properties);
}
