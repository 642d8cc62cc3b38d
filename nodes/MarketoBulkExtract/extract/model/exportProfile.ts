import type { ExportRecord } from '../../csv/exportFileReader';
import type { MarketoClient } from '../../transport';
import type { FieldType } from '../../transport/leadDatabaseApi';
import type { ExportDefinition } from './exportDefinition';

export type { FieldType };

/**
 * What the engine needs to know of an export kind (leads, activities, program
 * members, custom objects) for one item, as plain data and functions of the
 * Marketo client: no node parameters. Each kind's folder under actions/ builds
 * it from the item's parameters; the job engine, the download and the parser
 * are the same for every kind and take what they need from here.
 */
export interface ExportProfile {
	/** For messages: "lead" / "leads" / "Leads". */
	noun: { one: string; many: string; title: string };
	/** This item's job endpoints, e.g. `/bulk/v1/leads/export` (a custom object's name is part of its path). */
	exportPath: string;
	/** The longest date window Marketo accepts for one job (MAX_WINDOW_DAYS for every kind today). */
	maxWindowDays: number;
	/**
	 * The types by which the parser converts the kind's values: with Convert
	 * Values on, numbers and booleans (one describe call at most); and whatever
	 * the kind converts on its own options (an activity's `attributes` as JSON).
	 * Empty: every value stays the text Marketo wrote.
	 */
	fieldTypes(client: MarketoClient, convertValues: boolean): Promise<FieldType[]>;
	/**
	 * The REST names of the fields that together identify a record of this
	 * definition (the whole key: a record is removed as a duplicate only when
	 * all of them match another's); asked only when an extract has more than
	 * one file (a custom object's come from its describe).
	 */
	keyFields(client: MarketoClient, definition: ExportDefinition): Promise<readonly string[]>;
	/**
	 * The REST names of the fields Marketo's describe lists now, so that a
	 * field removed or renamed in Marketo since the workflow was built is
	 * found before any job is created (fieldCheck.ts). Absent where the
	 * columns are fixed (activities).
	 */
	currentFields?(client: MarketoClient): Promise<readonly string[]>;
	/**
	 * What the kind adds to its items once every file is read and
	 * de-duplicated (an activity's merged lead IDs); returns warnings to
	 * show. `columnOf`: a field's column in the items (Column Header Names).
	 */
	finishRecords?(records: ExportRecord[], columnOf: (field: string) => string): string[];
}
