import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { describeQuotaReset } from '../helpers/quotaReset';

/**
 * What a Marketo error means for the caller. Marketo reports API errors with
 * HTTP 200 and `success:false`; the code alone is not enough (1029 has three
 * meanings, told apart by the message).
 */
export type MarketoErrorKind =
	/** 600/601/602: get a new token and send again. */
	| 'token'
	/** 606: 100 calls per 20 s spent; wait the window out. */
	| 'rateLimit'
	/** 615: too many calls in flight; Marketo refused before doing anything. */
	| 'busy'
	/** 604/608/611: Marketo may or may not have acted on the call. */
	| 'transient'
	/** 1029 "Too many jobs (10) in queue": retry later. */
	| 'queueFull'
	/** 1029 "Job already queued": the job is fine. */
	| 'alreadyQueued'
	/** 1029 "Export daily quota 500MB exceeded": nothing exports until midnight America/Chicago. */
	| 'exportQuota'
	/** 607: the subscription's daily API call quota is spent until midnight America/Chicago. */
	| 'dailyCallQuota'
	/** Anything else: sending it again cannot help. */
	| 'terminal';

export function classifyMarketoError(code: string, message: string): MarketoErrorKind {
	switch (code) {
		case '600':
		case '601':
		case '602':
			return 'token';
		case '606':
			return 'rateLimit';
		case '615':
			return 'busy';
		case '604':
		case '608':
		case '611':
			return 'transient';
		case '607':
			return 'dailyCallQuota';
		case '1029':
			return classify1029(message);
		default:
			return 'terminal';
	}
}

function classify1029(message: string): MarketoErrorKind {
	if (/already\s+queued/i.test(message)) return 'alreadyQueued';
	if (/quota|exceeded/i.test(message)) return 'exportQuota';
	if (/too many jobs|in queue|queue (is )?full/i.test(message)) return 'queueFull';
	return 'terminal';
}

/** What the user can do about each code; shown as the error's description. */
const ADVICE: Record<string, string> = {
	'603':
		"Marketo denied access. Give the API user's role the read permission of what you export (Read-Only Lead for leads and program members, Read-Only Activity for activities, Read-Only Custom Object for custom objects) and check the IP allow-list under Admin → Web Services.",
	'605': 'Marketo does not accept this HTTP method here; please report it as a bug of this node.',
	'609': 'Marketo could not read the request body; please report it as a bug of this node.',
	'610': 'Marketo does not know this URL. Check the REST API Endpoint in the credential.',
	'614': 'The subscription was not found. Check the REST API Endpoint in the credential.',
	'616': 'This Marketo subscription type cannot use the API.',
	'1003':
		'Marketo rejected the request data: check the field names (use the picker), the filter and the export ID.',
	'1035':
		'This filter type (Updated At, smart list) is not enabled on your subscription: a limit of the Marketo subscription, not of this node. No job was created, so no export quota was spent. Alternatives: Created At, with a periodic reconcile of the table for records that change after they are created (README, "Bringing a mirror back to exact"); a static list of the records to export; or ask Marketo Support to enable the filter.',
};

export interface MarketoErrorDetails {
	code: string;
	marketoMessage: string;
	requestId?: string;
	httpStatus: number;
	/** What the node was doing, e.g. "enqueue export job ce45…". */
	action: string;
	/** Appended to the description, e.g. what happened to the job. */
	consequence?: string;
}

/** Whether `error` is Marketo's answer of this kind (1029's three meanings told apart, for one). */
export function isMarketoError(error: unknown, kind: MarketoErrorKind): error is MarketoApiError {
	return error instanceof MarketoApiError && error.kind === kind;
}

/** A failure Marketo reported, as an n8n API error that also keeps the code and its meaning. */
export class MarketoApiError extends NodeApiError {
	readonly marketoCode: string;

	readonly kind: MarketoErrorKind;

	readonly marketoMessage: string;

	constructor(node: INode, details: MarketoErrorDetails, kind?: MarketoErrorKind) {
		const resolvedKind = kind ?? classifyMarketoError(details.code, details.marketoMessage);
		const response: JsonObject = {
			code: details.code,
			message: details.marketoMessage,
			...(details.requestId ? { requestId: details.requestId } : {}),
		};
		super(node, response, {
			message: `Marketo error ${details.code} while trying to ${details.action}: ${details.marketoMessage}`,
			description: [adviceFor(details.code, resolvedKind), details.consequence]
				.filter(Boolean)
				.join(' '),
			httpCode: String(details.httpStatus),
		});
		this.marketoCode = details.code;
		this.kind = resolvedKind;
		this.marketoMessage = details.marketoMessage;
	}
}

function adviceFor(code: string, kind: MarketoErrorKind): string {
	switch (kind) {
		case 'exportQuota':
			return `The subscription's daily bulk-export quota (500 MB) is spent; ${describeQuotaReset()}.`;
		case 'dailyCallQuota':
			return `The subscription's daily API call quota is spent; ${describeQuotaReset()}.`;
		case 'queueFull':
			return 'The bulk-export queue holds 10 jobs (shared with activity, program-member and custom-object exports). Try again later; the Extract operations wait for a free place by themselves.';
		case 'rateLimit':
			return 'Marketo allows 100 calls per 20 seconds; the node waited and retried but the limit stayed spent. Other integrations may be using the same API user.';
		case 'busy':
		case 'transient':
			return 'Marketo was unavailable; the node retried with backoff. Try again later.';
		case 'token':
			return 'Marketo refused the access token even after a fresh one was fetched. Check the Client ID and Client Secret.';
		default:
			return Object.hasOwn(ADVICE, code) ? ADVICE[code] : 'Check the parameters against the message above.';
	}
}
