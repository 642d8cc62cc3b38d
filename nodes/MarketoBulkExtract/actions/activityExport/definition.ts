import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { FieldType } from '../../extract/model/exportProfile';
import type { ExportRecord } from '../../csv/exportFileReader';
import { JSON_OBJECT_TYPE } from '../../extract/files/typedValues';
import { addMergedLeadIds, isMergeLeadsOnly, MERGED_LEAD_IDS_FIELD } from './mergedLeadIds';
import { MAX_WINDOW_DAYS } from '../../extract/model/windows';
import { readCommonDefinition, readRange } from '../definition';
import { describeValue, invalidParameter, listEntries, readChoice, readIds, toBoolean } from '../parameters';
import type { ExportKind } from '../resource';

/**
 * Bulk Activity Extract: activities by creation date (required, at most 31
 * days a job), optionally of some activity types, and then optionally of some
 * primary attribute values (by ID or by name, at most 50, never both).
 * https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/bulk-extract/bulk-activity-extract
 *
 * Where the page is silent: Marketo gives no describe for activity columns,
 * so their types are the documented ones below; `marketoGUID` stays text
 * (it is an identifier, and some instances write long ones).
 */

/** The columns an activity export may have, with their types; the first eight are Marketo's default. */
export const ACTIVITY_FIELDS: readonly FieldType[] = [
	{ name: 'marketoGUID', dataType: 'string' },
	{ name: 'leadId', dataType: 'integer' },
	{ name: 'activityDate', dataType: 'datetime' },
	{ name: 'activityTypeId', dataType: 'integer' },
	{ name: 'campaignId', dataType: 'integer' },
	{ name: 'primaryAttributeValueId', dataType: 'integer' },
	{ name: 'primaryAttributeValue', dataType: 'string' },
	{ name: 'attributes', dataType: 'text' },
	{ name: 'actionResult', dataType: 'string' },
];

/** Marketo takes at most this many primary attribute values (IDs or names) per job. */
export const MAX_PRIMARY_ATTRIBUTE_VALUES = 50;

const PRIMARY_ATTRIBUTE_MODES = ['none', 'ids', 'names'] as const;

/** Activity type IDs: positive whole numbers, from the picker (numbers) or an expression (numbers or numeric text). */
function readActivityTypeIds(ctx: IExecuteFunctions, itemIndex: number): number[] {
	return readIds(ctx, itemIndex, listEntries(ctx.getNodeParameter('activityTypeIds', itemIndex, [])), {
		label: 'Activity Types',
		what: 'an activity type ID',
		fix: 'Pick activity types from the list, or give their numeric IDs (Get Activity Types lists them).',
		min: 1,
	});
}

/** Primary attribute values: IDs (whole numbers, comma- or line-separated) or names (one per line: names may hold commas). */
function readPrimaryAttributeValues(
	ctx: IExecuteFunctions,
	itemIndex: number,
	mode: 'ids' | 'names',
): Array<number | string> {
	const label = mode === 'ids' ? 'Primary Attribute Value IDs' : 'Primary Attribute Values';
	const parameter = mode === 'ids' ? 'primaryAttributeValueIds' : 'primaryAttributeValues';
	const raw = ctx.getNodeParameter(parameter, itemIndex, '') as unknown;
	// Names may hold commas: one per line. IDs: commas or lines.
	const entries = listEntries(raw, mode === 'ids' ? /[,\n]/ : /\n/).filter((entry) => typeof entry !== 'string' || entry.trim() !== '');
	let values: Array<number | string>;
	if (mode === 'ids') {
		values = readIds(ctx, itemIndex, entries, { label, what: 'an ID', fix: 'Give numeric IDs separated by commas, e.g. 3001, 3002.', min: 0 });
	} else {
		values = [];
		for (const entry of entries) {
			if (typeof entry !== 'string') {
				throw invalidParameter(ctx, itemIndex, label, `${describeValue(entry)} is not a name`, 'Give one name per line, e.g. GL_OP_ALL_2021.MPS Outbound.');
			}
			const name = entry.trim();
			if (!values.includes(name)) values.push(name);
		}
	}
	if (values.length === 0) {
		throw invalidParameter(ctx, itemIndex, label, 'none given', mode === 'ids' ? 'Give at least one ID, or set Primary Attribute Filter to None.' : 'Give at least one name, or set Primary Attribute Filter to None.');
	}
	if (values.length > MAX_PRIMARY_ATTRIBUTE_VALUES) {
		throw invalidParameter(
			ctx,
			itemIndex,
			label,
			`${values.length} values given; Marketo takes at most ${MAX_PRIMARY_ATTRIBUTE_VALUES} per job`,
			'Give 50 or fewer, or split the export into several nodes.',
		);
	}
	return values;
}

