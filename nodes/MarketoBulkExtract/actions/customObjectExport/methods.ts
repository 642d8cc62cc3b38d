import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { MarketoClient } from '../../transport';
import { describeCustomObject, listCustomObjects } from '../../transport/leadDatabaseApi';
import { isCustomObjectApiName } from './definition';

/** The editor's pickers of Custom Object Export. */

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
