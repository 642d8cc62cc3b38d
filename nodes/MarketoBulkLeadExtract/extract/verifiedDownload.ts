import type { MarketoClient } from '../transport';
import { MalformedFileError } from '../csv/rowTokenizer';
import { asNodeError } from '../transport/nodeErrors';
import {
	downloadError,
	FileVerifier,
	streamExportFile,
	type DownloadProgress,
	type ExportFileInfo,
	type NotReadyPolicy,
} from './download';

export interface VerifiedDownload<T> {
	result: T;
	bytes: number;
	resumes: number;
	/** True when the first copy failed its check and the file was fetched again. */
	refetched: boolean;
}

/**
 * Downloads a whole export file through `consume` and holds it against the
 * job's fileSize and fileChecksum. A copy that does not match is thrown away and
 * the file fetched once more; a second mismatch fails. `consume` must build its
 * result from scratch on each call. A parse error on a copy that fails its check
 * is blamed on the transfer, not on the file.
 */
export async function downloadVerified<T>(
	client: MarketoClient,
	file: ExportFileInfo,
	consume: (chunks: AsyncIterable<Buffer>, progress: DownloadProgress) => Promise<T>,
	/** How long to keep asking for a Completed job's file that answers 404. */
	notReady?: NotReadyPolicy,
): Promise<VerifiedDownload<T>> {
	for (let attempt = 1; ; attempt++) {
		const verifier = new FileVerifier(file);
		const progress: DownloadProgress = { bytes: 0, resumes: 0 };
		const source = streamExportFile(client, file, undefined, progress, notReady);
		const tapped = hashAsTheyPass(source, verifier);
		let result: T | undefined;
		let parseError: MalformedFileError | undefined;
		try {
			result = await consume(tapped, progress);
		} catch (error) {
			if (!(error instanceof MalformedFileError)) throw asNodeError(client.node, error);
			parseError = error;
			// The parser stopped early; hash the rest so the check can tell a damaged
			// transfer (fetch again) from a file that is itself malformed (report it).
			const rest: DownloadProgress = { bytes: 0, resumes: 0 };
			for await (const chunk of streamExportFile(client, file, { start: verifier.bytes }, rest)) {
				verifier.update(chunk);
			}
		}
		const problem = verifier.mismatch();
		if (problem === undefined) {
			if (parseError) throw parseError;
			return { result: result as T, bytes: progress.bytes, resumes: progress.resumes, refetched: attempt > 1 };
		}
		if (attempt >= 2) {
			throw downloadError(
				client,
				`The file of export ${file.exportId} failed its check twice: ${problem}.`,
				'Marketo served a file that does not match its own status. The job stays Completed and its file is kept for 7 days: run Get Job File again later.',
			);
		}
		client.logger.warn(
			`Marketo export ${file.exportId}: ${problem}; downloading the file once more.`,
		);
	}
}

async function* hashAsTheyPass(
	source: AsyncIterable<Buffer>,
	verifier: FileVerifier,
): AsyncGenerator<Buffer> {
	for await (const chunk of source) {
		verifier.update(chunk);
		yield chunk;
	}
}
