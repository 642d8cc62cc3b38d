import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { MarketoClient } from '../transport';
import { describeLeadFields } from '../transport/leadDatabaseApi';

/**
 * Pickers several export kinds share (lead fields: leads and the lead fields of
 * program members). A kind's own pickers live in its folder under actions/.
 */

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
