import type { DateTime } from 'luxon';
import type { IDataObject, IExecuteFunctions, INodeParameterResourceLocator } from 'n8n-workflow';

import { EXPORT_FORMATS, type ExportFormat } from '../transport/leadExportApi';
import { invalidParameter, readChoice, readDateTime, readFields, toMarketoDateTime } from './validation';

export type { ExportFormat };

export const FILTER_TYPES = [
	'createdAt',
	'updatedAt',
	'staticListId',
	'staticListName',
	'smartListId',
	'smartListName',
] as const;

export type FilterType = (typeof FILTER_TYPES)[number];

export function readFilterType(ctx: IExecuteFunctions, itemIndex: number): FilterType {
	return readChoice(ctx, itemIndex, { name: 'filterType', label: 'Filter', choices: FILTER_TYPES, fallback: 'createdAt' });
}

export const DATE_FILTERS: readonly FilterType[] = ['createdAt', 'updatedAt'];

/** Marketo refuses a createdAt/updatedAt range longer than this. */
export const MAX_RANGE_DAYS = 31;

/** A lead export as the user defined it; dates stay DateTimes so Extract Leads can split them. */
export interface LeadExportDefinition {
	fields: string[];
	format: ExportFormat;
	columnHeaderNames?: Record<string, string>;
	filterType: FilterType;
	/** For createdAt / updatedAt. */
	range?: { start: DateTime; end: DateTime };
	/** For the list filters: a list ID (number) or name (string). */
	list?: number | string;
}

export interface ReadDefinitionOptions {
	/** Create Job refuses ranges Marketo would refuse; Extract Leads splits them. */
	limitRangeToMarketoMaximum: boolean;
	/** A range computed by the caller ("since last run") instead of Start At / End At. */
	range?: { start: DateTime; end: DateTime };
}

export function readLeadExportDefinition(
	ctx: IExecuteFunctions,
	itemIndex: number,
	options: ReadDefinitionOptions,
): LeadExportDefinition {
	const fields = readFields(ctx, itemIndex);
	const format = readChoice(ctx, itemIndex, { name: 'format', label: 'Format', choices: EXPORT_FORMATS, fallback: 'CSV', anyCase: true });
	const filterType = readFilterType(ctx, itemIndex);
	const definition: LeadExportDefinition = { fields, format, filterType };

	const columnHeaderNames = readColumnHeaderNames(ctx, itemIndex, fields);
	if (columnHeaderNames) definition.columnHeaderNames = columnHeaderNames;

	if (DATE_FILTERS.includes(filterType)) {
		definition.range = options.range ?? readRange(ctx, itemIndex, options);
	} else {
		definition.list = readList(ctx, itemIndex, filterType);
	}
	return definition;
}

function readRange(
	ctx: IExecuteFunctions,
	itemIndex: number,
	options: ReadDefinitionOptions,
): { start: DateTime; end: DateTime } {
	const start = readDateTime(ctx, itemIndex, 'startAt', 'Start At');
	const end = readDateTime(ctx, itemIndex, 'endAt', 'End At');
	if (start > end) {
		throw invalidParameter(
			ctx,
			itemIndex,
			'End At',
			`${toMarketoDateTime(end)} is before Start At (${toMarketoDateTime(start)})`,
			'Set End At to the same moment as Start At or later.',
		);
	}
	if (options.limitRangeToMarketoMaximum && end.diff(start, 'days').days > MAX_RANGE_DAYS) {
		throw invalidParameter(
			ctx,
			itemIndex,
			'End At',
			`the range ${toMarketoDateTime(start)} – ${toMarketoDateTime(end)} is longer than Marketo's ${MAX_RANGE_DAYS} days`,
			`Shorten the range to ${MAX_RANGE_DAYS} days or fewer, or use the Extract Leads operation, which splits any range into ${MAX_RANGE_DAYS}-day jobs.`,
		);
	}
	return { start, end };
}

