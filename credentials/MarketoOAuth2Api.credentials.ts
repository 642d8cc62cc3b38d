import type { ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * The instance root (`https://123-ABC-456.mktorest.com`) from whatever the user pasted:
 * Marketo's Web Services page shows the REST endpoint with `/rest`, its identity
 * endpoint with `/identity`; either, with or without a trailing slash, is accepted.
 * Kept as an n8n expression because n8n evaluates it when it fetches the token.
 * The node applies the same rule in code (transport/endpoints.ts) and refuses
 * anything that is not an http(s) URL before it calls Marketo.
 */
const INSTANCE_ROOT =
	'$self["baseUrl"].trim().replace(/\\/+$/, "").replace(/\\/(rest|identity)$/i, "")';

export class MarketoOAuth2Api implements ICredentialType {
	name = 'marketoOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Marketo OAuth2 API';

	icon = { light: 'file:marketo.svg', dark: 'file:marketo.dark.svg' } as const;

	documentationUrl =
		'https://github.com/n8n-nodes-marketo-bulk-extract/n8n-nodes-marketo-bulk-extract#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'REST API Endpoint',
			name: 'baseUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://123-ABC-456.mktorest.com/rest',
			description:
				'Marketo Admin → Integration → Web Services → REST API → Endpoint. With or without /rest.',
		},
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'hidden',
			default: 'clientCredentials',
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: `={{${INSTANCE_ROOT}}}/identity/oauth/token`,
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			default: '',
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'hidden',
			default: '',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'hidden',
			default: 'body',
		},
	];

	// Describe needs the same Read-Only Lead permission as the bulk extract, so a
	// passing test proves the client id, the secret, the endpoint and the role.
	// Marketo answers refusals with HTTP 200 and success:false, hence the rules.
	test: ICredentialTestRequest = {
		request: {
			baseURL: `={{${INSTANCE_ROOT}}}`,
			url: '/rest/v1/leads/describe.json',
			method: 'GET',
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'errors[0].code',
					value: '603',
					message:
						'Marketo: 603 Access denied. Give the API user a role with Read-Only Lead or Read-Write Lead permission, and check the IP allow-list.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'errors[0].code',
					value: '601',
					message: 'Marketo: 601 Access token invalid. Check the Client ID and Client Secret.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'success',
					value: false,
					message: 'Marketo refused the call. Check the endpoint URL and the API user’s role.',
				},
			},
		],
	};
}
