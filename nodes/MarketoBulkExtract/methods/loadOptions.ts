import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { MarketoClient } from '../transport';
import { describeLeadFields } from '../transport/leadDatabaseApi';

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
