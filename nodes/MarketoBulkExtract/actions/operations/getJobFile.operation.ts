import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { fileInfoOf, readableFromChunks, streamExportFile, type ByteRange, type DownloadProgress, type NotReadyPolicy } from '../../extract/files/download';
import { exportFormatOf, fileNameFor, mimeTypeFor, requireCompleted } from '../../extract/files/exportFile';
import { FileDelivery, type DeliveredFile } from '../../extract/files/fileDelivery';
import { unreadableRowItem } from '../../extract/files/malformedRows';
import { describeValue, invalidParameter, readBinaryPropertyName, readChoice, readExportId } from '../parameters';
import type { MarketoClient } from '../../transport';
import { getExportJobStatus, type ExportJob } from '../../transport/exportJobApi';
import { alphabetical, exportIdProperty, forOperations, outputOptions } from '../common.descriptions';
import { inEditorWords } from '../engineErrors';
import { itemOutputOptions, readItemOutput } from '../itemOutputOptions';
import type { ExportKind, ResourceDeclaration } from '../resource';

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
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			displayOptions: { show: { output: ['items'] } },
			options: alphabetical(itemOutputOptions(resource)),
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
 * dropped connection resumes from the last byte received. The items are the
 * ones the composite extract gives for the same file: one FileDelivery reads
 * both, with the same options and guards.
 * https://developer.adobe.com/marketo-apis/api/mapi/#tag/Bulk-Export-Leads/operation/getExportLeadsFileUsingGET
 */
export async function execute(
	this: IExecuteFunctions,
	client: MarketoClient,
	itemIndex: number,
	kind: ExportKind,
): Promise<INodeExecutionData[]> {
	const profile = kind.profile(this, itemIndex);
	const { exportPath } = profile;
	const exportId = readExportId(this, itemIndex);
	const output = readChoice(this, itemIndex, { name: 'output', label: 'Output', choices: ['items', 'binary'], fallback: 'items' });
	const range = output === 'binary' ? readByteRange(this, itemIndex) : undefined;
	const binaryPropertyName = output === 'binary' ? readBinaryPropertyName(this, itemIndex) : '';
	const itemOutput =
		output === 'items'
			? readItemOutput(this, itemIndex, this.getNodeParameter('options', itemIndex, {}) as IDataObject)
			: { typedValues: false, lenientRows: false, maxItems: Infinity, maxMemoryMb: Infinity };

	const job = requireCompleted(client, await getExportJobStatus(client, exportPath, exportId));
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
	// A single step should not block for long: ask again for a missing file for up to a minute.
	const notReady = { delayMs: 10_000, giveUpMs: 60_000 };
	if (range) return [await byteRangeItem(this, client, job, { exportPath, range, binaryPropertyName, notReady })];

	const delivery = new FileDelivery(this, client, profile, { output, ...itemOutput }, {}, notReady);
	let file: DeliveredFile;
	try {
		file = await delivery.deliver(job);
	} catch (error) {
		throw inEditorWords(this, itemIndex, error, 'File');
	}
	const { records, unreadable, binary, bytes } = file;
	const warnings = [...delivery.warnings, ...(records ? delivery.finishItems(records) : [])];
	for (const message of warnings) this.addExecutionHints({ message, type: 'warning', location: 'outputPane' });
	if (records) return [...records, ...(unreadable ?? []).map((row) => unreadableRowItem(job.exportId, row))].map((json) => ({ json }));
	return [{ json: { ...job, bytesDownloaded: bytes }, binary: { [binaryPropertyName]: binary! } }];
}

/** Only some bytes of the file, as binary data: unchecked, since a checksum covers the whole file. */
async function byteRangeItem(
	ctx: IExecuteFunctions,
	client: MarketoClient,
	job: ExportJob,
	request: { exportPath: string; range: ByteRange; binaryPropertyName: string; notReady: NotReadyPolicy },
): Promise<INodeExecutionData> {
	const { exportPath, range, binaryPropertyName, notReady } = request;
	const format = exportFormatOf(client, job);
	const file = fileInfoOf(exportPath, job);
	const progress: DownloadProgress = { bytes: 0, resumes: 0 };
	const readable = await readableFromChunks(streamExportFile(client, file, range, progress, notReady)[Symbol.asyncIterator](), progress);
	const binary = await ctx.helpers.prepareBinaryData(readable as Buffer, fileNameFor(job.exportId, format), mimeTypeFor(format));
	return {
		json: { ...job, bytesDownloaded: progress.bytes, byteRange: describeRange(range) },
		binary: { [binaryPropertyName]: binary },
	};
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
