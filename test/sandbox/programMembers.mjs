import { pick, seededRandom } from './random.mjs';

/**
 * Programs and their members, as Bulk Program Member Extract exports them
 * (member fields from Describe Program Member, joined with lead fields).
 */

export const PROGRAMS = [
	{ id: 1021, name: 'Webinar 2026' },
	{ id: 1022, name: 'Nurture Automation' },
	{ id: 1023, name: 'Trade Show, "Berlin"' },
	{ id: 1024, name: 'Empty Program' },
];

/** Describe Program Member (GET /rest/v1/programs/members/describe.json), as Marketo answers it. */
export const PROGRAM_MEMBER_DESCRIBE = {
	name: 'API Program Membership',
	description: 'Map for API program membership fields',
	dedupeFields: ['leadId', 'programId'],
	searchableFields: [['leadId'], ['reachedSuccess'], ['statusName']],
	fields: [
		['acquiredBy', 'boolean'],
		['attendanceLikelihood', 'integer'],
		['createdAt', 'datetime'],
		['isExhausted', 'boolean'],
		['leadId', 'integer'],
		['membershipDate', 'datetime'],
		['nurtureCadence', 'string'],
		['program', 'string'],
		['programId', 'integer'],
		['reachedSuccess', 'boolean'],
		['reachedSuccessDate', 'datetime'],
		['statusName', 'string'],
		['updatedAt', 'datetime'],
		['webinarUrl', 'string'],
	].map(([name, dataType]) => ({ name, displayName: name, dataType, updateable: false, crmManaged: false })),
};

export const PROGRAM_MEMBER_FIELDS = PROGRAM_MEMBER_DESCRIBE.fields.map((field) => field.name);

const STATUSES = ['Member', 'Registered', 'Attended', 'No Show', 'Invited'];

/** Each lead is a member of some programs (never of the empty one); updatedAt within [start, end]. */
export function generateProgramMembers({ seed = 13, leads, start, end }) {
	const random = seededRandom(seed);
	const startMs = Date.parse(start);
	const span = Date.parse(end) - startMs;
	const members = [];
	for (const lead of leads) {
		for (const program of PROGRAMS.slice(0, 3)) {
			if (random() < 0.4) continue;
			const membership = Math.floor((startMs + random() * span) / 1000) * 1000;
			const updated = Math.floor((membership + random() * (Date.parse(end) - membership)) / 1000) * 1000;
			members.push({
				...lead,
				// The member's own fields (its createdAt and updatedAt are the membership's, not the lead's).
				leadId: lead.id,
				programId: program.id,
				program: program.name,
				statusName: pick(random, STATUSES),
				membershipDate: membership,
				createdAt: membership,
				updatedAt: updated,
				reachedSuccess: random() < 0.3,
				reachedSuccessDate: null,
				acquiredBy: random() < 0.2,
				isExhausted: random() < 0.1,
				nurtureCadence: random() < 0.5 ? 'norm' : 'pause',
				attendanceLikelihood: random() < 0.3 ? null : Math.floor(random() * 100),
				webinarUrl: random() < 0.5 ? null : `https://webinar.example.com/join?id=${lead.id}&p=${program.id}`,
			});
		}
	}
	return members;
}
