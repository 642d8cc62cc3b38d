import type { IDataObject } from 'n8n-workflow';

import type { FieldType } from '../exportKinds/exportKind';
import type { MarketoClient } from './index';

/** Reads from Marketo's lead database and asset APIs that the pickers and typed output need: lead fields, lists, activity types. */

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

export type ListKind = 'staticLists' | 'smartLists';

export interface MarketoList {
	id: number;
	name: string;
}

/** The asset API's page size maximum. */
export const LIST_PAGE_SIZE = 200;

/** One page of static or smart lists (asset API, offset paging). */
export async function fetchListPage(
	client: MarketoClient,
	kind: ListKind,
	offset: number,
): Promise<MarketoList[]> {
	const envelope = await client.request({
		method: 'GET',
		path: `/rest/asset/v1/${kind}.json`,
		qs: { maxReturn: LIST_PAGE_SIZE, offset },
		repeatable: true,
		action: kind === 'staticLists' ? 'list the static lists' : 'list the smart lists',
	});
	const lists: MarketoList[] = [];
	for (const entry of envelope.result ?? []) {
		if (typeof entry.id === 'number' && typeof entry.name === 'string') {
			lists.push({ id: entry.id, name: entry.name });
		}
	}
	return lists;
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
