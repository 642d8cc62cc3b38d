import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { ExportKind } from '../exportKinds/exportKind';
import type { MarketoClient } from '../transport';

/** What a condition on other parameters looks like in `displayOptions.show`. */
export type ShowConditions = Record<string, Array<string | number | boolean>>;

/**
 * A Resource of the node: an export kind and the parameters that define one
 * of its exports. Every resource gets the same operations (operations/): the
 * composite extract and the six single-endpoint ones; this says only what
 * differs. Adding an export kind is its profile (exportKinds/), one of these,
 * and its entry in resources.ts.
 */
export interface ResourceDeclaration {
	kind: ExportKind;
	/** The Resource option, e.g. "Lead Export". */
	displayName: string;
	/** A record, for option labels: "Lead" → "One Item per Lead". */
	recordName: string;
	/** The Operation parameter, options from operationOptions(); its default is the composite extract. */
	operation: INodeProperties;
	/** The composite operation. Its value is stored in users' workflows: never renamed. */
	extract: { value: string; name: string; action: string; description: string };
	/** Parameters that define a new export, for Create Job and the composite's new jobs. */
	definition: {
		/** Before the date range: fields, format, the filter choice. */
		head: INodeProperties[];
		/** When the date range applies, e.g. `{ filterType: ['createdAt', 'updatedAt'] }`; `{}` when always. */
		dateRangeShow: ShowConditions;
		/** Start At and End At. */
		dateRange: INodeProperties[];
		/** After the date range: lists, column header names. */
		tail: INodeProperties[];
	};
	/** Parameters every operation of the resource needs (a custom object's name: it is part of every path). */
	common?: INodeProperties[];
	/** Options of the composite extract that only this resource has. */
	extractOptions?: INodeProperties[];
}

/** What every operation module exports. */
export interface Operation {
	description(resource: ResourceDeclaration): INodeProperties[];
	execute(this: IExecuteFunctions, client: MarketoClient, itemIndex: number, kind: ExportKind): Promise<INodeExecutionData[]>;
}
