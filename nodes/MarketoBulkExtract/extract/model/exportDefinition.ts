import type { DateTime } from 'luxon';
import type { IDataObject } from 'n8n-workflow';

import { toMarketoDateTime, type ExportFormat } from '../../helpers/marketoValues';

/**
 * The job definition the engine takes: plain data, read and checked from the
 * node's parameters by each export kind's folder under actions/, and what it
 * implies for Marketo (the create body) and for the file (column names).
 */

/** An export as the user defined it, validated; dates stay DateTimes so the extract can split them. */
export interface ExportDefinition {
	fields: string[];
	/**
	 * All Fields: the fields are every field Marketo's describe lists when the
	 * run starts (fieldCheck.ts fills `fields` before any job), so a field
	 * added in Marketo is exported from the next run on.
	 */
	allFields?: boolean;
	format: ExportFormat;
	columnHeaderNames?: Record<string, string>;
	/** The date filter's range, when the export has one (split into windows by the extract). */
	range?: { start: DateTime; end: DateTime };
	/** The filter the range applies to (createdAt, updatedAt): Since Last Run keeps one position per filter. */
	dateFilter?: string;
	/**
	 * The field whose date the filter compares, as a record holds it: the
	 * filter's own name, but `activityDate` for an activity's createdAt.
	 * Since Last Run's look-back reads it to tell re-read records from new ones.
	 */
	dateField?: string;
	/**
	 * Columns Marketo writes into the file without being asked, before the
	 * fields (programId, in a program member export of several programs).
	 */
	columnsMarketoAdds?: string[];
	/** For messages, when the export has no date range: "staticListId 1001". */
	label: string;
	/**
	 * The kind's own filter values (a list, activity types, programs…), read and
	 * checked, as Marketo takes them; the date range joins them per window.
	 */
	filters: IDataObject;
}

/**
 * The column a field's values stand under in the file: the header it was
 * renamed to, or its REST name. Only the map's own entries count, so a field
 * named like an Object member (`constructor`, `toString`) is looked up as a field.
 */
export function columnOf(columnHeaderNames: Record<string, string> | undefined, field: string): string {
	return columnHeaderNames !== undefined && Object.hasOwn(columnHeaderNames, field) ? columnHeaderNames[field] : field;
}

/**
 * The body of create.json for a definition of any kind, for the whole range or
 * one window of it: the kind's filters, and the date filter (Marketo takes it
 * as `{ startAt, endAt }` in UTC without milliseconds) when there is one.
 */
export function createJobBody(definition: ExportDefinition, window?: { start: DateTime; end: DateTime }): IDataObject {
	const filter: IDataObject = { ...definition.filters };
	const range = window ?? definition.range;
	if (definition.dateFilter && range) {
		filter[definition.dateFilter] = { startAt: toMarketoDateTime(range.start), endAt: toMarketoDateTime(range.end) };
	}
	const body: IDataObject = { fields: definition.fields, format: definition.format, filter };
	if (definition.columnHeaderNames) body.columnHeaderNames = definition.columnHeaderNames;
	return body;
}