export const activityExportKind: ExportKind = {
	resource: 'activityExport',
	noun: { one: 'activity', many: 'activities', title: 'Activities' },
	readExportPath: () => '/bulk/v1/activities/export',

	lookBack: {
		defaultMinutes: 60,
		covers:
			'Marketo commits Send Email activities as the mail goes out, dated at the start of the send; a large send is written over many minutes (Marketo’s knowledge base: a pull every two hours found a quarter of the sends missing). 60 covers a send written over an hour.',
	},

	readDateFilter: () => 'createdAt',

	readDefinition(ctx, itemIndex, options) {
		const common = readCommonDefinition(ctx, itemIndex, 'activity');
		// The columns are fixed, so a wrong one (e.g. a lead field kept when the Resource changed) is caught here.
		const unknown = common.fields.find((field) => !ACTIVITY_FIELDS.some((column) => column.name === field));
		if (unknown !== undefined) {
			throw invalidParameter(
				ctx,
				itemIndex,
				'Fields',
				`"${unknown}" is not an activity column`,
				`Choose from ${ACTIVITY_FIELDS.map((column) => column.name).join(', ')}.`,
			);
		}
		const filters: IDataObject = {};
		const activityTypeIds = readActivityTypeIds(ctx, itemIndex);
		if (activityTypeIds.length > 0) filters.activityTypeIds = activityTypeIds;
		const mode = readChoice(ctx, itemIndex, {
			name: 'primaryAttributeFilter',
			label: 'Primary Attribute Filter',
			choices: PRIMARY_ATTRIBUTE_MODES,
			fallback: 'none',
		});
		if (mode !== 'none') {
			// Marketo takes primary attribute values only with the activity types they belong to.
			if (activityTypeIds.length === 0) {
				throw invalidParameter(
					ctx,
					itemIndex,
					'Primary Attribute Filter',
					'Marketo filters on primary attribute values only together with activity types',
					'Choose the Activity Types the values belong to (e.g. Fill Out Form for form names), or set Primary Attribute Filter to None.',
				);
			}
			const values = readPrimaryAttributeValues(ctx, itemIndex, mode);
			filters[mode === 'ids' ? 'primaryAttributeValueIds' : 'primaryAttributeValues'] = values;
		}
		const range = readRange(ctx, itemIndex, options, 'Extract Activities');
		const types = activityTypeIds.length > 0 ? ` of types ${activityTypeIds.join(', ')}` : '';
		return { ...common, range, dateFilter: 'createdAt', dateField: 'activityDate', label: `activities${types}`, filters };
	},

	profile(ctx, itemIndex) {
		const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
		const parseAttributes = toBoolean(ctx, itemIndex, options.parseAttributes, 'Parse Attributes', true);
		return {
			noun: this.noun,
			exportPath: this.readExportPath(ctx, itemIndex),
			maxWindowDays: MAX_WINDOW_DAYS,
			// Marketo has no describe for activity columns: their types are fixed, and Parse Attributes types one as JSON.
			fieldTypes: async (_client, convertValues) => {
				const types = convertValues ? [...ACTIVITY_FIELDS] : [];
				return parseAttributes ? [...types.filter((f) => f.name !== 'attributes'), { name: 'attributes', dataType: JSON_OBJECT_TYPE }] : types;
			},
			keyFields: async () => ['marketoGUID'],
			// Only an extract of Merge Leads alone gains mergedLeadIds: other activities keep Marketo's columns, so a
			// table upsert mapped on them (the scheduled example's) never meets a column it does not have.
			finishRecords: isMergeLeadsOnly(readActivityTypeIds(ctx, itemIndex)) ? finishMerges : undefined,
		};
	},
};

/** Each Merge Leads activity's merged lead IDs, in mergedLeadIds; a warning for those that cannot be read. */
function finishMerges(records: ExportRecord[], columnOf: (field: string) => string): string[] {
	const unreadable = addMergedLeadIds(records, columnOf('attributes'), columnOf('activityTypeId'));
	if (unreadable === 0) return [];
	return [
		`${unreadable} Merge Leads ${unreadable === 1 ? 'activity names' : 'activities name'} no merged lead IDs the node can read (no Merge IDs attribute, or one that is not a list of lead IDs); their ${MERGED_LEAD_IDS_FIELD} is empty, so a mirror keeps those merged-away leads until a reconcile.`,
	];
}
