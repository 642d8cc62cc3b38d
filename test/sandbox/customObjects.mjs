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
	return records;
}
