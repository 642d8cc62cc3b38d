import type { INodeProperties, INodeType } from 'n8n-workflow';

import { activityExport } from './activityExport';
import { customObjectExport } from './customObjectExport';
import { leadExport } from './leadExport';
import { programMemberExport } from './programMemberExport';
import { operationOptions, operationProperties } from './operations';
import type { ResourceDeclaration } from './resource';

/**
 * Every Resource of the node, by its stored value: the one list of export
 * kinds. The node's parameters, subtitle and pickers all follow from it.
 */
export const RESOURCES: Record<string, ResourceDeclaration> = Object.fromEntries(
	[leadExport, activityExport, programMemberExport, customObjectExport].map((resource) => [resource.kind.resource, resource]),
);

/** The node's subtitle: the chosen operation, e.g. "Extract leads", "Get job status". */
export const nodeSubtitle = (() => {
	const names: Record<string, string> = {};
	for (const resource of Object.values(RESOURCES)) {
		for (const { value, name } of operationOptions(resource)) names[String(value)] = name.charAt(0) + name.slice(1).toLowerCase();
	}
	return `={{ ${JSON.stringify(names)}[$parameter["operation"]] }}`;
})();

/** The pickers of every resource, with those several share (`shared`), as the node's `methods`. */
export function nodeMethods(shared: NonNullable<INodeType['methods']>): NonNullable<INodeType['methods']> {
	const methods = { loadOptions: { ...shared.loadOptions }, listSearch: { ...shared.listSearch } };
	for (const resource of Object.values(RESOURCES)) {
		Object.assign(methods.loadOptions, resource.methods?.loadOptions);
		Object.assign(methods.listSearch, resource.methods?.listSearch);
	}
	return methods;
}

/** The Resource parameter and, for each resource, its operations' parameters. */
export const resourceProperties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: Object.values(RESOURCES).map((resource) => ({ name: resource.displayName, value: resource.kind.resource })),
		default: 'leadExport',
	},
	...Object.values(RESOURCES).flatMap(operationProperties),
];
