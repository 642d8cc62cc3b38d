import { pick, seededRandom } from './random.mjs';

/** The lead fields the sandbox describes, with Marketo's data types. */
export const LEAD_FIELDS = [
	{ id: 1, displayName: 'Id', dataType: 'integer', rest: { name: 'id', readOnly: true } },
	{ id: 2, displayName: 'Email Address', dataType: 'email', rest: { name: 'email', readOnly: false } },
	{ id: 3, displayName: 'First Name', dataType: 'string', rest: { name: 'firstName', readOnly: false } },
	{ id: 4, displayName: 'Last Name', dataType: 'string', rest: { name: 'lastName', readOnly: false } },
	{ id: 5, displayName: 'Company Name', dataType: 'string', rest: { name: 'company', readOnly: false } },
	{ id: 6, displayName: 'Job Title', dataType: 'string', rest: { name: 'title', readOnly: false } },
	{ id: 7, displayName: 'Lead Score', dataType: 'integer', rest: { name: 'leadScore', readOnly: false } },
	{ id: 8, displayName: 'Annual Revenue', dataType: 'currency', rest: { name: 'annualRevenue', readOnly: false } },
	{ id: 9, displayName: 'Unsubscribed', dataType: 'boolean', rest: { name: 'unsubscribed', readOnly: false } },
	{ id: 10, displayName: 'Notes', dataType: 'text', rest: { name: 'notes', readOnly: false } },
	{ id: 11, displayName: 'Created At', dataType: 'datetime', rest: { name: 'createdAt', readOnly: true } },
	{ id: 12, displayName: 'Updated At', dataType: 'datetime', rest: { name: 'updatedAt', readOnly: true } },
];

export const FIELD_NAMES = LEAD_FIELDS.map((f) => f.rest.name);

const FIRST = ['Ada', 'Grace', 'Linus', 'Margaret', 'Alan', 'Barbara', 'Ken', 'Frances', 'Dennis', 'Radia', 'José', 'Zoë', 'Åsa', '美咲', 'Søren'];
const LAST = ['Lovelace', 'Hopper', 'Torvalds', 'Hamilton', 'Turing', 'Liskov', 'Thompson', 'Allen', 'Ritchie', "O'Brien", 'Müller', '山田', 'Ñúñez'];
const COMPANIES = ['Acme Corp', 'Globex, Inc.', 'Initech', 'Umbrella "Bio"', 'Stark Industries', 'Wayne Enterprises', null];
const TITLES = ['CTO', 'VP Marketing', 'Data Engineer', 'Marketing Ops', 'null', 'Head of "Growth"', null];

/**
 * Values that break naive parsers, all of which Marketo files have been seen
 * to carry: delimiters, quotes, CR/LF/CRLF inside values, a stray CR, emoji,
 * CJK with U+2028, the text "null", tabs and semicolons and spaces (TSV, SSV).
 */
const HAZARD_NOTES = [
	'Met at booth 12, asked for "pricing"',
	'Line one\nLine two',
	'Windows line\r\nsecond line',
	'stray\rcarriage return',
	'emoji 🚀🎉 and a 4-byte 𝄞 clef',
	'東京\u2028大阪\u2029名古屋',
	'null',
	'tab\tseparated; semi; colon',
	'  leading and trailing spaces  ',
	'"quoted at both ends"',
	',starts with a comma',
	'ends with a quote"',
	'',
];

/**
 * A deterministic set of leads. createdAt is spread across [start, end]; updatedAt
 * falls between createdAt and `updatedUntil`. Every lead's values come from the seed.
 */
export function generateLeads({ seed = 42, count = 2000, start, end, updatedUntil = end }) {
	const random = seededRandom(seed);
	const startMs = Date.parse(start);
	const span = Date.parse(end) - startMs;
	const leads = [];
	for (let i = 0; i < count; i++) {
		const createdMs = startMs + Math.floor((span * (i + random())) / count);
		const created = Math.floor(createdMs / 1000) * 1000;
		const updatedSpan = Math.max(0, Date.parse(updatedUntil) - created);
		const updated = Math.floor((created + random() * updatedSpan) / 1000) * 1000;
		const first = pick(random, FIRST);
		const last = pick(random, LAST);
		const id = 1000 + i;
		leads.push({
			id,
			email: random() < 0.05 ? null : `${first}.${last}.${id}@example.com`.toLowerCase().replace(/[^a-z0-9.@]/g, 'x'),
			firstName: first,
			lastName: last,
			company: pick(random, COMPANIES),
			title: pick(random, TITLES),
			leadScore: random() < 0.1 ? null : Math.floor(random() * 100),
			annualRevenue: random() < 0.3 ? null : Math.round(random() * 1e8) / 100,
			unsubscribed: random() < 0.2,
			notes: i % 3 === 0 ? pick(random, HAZARD_NOTES) : random() < 0.5 ? null : `Lead ${id}`,
			createdAt: created,
			updatedAt: updated,
		});
	}
	return leads;
}

/** Static and smart lists, by membership rule. */
export function defaultLists({ extraStaticLists = 0 } = {}) {
	const staticLists = [
		{ id: 1001, name: 'Newsletter subscribers', member: (lead) => lead.id % 3 === 0 },
		{ id: 1002, name: 'Webinar attendees', member: (lead) => lead.id % 5 === 0 },
		{ id: 1003, name: 'Empty list', member: () => false },
	];
	for (let i = 0; i < extraStaticLists; i++) {
		staticLists.push({ id: 5000 + i, name: `Archive list ${i}`, member: (lead) => lead.id % 97 === i % 97 });
	}
	const smartLists = [
		{ id: 2001, name: 'High score leads', member: (lead) => (lead.leadScore ?? 0) >= 70 },
		{ id: 2002, name: 'Unsubscribed', member: (lead) => lead.unsubscribed },
	];
	return { staticLists, smartLists };
}
