/**
 * Where a Marketo instance lives. The credential holds whatever the user pasted
 * from Admin → Web Services (`…/rest`, `…/rest/v1`, `…/identity` or the bare
 * host); every URL the node calls is derived here. The credential applies the
 * same rules in its token URL expression (credentials/MarketoOAuth2Api.credentials.ts);
 * a unit test holds the two against each other.
 */
export interface MarketoInstance {
	/** `https://123-ABC-456.mktorest.com`, no trailing slash. */
	root: string;
	/** True for 127.0.0.0/8, ::1 and localhost: the sandbox or a test double, never Marketo. */
	isLoopback: boolean;
}

const FIELD = "The credential's REST API Endpoint";
const EXAMPLE = 'https://123-ABC-456.mktorest.com/rest (Marketo Admin → Web Services → REST API)';

/** What is unambiguous to drop: spaces, an empty query or fragment mark, slashes, Marketo's API suffixes. */
export function normaliseEndpoint(raw: string): string {
	return raw
		.trim()
		.replace(/[?#]+$/, '')
		.replace(/\/+$/, '')
		.replace(/\/(rest\/v1|rest|identity)$/i, '')
		.replace(/\/+$/, '');
}

/** The instance, or a message saying what is wrong with the endpoint and how to fix it. */
export function resolveInstance(rawEndpoint: unknown): MarketoInstance | { problem: string } {
	const text = typeof rawEndpoint === 'string' ? rawEndpoint.trim() : '';
	const shown = text === '' ? 'empty' : `"${text}"`;
	const root = normaliseEndpoint(text);
	const url = URL.canParse(root) ? new URL(root) : undefined;
	if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
		return { problem: `${FIELD} is ${shown}: it must be an http(s) URL such as ${EXAMPLE}.` };
	}
	if (url.username !== '' || url.password !== '') {
		return {
			problem: `${FIELD} carries a user name or password before the host: remove it and enter the URL alone, such as ${EXAMPLE}. Marketo authenticates with the Client ID and Client Secret.`,
		};
	}
	if (url.search || url.hash) {
		return { problem: `${FIELD} is ${shown}: it must not carry a query (?…) or fragment (#…). Enter it as ${EXAMPLE}.` };
	}
	const isLoopback = isLoopbackHost(url.hostname);
	if (url.protocol === 'http:' && !isLoopback) {
		return {
			problem: `${FIELD} is ${shown}: Marketo serves its API over https only, and the client secret must not travel unencrypted. Enter it with https://, such as ${EXAMPLE}.`,
		};
	}
	return { root, isLoopback };
}

function isLoopbackHost(hostname: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
	return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}
