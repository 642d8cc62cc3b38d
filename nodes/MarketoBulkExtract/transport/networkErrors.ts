import type { INode } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

/**
 * Errors thrown by n8n's HTTP helper before a whole response arrived. n8n wraps
 * the underlying error (axios / Node) in a NodeApiError; the system code sits
 * on it or somewhere down its `cause` chain.
 *
 * None of them means the user cancelled: only the execution's cancel signal
 * says that (MarketoClient.cancelSignal). Node and axios call a body cut short
 * "aborted" ("stream has been aborted", ECONNRESET "aborted"), and an abort
 * without the signal is a network fault too; read as a cancel, one blip once
 * failed a whole run without the retry it was owed.
 */
export type NetworkFailure =
	/** The connection was never made: nothing reached Marketo, sending again is always safe. */
	| 'notSent'
	/** The connection broke, timed out or was aborted after the request left: Marketo may have acted on it. */
	| 'interrupted'
	/** The host name does not resolve: the endpoint is wrong, retrying will not help. */
	| 'unknownHost';

const NOT_SENT = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const INTERRUPTED = new Set([
	'ECONNRESET',
	'EPIPE',
	'ETIMEDOUT',
	'ESOCKETTIMEDOUT',
	'ECONNABORTED',
	'ERR_STREAM_PREMATURE_CLOSE',
	'UND_ERR_SOCKET',
	'ERR_CANCELED',
	'ABORT_ERR',
	'ERR_BAD_RESPONSE',
]);

/** Callers ask the cancel signal first: what is left of an abort here is the network's. */
export function classifyNetworkError(error: unknown): NetworkFailure | undefined {
	for (const code of systemCodes(error)) {
		if (code === 'ENOTFOUND') return 'unknownHost';
		if (NOT_SENT.has(code)) return 'notSent';
		if (INTERRUPTED.has(code)) return 'interrupted';
	}
	const text = messagesOf(error).join(' ');
	if (/socket hang up|network error|premature close|terminated|aborted|canceled|cancelled/i.test(text)) return 'interrupted';
	return undefined;
}

/**
 * A connection that broke or was never made, as the transport reports it: the
 * message is cleaned of secrets and the classification kept, so callers can
 * tell a retryable drop from a real error.
 */
export class MarketoConnectionError extends NodeApiError {
	constructor(
		node: INode,
		readonly connectionFailure: 'interrupted' | 'notSent',
		/** What the network layer said, already cleaned of secrets. */
		readonly detail: string,
	) {
		super(node, { message: detail }, { message: `The connection to Marketo failed: ${detail}` });
	}
}

function* chain(error: unknown): Generator<Record<string, unknown>> {
	let current: unknown = error;
	for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth++) {
		yield current as Record<string, unknown>;
		current = (current as { cause?: unknown }).cause;
	}
}

function systemCodes(error: unknown): string[] {
	const codes: string[] = [];
	for (const link of chain(error)) {
		if (typeof link.code === 'string') codes.push(link.code);
		if (link.name === 'AbortError') codes.push('ABORT_ERR');
	}
	return codes;
}

export function messagesOf(error: unknown): string[] {
	const messages: string[] = [];
	for (const link of chain(error)) {
		if (typeof link.message === 'string') messages.push(link.message);
		if (typeof link.description === 'string') messages.push(link.description);
	}
	return messages;
}
