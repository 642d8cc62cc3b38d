import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { MAX_WINDOW_DAYS } from '../../extract/model/windows';
import type { MarketoClient } from '../../transport';
import { describeCustomObject } from '../../transport/leadDatabaseApi';
import { readCommonDefinition, readListFilter, readRange } from '../definition';
import { readChoice, readMatchingText } from '../parameters';
import type { ExportKind } from '../resource';

/**
 * Bulk Custom Object Extract: the records of one custom object type (its API
 * name is part of the path) linked to the leads of a static or smart list, or
 * updated within a date range; one filter per job.
 * https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/bulk-extract/bulk-custom-object-extract
 *
 * Where the page is silent or we chose: a record is identified by Describe
 * Custom Object's dedupeFields (the object's business key, e.g. a VIN), or by
 * its idField (marketoGUID) when it gives none.
 */

export const CUSTOM_OBJECT_FILTERS = ['updatedAt', 'staticListId', 'staticListName', 'smartListId', 'smartListName'] as const;

/** An API name as Marketo makes them (`car_c`): it goes into the URL path, so nothing else passes. */
const API_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

export function isCustomObjectApiName(name: unknown): name is string {
	return typeof name === 'string' && API_NAME.test(name);
}

export function readCustomObjectName(ctx: IExecuteFunctions, itemIndex: number): string {
	return readMatchingText(ctx, itemIndex, {
		name: 'customObjectName',
		label: 'Custom Object',
		what: 'a custom object API name',
		accepts: isCustomObjectApiName,
		fix: 'Pick the custom object from the list, or give its API name as Describe Custom Object shows it, e.g. car_c.',
	});
}

function readCustomObjectFilter(ctx: IExecuteFunctions, itemIndex: number) {
	return readChoice(ctx, itemIndex, { name: 'filterType', label: 'Filter', choices: CUSTOM_OBJECT_FILTERS, fallback: 'updatedAt' });
}

export const customObjectExportKind: ExportKind = {
	resource: 'customObjectExport',
	noun: { one: 'custom object record', many: 'custom object records', title: 'Custom Objects' },
	readExportPath: (ctx, itemIndex) => `/bulk/v1/customobjects/${readCustomObjectName(ctx, itemIndex)}/export`,

	lookBack: {
		defaultMinutes: 30,
		covers: 'Records written by an integration’s batches can land minutes after their Updated At; 30 covers a batch running late.',
	},

	readDateFilter(ctx, itemIndex) {
		const filter = readCustomObjectFilter(ctx, itemIndex);
		return filter === 'updatedAt' ? filter : undefined;
	},

	readDefinition(ctx, itemIndex, options) {
		const common = readCommonDefinition(ctx, itemIndex, 'custom object');
		const filter = readCustomObjectFilter(ctx, itemIndex);
		if (filter === 'updatedAt') {
			const range = readRange(ctx, itemIndex, options, 'Extract Custom Objects');
			return { ...common, range, dateFilter: filter, dateField: filter, label: filter, filters: {} };
		}
		const list = readListFilter(ctx, itemIndex, filter);
		return { ...common, label: `${filter} ${list}`, filters: { [filter]: list } };
	},

	profile(ctx, itemIndex) {
		const name = readCustomObjectName(ctx, itemIndex);
		// One describe serves the field types and the key.
		let described: ReturnType<typeof describeCustomObject> | undefined;
		const describe = async (client: MarketoClient) => await (described ??= describeCustomObject(client, name));
		return {
			noun: this.noun,
			exportPath: this.readExportPath(ctx, itemIndex),
			maxWindowDays: MAX_WINDOW_DAYS,
			fieldTypes: async (client, convertValues) => (convertValues ? (await describe(client)).fields : []),
			currentFields: async (client) => (await describe(client)).fields.map((field) => field.name),
			async keyFields(client) {
				// The whole business key (e.g. accountNumber + productCode); the idField only where the object has none.
				const { fields, dedupeFields, idField } = await describe(client);
				// Only fields the describe lists: a key field the object lacks, added to the jobs, makes every create answer 1003.
				const listed = new Set(fields.map((field) => field.name));
				const exists = (name: string) => listed.size === 0 || listed.has(name);
				if (dedupeFields.length > 0 && dedupeFields.every(exists)) return dedupeFields;
				// The idField (marketoGUID) tells records apart as well: one record keeps it across windows.
				if (idField && exists(idField)) return [idField];
				const named = [...dedupeFields, ...(idField ? [idField] : [])];
				throw new NodeOperationError(
					ctx.getNode(),
					`Custom object ${name}: its describe names the key ${named.length > 0 ? named.join(', ') : '(none)'}, but its fields do not include ${named.length > 0 ? 'it' : 'one'}, so the node cannot tell its records apart across windows.`,
					{
						itemIndex,
						description:
							'No job was created. A Fixed Dates range of one window, a static or smart list filter, or Output: Files needs no key; if the object was changed in Marketo, check its dedupe fields under Admin → Marketo Custom Objects.',
					},
				);
			},
		};
	},
};
