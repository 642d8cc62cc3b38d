import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	INode,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import { redactSecrets } from '../helpers/secrets';
import { resolveInstance, type MarketoInstance } from './endpoints';
import { classifyMarketoError, MarketoApiError, type MarketoErrorKind } from './marketoErrors';
import { classifyNetworkError, MarketoConnectionError, messagesOf } from './networkErrors';
import { asNodeError } from './nodeErrors';
import { firstErrorCode, firstErrorMessage, isEnvelope, parseEnvelope, readSmallBody, type MarketoEnvelope } from './envelope';
import { backoffDelayMs, TRANSPORT_TIMING } from './timing';

export const CREDENTIAL_TYPE = 'marketoOAuth2Api';

export type MarketoContext = IExecuteFunctions | ILoadOptionsFunctions;

export interface MarketoCall {
	method: 'GET' | 'POST';
	/** From the instance root, e.g. `/bulk/v1/leads/export/create.json`. */
	path: string;
	qs?: IDataObject;
	body?: IDataObject;
	/**
	 * Whether the call may be sent again after a failure that leaves unknown
	 * whether Marketo acted on it (604/608/611, HTTP 5xx, a connection broken
	 * mid-request). True for reads (status, file, list, describe), for enqueue
	 * (a repeat answers "already queued", which callers treat as success) and for
	 * cancel (idempotent). False for create: a repeat could leave a second job.
	 */
	repeatable: boolean;
	/** What the call does, for messages: "enqueue export job …". */
	action: string;
}

/** A raw HTTP answer from a file endpoint; the body is a stream that must be consumed. */
export interface MarketoFileResponse {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: AsyncIterable<Buffer> & { destroy?: () => void };
}

/** Counts kept for progress hints and for the API-economy benchmark. */
export interface ApiUsage {
	calls: number;
	tokenRefreshes: number;
	retries: number;
}

type Attempt =
	| { ok: true; envelope: MarketoEnvelope }
	| {
			ok: false;
			kind: MarketoErrorKind | 'interrupted' | 'notSent';
			error: NodeApiError;
	  };

/**
 * The one way this package talks to Marketo. Every call goes through n8n's
 * `httpRequestWithAuthentication` (n8n fetches, stores and refreshes the OAuth2
 * token); this class adds what n8n cannot know about Marketo: errors inside
 * HTTP 200, token expiry reported as 601/602, the 606 window, and which calls
 * are safe to repeat. One instance serves one execution; nothing is kept in the
 * node between executions (queue-mode workers reuse node instances).
 */
export class MarketoClient {
	readonly usage: ApiUsage = { calls: 0, tokenRefreshes: 0, retries: 0 };

	private constructor(
		private readonly ctx: MarketoContext,
		readonly instance: MarketoInstance,
		private readonly secrets: unknown[],
	) {}

	static async connect(ctx: MarketoContext): Promise<MarketoClient> {
		const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
		const instance = resolveInstance(credentials.baseUrl);
		if ('problem' in instance) {
			throw new NodeOperationError(ctx.getNode(), instance.problem, {
				description: 'Open the Marketo credential and correct the REST API Endpoint.',
			});
		}
		return new MarketoClient(ctx, instance, secretsOf(credentials));
	}

	get node(): INode {
		return this.ctx.getNode();
	}

	get logger(): MarketoContext['logger'] {
		return this.ctx.logger;
	}

	/** The execution's cancel signal (absent while loading options in the editor). */
	get cancelSignal(): AbortSignal | undefined {
		return 'getExecutionCancelSignal' in this.ctx ? this.ctx.getExecutionCancelSignal() : undefined;
	}

	/**
	 * Sleeps, but wakes with a rejection as soon as the execution is cancelled.
	 * Every wait is capped: Node's timer turns anything past 2^31 - 1 ms into 1 ms,
	 * which would poll Marketo as fast as it can.
	 */
	async wait(ms: number): Promise<void> {
		const bounded = Number.isFinite(ms) ? Math.min(Math.max(ms, 0), TRANSPORT_TIMING.longestWaitMs) : TRANSPORT_TIMING.longestWaitMs;
		await sleep(bounded, this.cancelSignal);
	}

