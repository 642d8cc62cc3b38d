import { DateTime } from 'luxon';
import type { IDataObject } from 'n8n-workflow';

import { toMarketoDateTime } from '../helpers/marketoValues';
import type { MarketoClient } from '../transport';
import { getDeletedLeadsPage, getPagingToken, type DeletedLead } from '../transport/deletedLeadsApi';

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
	 * run reads; or Marketo answering the same paging token again with more to
	 * come. Undefined when it read the whole range.
	 */
	stop?: 'maxItems' | 'pages' | 'stuckToken';
	pages: number;
	/** Entries Marketo answered that are not a deletion (no lead ID or date): left out. */
	skipped: number;
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
): Promise<DeletedLeadsResult> {
	const start = range.start.toUTC().startOf('second');
	const end = range.end.toUTC().startOf('second');
	const records: DeletedLeadRecord[] = [];
	let skipped = 0;
	let pages = 0;
	/** Once Max Items is reached: the second of the last record, which is delivered whole. */
	let fullAt: number | undefined;
	const done = (): DeletedLeadsResult => ({ records, coveredUntil: end, pages, skipped });
	/** Stops before the range's end: at the end of the last second read whole. */
	const stopAt = (stop: NonNullable<DeletedLeadsResult['stop']>): DeletedLeadsResult => {
		if (fullAt !== undefined) return { records, coveredUntil: DateTime.fromSeconds(fullAt, { zone: 'utc' }), stop, pages, skipped };
		// The last second read may go on in the next page: it is left, whole, to the next run.
		const until = (records.length > 0 ? secondsOfRecord(records[records.length - 1]) : start.toSeconds()) - 1;
		const whole = records.filter((record) => secondsOfRecord(record) <= until);
		return { records: whole, coveredUntil: DateTime.fromSeconds(until, { zone: 'utc' }), stop, pages, skipped };
	};
	let token = await getPagingToken(client, toMarketoDateTime(start));
	for (;;) {
		if (pages >= MAX_DELETED_LEADS_PAGES) return stopAt('pages');
		await keepAlive?.();
		const page = await getDeletedLeadsPage(client, token);
		pages++;
		skipped += page.skipped;
		for (const deletion of page.deletions) {
			const at = secondsOf(deletion);
			if (at === undefined) {
				skipped++;
				continue;
			}
			// Marketo's token may answer the first second's deletions again: they belong to the run that covered it.
			if (at < start.toSeconds()) continue;
			if (at > end.toSeconds()) return done();
			if (fullAt !== undefined && at > fullAt) return stopAt('maxItems');
			records.push(recordOf(deletion, at));
			if (fullAt === undefined && records.length >= maxItems) fullAt = at;
		}
		if (!page.moreResult) return done();
		// A token that does not move would answer the same page forever; what it held is not trusted to be all.
		if (!page.nextPageToken || page.nextPageToken === token) return stopAt('stuckToken');
		token = page.nextPageToken;
	}
}

const secondsOfRecord = (record: DeletedLeadRecord): number => DateTime.fromISO(record.deletedAt, { zone: 'utc' }).toSeconds();

/** Marketo writes 2026-11-29T10:00:00+0000 (an offset without a colon) as well as ISO 8601 proper. */
function secondsOf(deletion: DeletedLead): number | undefined {
	const text = deletion.activityDate.replace(/([+-]\d\d)(\d\d)$/, '$1:$2');
	const parsed = DateTime.fromISO(text, { setZone: true });
	return parsed.isValid ? Math.floor(parsed.toSeconds()) : undefined;
}

/** The lead ID and when first; Marketo's activityDate becomes deletedAt, in UTC. */
function recordOf(deletion: DeletedLead, at: number): DeletedLeadRecord {
	const rest: IDataObject = { ...deletion };
	delete rest.leadId;
	delete rest.activityDate;
	const deletedAt = toMarketoDateTime(DateTime.fromSeconds(at, { zone: 'utc' }));
	return { leadId: deletion.leadId, deletedAt, ...rest };
}
