import type { DateTime } from 'luxon';
import type { IExecuteFunctions, INodeParameterResourceLocator } from 'n8n-workflow';

import { columnOf } from '../extract/model/exportDefinition';
import { MAX_WINDOW_DAYS } from '../extract/model/windows';
import { EXPORT_FORMATS, toMarketoDateTime, type ExportFormat } from '../helpers/marketoValues';
import { idTooLarge, invalidParameter, readChoice, readDateTime, readFields, toBoolean } from './parameters';

/**
 * Reading the parts of a job definition every export kind shares: fields,
 * format, column header names, a date range and a list filter. Each kind's
 * folder reads its own filters and calls these for the rest.
 */

export interface ReadDefinitionOptions {
	/** Create Job refuses ranges Marketo would refuse; the extract splits them. */
	limitRangeToMarketoMaximum: boolean;
	/** A range computed by the caller ("since last run") instead of the date parameters. */
	range?: { start: DateTime; end: DateTime };
}


export interface CommonDefinition {
	fields: string[];
	allFields?: boolean;
	format: ExportFormat;
	columnHeaderNames?: Record<string, string>;
}

export function readCommonDefinition(ctx: IExecuteFunctions, itemIndex: number, noun: string): CommonDefinition {
	// All Fields (leads, program members, custom objects): the describe at the run gives them; Fields is hidden then.
	const allFields = toBoolean(ctx, itemIndex, ctx.getNodeParameter('allFields', itemIndex, false), 'All Fields', false);
	const fields = allFields ? [] : readFields(ctx, itemIndex, noun);
	const format = readChoice(ctx, itemIndex, { name: 'format', label: 'Format', choices: EXPORT_FORMATS, fallback: 'CSV', anyCase: true });
	const definition: CommonDefinition = allFields ? { fields, allFields, format } : { fields, format };
	const columnHeaderNames = readColumnHeaderNames(ctx, itemIndex, allFields ? undefined : fields);
	if (columnHeaderNames) definition.columnHeaderNames = columnHeaderNames;
	return definition;
}

/** Start At and End At (or the caller's range), checked: in order, and within 31 days when asked. */
export function readRange(
	ctx: IExecuteFunctions,
	itemIndex: number,
	options: ReadDefinitionOptions,
	operationThatSplits: string,
): { start: DateTime; end: DateTime } {
	if (options.range) return options.range;
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
	if (options.limitRangeToMarketoMaximum && end.diff(start, 'days').days > MAX_WINDOW_DAYS) {
		throw invalidParameter(
			ctx,
			itemIndex,
			'End At',
			`the range ${toMarketoDateTime(start)} – ${toMarketoDateTime(end)} is longer than Marketo's ${MAX_WINDOW_DAYS} days`,
			`Shorten the range to ${MAX_WINDOW_DAYS} days or fewer, or use the ${operationThatSplits} operation, which splits any range into ${MAX_WINDOW_DAYS}-day jobs.`,
		);
	}
	return { start, end };
}

const LIST_FILTERS: Record<string, { label: string; numeric: boolean }> = {
	staticListId: { label: 'Static List', numeric: true },
	staticListName: { label: 'Static List', numeric: false },
	smartListId: { label: 'Smart List', numeric: true },
	smartListName: { label: 'Smart List', numeric: false },
};

/** The list of a static or smart list filter (leads, custom objects): an ID (a number) or a name. */
export function readListFilter(
	ctx: IExecuteFunctions,
	itemIndex: number,
	filter: 'staticListId' | 'staticListName' | 'smartListId' | 'smartListName',
): number | string {
	const { label, numeric } = LIST_FILTERS[filter];
	const raw = ctx.getNodeParameter(filter, itemIndex, '') as INodeParameterResourceLocator | string;
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
	if (/^\d+$/.test(value) && !Number.isSafeInteger(Number(value))) throw idTooLarge(ctx, itemIndex, label, value);
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


/** Object keys n8n strips from every object it copies or sends (its guard against prototype pollution). */
const KEYS_N8N_DROPS = ['__proto__', 'constructor', 'prototype'];

function readColumnHeaderNames(
	ctx: IExecuteFunctions,
	itemIndex: number,
	/** The fields chosen; undefined with All Fields, whose fields the run's describe gives (fieldCheck.ts checks them then). */
	fields: string[] | undefined,
): Record<string, string> | undefined {
	const raw = ctx.getNodeParameter('columnHeaderNames.header', itemIndex, []) as Array<{
		field?: string;
		header?: string;
	}>;
	if (!Array.isArray(raw) || raw.length === 0) return undefined;
	// No prototype: a field named `constructor` or `toString` is a field, never an Object method.
	const headers: Record<string, string> = Object.create(null) as Record<string, string>;
	for (const { field, header } of raw) {
		const name = (field ?? '').trim();
		const text = (header ?? '').trim();
		if (name === '' && text === '') continue;
		if (fields && !fields.includes(name)) {
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
		const reserved = [name, text].find((word) => KEYS_N8N_DROPS.includes(word));
		if (reserved !== undefined) {
			throw invalidParameter(
				ctx,
				itemIndex,
				'Column Header Names',
				`"${reserved}" can be neither renamed nor a header: n8n removes every object key named ${KEYS_N8N_DROPS.join(', ')} from what it sends and copies, so Marketo would never see the entry`,
				'Remove the entry: the field keeps its own name as its header.',
			);
		}
		headers[name] = text;
	}
	// Output items are keyed by header; two columns with one header would overwrite each other.
	// With All Fields, among the headers given (the describe's own names are checked at the run).
	const finalHeaders = (fields ?? Object.keys(headers)).map((field) => columnOf(headers, field));
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