	/** Sends a JSON call; returns the envelope of a successful answer or throws a MarketoApiError. */
	async request(call: MarketoCall): Promise<MarketoEnvelope> {
		let tokenRefreshes = 0;
		let transientRetries = 0;
		let rateLimitWaitedMs = 0;
		for (;;) {
			const attempt = await this.attempt(call);
			if (attempt.ok) return attempt.envelope;

			const { kind } = attempt;
			if (kind === 'token' && tokenRefreshes < TRANSPORT_TIMING.maxTokenRefreshes) {
				tokenRefreshes++;
				await this.refreshToken();
				continue;
			}
			if (kind === 'rateLimit' && rateLimitWaitedMs < TRANSPORT_TIMING.rateLimitGiveUpMs) {
				this.logRetry(call, attempt.error, TRANSPORT_TIMING.rateLimitWindowMs);
				rateLimitWaitedMs += TRANSPORT_TIMING.rateLimitWindowMs;
				await this.wait(TRANSPORT_TIMING.rateLimitWindowMs);
				continue;
			}
			const retryable =
				kind === 'busy' ||
				kind === 'notSent' ||
				((kind === 'transient' || kind === 'interrupted') && call.repeatable);
			if (retryable && transientRetries < TRANSPORT_TIMING.maxTransientRetries) {
				transientRetries++;
				const delay = backoffDelayMs(transientRetries);
				this.logRetry(call, attempt.error, delay);
				await this.wait(delay);
				continue;
			}
			if ((kind === 'transient' || kind === 'interrupted') && !call.repeatable) {
				attempt.error.description = [
					attempt.error.description,
					'The call was not repeated because Marketo may already have acted on it.',
				]
					.filter(Boolean)
					.join(' ');
			}
			throw attempt.error;
		}
	}

	/**
	 * One GET of a file endpoint, streamed. Token errors are handled here (a
	 * refresh and one more try); what to do with 404, 206 or a broken stream is
	 * the download's business (extract/download.ts).
	 */
	async requestFile(path: string, range?: string): Promise<MarketoFileResponse> {
		for (let tokenRefreshes = 0; ; tokenRefreshes++) {
			const response = await this.send({
				method: 'GET',
				url: this.instance.root + path,
				encoding: 'stream',
				json: false,
				headers: range ? { Range: range } : {},
			});
			const contentType = headerValue(response.headers, 'content-type');
			const tokenTrouble =
				response.statusCode === 401 ||
				(response.statusCode === 200 && /json/i.test(contentType));
			if (!tokenTrouble) return response as MarketoFileResponse;

			// A JSON answer from a file endpoint is an envelope error (601/602 most often).
			const text = await readSmallBody(response.body as AsyncIterable<Buffer>);
			const envelope = parseEnvelope(text);
			const code = envelope ? firstErrorCode(envelope) : '401';
			const message = envelope ? firstErrorMessage(envelope) : text.slice(0, 300);
			const kind = classifyMarketoError(code, message);
			if (kind === 'token' && tokenRefreshes < TRANSPORT_TIMING.maxTokenRefreshes) {
				await this.refreshToken();
				continue;
			}
			throw this.apiError(
				{ code, marketoMessage: message, httpStatus: response.statusCode },
				`download ${path}`,
			);
		}
	}

	/**
	 * Asks n8n for a new token (n8n serialises refreshes per credential across
	 * workers). A token Marketo hands back with almost no life left is the old
	 * one in its last moments: it is waited out and a fresh one fetched.
	 */
	async refreshToken(): Promise<void> {
		for (let attempt = 1; ; attempt++) {
			this.usage.tokenRefreshes++;
			let token: IDataObject | undefined;
			try {
				token = (await this.ctx.helpers.refreshOAuth2Token.call(this.ctx, CREDENTIAL_TYPE)) as IDataObject;
			} catch (error) {
				throw this.tokenFailure(error);
			}
			const expiresIn = Number(token?.expires_in);
			if (attempt >= 2 || !Number.isFinite(expiresIn) || expiresIn >= TRANSPORT_TIMING.minTokenLifetimeS) break;
			await this.wait((expiresIn + 1) * 1000);
		}
		await this.learnToken();
	}

