import { DateTime } from 'luxon';
import type { IDataObject } from 'n8n-workflow';

import { marketoSecondsOf, toMarketoDateTime } from '../../helpers/marketoValues';
import type { MarketoClient } from '../../transport';
import { getDeletedLeadsPage, getPagingToken, type DeletedLead } from '../../transport/deletedLeadsApi';

/**
 * The leads deleted within a range, from Get Deleted Leads: every page
 * followed, oldest first, one record per deletion. Bounded by Max Items, and
 * resumable: a run that meets it stops at the end of a second (never between
 * two deletions of one second) and says how far it got, so the next run goes
 * on from there with nothing lost or delivered twice.
 */

/** One deleted lead, as the node outputs it: the lead ID and when, then what else Marketo gives. */
export type DeletedLeadRecord = IDataObject & { leadId: number; deletedAt: string };

export interface DeletedLeadsResult {
	records: DeletedLeadRecord[];
	/** The last second the run covered in full: the range's end, or where it stopped. */
	coveredUntil: DateTime;
	/**
	 * Why the run stopped before the range's end: Max Items; the most pages a
	 * run reads; or Marketo answering a paging token it had answered before
	 * (the same one again, or a cycle), with more to come. Undefined when it
	 * read the whole range.
	 */
	stop?: 'maxItems' | 'pages' | 'stuckToken';
	pages: number;
	/** Entries refused: a lead ID that is not a positive integer, or no readable date (deletedLeadsApi.ts). */
	refused: number;
	/** The same lead's deletion answered again (on another page): output once. */
	repeated: number;
	/**
	 * Where to go on when the run stopped at the most pages with nothing to
	 * deliver (a stream of empty pages): the next run of the same position
	 * asks Marketo from here instead of reading those pages again.
	 */
	resumeToken?: string;
}

/**
 * The most pages one run reads: Marketo's date-based tokens can walk through
 * empty pages, and a token that never ends must not page forever. A run that
 * reaches it stops as at Max Items, and the next goes on.
 */
export const MAX_DELETED_LEADS_PAGES = 10_000;

export async function readDeletedLeads(
	client: MarketoClient,
	range: { start: DateTime; end: DateTime },
	maxItems: number,
	/** Called before each page: a long read keeps Since Last Run's lease (runLease.ts). */
	keepAlive?: () => Promise<void>,
	/** A token an earlier run of this range stopped at (`resumeToken`), to go on from. */
	resumeFrom?: string,
): Promise<DeletedLeadsResult> {
	const from = range.start.toUTC().startOf('second');
	const start = from.toSeconds();
	const end = range.end.toUTC().startOf('second').toSeconds();
	const delivered: Array<{ record: DeletedLeadRecord; at: number }> = [];
	const leadIds = new Set<number>();
	const counts = { pages: 0, refused: 0, repeated: 0 };
	/** Once Max Items is reached: the second of that deletion, which is delivered whole. */
	let fullAt: number | undefined;
	const result = (coveredUntil: number, stop?: DeletedLeadsResult['stop'], resumeToken?: string): DeletedLeadsResult => ({
		// Only deletions within what the run covered go out: the next run starts one second after it.
		records: delivered.filter((entry) => entry.at <= coveredUntil).map((entry) => entry.record),
		coveredUntil: DateTime.fromSeconds(coveredUntil, { zone: 'utc' }),
		stop,
		resumeToken,
		...counts,
	});
	/** Stops before the range's end at the last second read whole: the last one read may go on in the next page. */
	const stopEarly = (stop: 'pages' | 'stuckToken', token: string): DeletedLeadsResult => {
		if (fullAt !== undefined) return result(fullAt, stop);
		if (delivered.length === 0) return result(start - 1, stop, stop === 'pages' ? token : undefined);
		return result(delivered.reduce((latest, entry) => Math.max(latest, entry.at), start) - 1, stop);
	};
	let token = resumeFrom ?? (await getPagingToken(client, toMarketoDateTime(from)));
	const tokensAnswered = new Set<string>();
	for (;;) {
		if (counts.pages >= MAX_DELETED_LEADS_PAGES) return stopEarly('pages', token);
		await keepAlive?.();
		const page = await getDeletedLeadsPage(client, token);
		tokensAnswered.add(token);
		counts.pages++;
		counts.refused += page.refused;
		/** Whether the page went past the second where Max Items was reached: that second is then read whole. */
		let pastFull = false;
		for (const deletion of page.deletions) {
			const at = marketoSecondsOf(deletion.activityDate);
			if (at === undefined) {
				counts.refused++;
				continue;
			}
			const beyondFull = fullAt !== undefined && at > fullAt;
			if (beyondFull) pastFull = true;
			// Outside the range: the first second's deletions belong to the run that covered it, and
			// one dated past the end (listed out of order) to the next run. Neither ends the read.
			if (at < start || at > end) continue;
			if (leadIds.has(deletion.leadId)) {
				counts.repeated++;
				continue;
			}
			// Past the second where Max Items was reached: the next run reads it again.
			if (beyondFull) continue;
			leadIds.add(deletion.leadId);
			delivered.push({ record: recordOf(deletion, at), at });
			if (fullAt === undefined && delivered.length >= maxItems) fullAt = at;
		}
		// Max Items ends the read at the end of a page that went past its second: that second is delivered whole.
		if (fullAt !== undefined && pastFull) return result(fullAt, 'maxItems');
		if (!page.moreResult) return result(end);
		// A token answered before would answer the same pages again (A, B, A, …): what it held is not trusted to be all.
		if (!page.nextPageToken || tokensAnswered.has(page.nextPageToken)) return stopEarly('stuckToken', token);
		token = page.nextPageToken;
	}
}


/** The lead ID and when first; Marketo's activityDate becomes deletedAt, in UTC. */
function recordOf(deletion: DeletedLead, at: number): DeletedLeadRecord {
	const rest: IDataObject = { ...deletion };
	delete rest.leadId;
	delete rest.activityDate;
	const deletedAt = toMarketoDateTime(DateTime.fromSeconds(at, { zone: 'utc' }));
	return { leadId: deletion.leadId, deletedAt, ...rest };
}
