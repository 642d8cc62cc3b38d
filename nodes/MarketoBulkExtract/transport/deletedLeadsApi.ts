import { NodeApiError, type IDataObject } from 'n8n-workflow';

import { isLeadId } from '../helpers/marketoValues';
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
	/** A positive integer, as Marketo's lead IDs are; an entry with anything else is refused. */
	leadId: number;
	/** As Marketo writes it, e.g. 2026-11-29T10:00:00+0000. */
	activityDate: string;
}

export interface DeletedLeadsPage {
	deletions: DeletedLead[];
	/**
	 * Entries refused, never converted: a lead ID that is not a positive
	 * integer (true, "0x2F", "1e3", [9023] would each name another lead), or no
	 * date. A mirror that deleted by them would delete the wrong rows.
	 */
	refused: number;
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

/**
 * One page of Get Deleted Leads from `token`. The page is checked before a
 * deletion is taken from it: a `result` that is not a list, or a
 * `moreResult` that is neither true nor false, is refused with an error,
 * since reading either as "the last page" would lose every later deletion
 * without a word. Marketo leaves `result` out of a page with none.
 */
export async function getDeletedLeadsPage(client: MarketoClient, token: string): Promise<DeletedLeadsPage> {
	const action = 'get deleted leads';
	const envelope = await client.request({
		method: 'GET',
		path: '/rest/v1/activities/deletedleads.json',
		qs: { nextPageToken: token, batchSize: DELETED_LEADS_BATCH },
		repeatable: true,
		action,
	});
	const result: unknown = envelope.result;
	if (result !== undefined && result !== null && !Array.isArray(result)) {
		throw unreadablePage(client, `its result is ${describe(result)}, not a list of deletions`);
	}
	const moreResult = moreResultOf(envelope.moreResult);
	if (moreResult === undefined) throw unreadablePage(client, `its moreResult is ${describe(envelope.moreResult)}, neither true nor false`);
	const deletions: DeletedLead[] = [];
	let refused = 0;
	for (const entry of (result as unknown[] | null | undefined) ?? []) {
		const deletion = entry as IDataObject | null;
		if (!isLeadId(deletion?.leadId) || typeof deletion?.activityDate !== 'string') {
			refused++;
			continue;
		}
		deletions.push({ ...deletion, leadId: deletion.leadId, activityDate: deletion.activityDate });
	}
	const nextPageToken = typeof envelope.nextPageToken === 'string' && envelope.nextPageToken !== '' ? envelope.nextPageToken : undefined;
	return { deletions, refused, nextPageToken, moreResult };
}

/** Marketo's moreResult; the words true and false written as text are read as what they say. */
function moreResultOf(value: unknown): boolean | undefined {
	if (typeof value === 'boolean') return value;
	if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
	return undefined;
}

/** What an odd value is, for a message: its type, never its content (it may hold personal data). */
function describe(value: unknown): string {
	if (value === undefined) return 'missing';
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function unreadablePage(client: MarketoClient, problem: string): NodeApiError {
	return new NodeApiError(
		client.node,
		{ message: problem },
		{
			message: `Marketo answered a page of Get Deleted Leads that the node cannot read: ${problem}.`,
			description:
				'Nothing was output from this read and the position did not move: the next run reads the same deletions again. If it happens again, report it to Marketo Support.',
		},
	);
}
