import { NODE_TYPE } from './engine.mjs';

export const MARKETO_NODE = 'Marketo';
export const CREDENTIAL_ID = 'cred-1';

/** Items → Marketo Bulk Extract, with the given parameters. */
export function marketoWorkflow({ parameters, items = [{}], continueOnFail = false }) {
	const nodes = [
		{
			id: 'n-items',
			name: 'Items',
			type: 'test.items',
			typeVersion: 1,
			position: [0, 0],
			parameters: { items: JSON.stringify(items) },
		},
		{
			id: 'n-marketo',
			name: MARKETO_NODE,
			type: NODE_TYPE,
			typeVersion: 1,
			position: [200, 0],
			parameters: { resource: 'leadExport', ...parameters },
			credentials: { marketoOAuth2Api: { id: CREDENTIAL_ID, name: 'Marketo sandbox' } },
			...(continueOnFail ? { onError: 'continueRegularOutput' } : {}),
		},
	];
	const connections = { Items: { main: [[{ node: MARKETO_NODE, type: 'main', index: 0 }]] } };
	return { nodes, connections };
}
