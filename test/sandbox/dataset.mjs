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
	...[
		['Phone Number', 'phone', 'phone'],
		['Mobile Phone Number', 'mobilePhone', 'phone'],
		['Address', 'address', 'text'],
		['City', 'city', 'string'],
		['State', 'state', 'string'],
		['Postal Code', 'postalCode', 'string'],
		['Country', 'country', 'string'],
		['Website', 'website', 'url'],
		['Industry', 'industry', 'string'],
		['Num Employees', 'numberOfEmployees', 'integer'],
		['Lead Source', 'leadSource', 'string'],
		['Lead Status', 'leadStatus', 'string'],
		['Do Not Call', 'doNotCall', 'boolean'],
		['Email Invalid', 'emailInvalid', 'boolean'],
		['Lead Rating', 'rating', 'string'],
	].map(([displayName, name, dataType], index) => ({ id: 13 + index, displayName, dataType, rest: { name, readOnly: false } })),
];

/** The twelve fields every lead of the dataset is built from first. */
const BASE_FIELDS = new Set(LEAD_FIELDS.slice(0, 12).map((f) => f.rest.name));

/** The REST names of the standard fields (27, as a Marketo instance's standard lead fields). */
export const FIELD_NAMES = LEAD_FIELDS.map((f) => f.rest.name);

/** The data types custom fields cycle through, so a wide export has every kind of value. */
const CUSTOM_TYPES = ['string', 'integer', 'text', 'float', 'boolean', 'datetime', 'currency', 'email', 'string', 'percent'];

/** `count` custom lead fields (`customField1__c` …), as an instance with many custom fields describes them. */
export function customLeadFields(count) {
	return Array.from({ length: count }, (_, index) => ({
		id: 1000 + index,
		displayName: `Custom Field ${index + 1}`,
		dataType: CUSTOM_TYPES[index % CUSTOM_TYPES.length],
		rest: { name: `customField${index + 1}__c`, readOnly: false },
	}));
}

/** The fields an instance with `customFields` custom fields describes: the standard ones first. */
export function leadFieldsFor({ customFields = 0 } = {}) {
	return [...LEAD_FIELDS, ...customLeadFields(customFields)];
}

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

const CITIES = ['Springfield', 'Saint-Denis', 'Köln', 'São Paulo', '大阪', 'Winston-Salem', 'Washington, D.C.'];
const INDUSTRIES = ['Software', 'Manufacturing', 'Healthcare', 'Retail, Wholesale', 'Education', null];
const SOURCES = ['Web', 'Trade Show', 'Partner "Referral"', 'Paid Search', 'null', null];

/**
 * A value for a field beyond the first twelve, by its data type: the same mix of
 * plain values, nulls and hazards as the first twelve, so a wider row has the
 * same shape, only more of it.
 */
function extraValue(random, field, lead) {
	if (random() < 0.1) return null;
	const name = field.rest.name;
	switch (field.dataType) {
		case 'integer':
			return Math.floor(random() * 100_000);
		case 'float':
		case 'currency':
		case 'percent':
			return Math.round(random() * 1e7) / 100;
		case 'boolean':
			return random() < 0.5;
		case 'datetime':
			return new Date(lead.createdAt + Math.floor(random() * 1e9)).toISOString().replace('.000Z', 'Z');
		case 'email':
			return `contact.${lead.id}@example.org`;
		case 'url':
			return `https://www.example.com/${lead.id}?utm_source=marketo&utm_medium=email`;
		case 'phone':
			return `+1 (555) ${String(lead.id % 1000).padStart(3, '0')}-${String(Math.floor(random() * 10_000)).padStart(4, '0')}`;
		case 'text':
			return random() < 0.2 ? pick(random, HAZARD_NOTES) : `${name} of lead ${lead.id}, ${pick(random, CITIES)}`;
		default:
			if (name === 'city') return pick(random, CITIES);
			if (name === 'industry') return pick(random, INDUSTRIES);
			if (name === 'leadSource') return pick(random, SOURCES);
			return `${field.displayName} ${Math.floor(random() * 1000)}`;
	}
}

/**
 * A deterministic set of leads. createdAt is spread across [start, end]; updatedAt
 * falls between createdAt and `updatedUntil`. Every lead's values come from the seed.
 * `fields` (describe entries) beyond the first twelve get values from a second
 * generator per lead, so the first twelve are the same whatever the width.
 */
export function generateLeads({ seed = 42, count = 2000, start, end, updatedUntil = end, fields = LEAD_FIELDS }) {
	const extraFields = fields.filter((field) => !BASE_FIELDS.has(field.rest.name));
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
		if (extraFields.length > 0) {
			const lead = leads[leads.length - 1];
			const extraRandom = seededRandom((seed * 0x9e3779b1) ^ id);
			for (const field of extraFields) lead[field.rest.name] = extraValue(extraRandom, field, lead);
		}
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
