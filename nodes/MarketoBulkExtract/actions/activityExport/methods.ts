import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { MarketoClient } from '../../transport';
import { listActivityTypes } from '../../transport/leadDatabaseApi';
import { ACTIVITY_FIELDS } from './definition';

/** The editor's pickers of Activity Export. */

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
