import { MarketoError } from './jobs.mjs';

/**
 * Leads leaving Marketo: deleted, or merged into another lead. A deleted lead
 * leaves every lead export and shows in Get Deleted Leads (a Delete Lead
 * activity, type 37), which pages with date-based paging tokens and forgets
 * deletions older than 14 days. A merged-away lead leaves every lead export
 * too, without a deletion: the surviving lead gets a Merge Leads activity
 * (type 32) whose "Merge ids" attribute names the leads merged into it.
 */

export const DELETE_LEAD_TYPE_ID = 37;
export const MERGE_LEADS_TYPE = {
	id: 32,
	name: 'Merge Leads',
	description: 'Merge two or more leads',
	primaryAttribute: { name: 'Lead ID', dataType: 'lead' },
	attributes: [
		{ name: 'Master Updated', dataType: 'boolean' },
		{ name: 'Merge ids', dataType: 'text' },
		{ name: 'Merge Source', dataType: 'string' },
		{ name: 'Merged in Sales', dataType: 'boolean' },
	],
};

/** Marketo prunes deletions older than this from Get Deleted Leads. */
export const DELETIONS_KEPT_MS = 14 * 86_400_000;
const MAX_BATCH = 300;

/** Marketo writes activity dates with a bare offset: 2026-11-29T10:00:00+0000. */
const marketoDate = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');

export class LeadLifecycle {
	/** Every deletion Get Deleted Leads knows, oldest first (pruned ones are never answered). */
	deletions = [];

	constructor({ clock, leads, activities }) {
		this.clock = clock;
		this.leads = leads;
		this.activities = activities;
		this.nextActivityId = 5_000_000;
	}

	/** Deletes leads (by id) at `at` (virtual ms, default now): gone from exports, listed as deleted. */
	delete(ids, at = this.clock.now()) {
		for (const leadId of ids) {
			const lead = this.take(leadId);
			const id = this.nextActivityId++;
			this.deletions.push({
				id,
				marketoGUID: String(id),
				leadId,
				activityDate: Math.floor(at / 1000) * 1000,
				activityTypeId: DELETE_LEAD_TYPE_ID,
				primaryAttributeValueId: leadId,
				primaryAttributeValue: [lead.firstName, lead.lastName].filter(Boolean).join(' '),
				attributes: [],
			});
		}
		this.deletions.sort((a, b) => a.activityDate - b.activityDate);
	}

	/**
	 * Merges `losers` into `winner` at `at`: the losers leave exports, the
	 * winner is updated then and gets a Merge Leads activity naming them.
	 */
	merge(winner, losers, at = this.clock.now()) {
		const when = Math.floor(at / 1000) * 1000;
		for (const leadId of losers) this.take(leadId);
		const survivor = this.leads.find((lead) => lead.id === winner);
		if (!survivor) throw new Error(`no lead ${winner}`);
		survivor.updatedAt = when;
		const id = this.nextActivityId++;
		this.activities.push({
			marketoGUID: String(id),
			leadId: winner,
			activityDate: when,
			activityTypeId: MERGE_LEADS_TYPE.id,
			campaignId: null,
			primaryAttributeValueId: winner,
			primaryAttributeValue: [survivor.firstName, survivor.lastName].filter(Boolean).join(' '),
			attributes: JSON.stringify({ 'Merge ids': `[${losers.join(',')}]`, 'Merged in Sales': false, 'Master Updated': true, 'Merge Source': 'Web service API' }),
			actionResult: 'succeeded',
		});
	}

	take(leadId) {
		const index = this.leads.findIndex((lead) => lead.id === leadId);
		if (index === -1) throw new Error(`no lead ${leadId}`);
		return this.leads.splice(index, 1)[0];
	}

	/** GET /rest/v1/activities/pagingtoken.json?sinceDatetime=… */
	pagingToken(sinceDatetime) {
		const since = Date.parse(sinceDatetime ?? '');
		if (!sinceDatetime || Number.isNaN(since)) throw new MarketoError(1003, 'Invalid value for sinceDatetime');
		return encodeToken({ since, offset: 0 });
	}

	/** GET /rest/v1/activities/deletedleads.json?nextPageToken=…&batchSize=…: one page, and the token of the next. */
	deletedLeadsPage(token, batchSizeText) {
		const position = decodeToken(token);
		const batchSize = batchSizeText === undefined || batchSizeText === null ? MAX_BATCH : Number(batchSizeText);
		if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH) throw new MarketoError(1003, 'Invalid value for batchSize');
		const horizon = this.clock.now() - DELETIONS_KEPT_MS;
		const kept = this.deletions.filter((deletion) => deletion.activityDate >= horizon && deletion.activityDate >= position.since);
		const page = kept.slice(position.offset, position.offset + batchSize);
		const moreResult = position.offset + page.length < kept.length;
		return {
			result: page.length > 0 ? page.map((deletion) => ({ ...deletion, activityDate: marketoDate(deletion.activityDate) })) : undefined,
			nextPageToken: encodeToken({ since: position.since, offset: position.offset + page.length }),
			moreResult,
		};
	}
}

function encodeToken(position) {
	return Buffer.from(JSON.stringify(position)).toString('hex').toUpperCase();
}

function decodeToken(token) {
	try {
		const position = JSON.parse(Buffer.from(String(token), 'hex').toString('utf8'));
		if (Number.isFinite(position.since) && Number.isInteger(position.offset)) return position;
	} catch {
		// falls through to Marketo's answer
	}
	throw new MarketoError(1003, 'Invalid nextPageToken');
}
