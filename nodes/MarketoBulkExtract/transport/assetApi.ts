import type { MarketoClient } from './index';

/** Marketo's Asset API, for the pickers: static and smart lists, and programs (offset paging). */

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

export interface MarketoProgram {
	id: number;
	name: string;
}

/** One page of programs (asset API, offset paging), for the program picker. */
export async function fetchProgramPage(client: MarketoClient, offset: number): Promise<MarketoProgram[]> {
	const envelope = await client.request({
		method: 'GET',
		path: '/rest/asset/v1/programs.json',
		qs: { maxReturn: LIST_PAGE_SIZE, offset },
		repeatable: true,
		action: 'list the programs',
	});
	const programs: MarketoProgram[] = [];
	for (const entry of envelope.result ?? []) {
		if (typeof entry.id === 'number' && typeof entry.name === 'string') programs.push({ id: entry.id, name: entry.name });
	}
	return programs;
}
