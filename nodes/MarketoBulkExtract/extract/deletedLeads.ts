import { DateTime } from 'luxon';
import type { IDataObject } from 'n8n-workflow';

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
	/** The last second the run covered in full: the range's end, or where Max Items stopped it. */
	coveredUntil: DateTime;
	/** True when Max Items stopped the run before the range's end. */
	stoppedAtMaxItems: boolean;
	pages: number;
	/** Entries Marketo answered that are not a deletion (no lead ID or date): left out. */
	skipped: number;
}

/**
 * The most pages one run reads: Marketo's date-based tokens can walk through
 * empty pages, and a token that never ends must not page forever. Far above
 * what Max Items allows (100,000,000 / 300 would be more: the run then stops
 * here, as at Max Items, and the next goes on).
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
	let token = await getPagingToken(client, start.toISO({ suppressMilliseconds: true })!);
	for (;;) {
		if (pages >= MAX_DELETED_LEADS_PAGES) {
			if (fullAt !== undefined) return stopped(records, fullAt, pages, skipped);
			// The last second may go on in the next page: it is left whole to the next run.
			const until = lastSecond(records, start) - 1;
			return stopped(records.filter((record) => secondsOfRecord(record) <= until), until, pages, skipped);
		}
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
			if (at > end.toSeconds()) return { records, coveredUntil: end, stoppedAtMaxItems: false, pages, skipped };
			if (fullAt !== undefined && at > fullAt) return stopped(records, fullAt, pages, skipped);
			records.push(recordOf(deletion, at));
			if (fullAt === undefined && records.length >= maxItems) fullAt = at;
		}
		const nextToken = page.nextPageToken;
		// A token that does not move would answer the same page forever.
		if (!page.moreResult || !nextToken || nextToken === token) return { records, coveredUntil: end, stoppedAtMaxItems: false, pages, skipped };
		token = nextToken;
	}
}

function stopped(records: DeletedLeadRecord[], at: number, pages: number, skipped: number): DeletedLeadsResult {
	return { records, coveredUntil: DateTime.fromSeconds(at, { zone: 'utc' }), stoppedAtMaxItems: true, pages, skipped };
}

/** The second of the last record, or the range's first when there is none. */
function lastSecond(records: DeletedLeadRecord[], start: DateTime): number {
	const last = records.at(-1);
	return last ? secondsOfRecord(last) : start.toSeconds();
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
	const deletedAt = DateTime.fromSeconds(at, { zone: 'utc' }).toISO({ suppressMilliseconds: true })!;
	return { leadId: deletion.leadId, deletedAt, ...rest };
}
