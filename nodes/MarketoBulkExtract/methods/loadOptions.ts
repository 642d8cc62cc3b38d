import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { MarketoClient } from '../transport';
import { ACTIVITY_FIELDS } from '../actions/activityExport/definition';
import { isCustomObjectApiName } from '../actions/customObjectExport/definition';
import {
	describeCustomObject,
	describeLeadFields,
	describeProgramMembers,
	listActivityTypes,
	listCustomObjects,
} from '../transport/leadDatabaseApi';
import { fetchProgramPage, LIST_PAGE_SIZE } from '../transport/assetApi';

/** The instance's lead fields (describe), by REST name, for the field pickers. */
export async function getLeadFields(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const client = await MarketoClient.connect(this);
	const fields = await describeLeadFields(client);
	return fields
		.map((field) => ({
			name: `${field.displayName} (${field.name})`,
			value: field.name,
			description: field.dataType,
		}))
		.sort((a, b) => a.name.localeCompare(b.name));
}

/** The instance's activity types (Get Activity Types), for the Activity Types filter. */
export async function getActivityTypes(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const client = await MarketoClient.connect(this);
	const types = await listActivityTypes(client);
	return types
		.map((type) => ({ name: `${type.name} (${type.id})`, value: type.id, description: type.description }))
		.sort((a, b) => a.name.localeCompare(b.name));
}

/** The columns of an activity export (Marketo has no describe for them). */
export async function getActivityFields(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return ACTIVITY_FIELDS.map((field) => ({ name: field.name, value: field.name, description: field.dataType }));
}

/** The fields a program member export takes: the member fields (Describe Program Member), then the lead fields. */
export async function getProgramMemberFields(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const client = await MarketoClient.connect(this);
	const [members, leads] = await Promise.all([describeProgramMembers(client), describeLeadFields(client)]);
	const memberNames = new Set(members.fields.map((field) => field.name));
	const option = (field: { name: string; displayName: string; dataType: string }, kind: string) => ({
		name: `${field.displayName === field.name ? field.name : `${field.displayName} (${field.name})`} — ${kind}`,
		value: field.name,
		description: field.dataType,
	});
	return [
		...members.fields.map((field) => option(field, 'member')),
		...leads.filter((field) => !memberNames.has(field.name)).map((field) => option(field, 'lead')),
	].sort((a, b) => a.name.localeCompare(b.name));
}

/** The programs of the instance (asset API, every page), for the program picker. */
export async function getPrograms(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const client = await MarketoClient.connect(this);
	const options: INodePropertyOptions[] = [];
	// At most 50 pages (10,000 programs) for one dropdown: larger instances give IDs by expression.
	for (let page = 0, offset = 0; page < 50; page++) {
		const programs = await fetchProgramPage(client, offset);
		offset += programs.length;
		for (const program of programs) options.push({ name: `${program.name} (${program.id})`, value: program.id });
		if (programs.length < LIST_PAGE_SIZE) break;
	}
	return options.sort((a, b) => a.name.localeCompare(b.name));
}

/** The instance's custom object types (List Custom Objects), for the Custom Object picker. */
export async function getCustomObjects(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const client = await MarketoClient.connect(this);
	const objects = await listCustomObjects(client);
	return objects
		.map((object) => ({ name: `${object.displayName} (${object.name})`, value: object.name }))
		.sort((a, b) => a.name.localeCompare(b.name));
}

/** The chosen custom object's fields (Describe Custom Object). */
export async function getCustomObjectFields(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const raw = this.getCurrentNodeParameter('customObjectName');
	if (!isCustomObjectApiName(raw)) return [];
	const client = await MarketoClient.connect(this);
	const { fields } = await describeCustomObject(client, raw);
	return fields
		.map((field) => ({ name: `${field.displayName} (${field.name})`, value: field.name, description: field.dataType }))
		.sort((a, b) => a.name.localeCompare(b.name));
}
