import { createHash, type Hash } from 'crypto';

import type { MarketoClient, MarketoFileResponse } from '../../transport';
import { readSmallBody } from '../../transport/envelope';
import type { ExportJob } from '../../transport/exportJobApi';
import { MarketoConnectionError, messagesOf } from '../../transport/networkErrors';
import { EngineError } from '../model/engineError';

/** What the job's status said about its file; used to check what arrives. */
export interface ExportFileInfo {
	/** The endpoints of the export kind's jobs, e.g. `/bulk/v1/leads/export`. */
	exportPath: string;
	exportId: string;
	/** `fileSize` from the status, in bytes. */
	fileSize?: number;
	/** `fileChecksum` from the status: `sha256:<hex>`. */
	fileChecksum?: string;
	/** `numberOfRecords` from the status: a job with none may have no file at all. */
	numberOfRecords?: number;
}

/** What a job's status says about its file, at this kind's endpoints. */
export function fileInfoOf(exportPath: string, job: ExportJob): ExportFileInfo {
	return { exportPath, exportId: job.exportId, fileSize: job.fileSize, fileChecksum: job.fileChecksum, numberOfRecords: job.numberOfRecords };
}

/** How long a Completed job's file may answer 404 before the download gives up. */
export interface NotReadyPolicy {
	delayMs: number;
	giveUpMs: number;
}

export interface ByteRange {
	start: number;
	/** Inclusive; open-ended when absent. */
	end?: number;
}

export const DOWNLOAD_TIMING = {
	/** A dropped connection is resumed from the last byte received at most this many times. */
	maxResumes: 8,
	/** Wait before resuming; grows linearly with each resume. */
	resumeDelayMs: 1_000,
	/** A Completed job's file has been seen answering 404 for a while: keep asking this long. */
	notReadyGiveUpMs: 5 * 60_000,
	notReadyDelayMs: 15_000,
} as const;

export interface DownloadProgress {
	bytes: number;
	resumes: number;
	/** The class of the HTTP response stream n8n handed us; see readableFromChunks. */
	streamClass?: unknown;
}

/**
 * Streams one export file. A connection that drops mid-file is resumed with
 * `Range: bytes=<received>-` (bounded), so nothing already received is fetched
 * again and nothing is skipped; a server that ignores Range (200 instead of 206)
 * is handled by discarding the bytes already delivered. The bytes yielded are
 * exactly the file (or the requested range), in order, once.
 */
export async function* streamExportFile(
	client: MarketoClient,
	file: ExportFileInfo,
	range: ByteRange | undefined,
	progress: DownloadProgress = { bytes: 0, resumes: 0 },
	notReady: NotReadyPolicy = { delayMs: DOWNLOAD_TIMING.notReadyDelayMs, giveUpMs: DOWNLOAD_TIMING.notReadyGiveUpMs },
): AsyncGenerator<Buffer> {
	// An export of no leads may come with an empty file: nothing to fetch.
	if (file.fileSize === 0 && range === undefined) return;
	const request: FileRequest = { path: `${file.exportPath}/${file.exportId}/file.json`, start: range?.start ?? 0, end: range?.end, whole: range === undefined, notReady };
	for (;;) {
		const from = request.start + progress.bytes;
		if (request.end !== undefined && from > request.end) return;
		const header = from > 0 || request.end !== undefined ? `bytes=${from}-${request.end ?? ''}` : undefined;
		// A connection lost before the answer is resumed; any other failure is the run's.
		const response = await client.requestFile(request.path, header).catch((error: unknown) => (error instanceof MarketoConnectionError ? error : Promise.reject(error)));
		if (response instanceof MarketoConnectionError) {
			await resumeOrFail(client, file, progress, response);
			continue;
		}
		const next = await answerWithoutBody(client, file, response, { request, from, header, progress });
		if (next === 'ended') return;
		if (next === 'again') continue;
		try {
			yield* bodyChunks(response, { request, from, progress });
			return;
		} catch (error) {
			await resumeOrFail(client, file, progress, error);
		}
	}
}

/** One download's request: the file's path, the bytes asked for, and how long a 404 is waited out. */
interface FileRequest {
	path: string;
	start: number;
	/** Inclusive; open-ended when absent. */
	end?: number;
	/** The whole file, not a byte range. */
	whole: boolean;
	notReady: NotReadyPolicy;
	/** When the file first answered 404. */
	notFoundSince?: number;
}

