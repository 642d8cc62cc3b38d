import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { MarketoClient } from '../../transport';
import { fetchProgramPage, LIST_PAGE_SIZE } from '../../transport/assetApi';
import { describeLeadFields, describeProgramMembers } from '../../transport/leadDatabaseApi';

/** The editor's pickers of Program Member Export. */

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
