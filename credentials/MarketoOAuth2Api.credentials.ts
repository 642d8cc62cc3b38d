import type { ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * The instance root (`https://123-ABC-456.mktorest.com`) from whatever the user pasted:
 * Marketo's Web Services page shows the REST endpoint with `/rest`, its identity
 * endpoint with `/identity`; either, `/rest/v1`, a trailing slash or an empty `?` is
 * accepted. Kept as an n8n expression because n8n evaluates it when it fetches the
 * token. An endpoint that could send the client secret anywhere unsafe (plain http
 * to anything but this machine, a user name or password in the URL, a query)
 * resolves to a host under `.invalid`, which never resolves (RFC 6761): the secret
 * goes nowhere, and the error n8n shows names the field to fix. The node applies
 * the same rules in code (transport/endpoints.ts) and says so in words before it
 * calls Marketo; a unit test holds the two together.
 */
const INSTANCE_ROOT = `(() => {
	const root = ($self["baseUrl"] || "").trim().replace(/[?#]+$/, "").replace(/\\/+$/, "").replace(/\\/(rest\\/v1|rest|identity)$/i, "").replace(/\\/+$/, "");
	const secure = /^https:\\/\\/[^\\/@?#\\s]+(\\/[^?#\\s]*)?$/i.test(root);
	const local = /^http:\\/\\/(localhost|127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}|\\[::1\\])(:\\d+)?(\\/[^?#\\s]*)?$/i.test(root);
	return secure || local ? root : "https://rest-api-endpoint-must-be-an-https-url.invalid";
})()`;

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
				'Marketo Admin → Integration → Web Services → REST API → Endpoint, https only. With or without /rest.',
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
