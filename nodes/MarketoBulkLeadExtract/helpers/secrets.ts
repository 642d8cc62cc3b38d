/**
 * Removes secrets from text that may reach an error message or a log line.
 * Errors from the HTTP layer can quote request options; the client secret and
 * any bearer token must never be shown, whatever produced the text.
 */
export function redactSecrets(text: string, secrets: readonly unknown[]): string {
	let redacted = text.replace(/(Bearer\s+)[A-Za-z0-9._:~+/=-]+/gi, '$1[redacted]');
	redacted = redacted.replace(
		/((?:access_token|client_secret|refresh_token)["']?\s*[=:]\s*["']?)[^"'&\s,}]+/gi,
		'$1[redacted]',
	);
	for (const secret of secrets) {
		if (typeof secret === 'string' && secret.length >= 4) {
			redacted = redacted.split(secret).join('[redacted]');
		}
	}
	return redacted;
}
