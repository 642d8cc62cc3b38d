/**
 * Removes secrets from text that may reach an error message, a hint, a log
 * line or an output item. Errors from the HTTP layer can quote request options
 * and answers can quote the request; the client secret and any token must
 * never be shown, whatever produced the text: the known secrets go, and so
 * does anything shaped like one (`Bearer …`, `access_token=…`, `"token": "…"`,
 * and Marketo's token form `<uuid>:<pod>`).
 */
const BEARER = /(Bearer\s+)[A-Za-z0-9._:~+/=-]+/gi;
const KEY_VALUE = /((?:access_token|refresh_token|client_secret|token)["']?\s*[=:]\s*["']?)[^"'&\s,;}]+/gi;
const MARKETO_TOKEN = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:[A-Za-z0-9]{1,8}\b/gi;

export function redactSecrets(text: string, secrets: readonly unknown[]): string {
	let redacted = text.replace(BEARER, '$1[redacted]');
	redacted = redacted.replace(KEY_VALUE, '$1[redacted]');
	redacted = redacted.replace(MARKETO_TOKEN, '[redacted]');
	for (const secret of secrets) {
		if (typeof secret === 'string' && secret.length >= 4) {
			redacted = redacted.split(secret).join('[redacted]');
		}
	}
	return redacted;
}