/** A connection lost before or during the body: resume (bounded), or fail saying how far it got. */
async function resumeOrFail(client: MarketoClient, file: ExportFileInfo, progress: DownloadProgress, error: unknown): Promise<void> {
	if (client.cancelSignal?.aborted) throw error;
	if (progress.resumes >= DOWNLOAD_TIMING.maxResumes) {
		throw downloadError(
			client,
			`The download of export ${file.exportId} broke ${progress.resumes + 1} times; ${progress.bytes} bytes had arrived: ${client.redact(messagesOf(error)[0] ?? 'connection lost')}`,
			'Run Get Job File again later; the file is kept for 7 days.',
		);
	}
	progress.resumes++;
	// Said in n8n's log with the export ID: a download repeated from its first byte is this, never a second delivery.
	client.logger.warn(
		`Marketo export ${file.exportId}: the download broke after ${progress.bytes} bytes (${client.redact(messagesOf(error)[0] ?? 'connection lost')}); it goes on from there`,
	);
	await client.wait(DOWNLOAD_TIMING.resumeDelayMs * progress.resumes);
}

/**
 * What an answer without the file's bytes means: a 404 is waited out (a
 * Completed job's file has been seen missing for a while) or is the empty
 * export; a 416 after a resume means everything arrived; anything else but
 * 200 and 206 fails. `body`: the bytes follow.
 */
async function answerWithoutBody(
	client: MarketoClient,
	file: ExportFileInfo,
	response: MarketoFileResponse,
	at: { request: FileRequest; from: number; header?: string; progress: DownloadProgress },
): Promise<'body' | 'again' | 'ended'> {
	const { request, from, header, progress } = at;
	const { statusCode } = response;
	if (statusCode === 404) {
		const text = await readSmallBody(response.body);
		// A job of zero records has nothing to serve: its missing file is the empty export.
		if (file.numberOfRecords === 0 && progress.bytes === 0 && request.whole) return 'ended';
		request.notFoundSince ??= Date.now();
		if (Date.now() - request.notFoundSince >= request.notReady.giveUpMs) {
			throw downloadError(
				client,
				`Marketo answered 404 for the file of export ${file.exportId} for ${Math.round(request.notReady.giveUpMs / 1000)} seconds: ${client.redact(text.trim().slice(0, 200))}`,
				'The job reported Completed, but its file did not become available. Run Get Job File later; files are kept for 7 days.',
			);
		}
		await client.wait(request.notReady.delayMs);
		return 'again';
	}
	if (statusCode === 416) {
		await readSmallBody(response.body);
		// Asking past the end after a resume means everything has arrived; asked first, the range is outside the file.
		if (progress.bytes > 0 && file.fileSize !== undefined && from >= file.fileSize) return 'ended';
		throw downloadError(
			client,
			`The byte range ${header ?? ''} lies outside the file of export ${file.exportId} (Marketo answered HTTP 416).`,
			file.fileSize !== undefined ? `The file has ${file.fileSize} bytes (0-${file.fileSize - 1}); ask for a range inside it.` : 'Ask for a range inside the file.',
		);
	}
	if (statusCode !== 200 && statusCode !== 206) {
		const text = await readSmallBody(response.body);
		throw downloadError(
			client,
			`Marketo answered HTTP ${statusCode} for the file of export ${file.exportId}: ${client.redact(text.trim().slice(0, 200))}`,
			'Check the job status; only Completed jobs have a file.',
		);
	}
	const rangeStart = statusCode === 206 ? contentRangeStart(response.headers['content-range']) : undefined;
	if (rangeStart !== undefined && rangeStart !== from) {
		response.body.destroy?.();
		throw downloadError(client, `Marketo returned bytes from ${rangeStart} when bytes from ${from} were asked for (export ${file.exportId}).`, 'Run the node again.');
	}
	return 'body';
}

/** The response's bytes from `from` on: those before it dropped when Range was ignored (200), those past the range's end cut. */
async function* bodyChunks(
	response: MarketoFileResponse,
	at: { request: FileRequest; from: number; progress: DownloadProgress },
): AsyncGenerator<Buffer> {
	const { request, from, progress } = at;
	let skip = response.statusCode === 200 ? from : 0;
	progress.streamClass ??= response.body.constructor;
	for await (const raw of response.body) {
		let chunk = raw;
		if (skip > 0) {
			if (chunk.length <= skip) {
				skip -= chunk.length;
				continue;
			}
			chunk = chunk.subarray(skip);
			skip = 0;
		}
		if (request.end !== undefined) {
			const room = request.end - (request.start + progress.bytes) + 1;
			if (room <= 0) break;
			if (chunk.length > room) chunk = chunk.subarray(0, room);
		}
		progress.bytes += chunk.length;
		yield chunk;
	}
}

