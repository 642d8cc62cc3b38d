import { pick, seededRandom } from './random.mjs';

/**
 * Activities as Bulk Activity Extract exports them: the standard columns, an
 * `attributes` column of JSON text (quotes, commas, line breaks, emoji inside),
 * and the activity types Get Activity Types describes.
 */

/** Get Activity Types (GET /rest/v1/activities/types.json): a subset of a real instance's. */
export const ACTIVITY_TYPES = [
	{ id: 1, name: 'Visit Webpage', description: 'User visits a web page', primaryAttribute: { name: 'Webpage ID', dataType: 'integer' }, attributes: [{ name: 'Webpage URL', dataType: 'string' }] },
	{ id: 2, name: 'Fill Out Form', description: 'User fills out and submits form', primaryAttribute: { name: 'Webform ID', dataType: 'integer' }, attributes: [{ name: 'Form Fields', dataType: 'text' }] },
	{ id: 6, name: 'Send Email', description: 'Send Marketo Email to a person', primaryAttribute: { name: 'Mailing ID', dataType: 'integer' }, attributes: [{ name: 'Campaign Run ID', dataType: 'integer' }] },
	{ id: 10, name: 'Open Email', description: 'User opens Marketo Email', primaryAttribute: { name: 'Mailing ID', dataType: 'integer' }, attributes: [{ name: 'Device', dataType: 'string' }] },
	{ id: 12, name: 'New Lead', description: 'New person', primaryAttribute: { name: 'Lead ID', dataType: 'integer' }, attributes: [{ name: 'Source Type', dataType: 'string' }] },
	{ id: 13, name: 'Change Data Value', description: 'Changed attribute value for a person', primaryAttribute: { name: 'Attribute Name', dataType: 'integer' }, attributes: [{ name: 'New Value', dataType: 'string' }, { name: 'Old Value', dataType: 'string' }] },
	{ id: 22, name: 'Change Score', description: 'Change score value for a person', primaryAttribute: { name: 'Attribute Name', dataType: 'integer' }, attributes: [{ name: 'Change Value', dataType: 'string' }] },
	{ id: 104, name: 'Change Status in Progression', description: 'Change a status in a program progression', primaryAttribute: { name: 'Program ID', dataType: 'integer' }, attributes: [{ name: 'New Status', dataType: 'string' }] },
];

/** The columns of an activity export, in Marketo's order; the first eight are the default. */
export const ACTIVITY_FIELDS = ['marketoGUID', 'leadId', 'activityDate', 'activityTypeId', 'campaignId', 'primaryAttributeValueId', 'primaryAttributeValue', 'attributes', 'actionResult'];
export const DEFAULT_ACTIVITY_FIELDS = ACTIVITY_FIELDS.slice(0, 8);

const PRIMARY_VALUES = {
	1: [[501, 'www.example.com/pricing'], [502, 'www.example.com/blog/"bulk", extracts']],
	2: [[3001, 'GL_OP_ALL_2021.MPS Outbound'], [3002, 'Webinar.Register, "Q3"']],
	6: [[7001, 'Newsletter.November'], [7002, 'Nurture.Step 1']],
	10: [[7001, 'Newsletter.November'], [7002, 'Nurture.Step 1']],
	12: [[0, 'New']],
	13: [[24, 'Job Title'], [27, 'Lead Status']],
	22: [[31, 'Lead Score']],
	104: [[1021, 'Webinar 2026'], [1022, 'Nurture Automation']],
};

const ATTRIBUTE_HAZARDS = ['line one\nline two', 'a "quoted" word, and a comma', 'emoji 🚀 and 東京\u2028大阪', 'null', '', 'tab\there'];

/**
 * `count` activities spread over [start, end], each by one of `leads`. With
 * `malformedAttributesEvery` N, every Nth activity's attributes are cut short
 * (Marketo has not been seen doing it; the node must still not fail on it).
 */
export function generateActivities({ seed = 11, count = 3000, start, end, leads, malformedAttributesEvery = 0 }) {
	const random = seededRandom(seed);
	const startMs = Date.parse(start);
	const span = Date.parse(end) - startMs;
	const activities = [];
	for (let i = 0; i < count; i++) {
		const at = Math.floor((startMs + Math.floor((span * (i + random())) / count)) / 1000) * 1000;
		const type = pick(random, ACTIVITY_TYPES);
		const [primaryId, primaryValue] = pick(random, PRIMARY_VALUES[type.id]);
		const attributes = { [type.attributes[0].name]: random() < 0.3 ? pick(random, ATTRIBUTE_HAZARDS) : `value ${i}`, 'Campaign Run ID': Math.floor(random() * 1e6), Success: random() < 0.5 };
		let attributesText = JSON.stringify(attributes);
		if (malformedAttributesEvery > 0 && i % malformedAttributesEvery === malformedAttributesEvery - 1) attributesText = attributesText.slice(0, -7);
		activities.push({
			marketoGUID: String(900_000_000 + i),
			leadId: pick(random, leads).id,
			activityDate: at,
			activityTypeId: type.id,
			campaignId: random() < 0.2 ? null : 8000 + Math.floor(random() * 50),
			primaryAttributeValueId: primaryId,
			primaryAttributeValue: primaryValue,
			attributes: attributesText,
			actionResult: pick(random, ['succeeded', 'succeeded', 'skipped', 'failed']),
		});
	}
	return activities;
}
