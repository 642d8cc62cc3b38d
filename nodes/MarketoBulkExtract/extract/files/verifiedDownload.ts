import type { MarketoClient } from '../../transport';
import { MalformedFileError } from '../../csv/rowTokenizer';
import { EngineError } from '../model/engineError';
import {
	downloadError,
	FileVerifier,
	streamExportFile,
	type FileCheck,
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
	/** What the check covered: the checksum, or only the size (and why). */
	check: FileCheck;
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
		// A file the parser refuses is checked before it is blamed; any other failure is the run's.
		const consumed = await consume(tapped, progress).then(
			(result) => ({ result }),
			(error: unknown) => (error instanceof MalformedFileError ? { parseError: error } : Promise.reject(error)),
		);
		const { result, parseError } = { result: undefined, parseError: undefined, ...consumed };
		if (parseError) {
			// The parser stopped early; hash the rest so the check can tell a damaged
			// transfer (fetch again) from a file that is itself malformed (report it).
			if (file.fileSize === undefined || verifier.bytes < file.fileSize) {
				const rest: DownloadProgress = { bytes: 0, resumes: 0 };
				for await (const chunk of streamExportFile(client, file, { start: verifier.bytes }, rest)) {
					verifier.update(chunk);
				}
			}
		}
		const problem = verifier.mismatch();
		if (problem === undefined) {
			if (parseError) throw malformedFile(client, file, parseError, verifier.check());
			return {
				result: result as T,
				bytes: progress.bytes,
				resumes: progress.resumes,
				refetched: attempt > 1,
				check: verifier.check(),
			};
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

/** The warning to show when only a file's size could be checked; undefined when its checksum was. */
export function unverifiedContentWarning(exportId: string, check: FileCheck): string | undefined {
	if (check.verified === 'checksum') return undefined;
	return `The file of export ${exportId} was checked against its size only: ${check.reason}. Its content is as Marketo sent it, unverified.`;
}

/**
 * A file that arrived whole but cannot be parsed. The message names the row
 * and column (never values); the description says what to do next, which
 * depends on whether the copy is known to be Marketo's own.
 */
function malformedFile(
	client: MarketoClient,
	file: ExportFileInfo,
	parseError: MalformedFileError,
	check: FileCheck,
): EngineError {
	const next =
		check.verified === 'checksum'
			? `The file arrived exactly as Marketo built it (its size and ${check.algorithm} checksum match), so downloading it again will not help. Report it to Marketo Support quoting export ID ${file.exportId} and the row above. The job stays Completed for 7 days: Get Job File with Output: File keeps the file as it is.`
			: `Only the file's size could be checked (${check.reason}). Run Get Job File again for export ${file.exportId}; if it fails on the same row, report it to Marketo Support quoting the export ID and the row.`;
	return new EngineError(`The file of export ${file.exportId} is malformed: ${parseError.message}`, next);
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
