/**
 * Where a Marketo instance lives. The credential holds whatever the user pasted
 * from Admin → Web Services (`…/rest`, `…/identity` or the bare host); every URL
 * the node calls is derived here, so the rule exists once in code.
 */
export interface MarketoInstance {
	/** `https://123-ABC-456.mktorest.com`, no trailing slash. */
	root: string;
	/** True for 127.0.0.0/8, ::1 and localhost: the sandbox or a test double, never Marketo. */
	isLoopback: boolean;
}

/** The instance, or a message saying what is wrong with the endpoint and how to fix it. */
export function resolveInstance(rawEndpoint: unknown): MarketoInstance | { problem: string } {
	const text = typeof rawEndpoint === 'string' ? rawEndpoint.trim() : '';
	const root = text.replace(/\/+$/, '').replace(/\/(rest|identity)$/i, '');
	const url = URL.canParse(root) ? new URL(root) : undefined;
	if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.search || url.hash) {
		return { problem: describeBadEndpoint(text) };
	}
	return { root, isLoopback: isLoopbackHost(url.hostname) };
}

function describeBadEndpoint(text: string): string {
	const shown = text === '' ? 'empty' : `"${text}"`;
	return `The credential's REST API Endpoint is ${shown}: it must be an http(s) URL such as https://123-ABC-456.mktorest.com/rest (Marketo Admin → Web Services → REST API).`;
}

function isLoopbackHost(hostname: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
	return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}
