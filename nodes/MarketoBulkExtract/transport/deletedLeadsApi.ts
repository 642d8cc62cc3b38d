import type { IDataObject } from 'n8n-workflow';

import type { MarketoClient } from './index';

/**
 * Get Deleted Leads: a REST read, not a bulk job. A date-based paging token
 * (Get Paging Token, `sinceDatetime`) starts it; each page answers up to 300
 * deletions, oldest first, and the token of the next; `moreResult` false ends
 * it. Marketo may prune deletions older than 14 days. Needs the API user's
 * Read-Only Activity permission.
 * https://developer.adobe.com/marketo-apis/api/mapi/#tag/Activities/operation/getDeletedLeadsUsingGET
 */

/** The most deletions Marketo answers a page. */
export const DELETED_LEADS_BATCH = 300;

/** A Delete Lead activity as Get Deleted Leads answers it. */
export interface DeletedLead extends IDataObject {
	leadId: number;
	/** As Marketo writes it, e.g. 2026-11-29T10:00:00+0000. */
	activityDate: string;
}

export interface DeletedLeadsPage {
	deletions: DeletedLead[];
	/** Entries that are not a deletion (no lead ID or no date): left out, counted. */
	skipped: number;
	nextPageToken?: string;
	moreResult: boolean;
}

/** Get Paging Token: a token for everything after `since` (ISO 8601 with its offset). */
export async function getPagingToken(client: MarketoClient, since: string): Promise<string> {
	const action = 'get a paging token for deleted leads';
	const envelope = await client.request({ method: 'GET', path: '/rest/v1/activities/pagingtoken.json', qs: { sinceDatetime: since }, repeatable: true, action });
	if (typeof envelope.nextPageToken !== 'string' || envelope.nextPageToken === '') {
		throw client.apiError({ code: 'no-token', marketoMessage: 'Marketo answered success without a paging token', httpStatus: 200 }, action);
	}
	return envelope.nextPageToken;
}

/** One page of Get Deleted Leads from `token`. */
export async function getDeletedLeadsPage(client: MarketoClient, token: string): Promise<DeletedLeadsPage> {
	const envelope = await client.request({
		method: 'GET',
		path: '/rest/v1/activities/deletedleads.json',
		qs: { nextPageToken: token, batchSize: DELETED_LEADS_BATCH },
		repeatable: true,
		action: 'get deleted leads',
	});
	const deletions: DeletedLead[] = [];
	let skipped = 0;
	for (const entry of Array.isArray(envelope.result) ? envelope.result : []) {
		const leadId = typeof entry?.leadId === 'number' ? entry.leadId : Number(entry?.leadId);
		if (!Number.isSafeInteger(leadId) || typeof entry.activityDate !== 'string') {
			skipped++;
			continue;
		}
		deletions.push({ ...entry, leadId, activityDate: entry.activityDate });
	}
	const nextPageToken = typeof envelope.nextPageToken === 'string' && envelope.nextPageToken !== '' ? envelope.nextPageToken : undefined;
	return { deletions, skipped, nextPageToken, moreResult: envelope.moreResult === true };
}
