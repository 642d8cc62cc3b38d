import type { IExecuteFunctions, INodeExecutionData, INodeProperties, INodePropertyOptions, INodeType } from 'n8n-workflow';

import type { ExportDefinition } from '../extract/model/exportDefinition';
import type { ExportProfile } from '../extract/model/exportProfile';
import type { MarketoClient } from '../transport';
import type { ReadDefinitionOptions } from './definition';

/**
 * How an export kind reads its parameters: the one place per kind that calls
 * getNodeParameter. It turns an item's parameters into the plain data the
 * engine takes (extract/): a validated job definition, and the kind's profile.
 * Data flows one way: parameters → definition → Marketo → bytes → rows → items.
 */
export interface ExportKind {
	/** The node's Resource value, stored in users' workflows: never renamed. */
	resource: string;
	/** For messages: "lead" / "leads" / "Leads". */
	noun: ExportProfile['noun'];
	/** The endpoints of this kind's jobs, e.g. `/bulk/v1/leads/export`; may depend on a parameter (a custom object's name). */
	readExportPath(ctx: IExecuteFunctions, itemIndex: number): string;
	/**
	 * The date filter the user chose (createdAt, updatedAt), or undefined when the
	 * export is filtered otherwise; decides whether Since Last Run applies.
	 */
	readDateFilter(ctx: IExecuteFunctions, itemIndex: number): string | undefined;
	/** The job definition from the node's parameters, checked before any call to Marketo. */
	readDefinition(ctx: IExecuteFunctions, itemIndex: number, options: ReadDefinitionOptions): ExportDefinition;
	/** What the engine needs of the kind for this item: its endpoints, field types, key. */
	profile(ctx: IExecuteFunctions, itemIndex: number): ExportProfile;
	/**
	 * Since Last Run's look-back for this kind (lookBack.ts): the minutes each
	 * run reads again by default, and which of Marketo's late writes they
	 * cover, for the option's description.
	 */
	lookBack: { defaultMinutes: number; covers: string };
}

/** What a condition on other parameters looks like in `displayOptions.show`. */
export type ShowConditions = Record<string, Array<string | number | boolean>>;

/**
 * A Resource of the node: an export kind and the parameters that define one
 * of its exports. Every resource gets the same operations (operations/): the
 * composite extract and the six single-endpoint ones; this says only what
 * differs. Adding an export kind is its folder under actions/ (this
 * declaration and its ExportKind) and its entry in resources.ts.
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
	/** The editor's pickers only this resource uses (the node offers every resource's). */
	methods?: NonNullable<INodeType['methods']>;
	/** Operations only this resource has, beside the seven every resource has (Lead Export's Get Deleted Leads). */
	ownOperations?: Array<{ option: INodePropertyOptions; module: Operation }>;
}

/** What every operation module exports. */
export interface Operation {
	description(resource: ResourceDeclaration): INodeProperties[];
	execute(this: IExecuteFunctions, client: MarketoClient, itemIndex: number, kind: ExportKind): Promise<INodeExecutionData[]>;
}
