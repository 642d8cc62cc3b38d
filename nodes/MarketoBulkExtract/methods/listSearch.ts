import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { MarketoClient } from '../transport';
import { fetchListPage, LIST_PAGE_SIZE, type ListKind } from '../transport/assetApi';

/** With a search term, scan at most this many pages per request before handing back a token. */
const MAX_PAGES_PER_SEARCH = 10;

async function searchLists(
	ctx: ILoadOptionsFunctions,
	kind: ListKind,
	valueIsName: boolean,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const client = await MarketoClient.connect(ctx);
	const needle = (filter ?? '').trim().toLowerCase();
	let offset = Number(paginationToken ?? 0) || 0;
	const results: INodeListSearchResult['results'] = [];
	for (let page = 0; page < MAX_PAGES_PER_SEARCH; page++) {
		const lists = await fetchListPage(client, kind, offset);
		offset += lists.length;
		for (const list of lists) {
			if (needle && !list.name.toLowerCase().includes(needle)) continue;
			results.push({
				name: `${list.name} (${list.id})`,
				value: valueIsName ? list.name : String(list.id),
			});
		}
		if (lists.length < LIST_PAGE_SIZE) return { results };
		if (!needle || results.length > 0) break;
	}
	return { results, paginationToken: String(offset) };
}

export async function searchStaticLists(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await searchLists(this, 'staticLists', false, filter, paginationToken);
}

export async function searchStaticListNames(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await searchLists(this, 'staticLists', true, filter, paginationToken);
}

export async function searchSmartLists(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await searchLists(this, 'smartLists', false, filter, paginationToken);
}

export async function searchSmartListNames(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await searchLists(this, 'smartLists', true, filter, paginationToken);
}
