import { CUSTOM_OBJECTS } from './customObjects.mjs';
import { pick, seededRandom } from './random.mjs';

/**
 * Records Marketo writes after their date. Marketo's knowledge base: Send
 * Email activities are committed only once the mail servers have sent the
 * message, but carry the send's time; CRM-synced lead updates and batch
 * campaigns' status changes land after their second was read, too. Here a
 * write waits in `pending` until the wall clock reaches its moment (record
 * dates are wall-clock, as Marketo's): no export job that reads Marketo
 * before then sees it, and every job after does.
 */
export class LateWrites {
	/** Writes not yet committed, soonest first: { at (wall ms), apply }. */
	pending = [];

	/** Commits `apply` at `at` (wall ms); at once when that has passed. */
	schedule(at, apply) {
		if (at <= Date.now()) {
			apply();
			return;
		}
		this.pending.push({ at, apply });
		this.pending.sort((a, b) => a.at - b.at);
	}

	/** Commits every write whose moment has come: called before an export reads Marketo. */
	commitDue(now = Date.now()) {
		while (this.pending.length > 0 && this.pending[0].at <= now) this.pending.shift().apply();
	}

	/** Commits everything still waiting (the end of a test's send). */
	commitAll() {
		this.commitDue(Infinity);
	}
}

const SEND_EMAIL = 6;
const STATUSES = ['Member', 'Registered', 'Attended', 'No Show', 'Invited'];
const second = (ms) => Math.floor(ms / 1000) * 1000;

/**
 * Writes of one kind, dated `at`-ish and committed later: `count` records,
 * `lateShare` of them committed up to `maxDelayMs` after their date (the
 * others at once). Kinds: 'activities' (new activities), 'leads' (updates:
 * a new score and Updated At), 'programMembers' (a status change and
 * Updated At), 'customObjects:<name>' (new records). Dates spread over
 * `spreadMs` before `at`. Returns what was written: { record, datedAt, writtenAt }.
 */
export function writeRecords(sandbox, kind, { count, at = Date.now(), spreadMs = 0, lateShare = 0, maxDelayMs = 0, seed = 7 }) {
	const random = seededRandom(seed);
	const writes = [];
	// An update per record: two of one record, committed out of order, would move its Updated At back.
	const updated = new Set();
	const fresh = (records) => {
		const left = records.filter((record) => !updated.has(record));
		const record = pick(random, left.length > 0 ? left : records);
		updated.add(record);
		return record;
	};
	for (let i = 0; i < count; i++) {
		const datedAt = second(at - spreadMs * random());
		const late = random() < lateShare;
		const writtenAt = late ? datedAt + Math.round(random() * maxDelayMs) : datedAt;
		const { record, apply } = writeOf(sandbox, kind, datedAt, random, i, fresh);
		sandbox.lateWrites.schedule(writtenAt, apply);
		writes.push({ record, datedAt, writtenAt });
	}
	return writes;
}

function writeOf(sandbox, kind, datedAt, random, i, fresh) {
	if (kind === 'activities') {
		const lead = pick(random, sandbox.leads);
		const record = {
			marketoGUID: nextActivityGuid(),
			leadId: lead.id,
			activityDate: datedAt,
			activityTypeId: 1,
			campaignId: null,
			primaryAttributeValueId: 501,
			primaryAttributeValue: 'www.example.com/pricing',
			attributes: JSON.stringify({ 'Webpage URL': `/late/${i}` }),
			actionResult: 'succeeded',
		};
		return { record, apply: () => sandbox.activities.push(record) };
	}
	if (kind === 'leads') {
		const record = fresh(sandbox.leads);
		const changes = { leadScore: Math.floor(random() * 1000), updatedAt: datedAt };
		return { record, apply: () => Object.assign(record, changes) };
	}
	if (kind === 'programMembers') {
		const record = fresh(sandbox.programMembers);
		const changes = { statusName: pick(random, STATUSES), updatedAt: datedAt };
		return { record, apply: () => Object.assign(record, changes) };
	}
	if (kind.startsWith('customObjects:')) {
		const name = kind.slice('customObjects:'.length);
		const records = sandbox.customObjectRecords[name];
		const lead = pick(random, sandbox.leads);
		const record = { ...pick(random, records), marketoGUID: nextCustomObjectGuid(), leadID: lead.id, createdAt: datedAt, updatedAt: datedAt };
		// A new record: its dedupe fields (its business key) are its own, not the copied record's.
		for (const field of CUSTOM_OBJECTS[name]?.dedupeFields ?? []) record[field] = `${field}-${record.marketoGUID}`;
		return { record, apply: () => records.push(record) };
	}
	throw new Error(`no late writes of ${kind}`);
}

/**
 * An email batch: one Send Email activity per lead, all dated at the send's
 * start, committed one after another over `commitOverMs` as the mail goes
 * out (Marketo's knowledge base). Returns the activities.
 */
export function sendEmailBatch(sandbox, { leadIds, sentAt = Date.now(), commitOverMs, mailingId = 7001 }) {
	const datedAt = second(sentAt);
	return leadIds.map((leadId, i) => {
		const record = {
			marketoGUID: nextActivityGuid(),
			leadId,
			activityDate: datedAt,
			activityTypeId: SEND_EMAIL,
			campaignId: 8001,
			primaryAttributeValueId: mailingId,
			primaryAttributeValue: 'Newsletter.November',
			attributes: JSON.stringify({ 'Campaign Run ID': 424242, Success: true }),
			actionResult: 'succeeded',
		};
		sandbox.lateWrites.schedule(datedAt + Math.round((commitOverMs * (i + 1)) / leadIds.length), () => sandbox.activities.push(record));
		return record;
	});
}

let activityGuid = 600_000_000;
/** Activity IDs no generated activity has (those are 900,000,000 on, Merge Leads' 5,000,000 on). */
function nextActivityGuid() {
	return String(++activityGuid);
}

let objectGuid = 0;
function nextCustomObjectGuid() {
	return `00000000-0000-4000-9000-${String(++objectGuid).padStart(12, '0')}`;
}
