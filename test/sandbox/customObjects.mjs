import { pick, seededRandom } from './random.mjs';

/**
 * Custom objects linked to leads, as Bulk Custom Object Extract exports them:
 * Marketo's own example (car_c, de-duplicated by VIN) and one with no
 * dedupeFields (subscription_c, identified by its marketoGUID).
 */

const field = (name, displayName, dataType) => ({ name, displayName, dataType, updateable: true, crmManaged: false });

export const CUSTOM_OBJECTS = {
	car_c: {
		name: 'car_c',
		displayName: 'Car',
		description: "It's a car.",
		idField: 'marketoGUID',
		dedupeFields: ['vIN'],
		relationships: [{ field: 'leadID', type: 'child', relatedTo: { name: 'Lead', field: 'Id' } }],
		fields: [
			field('createdAt', 'Created At', 'datetime'),
			field('marketoGUID', 'Marketo GUID', 'string'),
			field('updatedAt', 'Updated At', 'datetime'),
			field('color', 'Color', 'string'),
			field('leadID', 'Lead ID', 'integer'),
			field('make', 'Make', 'string'),
			field('model', 'Model', 'string'),
			field('vIN', 'VIN', 'string'),
			field('price', 'Price', 'currency'),
		],
	},
	subscription_c: {
		name: 'subscription_c',
		displayName: 'Subscription',
		description: 'A product subscription',
		idField: 'marketoGUID',
		dedupeFields: [],
		relationships: [{ field: 'leadID', type: 'child', relatedTo: { name: 'Lead', field: 'Id' } }],
		fields: [
			field('marketoGUID', 'Marketo GUID', 'string'),
			field('updatedAt', 'Updated At', 'datetime'),
			field('leadID', 'Lead ID', 'integer'),
			field('plan', 'Plan', 'string'),
			field('active', 'Active', 'boolean'),
		],
	},
	// A business key of two fields: one account holds several products.
	account_product_c: {
		name: 'account_product_c',
		displayName: 'Account Product',
		description: 'A product an account holds',
		idField: 'marketoGUID',
		dedupeFields: ['accountNumber', 'productCode'],
		relationships: [{ field: 'leadID', type: 'child', relatedTo: { name: 'Lead', field: 'Id' } }],
		fields: [
			field('marketoGUID', 'Marketo GUID', 'string'),
			field('updatedAt', 'Updated At', 'datetime'),
			field('leadID', 'Lead ID', 'integer'),
			field('accountNumber', 'Account Number', 'string'),
			field('productCode', 'Product Code', 'string'),
			field('seats', 'Seats', 'integer'),
		],
	},
	// Field names that are also names of every JavaScript object's members.
	odd_c: {
		name: 'odd_c',
		displayName: 'Odd Names',
		description: 'Fields named like object internals',
		idField: 'marketoGUID',
		dedupeFields: ['constructor'],
		relationships: [{ field: 'leadID', type: 'child', relatedTo: { name: 'Lead', field: 'Id' } }],
		fields: [
			field('marketoGUID', 'Marketo GUID', 'string'),
			field('updatedAt', 'Updated At', 'datetime'),
			field('leadID', 'Lead ID', 'integer'),
			field('constructor', 'Constructor', 'string'),
			field('toString', 'To String', 'string'),
			field('valueOf', 'Value Of', 'integer'),
		],
	},
};

const COLORS = ['Pearl White', 'Midnight Silver, Metallic', 'Fusion "Red"', null];
const MAKES = ['Tesla', 'Škoda', 'Citroën'];
const PLANS = ['Basic', 'Pro', 'Enterprise\nannual'];

/** Records of every custom object, each linked to a lead; updatedAt within [start, end]. */
export function generateCustomObjectRecords({ seed = 17, leads, start, end }) {
	const random = seededRandom(seed);
	const startMs = Date.parse(start);
	const span = Date.parse(end) - startMs;
	const time = () => Math.floor((startMs + random() * span) / 1000) * 1000;
	const records = { car_c: [], subscription_c: [] };
	let guid = 0;
	const nextGuid = () => `00000000-0000-4000-8000-${String(++guid).padStart(12, '0')}`;
	for (const lead of leads) {
		if (random() < 0.5) {
			const created = time();
			records.car_c.push({
				createdAt: created,
				updatedAt: Math.max(created, time()),
				marketoGUID: nextGuid(),
				color: pick(random, COLORS),
				leadID: lead.id,
				make: pick(random, MAKES),
				model: `Model ${pick(random, ['S', 'X', '3', 'Y'])}`,
				vIN: `VIN${String(lead.id).padStart(8, '0')}${Math.floor(random() * 10)}`,
				price: Math.round(random() * 1e7) / 100,
			});
		}
		if (random() < 0.3) {
			records.subscription_c.push({ marketoGUID: nextGuid(), updatedAt: time(), leadID: lead.id, plan: pick(random, PLANS), active: random() < 0.7 });
		}
	}
	// Their own random sequence, so the objects above keep their records whatever is added here.
	const more = seededRandom(seed + 1000);
	const moreTime = () => Math.floor((startMs + more() * span) / 1000) * 1000;
	records.account_product_c = [];
	records.odd_c = [];
	for (const lead of leads) {
		if (more() < 0.3) {
			// Every product of one account: the account number alone repeats.
			for (const productCode of ['CRM', 'ERP', 'BI'].filter(() => more() < 0.7)) {
				records.account_product_c.push({ marketoGUID: nextGuid(), updatedAt: moreTime(), leadID: lead.id, accountNumber: `AC-${lead.id}`, productCode, seats: Math.floor(more() * 500) });
			}
		}
		if (more() < 0.3) {
			records.odd_c.push({ marketoGUID: nextGuid(), updatedAt: moreTime(), leadID: lead.id, constructor: `C-${lead.id}`, toString: pick(more, ['a', 'b']), valueOf: Math.floor(more() * 10) });
		}
	}
	return records;
}
