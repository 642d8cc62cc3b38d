import type { DateTime } from 'luxon';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { MarketoClient } from '../transport';
import type { ExportFormat } from '../transport/exportJobApi';

/** A field of an export and its Marketo data type (describe's `dataType`), for Convert Values. */
export interface FieldType {
	/** The REST API name, what the export's `fields` take. */
	name: string;
	dataType: string;
}

/** An export as the user defined it, validated; dates stay DateTimes so the extract can split them. */
export interface ExportDefinition {
	fields: string[];
	format: ExportFormat;
	columnHeaderNames?: Record<string, string>;
	/** The date filter's range, when the export has one (split into windows by the extract). */
	range?: { start: DateTime; end: DateTime };
	/** The filter the range applies to (createdAt, updatedAt): Since Last Run keeps one position per filter. */
	dateFilter?: string;
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

export interface ReadDefinitionOptions {
	/** Create Job refuses ranges Marketo would refuse; the extract splits them. */
	limitRangeToMarketoMaximum: boolean;
	/** A range computed by the caller ("since last run") instead of the date parameters. */
	range?: { start: DateTime; end: DateTime };
}

/**
 * Everything that differs between Marketo's bulk extracts (leads, activities,
 * program members, custom objects): one profile per kind. The job engine, the
 * download and the parser are the same for every kind; they take what they
 * need from here. Data flows one way: parameters → readDefinition → createJobBody
 * → Marketo → bytes → rows → items.
 */
export interface ExportKind {
	/** The node's Resource value, stored in users' workflows: never renamed. */
	resource: string;
	/** For messages: "lead" / "leads" / "Leads". */
	noun: { one: string; many: string; title: string };
	/** The endpoints of this kind's jobs, e.g. `/bulk/v1/leads/export`; may depend on a parameter (a custom object's name). */
	readExportPath(ctx: IExecuteFunctions, itemIndex: number): string;
	/**
	 * The date filter the user chose (createdAt, updatedAt), or undefined when the
	 * export is filtered otherwise; decides whether Since Last Run applies.
	 */
	readDateFilter(ctx: IExecuteFunctions, itemIndex: number): string | undefined;
	/** The job definition from the node's parameters, checked before any call to Marketo. */
	readDefinition(ctx: IExecuteFunctions, itemIndex: number, options: ReadDefinitionOptions): ExportDefinition;
	/** The longest date window Marketo accepts for one job. */
	maxWindowDays: number;
	/**
	 * The types by which the parser converts the kind's values: with Convert
	 * Values on, numbers and booleans (one describe call at most); and whatever
	 * the kind converts on its own options (an activity's `attributes` as JSON).
	 * Empty: every value stays the text Marketo wrote.
	 */
	fieldTypes(client: MarketoClient, ctx: IExecuteFunctions, itemIndex: number, convertValues: boolean): Promise<FieldType[]>;
	/**
	 * The REST names of the fields that together identify a record of this
	 * definition (the whole key: a record is removed as a duplicate only when
	 * all of them match another's), to keep one copy across windows; asked only
	 * when an extract has more than one file (a custom object's come from its
	 * describe).
	 */
	keyFields(client: MarketoClient, ctx: IExecuteFunctions, itemIndex: number, definition: ExportDefinition): Promise<readonly string[]>;
}
