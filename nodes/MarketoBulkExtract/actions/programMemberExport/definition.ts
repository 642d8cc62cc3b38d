import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { MAX_WINDOW_DAYS } from '../../extract/model/windows';
import type { MarketoClient } from '../../transport';
import { describeLeadFields, describeProgramMembers, type FieldType } from '../../transport/leadDatabaseApi';
import { readCommonDefinition, readRange } from '../definition';
import { describeValue, invalidParameter, listEntries, readChoice, readIds } from '../parameters';
import type { ExportKind } from '../resource';

/**
 * Bulk Program Member Extract: the members of one program or of up to ten,
 * ANDed with optional filters (status names, exhausted content, nurture
 * cadence, and an updatedAt range of at most 31 days, not on every
 * subscription).
 * https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/bulk-extract/bulk-program-member-extract
 *
 * Where the page is silent or we chose: a member is identified by Describe
 * Program Member's dedupeFields, leadId and programId (fixed here, so that
 * de-duplication needs no describe call); with several programs Marketo adds
 * programId as the first column itself, and with one, leadId alone tells
 * members apart. Fields may be program member fields or
 * lead fields, as the page says; the picker offers both.
 */

/** Marketo takes at most this many programs in one job. */
export const MAX_PROGRAMS = 10;

const CADENCES = ['any', 'norm', 'pause'] as const;
const EXHAUSTED = ['any', 'true', 'false'] as const;
const DATE_FILTERS = ['none', 'updatedAt'] as const;

function readProgramIds(ctx: IExecuteFunctions, itemIndex: number): number[] {
	const ids = readIds(ctx, itemIndex, listEntries(ctx.getNodeParameter('programIds', itemIndex, [])), {
		label: 'Programs',
		what: 'a program ID',
		fix: 'Pick programs from the list, or give their numeric IDs.',
		min: 1,
	});
	if (ids.length === 0) {
		throw invalidParameter(ctx, itemIndex, 'Programs', 'no program chosen', 'Pick the program whose members to export (Marketo requires one, or up to 10).');
	}
	if (ids.length > MAX_PROGRAMS) {
		throw invalidParameter(
			ctx,
			itemIndex,
			'Programs',
			`${ids.length} programs chosen; Marketo takes at most ${MAX_PROGRAMS} per job`,
			'Choose 10 or fewer, or split the export into several nodes.',
		);
	}
	return ids;
}

function readStatusNames(ctx: IExecuteFunctions, itemIndex: number): string[] {
	const raw = ctx.getNodeParameter('statusNames', itemIndex, '') as unknown;
	if (raw === undefined || raw === null) return [];
	const names: string[] = [];
	for (const entry of listEntries(raw)) {
		if (typeof entry !== 'string') {
			throw invalidParameter(ctx, itemIndex, 'Status Names', `${describeValue(entry)} is not a status name`, 'Give status names separated by commas, e.g. Registered, Attended.');
		}
		const name = entry.trim();
		if (name !== '' && !names.includes(name)) names.push(name);
	}
	return names;
}

export const programMemberExportKind: ExportKind = {
	resource: 'programMemberExport',
	noun: { one: 'program member', many: 'program members', title: 'Program Members' },
	readExportPath: () => '/bulk/v1/program/members/export',

	lookBack: {
		defaultMinutes: 30,
		covers: 'Status changes made by batch campaigns and by the CRM sync can land minutes after their Updated At; 30 covers a campaign or sync cycle running late.',
	},

	readDateFilter(ctx, itemIndex) {
		const filter = readChoice(ctx, itemIndex, { name: 'dateFilter', label: 'Date Filter', choices: DATE_FILTERS, fallback: 'none' });
		return filter === 'none' ? undefined : filter;
	},

	readDefinition(ctx, itemIndex, options) {
		const common = readCommonDefinition(ctx, itemIndex, 'program member');
		const programIds = readProgramIds(ctx, itemIndex);
		const filters: IDataObject = programIds.length === 1 ? { programId: programIds[0] } : { programIds };
		// With several programs Marketo writes programId as the first column by itself.
		const columnsMarketoAdds = programIds.length === 1 ? undefined : ['programId'];
		const statusNames = readStatusNames(ctx, itemIndex);
		if (statusNames.length > 0) filters.statusNames = statusNames;
		const exhausted = readChoice(ctx, itemIndex, { name: 'isExhausted', label: 'Exhausted Content', choices: EXHAUSTED, fallback: 'any' });
		if (exhausted !== 'any') filters.isExhausted = exhausted === 'true';
		const cadence = readChoice(ctx, itemIndex, { name: 'nurtureCadence', label: 'Nurture Cadence', choices: CADENCES, fallback: 'any' });
		if (cadence !== 'any') filters.nurtureCadence = cadence;
		const label = `program${programIds.length > 1 ? 's' : ''} ${programIds.join(', ')}`;
		const dateFilter = this.readDateFilter(ctx, itemIndex);
		if (!dateFilter) return { ...common, columnsMarketoAdds, label, filters };
		const range = readRange(ctx, itemIndex, options, 'Extract Program Members');
		return { ...common, columnsMarketoAdds, range, dateFilter, dateField: dateFilter, label, filters };
	},

	profile(ctx, itemIndex) {
		// The member fields, then the lead fields a member export also takes: one describe of each per run.
		let described: Promise<FieldType[]> | undefined;
		const describe = async (client: MarketoClient) =>
			await (described ??= Promise.all([describeProgramMembers(client), describeLeadFields(client)]).then(([members, leads]) => {
				// A member field wins over a lead field of the same name (createdAt, updatedAt).
				const memberNames = new Set(members.fields.map((field) => field.name));
				return [...members.fields, ...leads.filter((field) => !memberNames.has(field.name))];
			}));
		return {
			noun: this.noun,
			exportPath: this.readExportPath(ctx, itemIndex),
			maxWindowDays: MAX_WINDOW_DAYS,
			fieldTypes: async (client, convertValues) => (convertValues ? await describe(client) : []),
			currentFields: async (client) => (await describe(client)).map((field) => field.name),
			// One program's members are told apart by their lead; several programs' by lead and program.
			keyFields: async (_client, definition) => (definition.filters.programIds ? ['programId', 'leadId'] : ['leadId']),
		};
	},
};