const LIST_PARAMETERS: Record<string, { parameter: string; label: string; numeric: boolean }> = {
	staticListId: { parameter: 'staticListId', label: 'Static List', numeric: true },
	staticListName: { parameter: 'staticListName', label: 'Static List', numeric: false },
	smartListId: { parameter: 'smartListId', label: 'Smart List', numeric: true },
	smartListName: { parameter: 'smartListName', label: 'Smart List', numeric: false },
};

function readList(ctx: IExecuteFunctions, itemIndex: number, filterType: FilterType): number | string {
	const { parameter, label, numeric } = LIST_PARAMETERS[filterType];
	const raw = ctx.getNodeParameter(parameter, itemIndex, '') as INodeParameterResourceLocator | string;
	const value = String(typeof raw === 'object' && raw !== null ? (raw.value ?? '') : raw).trim();
	if (value === '') {
		throw invalidParameter(
			ctx,
			itemIndex,
			label,
			'no list chosen',
			`Pick a ${label.toLowerCase()} from the list, or enter its ${numeric ? 'ID' : 'name'}.`,
		);
	}
	if (!numeric) return value;
	if (!/^\d+$/.test(value) || Number(value) <= 0) {
		throw invalidParameter(
			ctx,
			itemIndex,
			label,
			`"${value}" is not a list ID`,
			`Enter the list's numeric ID (shown in its Marketo URL), or pick it from the list.`,
		);
	}
	return Number(value);
}

function readColumnHeaderNames(
	ctx: IExecuteFunctions,
	itemIndex: number,
	fields: string[],
): Record<string, string> | undefined {
	const raw = ctx.getNodeParameter('columnHeaderNames.header', itemIndex, []) as Array<{
		field?: string;
		header?: string;
	}>;
	if (!Array.isArray(raw) || raw.length === 0) return undefined;
	const headers: Record<string, string> = {};
	for (const { field, header } of raw) {
		const name = (field ?? '').trim();
		const text = (header ?? '').trim();
		if (name === '' && text === '') continue;
		if (!fields.includes(name)) {
			throw invalidParameter(
				ctx,
				itemIndex,
				'Column Header Names',
				`"${name}" is not one of the exported fields`,
				'Rename only fields chosen under Fields, or add the field to Fields.',
			);
		}
		if (text === '') {
			throw invalidParameter(
				ctx,
				itemIndex,
				'Column Header Names',
				`no header given for "${name}"`,
				'Enter the column name to use, or remove the entry.',
			);
		}
		headers[name] = text;
	}
	// Output items are keyed by header; two columns with one header would overwrite each other.
	const finalHeaders = fields.map((field) => headers[field] ?? field);
	const duplicate = finalHeaders.find((header, index) => finalHeaders.indexOf(header) !== index);
	if (duplicate !== undefined) {
		throw invalidParameter(
			ctx,
			itemIndex,
			'Column Header Names',
			`two columns would be named "${duplicate}"`,
			'Give every exported field a distinct header.',
		);
	}
	return Object.keys(headers).length > 0 ? headers : undefined;
}

/** The filter object for Marketo, for the whole range or one window of it. */
export function filterFor(
	definition: LeadExportDefinition,
	window?: { start: DateTime; end: DateTime },
): IDataObject {
	const { filterType } = definition;
	if (DATE_FILTERS.includes(filterType)) {
		const range = window ?? definition.range!;
		return {
			[filterType]: {
				startAt: toMarketoDateTime(range.start),
				endAt: toMarketoDateTime(range.end),
			},
		};
	}
	return { [filterType]: definition.list! };
}

/** The body of POST /bulk/v1/leads/export/create.json. */
export function createJobBody(
	definition: LeadExportDefinition,
	window?: { start: DateTime; end: DateTime },
): IDataObject {
	const body: IDataObject = {
		fields: definition.fields,
		format: definition.format,
		filter: filterFor(definition, window),
	};
	if (definition.columnHeaderNames) body.columnHeaderNames = definition.columnHeaderNames;
	return body;
}
