import { NodeOperationError } from 'n8n-workflow';

import type { ExportFormat } from '../helpers/jobDefinition';
import type { MarketoClient } from '../transport';
import type { ExportJob } from '../transport/leadExportApi';

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
	throw new NodeOperationError(
		client.node,
		`Export job ${job.exportId} is ${job.status}; only a Completed job has a file.`,
		{ description: advice[job.status] ?? 'Check the job with Get Job Status.' },
	);
}
