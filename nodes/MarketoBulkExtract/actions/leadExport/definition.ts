import type { IExecuteFunctions } from 'n8n-workflow';

import type { ExportDefinition } from '../../extract/model/exportDefinition';
import { MAX_WINDOW_DAYS } from '../../extract/model/windows';
import type { MarketoClient } from '../../transport';
import { describeLeadFields } from '../../transport/leadDatabaseApi';
import { readCommonDefinition, readListFilter, readRange } from '../definition';
import { readChoice } from '../parameters';
import type { ExportKind } from '../resource';

/**
 * Bulk Lead Extract: leads by created or updated date, or by static or smart
 * list membership; one filter per job.
 * https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/bulk-extract/bulk-lead-extract
 */

export const LEAD_FILTERS = [
	'createdAt',
	'updatedAt',
	'staticListId',
	'staticListName',
	'smartListId',
	'smartListName',
] as const;

export type LeadFilter = (typeof LEAD_FILTERS)[number];

export const LEAD_DATE_FILTERS: readonly string[] = ['createdAt', 'updatedAt'];

export function readLeadFilter(ctx: IExecuteFunctions, itemIndex: number): LeadFilter {
	return readChoice(ctx, itemIndex, { name: 'filterType', label: 'Filter', choices: LEAD_FILTERS, fallback: 'createdAt' });
}

export const leadExportKind: ExportKind = {
	resource: 'leadExport',
	noun: { one: 'lead', many: 'leads', title: 'Leads' },
	readExportPath: () => '/bulk/v1/leads/export',

	lookBack: {
		defaultMinutes: 30,
		covers: 'Updates written by the CRM sync and by batch campaigns can land minutes after their Updated At; 30 covers a sync cycle running late.',
	},

	readDateFilter(ctx, itemIndex) {
		const filter = readLeadFilter(ctx, itemIndex);
		return LEAD_DATE_FILTERS.includes(filter) ? filter : undefined;
	},

	readDefinition(ctx, itemIndex, options): ExportDefinition {
		const common = readCommonDefinition(ctx, itemIndex, 'lead');
		const filter = readLeadFilter(ctx, itemIndex);
		if (filter === 'createdAt' || filter === 'updatedAt') {
			const range = readRange(ctx, itemIndex, options, 'Extract Leads');
			return { ...common, range, dateFilter: filter, dateField: filter, label: filter, filters: {} };
		}
		const list = readListFilter(ctx, itemIndex, filter);
		return { ...common, label: `${filter} ${list}`, filters: { [filter]: list } };
	},

	profile(ctx, itemIndex) {
		// One describe serves the field check and the field types.
		let described: ReturnType<typeof describeLeadFields> | undefined;
		const describe = async (client: MarketoClient) => await (described ??= describeLeadFields(client));
		return {
			noun: this.noun,
			exportPath: this.readExportPath(ctx, itemIndex),
			maxWindowDays: MAX_WINDOW_DAYS,
			fieldTypes: async (client, convertValues) => (convertValues ? await describe(client) : []),
			keyFields: async () => ['id'],
			currentFields: async (client) => (await describe(client)).map((field) => field.name),
		};
	},
};
