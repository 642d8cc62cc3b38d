import type { ExportFormat } from '../helpers/marketoValues';
import {
	MalformedFileError,
	RowTokenizer,
	type Cell,
	type DelimiterSpec,
	type ExportRecord,
	type UnreadableRow,
	type ValueConverter,
} from './rowTokenizer';

export type { ExportRecord, UnreadableRow, ValueConverter };

const DELIMITERS: Record<ExportFormat, DelimiterSpec> = { CSV: ',', TSV: '\t', SSV: 'ssv' };

/**
 * Turns the bytes of an export file, in chunks as they arrive, into records
 * keyed by the header row. UTF-8 is decoded with a streaming decoder, so a
 * character split between two chunks is joined, never mangled; the BOM, if
 * any, is dropped, and so are NUL bytes. A row whose width differs from the header's is an error
 * naming the row: a silently shifted column would corrupt every value after it;
 * a lenient read keeps such a row aside instead (`unreadable`), and reads a
 * quote Marketo did not escape as data (`repairs`).
 */
export class ExportFileReader {
	private readonly decoder = new TextDecoder('utf-8');

	private readonly tokenizer: RowTokenizer;

	/** `convertersFor`: per column, how its values are typed (see typedValues.ts); omitted, every value stays text. */
	constructor(
		format: ExportFormat,
		convertersFor?: (columns: readonly string[]) => Array<ValueConverter | undefined>,
		lenient = false,
	) {
		this.tokenizer = new RowTokenizer(DELIMITERS[format], validateHeader, convertersFor, lenient);
	}

	/** Where a lenient read took a quote as data: row and column, never the value. */
	get repairs(): ReadonlyArray<{ row: number; column: number }> {
		return this.tokenizer.repairs;
	}

	/** The rows a lenient read could not make records of, whole. */
	get unreadable(): readonly UnreadableRow[] {
		return this.tokenizer.unreadable;
	}

	/** The column names, once the header row has been read. */
	get columns(): readonly string[] | undefined {
		return this.tokenizer.header;
	}

	/** Parses a chunk; appends the records it completed to `into` (a new array by default) and returns it. */
	push(bytes: Uint8Array, into: ExportRecord[] = []): ExportRecord[] {
		// Marketo files have been seen carrying NUL bytes; in UTF-8 a 0 byte is only ever NUL.
		const clean = bytes.indexOf(0) === -1 ? bytes : bytes.filter((byte) => byte !== 0);
		return this.tokenizer.push(this.decoder.decode(clean, { stream: true }), into);
	}

	/** Ends the file; appends its last records to `into` and returns it. */
	end(into: ExportRecord[] = []): ExportRecord[] {
		const tail = this.decoder.decode();
		if (tail) this.tokenizer.push(tail, into);
		return this.tokenizer.end(into);
	}
}

/** Column names from the header row; two columns of one name would overwrite each other. */
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

export { MalformedFileError };
