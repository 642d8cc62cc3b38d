import { ExportFileReader } from '../../csv/exportFileReader';
import type { MarketoClient } from '../../transport';
import type { ExportJob } from '../../transport/exportJobApi';
import { fileInfoOf, streamExportFile } from './download';
import { columnOf, type ExportDefinition } from '../model/exportDefinition';
import { exportFormatOf } from './exportFile';

/**
 * A job the journal names is adopted only when its file is what this
 * definition makes: the journal lives in a store anyone with access can
 * write, and Marketo's job list gives neither a job's fields nor its filter.
 * The header row is the part of the file that says which columns it holds.
 */

/** The most bytes read to find a header row: room for hundreds of long column names. */
const HEADER_BYTES = 65_536;

/** The columns a job of this definition writes: Marketo's own (programId) first, then each field under its header. */
export function expectedColumns(definition: ExportDefinition): string[] {
	const added = definition.columnsMarketoAdds ?? [];
	return [...added, ...definition.fields.filter((field) => !added.includes(field)).map((field) => columnOf(definition.columnHeaderNames, field))];
}

/** Whether a file's header holds exactly these columns, whatever their order. */
export function sameColumns(header: readonly string[], expected: readonly string[]): boolean {
	const names = new Set(header);
	return header.length === expected.length && names.size === header.length && expected.every((column) => names.has(column));
}

/**
 * The header row of a completed job's file, from a ranged read of its first
 * bytes; undefined when it cannot be read (no header within the bytes, an
 * empty file, a file not there), which never counts as verified.
 */
export async function readFileHeader(client: MarketoClient, exportPath: string, job: ExportJob): Promise<string[] | undefined> {
	const size = job.fileSize ?? HEADER_BYTES;
	if (size <= 0) return undefined;
	const file = fileInfoOf(exportPath, job);
	try {
		const reader = new ExportFileReader(exportFormatOf(client, job));
		// A missing file is not waited for here: the job is simply not adopted.
		for await (const chunk of streamExportFile(client, file, { start: 0, end: Math.min(size, HEADER_BYTES) - 1 }, undefined, { delayMs: 0, giveUpMs: 0 })) {
			reader.push(chunk);
			if (reader.columns) return [...reader.columns];
		}
		return reader.columns ? [...reader.columns] : undefined;
	} catch {
		return undefined;
	}
}
