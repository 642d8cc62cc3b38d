import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { matchChoice, toBoolean, toNumber } from './parameters';
import type { ResourceDeclaration } from './resource';

/**
 * The options that decide how a file becomes items, the same for every
 * operation that parses a whole file (the composite extract and Get Job File):
 * one file, one answer. Each resource adds its own (e.g. Parse Attributes).
 */

export const ITEM_OUTPUT_DEFAULTS = { maxItems: 500_000, maxMemoryMb: 512 } as const;

const MALFORMED_ROW_CHOICES = ['readLeniently', 'fail'] as const;

const LIMITS = {
	maxItems: { label: 'Max Items', min: 1, max: 100_000_000, integer: true, fallback: ITEM_OUTPUT_DEFAULTS.maxItems },
	maxMemoryMb: { label: 'Max Memory (MB)', min: 1, max: 1_000_000, unit: 'MB', fallback: ITEM_OUTPUT_DEFAULTS.maxMemoryMb },
} as const;

/** Convert Values, Max Items and Max Memory (MB), and the resource's own options; lint wants each default written out. */
export function itemOutputOptions(resource: ResourceDeclaration): INodeProperties[] {
	const noun = resource.kind.noun.many;
	return [
		{
			displayName: 'Convert Values',
			name: 'typedValues',
			type: 'boolean',
			default: true,
			description:
				'Whether to turn integer, decimal, currency, percent and boolean fields into JSON numbers and booleans (by the instance’s field types). Off keeps the text Marketo wrote.',
		},
		{
			displayName: 'Malformed Rows',
			name: 'malformedRows',
			type: 'options',
			default: 'readLeniently',
			options: [
				{
					name: 'Read Leniently',
					value: 'readLeniently',
					description:
						'Read a quote Marketo did not escape as part of its value; output a row that still cannot be read as an item with unreadableRow: true, its text and the reason. Each counted in a warning by row and column.',
				},
				{ name: 'Fail', value: 'fail', description: 'Refuse the file, naming the row and column' },
			],
			description:
				'What to do with rows Marketo wrote wrongly (a stray quote inside a value, a row with more or fewer values than columns). The same file comes back on every try, so failing stops a schedule until a person acts.',
		},
		{
			displayName: 'Max Items',
			name: 'maxItems',
			type: 'number',
			default: 500000,
			typeOptions: { minValue: 1, maxValue: 100000000 },
			description: `Fail, before downloading, when the export holds more ${noun} than this (1 to 100,000,000); Since Last Run instead delivers the windows that fit and goes on at the next run. Each item takes memory in n8n; for larger exports output the file instead.`,
		},
		{
			displayName: 'Max Memory (MB)',
			name: 'maxMemoryMb',
			type: 'number',
			default: 512,
			typeOptions: { minValue: 1, maxValue: 1000000 },
			description: `Fail, before downloading, when the items would take more memory than this (1 to 1,000,000); Since Last Run instead delivers the windows that fit and goes on at the next run. Estimated from the file size, the ${noun} and the number of fields (about 72 bytes per field), so a wide export reaches it with fewer ${noun}. A file output is not limited.`,
		},
		...(resource.extractOptions ?? []),
	];
}

export interface ItemOutputSettings {
	typedValues: boolean;
	/** Malformed Rows: Read Leniently. */
	lenientRows: boolean;
	maxItems: number;
	maxMemoryMb: number;
}

/** The item options of one input item, checked before any call to Marketo. */
export function readItemOutput(ctx: IExecuteFunctions, itemIndex: number, options: IDataObject): ItemOutputSettings {
	return {
		typedValues: toBoolean(ctx, itemIndex, options.typedValues, 'Convert Values', true),
		lenientRows: matchChoice(ctx, itemIndex, 'Malformed Rows', options.malformedRows ?? 'readLeniently', MALFORMED_ROW_CHOICES) === 'readLeniently',
		maxItems: toNumber(ctx, itemIndex, options.maxItems, LIMITS.maxItems),
		maxMemoryMb: toNumber(ctx, itemIndex, options.maxMemoryMb, LIMITS.maxMemoryMb),
	};
}