	private async attempt(call: MarketoCall): Promise<Attempt> {
		let response: { statusCode: number; body: unknown; headers: Record<string, unknown> };
		try {
			response = await this.send({
				method: call.method,
				url: this.instance.root + call.path,
				qs: call.qs,
				body: call.body,
				json: true,
			});
		} catch (error) {
			if (error instanceof MarketoConnectionError) {
				return { ok: false, kind: error.connectionFailure, error: this.networkError(error, call.action) };
			}
			throw asNodeError(this.node, error);
		}

		const { statusCode } = response;
		if (statusCode === 401) {
			return this.failed(call, '601', 'Unauthorized (HTTP 401)', statusCode);
		}
		if (statusCode === 429) {
			return this.failed(call, '606', 'Too many requests (HTTP 429)', statusCode);
		}
		if (statusCode >= 500) {
			return {
				ok: false,
				kind: 'interrupted',
				error: this.httpError(statusCode, response.body, call.action),
			};
		}
		if (statusCode < 200 || statusCode >= 300) {
			throw this.httpError(statusCode, response.body, call.action);
		}

		const envelope = typeof response.body === 'string' ? parseEnvelope(response.body) : response.body;
		if (!isEnvelope(envelope) && isCutShort(response.body)) {
			// JSON that stops part-way: the connection ended early, as a network fault does; repeated where safe.
			return { ok: false, kind: 'interrupted', error: this.httpError(statusCode, '', call.action, 'an answer cut short') };
		}
		if (!isEnvelope(envelope)) {
			throw this.httpError(statusCode, response.body, call.action, 'an answer that is not Marketo JSON');
		}
		if (envelope.success) return { ok: true, envelope };
		return this.failed(
			call,
			firstErrorCode(envelope),
			firstErrorMessage(envelope),
			statusCode,
			envelope.requestId,
		);
	}

	private failed(
		call: MarketoCall,
		code: string,
		message: string,
		httpStatus: number,
		requestId?: string,
	): Attempt {
		const error = this.apiError({ code, marketoMessage: message, httpStatus, requestId }, call.action);
		return { ok: false, kind: error.kind, error };
	}

	/** Every HTTP exchange, counted; errors from n8n's helper come back cleaned of secrets. */
	private async send(options: IHttpRequestOptions): Promise<{
		statusCode: number;
		body: unknown;
		headers: Record<string, string | string[] | undefined>;
	}> {
		this.usage.calls++;
		let response: { statusCode: number; body: unknown; headers: Record<string, string> } | undefined;
		let failure: unknown;
		try {
			response = (await this.ctx.helpers.httpRequestWithAuthentication.call(this.ctx, CREDENTIAL_TYPE, {
				...options,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				timeout: TRANSPORT_TIMING.requestTimeoutMs,
			})) as { statusCode: number; body: unknown; headers: Record<string, string> };
		} catch (error) {
			failure = error;
		}
		// n8n fetches the first token inside the call above: learn it before any text is built from the answer.
		await this.learnToken();
		if (response) return response;

		const error = failure;
		// Only n8n's own signal means the user cancelled; the network's aborts are faults to retry.
		if (this.cancelSignal?.aborted) {
			throw new NodeOperationError(this.node, 'The execution was cancelled.', {
				description: 'The call to Marketo was aborted.',
			});
		}
		const networkFailure = classifyNetworkError(error);
		if (networkFailure === 'unknownHost') {
			throw new NodeOperationError(
				this.node,
				`Cannot resolve the Marketo host ${new URL(this.instance.root).hostname}.`,
				{ description: 'Check the REST API Endpoint in the Marketo credential.' },
			);
		}
		if (networkFailure === 'interrupted' || networkFailure === 'notSent') {
			throw this.connectionFailure(networkFailure, error);
		}
		if (networkFailure === undefined && messagesOf(error).some((m) => /access token/i.test(m))) {
			throw this.tokenFailure(error);
		}
		throw this.sanitised(error);
	}

