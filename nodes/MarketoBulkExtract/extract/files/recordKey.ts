import type { MarketoClient } from '../../transport';
import { columnOf, type ExportDefinition } from '../model/exportDefinition';
import type { ExportProfile } from '../model/exportProfile';
import { DefinitionConflictError } from '../model/limits';

/**
 * The key that tells an extract's records apart across its windows, and what
 * the export jobs need for it. De-duplication removes a record only when its
 * whole key matched another's: de-duplicating on what is left of a key (a
 * program member export without leadId, a custom object without one of its
 * dedupe fields) once removed 951 of 954 members. So the precondition is
 * enforced here, not advised: a key field the user did not choose is added to
 * the export jobs, and `addedColumns` leaves it out of the items again.
 *
 * Asked only for an extract with more than one file and item output: one file
 * holds each record once, and files alone are never de-duplicated.
 */
export interface RecordKey {
	/** The key's columns, as the files name them (Column Header Names applied). */
	columns: string[];
	/**
	 * The column of the record's date (the one the range filters on), when
	 * asked for: Since Last Run's look-back tells by it a record it reads
	 * again from a new one, and a record's version from another.
	 */
	dateColumn?: string;
	/** Columns the node added to the jobs for the key; no item shows them. */
	addedColumns: string[];
}

/** `withDate`: the key also needs the record's date (the definition's dateField). */
export async function recordKeyFor(
	client: MarketoClient,
	profile: ExportProfile,
	definition: ExportDefinition,
	{ withDate = false }: { withDate?: boolean } = {},
): Promise<{ definition: ExportDefinition; key: RecordKey }> {
	const keyFields = await profile.keyFields(client, definition);
	const dateField = withDate ? definition.dateField : undefined;
	const needed = dateField === undefined || keyFields.includes(dateField) ? keyFields : [...keyFields, dateField];
	const inFile = new Set([...definition.fields, ...(definition.columnsMarketoAdds ?? [])]);
	const missing = needed.filter((field) => !inFile.has(field));
	const columns = keyFields.map((field) => columnOf(definition.columnHeaderNames, field));
	const dateColumn = dateField === undefined ? undefined : columnOf(definition.columnHeaderNames, dateField);
	if (missing.length === 0) return { definition, key: { columns, dateColumn, addedColumns: [] } };

	// An added field keeps its REST name as its header; a user's header must not already hold that name.
	const headers = definition.fields.map((field) => columnOf(definition.columnHeaderNames, field));
	const taken = missing.find((field) => headers.includes(field));
	if (taken !== undefined) {
		throw new DefinitionConflictError(
			'columnHeaderNames',
			taken === dateField
				? `another field is renamed "${taken}", the name of the date field ${taken} that the node adds to the export to tell ${profile.noun.many} it reads again from those an earlier run delivered`
				: `another field is renamed "${taken}", the name of the key field ${taken} that the node adds to the export to tell ${profile.noun.many} apart across its windows`,
			`Give that field another header, or add ${taken} to Fields.`,
		);
	}
	return { definition: { ...definition, fields: [...definition.fields, ...missing] }, key: { columns, dateColumn, addedColumns: missing } };
}
