import type { IDataObject } from 'n8n-workflow';

import type { MarketoClient } from './index';

/**
 * Marketo's Lead Database API, the reads the pickers and typed output need:
 * the describes of leads, program members and custom objects, the custom
 * object types, and the activity types.
 */

/** A field of an export and its Marketo data type (describe's `dataType`), for Convert Values. */
export interface FieldType {
	/** The REST API name, what the export's `fields` take. */
	name: string;
	dataType: string;
}

export interface LeadField extends FieldType {
	displayName: string;
}

export async function describeLeadFields(client: MarketoClient): Promise<LeadField[]> {
	const envelope = await client.request({
		method: 'GET',
		path: '/rest/v1/leads/describe.json',
		repeatable: true,
		action: 'describe the lead fields',
	});
	const fields: LeadField[] = [];
	for (const entry of envelope.result ?? []) {
		const rest = entry.rest as IDataObject | undefined;
		const name = typeof rest?.name === 'string' ? rest.name : undefined;
		if (!name) continue;
		fields.push({
			name,
			displayName: typeof entry.displayName === 'string' ? entry.displayName : name,
			dataType: typeof entry.dataType === 'string' ? entry.dataType : 'string',
		});
	}
	return fields;
}

export interface ActivityType {
	id: number;
	name: string;
	description?: string;
}

/** Get Activity Types: every activity type of the instance, for the activity type picker. */
export async function listActivityTypes(client: MarketoClient): Promise<ActivityType[]> {
	const envelope = await client.request({
		method: 'GET',
		path: '/rest/v1/activities/types.json',
		repeatable: true,
		action: 'list the activity types',
	});
	const types: ActivityType[] = [];
	for (const entry of envelope.result ?? []) {
		if (typeof entry.id !== 'number' || typeof entry.name !== 'string') continue;
		types.push({ id: entry.id, name: entry.name, description: typeof entry.description === 'string' ? entry.description : undefined });
	}
	return types;
}

/**
 * Describe Program Member: the member fields and their types, and the fields
 * that identify a member (its `dedupeFields`, leadId and programId today).
 */
export async function describeProgramMembers(
	client: MarketoClient,
): Promise<{ fields: LeadField[]; dedupeFields: string[] }> {
	const envelope = await client.request({
		method: 'GET',
		path: '/rest/v1/programs/members/describe.json',
		repeatable: true,
		action: 'describe the program member fields',
	});
	const described = envelope.result?.[0] ?? {};
	return { fields: describedFields(described), dedupeFields: describedDedupeFields(described) };
}

export interface CustomObjectType {
	/** The API name, e.g. `car_c`: the path of its bulk exports. */
	name: string;
	displayName: string;
}

/** List Custom Objects: the instance's custom object types (Marketo's own, not CRM-synced ones, are exportable). */
export async function listCustomObjects(client: MarketoClient): Promise<CustomObjectType[]> {
	const envelope = await client.request({
		method: 'GET',
		path: '/rest/v1/customobjects.json',
		repeatable: true,
		action: 'list the custom objects',
	});
	const objects: CustomObjectType[] = [];
	for (const entry of envelope.result ?? []) {
		if (typeof entry.name !== 'string') continue;
		objects.push({ name: entry.name, displayName: typeof entry.displayName === 'string' ? entry.displayName : entry.name });
	}
	return objects;
}

/** Describe Custom Object: its fields with their types, and the fields that identify a record. */
export async function describeCustomObject(
	client: MarketoClient,
	apiName: string,
): Promise<{ fields: LeadField[]; dedupeFields: string[]; idField?: string }> {
	const envelope = await client.request({
		method: 'GET',
		path: `/rest/v1/customobjects/${encodeURIComponent(apiName)}/describe.json`,
		repeatable: true,
		action: `describe the custom object ${apiName}`,
	});
	const described = envelope.result?.[0] ?? {};
	return {
		fields: describedFields(described),
		dedupeFields: describedDedupeFields(described),
		idField: typeof described.idField === 'string' ? described.idField : undefined,
	};
}

/** The `fields` of a describe answer (program members, custom objects): name, label and type. */
function describedFields(described: IDataObject): LeadField[] {
	const fields: LeadField[] = [];
	for (const entry of (described.fields as IDataObject[] | undefined) ?? []) {
		if (typeof entry.name !== 'string') continue;
		fields.push({
			name: entry.name,
			displayName: typeof entry.displayName === 'string' ? entry.displayName : entry.name,
			dataType: typeof entry.dataType === 'string' ? entry.dataType : 'string',
		});
	}
	return fields;
}

/** The `dedupeFields` of a describe answer: the fields that identify a record. */
function describedDedupeFields(described: IDataObject): string[] {
	return Array.isArray(described.dedupeFields)
		? (described.dedupeFields as unknown[]).filter((name): name is string => typeof name === 'string')
		: [];
}