	/**
	 * Adds the token in force to the secrets to redact. The credential holds no
	 * token until n8n fetches one during the first call, and n8n may replace it
	 * (on HTTP 401) without telling the node; every token seen stays redacted.
	 */
	private async learnToken(): Promise<void> {
		let token: unknown;
		try {
			const credentials = await this.ctx.getCredentials(CREDENTIAL_TYPE);
			token = tokenOf(credentials);
		} catch {
			return;
		}
		if (typeof token === 'string' && !this.secrets.includes(token)) this.secrets.push(token);
	}

	apiError(
		details: { code: string; marketoMessage: string; httpStatus: number; requestId?: string },
		action: string,
	): MarketoApiError {
		return new MarketoApiError(this.node, {
			...details,
			marketoMessage: this.redact(details.marketoMessage),
			action,
		});
	}

	private httpError(status: number, body: unknown, action: string, what?: string): NodeApiError {
		const text = typeof body === 'string' ? body : JSON.stringify(body ?? '');
		return new NodeApiError(
			this.node,
			{ httpCode: String(status), message: this.redact(text.slice(0, 500)) },
			{
				message: `Marketo answered HTTP ${status}${what ? ` with ${what}` : ''} while trying to ${action}.`,
				description:
					status === 404
						? 'Check the REST API Endpoint in the Marketo credential.'
						: this.redact(text.slice(0, 500)),
				httpCode: String(status),
			},
		);
	}

	private networkError(error: MarketoConnectionError, action: string): NodeApiError {
		const { detail } = error;
		return new NodeApiError(
			this.node,
			{ message: detail },
			{
				message: `The connection to Marketo failed while trying to ${action}: ${detail}`,
				description: 'The node retried with backoff where that was safe.',
			},
		);
	}

	private connectionFailure(failure: 'interrupted' | 'notSent', error: unknown): MarketoConnectionError {
		return new MarketoConnectionError(this.node, failure, this.redact(messagesOf(error)[0] ?? 'connection failed'));
	}

	private tokenFailure(error: unknown): NodeApiError {
		const detail = this.redact(messagesOf(error).join(' — '));
		return new NodeApiError(
			this.node,
			{ message: detail },
			{
				message: 'Marketo did not issue an access token.',
				description: `Check the Client ID, the Client Secret and the REST API Endpoint in the Marketo credential (Admin → Web Services → LaunchPoint → View Details). ${detail}`,
			},
		);
	}

	private sanitised(error: unknown): NodeApiError {
		const detail = this.redact(messagesOf(error)[0] ?? 'unknown error');
		return new NodeApiError(this.node, { message: detail }, { message: detail });
	}

	redact(text: string): string {
		return redactSecrets(text, this.secrets);
	}

	private logRetry(call: MarketoCall, error: Error, delayMs: number): void {
		this.usage.retries++;
		this.ctx.logger.warn(
			`Marketo: ${error.message}; retrying "${call.action}" in ${Math.round(delayMs / 100) / 10} s`,
		);
	}
}

/** Text that begins as Marketo's JSON does but does not parse: the answer ended before its end. */
function isCutShort(body: unknown): boolean {
	if (typeof body !== 'string' || !body.trimStart().startsWith('{')) return false;
	try {
		JSON.parse(body);
		return false;
	} catch {
		return true;
	}
}

function secretsOf(credentials: IDataObject): unknown[] {
	return [credentials.clientSecret, tokenOf(credentials)].filter((secret) => typeof secret === 'string');
}

function tokenOf(credentials: IDataObject): unknown {
	return (credentials.oauthTokenData as IDataObject | undefined)?.access_token;
}

function headerValue(headers: Record<string, unknown>, name: string): string {
	const value = headers[name] ?? headers[name.toLowerCase()];
	return Array.isArray(value) ? String(value[0]) : typeof value === 'string' ? value : '';
}
