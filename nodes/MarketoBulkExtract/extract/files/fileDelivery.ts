import type { IBinaryData } from 'n8n-workflow';

import { ExportFileReader, type ExportRecord, type UnreadableRow, type ValueConverter } from '../../csv/exportFileReader';
import type { ExportFormat } from '../../helpers/marketoValues';
import type { MarketoClient } from '../../transport';
import type { ExportJob } from '../../transport/exportJobApi';
import { fileInfoOf, readableFromChunks, type DownloadProgress, type NotReadyPolicy } from './download';
import type { ExtractHost } from '../model/engineHost';
import { columnOf } from '../model/exportDefinition';
import { exportFormatOf, fileNameFor, mimeTypeFor } from './exportFile';
import { sameColumns } from './fileHeader';
import type { ExportProfile, FieldType } from '../model/exportProfile';
import { ItemBudget } from './itemBudget';
import { EngineError } from '../model/engineError';
import { LimitReachedError } from '../model/limits';
import { columnConverters, isNestedTooDeep, JSON_OBJECT_TYPE, MAX_JSON_DEPTH } from './typedValues';
import { malformedRowWarnings, type MalformedRows } from './malformedRows';
import { downloadVerified, unverifiedContentWarning } from './verifiedDownload';

export type OutputMode = 'items' | 'binary' | 'both';

/** How a file becomes output: the same options and guards for Extract and Get Job File. */
export interface FileOutput {
	output: OutputMode;
	/** Convert Values: numbers and booleans by the instance's field types. */
	typedValues: boolean;
	maxItems: number;
	/** Items output: the most memory the items may take, by estimate (itemsMemory.ts). */
	maxMemoryMb: number;
	/** Malformed Rows: read what Marketo is known to write wrongly (malformedRows.ts), or refuse the file. */
	lenientRows: boolean;
}

/** What the operation knows of the files before downloading: from its job definition, if it made the jobs. */
export interface KnownColumns {
	/** The number of columns, for the memory estimate; undefined for a job made elsewhere. */
	count?: number;
	columnHeaderNames?: Record<string, string>;
}

export interface DeliveredFile {
	records?: ExportRecord[];
	/** Rows a lenient read could not make records of, for the caller to output after the records. */
	unreadable?: readonly UnreadableRow[];
	binary?: IBinaryData;
	bytes: number;
	resumes: number;
	/** True when the first copy failed its check and the file was fetched again. */
	refetched: boolean;
}

/**
 * One completed job's file, downloaded whole, verified against Marketo's size
 * and checksum, and turned into records and/or a binary file. Extract (once
 * per window) and Get Job File (once) both read files through this, so the
 * same file gives the same items with the same options and guards: Max Items
 * and Max Memory are checked before each download against all files so far;
 * Convert Values types by the kind's field types (one describe for all files).
 */
export class FileDelivery {
	/** Execution hints of type warning, e.g. a file whose content could not be verified. */
	readonly warnings: string[] = [];

	private fields: FieldType[] | undefined;

	private convertersFor: ((columns: readonly string[]) => Array<ValueConverter | undefined>) | undefined;

	/** Max Items and Max Memory, over every file this delivery outputs as items (a catch-up run's gate admits into it first). */
	readonly budget: ItemBudget;

	constructor(
		private readonly host: ExtractHost,
		private readonly client: MarketoClient,
		private readonly profile: ExportProfile,
		private readonly settings: FileOutput,
		private readonly columns: KnownColumns,
		/** How long to keep asking for a Completed job's file that answers 404. */
		private readonly notReady: NotReadyPolicy,
	) {
		this.budget = new ItemBudget(settings, columns.count, profile.noun.many);
	}

	private get wantsItems(): boolean {
		return this.settings.output !== 'binary';
	}

