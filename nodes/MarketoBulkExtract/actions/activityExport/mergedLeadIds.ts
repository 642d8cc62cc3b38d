import type { ExportRecord } from '../../csv/exportFileReader';
import { jsonObjectOf } from '../../extract/files/typedValues';
import { isLeadId } from '../../helpers/marketoValues';

/**
 * A Merge Leads activity (type 32) names the leads merged away in one of its
 * attributes, which a mirror must delete. Marketo's spelling of that
 * attribute is not fixed (Adobe's field mappings say `Merge IDs`, instances
 * have written `Merge ids`) nor is its value's (`"[102]"`, `"1001,1002"`, a
 * number). So the node reads it whatever its case and spacing and writes the
 * IDs, as numbers, to one field of its own, MERGED_LEAD_IDS_FIELD: the field
 * README and the examples delete by, on the items of an extract of Merge
 * Leads alone (isMergeLeadsOnly). The attributes stay as Marketo wrote them.
 */

/** The item field that holds a Merge Leads activity's merged-away lead IDs: always a list of numbers. */
export const MERGED_LEAD_IDS_FIELD = 'mergedLeadIds';

export const MERGE_LEADS_ACTIVITY_TYPE = 32;

/**
 * Whether an extract asks for Merge Leads activities alone: only then do its
 * items gain MERGED_LEAD_IDS_FIELD. An extract of other types too keeps
 * Marketo's columns, so an auto-mapped table upsert of all activities never
 * meets a column its table does not have.
 */
export function isMergeLeadsOnly(activityTypeIds: readonly number[]): boolean {
	return activityTypeIds.length > 0 && activityTypeIds.every((id) => id === MERGE_LEADS_ACTIVITY_TYPE);
}

/** The attribute's name, in any case and spacing: Merge IDs, Merge ids, merge_ids, mergedLeadIds. */
const MERGE_ATTRIBUTE = /^merged?(lead)?ids?$/;
const LEAD_ID_LIST = /^\[?\s*(\d+(\s*,\s*\d+)*)\s*,?\s*\]?$/;

/**
 * Sets MERGED_LEAD_IDS_FIELD on each Merge Leads activity (by its type, or
 * by a merge attribute where the type was not exported); returns how many of
 * them held no readable IDs (their field is an empty list). `attributesColumn`:
 * the attributes column's header, Column Header Names applied.
 */
export function addMergedLeadIds(records: ExportRecord[], attributesColumn: string, typeColumn: string): number {
	// Every file of an extract has the same columns: without attributes, there is nothing to read.
	if (records.length === 0 || !Object.hasOwn(records[0], attributesColumn)) return 0;
	let unreadable = 0;
	for (const record of records) {
		const attributes = attributesOf(record[attributesColumn]);
		const key = attributes && Object.keys(attributes).find((name) => MERGE_ATTRIBUTE.test(name.toLowerCase().replace(/[^a-z]/g, '')));
		const isMerge = key !== undefined || Number(record[typeColumn]) === MERGE_LEADS_ACTIVITY_TYPE;
		if (!isMerge) continue;
		const ids = key === undefined ? undefined : leadIdsOf(attributes![key]);
		if (!ids) unreadable++;
		record[MERGED_LEAD_IDS_FIELD] = ids ?? [];
	}
	return unreadable;
}

/** The attributes as an object: parsed already (Parse Attributes), or the JSON text Marketo wrote, read as Parse Attributes reads it. */
function attributesOf(value: unknown): Record<string, unknown> | undefined {
	if (typeof value === 'string') return jsonObjectOf(value.trimStart());
	return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** Lead IDs from a list, a number, or text ("[102]", "1001,1002", or that text quoted once more); else undefined. */
function leadIdsOf(value: unknown, depth = 0): number[] | undefined {
	if (typeof value === 'number') return isLeadId(value) ? [value] : undefined;
	if (Array.isArray(value)) {
		const ids = value.map((item) => (typeof item === 'number' ? item : typeof item === 'string' && /^\s*\d+\s*$/.test(item) ? Number(item) : NaN));
		return ids.length > 0 && ids.every(isLeadId) ? ids : undefined;
	}
	if (typeof value !== 'string') return undefined;
	const text = value.trim();
	if (text.startsWith('"') && depth === 0) {
		try {
			return leadIdsOf(JSON.parse(text), depth + 1);
		} catch {
			return undefined;
		}
	}
	const match = LEAD_ID_LIST.exec(text);
	if (!match) return undefined;
	const ids = match[1].split(',').map((id) => Number(id.trim()));
	return ids.every(isLeadId) ? ids : undefined;
}
