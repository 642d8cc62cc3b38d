import type { INodeProperties } from 'n8n-workflow';

import { activityExport } from './activityExport';
import { customObjectExport } from './customObjectExport';
import { leadExport } from './leadExport';
import { programMemberExport } from './programMemberExport';
import { operationProperties } from './operations';
import type { ResourceDeclaration } from './resource';

/** Every Resource of the node, by its stored value. */
export const RESOURCES: Record<string, ResourceDeclaration> = {
	[leadExport.kind.resource]: leadExport,
	[activityExport.kind.resource]: activityExport,
	[programMemberExport.kind.resource]: programMemberExport,
	[customObjectExport.kind.resource]: customObjectExport,
};

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
