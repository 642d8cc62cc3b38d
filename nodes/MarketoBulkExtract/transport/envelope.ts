import type { IDataObject } from 'n8n-workflow';

/**
 * Marketo's answers as they arrive: the JSON envelope every REST and bulk call
 * answers with (errors inside HTTP 200), and the short text bodies of errors.
 */

/** Marketo's JSON envelope; API errors arrive with HTTP 200 and `success:false`. */
export interface MarketoEnvelope {
	requestId?: string;
	success: boolean;
	result?: IDataObject[];
	errors?: Array<{ code: string | number; message?: string }>;
	warnings?: unknown[];
	nextPageToken?: string;
	moreResult?: boolean;
}

export function firstErrorCode(envelope: MarketoEnvelope): string {
	const code = envelope.errors?.[0]?.code;
	return code === undefined ? 'unknown' : String(code);
}

export function firstErrorMessage(envelope: MarketoEnvelope): string {
	return envelope.errors?.[0]?.message ?? 'Marketo reported success:false without a message';
}

export function parseEnvelope(text: string): MarketoEnvelope | undefined {
	try {
		const parsed: unknown = JSON.parse(text);
		return isEnvelope(parsed) ? parsed : undefined;
	} catch {
		return undefined;
	}
}

export function isEnvelope(value: unknown): value is MarketoEnvelope {
	return (
		typeof value === 'object' &&
		value !== null &&
		typeof (value as MarketoEnvelope).success === 'boolean'
	);
}

/** Reads a short error body (404 text, JSON envelope); never used for export files. */
export async function readSmallBody(body: AsyncIterable<Buffer>, limit = 64 * 1024): Promise<string> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of body) {
		chunks.push(chunk);
		size += chunk.length;
		if (size >= limit) break;
	}
	return Buffer.concat(chunks).toString('utf8');
}
