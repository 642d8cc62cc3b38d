import { EXPORT_FORMATS, type ExportFormat } from '../../helpers/marketoValues';
import type { MarketoClient } from '../../transport';
import type { ExportJob } from '../../transport/exportJobApi';
import { EngineError } from '../model/engineError';

/** How an export's file is named and typed in n8n's binary data. */
const FILE_TYPES: Record<ExportFormat, { extension: string; mimeType: string }> = {
	CSV: { extension: 'csv', mimeType: 'text/csv' },
	TSV: { extension: 'tsv', mimeType: 'text/tab-separated-values' },
	SSV: { extension: 'txt', mimeType: 'text/plain' },
};

export function fileNameFor(exportId: string, format: ExportFormat): string {
	return `${exportId}.${(FILE_TYPES[format] ?? FILE_TYPES.CSV).extension}`;
}

export function mimeTypeFor(format: ExportFormat): string {
	return (FILE_TYPES[format] ?? FILE_TYPES.CSV).mimeType;
}

/**
 * The format of a job's file, as its status gives it (any case; CSV when it
 * gives none). Any other format is refused before downloading: the parser
 * would read it as something it is not.
 */
export function exportFormatOf(client: MarketoClient, job: ExportJob): ExportFormat {
	const format = job.format ?? 'CSV';
	if ((EXPORT_FORMATS as readonly string[]).includes(format)) return format as ExportFormat;
	throw new EngineError(
		`Marketo reported the file format "${format}" for export job ${job.exportId}; this node reads ${EXPORT_FORMATS.join(', ')}.`,
		'Nothing was downloaded. Create the export again with Format CSV, TSV or SSV; if the job was made that way, please report it.',
		'marketo',
	);
}

/** Only a Completed job has a file; anything else is explained, with what to do. */
export function requireCompleted(client: MarketoClient, job: ExportJob): ExportJob {
	if (job.status === 'Completed') return job;
	const advice: Record<string, string> = {
		Created: 'Enqueue the job first, then wait until Get Job Status says Completed.',
		Queued: 'Wait until Get Job Status says Completed (Marketo updates it once a minute).',
		Processing: 'Wait until Get Job Status says Completed (Marketo updates it once a minute).',
		Failed: `Marketo says: ${job.errorMsg ?? 'no reason given'}. Create a new job.`,
		Cancelled: 'A cancelled job has no file. Create a new job.',
	};
	throw new EngineError(
		`Export job ${job.exportId} is ${job.status}; only a Completed job has a file.`,
		Object.hasOwn(advice, job.status) ? advice[job.status] : 'Check the job with Get Job Status.',
	);
}