/**
 * A Node Readable over `chunks`, for n8n's binary store (which takes a Buffer or
 * a Readable and streams the latter to disk in filesystem mode). Community
 * nodes may not import `node:stream`, so the Readable class is the one of the
 * HTTP response stream n8n handed to the download; its static `from` is
 * Readable.from. The first chunk is pulled before the Readable exists, which
 * is why this takes an iterator.
 */
export async function readableFromChunks(
	chunks: AsyncIterator<Buffer>,
	progress: DownloadProgress,
): Promise<unknown> {
	const first = await chunks.next();
	// An empty export never opened a stream; n8n stores an empty Buffer as well.
	if (first.done && progress.streamClass === undefined) return Buffer.alloc(0);
	const streamClass = progress.streamClass as { from?: (source: AsyncIterable<Buffer>) => unknown };
	if (typeof streamClass?.from !== 'function') {
		throw new Error('No HTTP response stream has been seen to build the binary stream from.');
	}
	async function* replay(): AsyncGenerator<Buffer> {
		if (first.done) return;
		yield first.value;
		for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
	}
	return streamClass.from(replay());
}

function contentRangeStart(header: string | string[] | undefined): number | undefined {
	const value = Array.isArray(header) ? header[0] : header;
	const match = /bytes\s+(\d+)-/i.exec(value ?? '');
	return match ? Number(match[1]) : undefined;
}

/** How much of a downloaded file could be held against what Marketo promised. */
export type FileCheck =
	| { verified: 'checksum'; algorithm: string }
	/** The size matched, the content could not be checked; `reason` says why, for a hint. */
	| { verified: 'size'; reason: string };

/**
 * Counts and hashes bytes as they pass, to hold the file against what the
 * status promised. Marketo gives `sha256:<hex>`; another algorithm that
 * Node's crypto knows (md5, sha1, sha512…) is verified as well. One it does
 * not know, or no checksum at all, leaves the size as the only check: the
 * download is not failed for it, and `check()` says so for a warning hint.
 */
export class FileVerifier {
	private readonly hash: Hash | undefined;

	private readonly algorithm: string;

	private readonly expected: string;

	bytes = 0;

	constructor(private readonly file: ExportFileInfo) {
		const checksum = file.fileChecksum?.trim() ?? '';
		const separator = checksum.indexOf(':');
		this.algorithm = separator === -1 ? (checksum ? 'sha256' : '') : checksum.slice(0, separator).trim().toLowerCase();
		this.expected = (separator === -1 ? checksum : checksum.slice(separator + 1)).trim().toLowerCase();
		try {
			this.hash = this.algorithm ? createHash(this.algorithm) : undefined;
		} catch {
			this.hash = undefined;
		}
	}

	update(chunk: Buffer): void {
		this.hash?.update(chunk);
		this.bytes += chunk.length;
	}

	/** A description of what is wrong, or undefined when size and checksum match. */
	mismatch(): string | undefined {
		const { fileSize, fileChecksum } = this.file;
		if (fileSize !== undefined && this.bytes !== fileSize) {
			return `${this.bytes} bytes arrived but the job's fileSize is ${fileSize}`;
		}
		if (this.hash) {
			const actual = this.hash.digest('hex');
			if (actual !== this.expected) {
				return `the file's ${this.algorithm} is ${actual} but the job's fileChecksum is ${fileChecksum ?? ''}`;
			}
		}
		return undefined;
	}

	/** What the check covered, once mismatch() found nothing wrong. */
	check(): FileCheck {
		if (this.hash) return { verified: 'checksum', algorithm: this.algorithm };
		const reason = this.algorithm
			? `its checksum uses ${this.algorithm}, which this node cannot compute`
			: 'Marketo gave no checksum for it';
		return { verified: 'size', reason };
	}
}

export function downloadError(client: MarketoClient, message: string, description: string): EngineError {
	return new EngineError(message, description, 'marketo');
}
