import type {
	IBinaryData,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { ExportFileReader, type ExportRecord } from '../../csv/exportFileReader';
import {
	readableFromChunks,
	streamExportFile,
	type ByteRange,
	type DownloadProgress,
	type FileCheck,
} from '../../extract/download';
import { exportFormatOf, fileNameFor, mimeTypeFor, requireCompleted } from '../../extract/exportFile';
import { downloadVerified, unverifiedContentWarning } from '../../extract/verifiedDownload';
import type { ExportKind } from '../../exportKinds/exportKind';
import { describeValue, invalidParameter, readBinaryPropertyName, readChoice, readExportId } from '../../helpers/validation';
import type { MarketoClient } from '../../transport';
import { getExportJobStatus } from '../../transport/exportJobApi';
import { exportIdProperty, forOperations, outputOptions } from '../common.descriptions';
import type { ResourceDeclaration } from '../resource';

export const description = (resource: ResourceDeclaration): INodeProperties[] =>
	forOperations(resource, ['getJobFile'],
	[
		exportIdProperty,
		{
			displayName: 'Output',
			name: 'output',
			type: 'options',
			default: 'items',
			options: outputOptions(resource, [
				{
					name: 'File',
					value: 'binary',
					description: 'The file as binary data, streamed into n8n’s binary store',
				},
			]),
		},
		{
			displayName: 'Put Output File in Field',
			name: 'binaryPropertyName',
			type: 'string',
			default: 'data',
			required: true,
			displayOptions: { show: { output: ['binary'] } },
			description: 'The binary field of the output item that holds the file',
		},
		{
			displayName: 'Byte Range',
			name: 'byteRange',
			type: 'string',
			default: '',
			placeholder: '0-1048575',
			displayOptions: { show: { output: ['binary'] } },
			description:
				'Only these bytes of the file, as first-last (inclusive) or first- for the rest. Empty downloads the whole file and checks it against the job’s size and checksum.',
		},
	],
);

/**
 * Downloads a Completed job's file. The whole file is held against the job's
 * fileSize and sha256 fileChecksum (fetched again once on a mismatch); a
 * dropped connection resumes from the last byte received.
 * https://developer.adobe.com/marketo-apis/api/mapi/#tag/Bulk-Export-Leads/operation/getExportLeadsFileUsingGET
 */
export async function execute(
	this: IExecuteFunctions,
	client: MarketoClient,
	itemIndex: number,
	kind: ExportKind,
): Promise<INodeExecutionData[]> {
	const exportPath = kind.readExportPath(this, itemIndex);
	const exportId = readExportId(this, itemIndex);
	const output = readChoice(this, itemIndex, { name: 'output', label: 'Output', choices: ['items', 'binary'], fallback: 'items' });
	const range = output === 'binary' ? readByteRange(this, itemIndex) : undefined;
	const binaryPropertyName = output === 'binary' ? readBinaryPropertyName(this, itemIndex) : '';

	const job = requireCompleted(client, await getExportJobStatus(client, exportPath, exportId));
	const format = exportFormatOf(client, job);
	if (range && job.fileSize !== undefined && range.start >= job.fileSize) {
		throw invalidParameter(
			this,
			itemIndex,
			'Byte Range',
			`starts at byte ${range.start}, but the file of export ${exportId} has ${job.fileSize} bytes`,
			job.fileSize > 0
				? `Ask for bytes inside 0-${job.fileSize - 1}, or leave Byte Range empty for the whole file.`
				: 'The file is empty: leave Byte Range empty.',
		);
	}
	const file = {
		exportPath,
		exportId,
		fileSize: job.fileSize,
		fileChecksum: job.fileChecksum,
		numberOfRecords: job.numberOfRecords,
	};
	// A single step should not block for long: ask again for a missing file for up to a minute.
	const notReady = { delayMs: 10_000, giveUpMs: 60_000 };

	if (output === 'items') {
		const { result: records, check } = await downloadVerified(
			client,
			file,
			async (chunks) => {
				const reader = new ExportFileReader(format);
				const all: ExportRecord[] = [];
				for await (const chunk of chunks) reader.push(chunk, all);
				return reader.end(all);
			},
			notReady,
		);
		warnIfUnverified(this, exportId, check);
		if (typeof job.numberOfRecords === 'number' && job.numberOfRecords !== records.length) {
			this.addExecutionHints({
				message: `Export ${exportId}: Marketo reported ${job.numberOfRecords} records, the file held ${records.length}.`,
				type: 'warning',
				location: 'outputPane',
			});
		}
		return records.map((record) => ({ json: record }));
	}

	const store = async (chunks: AsyncIterable<Buffer>, progress: DownloadProgress) => {
		const readable = await readableFromChunks(chunks[Symbol.asyncIterator](), progress);
		return await this.helpers.prepareBinaryData(
			readable as Buffer,
			fileNameFor(exportId, format),
			mimeTypeFor(format),
		);
	};
	let binary: IBinaryData;
	let bytes: number;
	if (range) {
		const progress: DownloadProgress = { bytes: 0, resumes: 0 };
		binary = await store(streamExportFile(client, file, range, progress, notReady), progress);
		bytes = progress.bytes;
	} else {
		const download = await downloadVerified(client, file, store, notReady);
		binary = download.result;
		bytes = download.bytes;
		warnIfUnverified(this, exportId, download.check);
	}
	return [
		{
			json: { ...job, bytesDownloaded: bytes, ...(range ? { byteRange: describeRange(range) } : {}) },
			binary: { [binaryPropertyName]: binary },
		},
	];
}

function warnIfUnverified(ctx: IExecuteFunctions, exportId: string, check: FileCheck): void {
	const message = unverifiedContentWarning(exportId, check);
	if (message) ctx.addExecutionHints({ message, type: 'warning', location: 'outputPane' });
}

function readByteRange(ctx: IExecuteFunctions, itemIndex: number): ByteRange | undefined {
	const value = ctx.getNodeParameter('byteRange', itemIndex, '') as unknown;
	if (value === undefined || value === null || value === '') return undefined;
	if (typeof value !== 'string') {
		throw invalidParameter(ctx, itemIndex, 'Byte Range', `${describeValue(value)} is not a byte range`, 'Write first-last (e.g. 0-1048575) or first- as text, or leave it empty.');
	}
	const raw = value.trim();
	if (raw === '') return undefined;
	const match = /^(?:bytes=)?(\d+)-(\d*)$/.exec(raw);
	const start = match ? Number(match[1]) : NaN;
	const end = match && match[2] !== '' ? Number(match[2]) : undefined;
	if (!match || (end !== undefined && end < start)) {
		throw invalidParameter(
			ctx,
			itemIndex,
			'Byte Range',
			`"${raw}" is not a byte range`,
			'Write first-last with first ≤ last (e.g. 0-1048575), or first- for the rest of the file, or leave it empty.',
		);
	}
	return { start, end };
}

function describeRange(range: ByteRange): string {
	return `${range.start}-${range.end ?? ''}`;
}