	/** `expectedColumns`: for a job the node adopted, the columns its definition writes; a file with others is refused. */
	async deliver(job: ExportJob, expectedColumns?: readonly string[]): Promise<DeliveredFile> {
		if (this.wantsItems) {
			// Items are held in memory by n8n: a file that would take the output past a limit is not downloaded.
			const reached = this.budget.admit(job);
			if (reached) throw new LimitReachedError(reached);
			if (this.fields === undefined) {
				this.fields = await this.profile.fieldTypes(this.client, this.settings.typedValues);
				if (this.fields.length > 0) this.convertersFor = columnConverters(this.fields, this.columns.columnHeaderNames);
			}
		}
		const format = exportFormatOf(this.client, job);
		const file = fileInfoOf(this.profile.exportPath, job);
		const verified = await downloadVerified(
			this.client,
			file,
			async (chunks, progress) => await this.consume(chunks, progress, format, job.exportId),
			this.notReady,
		);
		const unverified = unverifiedContentWarning(job.exportId, verified.check);
		if (unverified) this.warnings.push(unverified);
		const { records, binary, columns, malformed } = verified.result;
		if (malformed) {
			const warnings = malformedRowWarnings(job.exportId, malformed, columns);
			for (const warning of warnings) this.client.logger.warn(`Marketo Bulk Extract: ${warning}`);
			this.warnings.push(...warnings);
		}
		if (expectedColumns && columns && !sameColumns(columns, expectedColumns)) {
			throw new EngineError(
				`Export ${job.exportId} was adopted as this node's job, but its file holds other columns than this extract's definition.`,
				'Nothing was output from it: it is another workflow’s or another definition’s job, named in the job journal by mistake. Run the extract again; that job is not adopted again.',
			);
		}
		const rows = (records?.length ?? 0) + (malformed?.unreadable.length ?? 0);
		if (records && typeof job.numberOfRecords === 'number' && job.numberOfRecords !== rows) {
			this.warnings.push(`Export ${job.exportId}: Marketo reported ${job.numberOfRecords} records, the file held ${rows}.`);
		}
		const unreadable = malformed?.unreadable.length ? malformed.unreadable : undefined;
		return { records, unreadable, binary, bytes: verified.bytes, resumes: verified.resumes, refetched: verified.refetched };
	}

	/**
	 * The items of every file together, finished: what the kind adds to them
	 * (ExportProfile.finishRecords); returns the warnings about them, with
	 * JSON columns (an activity's attributes) kept as text, and why.
	 */
	finishItems(records: ExportRecord[]): string[] {
		const warnings: string[] = this.profile.finishRecords?.(records, (field) => columnOf(this.columns.columnHeaderNames, field)) ?? [];
		const noun = this.profile.noun.many;
		for (const field of this.fields ?? []) {
			if (field.dataType !== JSON_OBJECT_TYPE) continue;
			const column = columnOf(this.columns.columnHeaderNames, field.name);
			let notJson = 0;
			let tooDeep = 0;
			for (const record of records) {
				const value = record[column];
				if (typeof value !== 'string' || value === '') continue;
				if (isNestedTooDeep(value)) tooDeep++;
				else notJson++;
			}
			if (notJson > 0) {
				warnings.push(`${notJson} of ${records.length} ${noun}: the ${column} column is not a JSON object; kept as the text Marketo wrote.`);
			}
			if (tooDeep > 0) {
				warnings.push(
					`${tooDeep} of ${records.length} ${noun}: the ${column} column nests more than ${MAX_JSON_DEPTH} levels deep; kept as the text Marketo wrote, since n8n could not save it as an object.`,
				);
			}
		}
		return warnings;
	}

	/** Parses and/or stores one copy of a file, as the output mode asks. */
	private async consume(
		chunks: AsyncIterable<Buffer>,
		progress: DownloadProgress,
		format: ExportFormat,
		exportId: string,
	): Promise<{ records?: ExportRecord[]; binary?: IBinaryData; columns?: readonly string[]; malformed?: MalformedRows }> {
		const { output } = this.settings;
		const reader = output === 'binary' ? undefined : new ExportFileReader(format, this.convertersFor, this.settings.lenientRows);
		const records: ExportRecord[] = [];
		async function* parsed(): AsyncGenerator<Buffer> {
			for await (const chunk of chunks) {
				reader?.push(chunk, records);
				yield chunk;
			}
			reader?.end(records);
		}
		const malformed = () => (reader ? { repairs: reader.repairs, unreadable: reader.unreadable } : undefined);
		if (output === 'items') {
			for await (const chunk of parsed()) void chunk;
			return { records, columns: reader?.columns, malformed: malformed() };
		}
		const readable = await readableFromChunks(parsed()[Symbol.asyncIterator](), progress);
		const binary = await this.host.helpers.prepareBinaryData(readable as Buffer, fileNameFor(exportId, format), mimeTypeFor(format));
		return { records: reader ? records : undefined, binary, columns: reader?.columns, malformed: malformed() };
	}
}
