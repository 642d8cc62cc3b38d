import type { ExportFormat } from '../helpers/jobDefinition';
import { MalformedFileError, RowTokenizer, type Cell, type DelimiterSpec } from './rowTokenizer';

export type LeadRecord = Record<string, Cell>;

const DELIMITERS: Record<ExportFormat, DelimiterSpec> = { CSV: ',', TSV: '\t', SSV: 'ssv' };

/**
 * Turns the bytes of an export file, in chunks as they arrive, into records
 * keyed by the header row. UTF-8 is decoded with a streaming decoder, so a
 * character split between two chunks is joined, never mangled; the BOM, if
 * any, is dropped. A row whose width differs from the header's is an error
 * naming the row: a silently shifted column would corrupt every value after it.
 */
export class LeadFileReader {
	private readonly decoder = new TextDecoder('utf-8');

	private readonly tokenizer: RowTokenizer;

	private header: string[] | undefined;

	/** Data rows turned into records so far. */
	recordCount = 0;

	constructor(format: ExportFormat) {
		this.tokenizer = new RowTokenizer(DELIMITERS[format]);
	}

	/** The column names, once the header row has been read. */
	get columns(): readonly string[] | undefined {
		return this.header;
	}

	push(bytes: Uint8Array): LeadRecord[] {
		return this.toRecords(this.tokenizer.push(this.decoder.decode(bytes, { stream: true })));
	}

	end(): LeadRecord[] {
		const tail = this.decoder.decode();
		const rows = tail ? this.tokenizer.push(tail) : [];
		rows.push(...this.tokenizer.end());
		return this.toRecords(rows);
	}

	private toRecords(rows: Cell[][]): LeadRecord[] {
		const records: LeadRecord[] = [];
		let start = 0;
		if (this.header === undefined && rows.length > 0) {
			this.header = validateHeader(rows[0]);
			start = 1;
		}
		const header = this.header;
		if (header === undefined) return records;
		const width = header.length;
		for (let r = start; r < rows.length; r++) {
			const row = rows[r];
			if (row.length !== width) {
				throw new MalformedFileError(
					`Row ${this.recordCount + 2} has ${row.length} values but the header has ${width} columns (${describeRow(row)}). The file is damaged or was split wrongly.`,
				);
			}
			const record: LeadRecord = {};
			for (let c = 0; c < width; c++) record[header[c]] = row[c];
			records.push(record);
			this.recordCount++;
		}
		return records;
	}
}

function validateHeader(row: Cell[]): string[] {
	const names = row.map((cell) => cell ?? 'null');
	const seen = new Set<string>();
	for (const name of names) {
		if (seen.has(name)) {
			throw new MalformedFileError(
				`The header names the column "${name}" twice; values would overwrite each other.`,
			);
		}
		seen.add(name);
	}
	return names;
}

function describeRow(row: Cell[]): string {
	const preview = row
		.slice(0, 3)
		.map((cell) => JSON.stringify(cell === null ? null : cell.slice(0, 40)))
		.join(', ');
	return `starting ${preview}${row.length > 3 ? ', …' : ''}`;
}

/** Parses a whole file given as chunks; for callers that want every record. */
export async function* readLeadRecords(
	chunks: AsyncIterable<Uint8Array>,
	format: ExportFormat,
): AsyncGenerator<LeadRecord[]> {
	const reader = new LeadFileReader(format);
	for await (const chunk of chunks) {
		const records = reader.push(chunk);
		if (records.length > 0) yield records;
	}
	const last = reader.end();
	if (last.length > 0) yield last;
}

export { MalformedFileError };
