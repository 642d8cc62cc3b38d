/**
 * RFC 4180 tokenizer for Marketo's CSV, TSV and SSV files, fed text in chunks of
 * any size: every piece of state (inside a quoted value, a quote or a CR seen as
 * the last character of a chunk) survives the boundary, so a value may hold the
 * delimiter, doubled quotes and CR/LF/CRLF line breaks wherever chunks split.
 *
 * Rows end at LF or CRLF. A lone CR inside an unquoted value is data (Marketo
 * files carry stray CRs). Unquoted `null` is Marketo's empty value and becomes
 * null; a quoted "null" stays the text "null". (NUL bytes are dropped before
 * decoding, by the file reader.)
 *
 * Speed: most rows hold no quote. Such a row is cut at its line feed and split
 * with String.split, which V8 runs natively; only a row with a quote goes
 * through the character-by-character state machine.
 */

export type Cell = string | null;

/**
 * Turns a value's text into what the record keeps (a number, a boolean) or
 * returns the text unchanged. Applied while the row is parsed, so a typed
 * export costs no second pass over the records.
 */
export type ValueConverter = (text: string) => TypedValue;

/** What a converter may make of a value's text: a number, a boolean, a parsed JSON object, or the text. */
export type TypedValue = string | number | boolean | { [key: string]: unknown };

/** A data row keyed by the header's column names; a kind may add fields of its own (a list of lead IDs). */
export type ExportRecord = Record<string, Cell | TypedValue | number[]>;

export class MalformedFileError extends Error {}

/**
 * A row a lenient read could not make a record of (its values do not match
 * the header's columns, or a quoted value never closes): kept whole, never
 * dropped, for the caller to output as it is.
 */
export interface UnreadableRow {
	/** The row's number in the file, the header being row 1. */
	row: number;
	/** Why it could not be read, without its values. */
	reason: string;
	/** The row's text as the file holds it (re-quoted where it crossed chunks). */
	text: string;
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/**
 * The longest cut row carried over as text to be parsed whole. Re-scanning a
 * carried row costs its length once per chunk, so beyond this a row goes to the
 * state machine instead: a file without line breaks costs linear time.
 */
const MAX_CARRY = 256 * 1024;

/** The most text read while looking for the end of an SSV header; the header is surely inside it. */
const MAX_SSV_HEADER = 1024 * 1024;

/**
 * Whether text[from, to) is Marketo's unquoted `null`. Checked before slicing:
 * a record starts with every column null, so a null value costs neither a
 * string nor a store (exports are sparse; many values are null).
 */
function isNullAt(text: string, from: number, to: number): boolean {
	return (
		to - from === 4 &&
		text.charCodeAt(from) === 0x6e &&
		text.charCodeAt(from + 1) === 0x75 &&
		text.charCodeAt(from + 2) === 0x6c &&
		text.charCodeAt(from + 3) === 0x6c
	);
}

/** A delimiter, or 'ssv' to choose between ';' and ' ' from the header row. */
export type DelimiterSpec = ',' | '\t' | ';' | ' ' | 'ssv';

export class RowTokenizer {
	private delimiter: number;

	private delimiterText = '';

	/** Text held back while the SSV delimiter is still unknown. */
	private undecided = '';

	/** The start of a row that the last chunk cut, parsed whole when the next chunk arrives. */
	private carry = '';

	/** True while the state machine holds a row that a chunk boundary cut. */
	private inSlowRow = false;

	private field = '';

	private row: Cell[] = [];

	private fieldStart = true;

	private inQuotes = false;

	private quoted = false;

	private closedQuote = false;

	private pendingQuote = false;

	private pendingCR = false;

	private firstChunk = true;

	/** Set by end(): nothing more arrives, so nothing is carried over. */
	private ending = false;

	/** Rows completed so far, counting the header as row 1; used in error messages. */
	rowNumber = 0;

	/**
	 * Where a lenient read kept a stray quote as data (a quote inside a quoted
	 * value that Marketo did not double, e.g. `"first"Name1"`): the row (the
	 * header is row 1) and the column's number, never the value.
	 */
	readonly repairs: Array<{ row: number; column: number }> = [];

	/** The repairs of the row the state machine is in, kept once the row is complete. */
	private rowRepairs: number[] = [];

	/** Rows a lenient read could not make records of, in file order (a strict read refuses the file instead). */
	readonly unreadable: UnreadableRow[] = [];

	/** Where completed records go: the array passed to the current push or end. */
	private out: ExportRecord[] = [];

	/** Column names, from the header row through `acceptHeader`. */
	private columns: string[] | undefined;

	/**
	 * An object with every column, all null. Each record starts as a copy: V8
	 * copies it with its shape and room for every property at once, far cheaper
	 * than growing `{}` key by key.
	 */
	private template: ExportRecord = {};

	/** Per column, the converter for its values (undefined keeps the text); undefined when no column converts. */
	private converters: Array<ValueConverter | undefined> | undefined;

	/**
	 * @param acceptHeader receives the header row and returns the column names
	 * (it may refuse the header by throwing).
	 * @param convertersFor given the column names, the converter for each
	 * column's values (undefined keeps the text); Marketo's `null` and empty
	 * values are never converted.
	 */
	constructor(
		delimiter: DelimiterSpec,
		private readonly acceptHeader: (cells: Cell[]) => string[],
		private readonly convertersFor?: (columns: readonly string[]) => Array<ValueConverter | undefined>,
		/** Keep a quote that does not close its value as data (a lenient read), instead of refusing the file. */
		private readonly lenient = false,
	) {
		this.delimiter = delimiter === 'ssv' ? -1 : delimiter.charCodeAt(0);
		if (delimiter !== 'ssv') this.delimiterText = delimiter;
	}

	/** The column names, once the header row has been read. */
	get header(): readonly string[] | undefined {
		return this.columns;
	}

	/**
	 * Tokenizes a chunk; appends the records it completed to `into` (a new
	 * array by default) and returns that array. Passing the caller's own array
	 * saves a copy of every record reference.
	 */
	push(text: string, into: ExportRecord[] = []): ExportRecord[] {
		this.out = into;
		if (this.firstChunk && text.length > 0) {
			this.firstChunk = false;
			if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
		}
		if (this.delimiter === -1) {
			this.undecided += text;
			const headerEnd = endOfFirstRow(this.undecided);
			if (headerEnd === -1 && this.undecided.length < MAX_SSV_HEADER) return into;
			this.setDelimiter(detectSsvDelimiter(headerEnd === -1 ? this.undecided : this.undecided.slice(0, headerEnd)));
			text = this.undecided;
			this.undecided = '';
		}
		this.consume(text);
		return into;
	}

	/** Ends the input; appends the last record, if any, as push does. Throws if a quoted value never closed. */
	end(into: ExportRecord[] = []): ExportRecord[] {
		this.out = into;
		this.ending = true;
		if (this.delimiter === -1) {
			this.setDelimiter(detectSsvDelimiter(this.undecided));
			const text = this.undecided;
			this.undecided = '';
			this.consume(text);
		}
		if (this.carry !== '') {
			// The last row had no line break: the state machine ends it (a final CR is its terminator).
			const last = this.carry;
			this.carry = '';
			this.consume(last);
		}
		if (this.inSlowRow) this.endSlowRow();
		return into;
	}

	private setDelimiter(code: number): void {
		this.delimiter = code;
		this.delimiterText = String.fromCharCode(code);
	}

	/**
	 * Every complete row of `text` through the fast paths. A row that the chunk
	 * cuts is carried over and parsed whole once the next chunk arrives; only a
	 * row longer than MAX_CARRY (or the header, or the last row of the input)
	 * goes through the state machine, which carries its state instead of its
	 * text, so no input makes the carry grow without bound.
	 */
	private consume(chunk: string): void {
		let text = chunk;
		let i = 0;
		if (this.inSlowRow) {
			i = this.scanRow(text, 0);
			if (i === -1) return;
			this.inSlowRow = false;
		} else if (this.carry !== '') {
			const carried = this.carry;
			this.carry = '';
			const after = this.finishCarriedRow(carried, text);
			if (after === -1) text = carried + text;
			else i = after;
		}
		const n = text.length;
		let quote = text.indexOf('"', i);
		while (i < n) {
			if (quote !== -1 && quote < i) quote = text.indexOf('"', i);
			const lf = text.indexOf('\n', i);
			if (quote !== -1 && (lf === -1 || quote < lf)) {
				const parsed = this.parseQuotedRow(text, i, lf);
				if (parsed !== -1) {
					i = parsed;
					continue;
				}
			} else if (lf !== -1) {
				const end = lf > i && text.charCodeAt(lf - 1) === CR ? lf - 1 : lf;
				this.emitLine(text, i, end);
				i = lf + 1;
				continue;
			}
			// The row runs past this chunk.
			if (!this.ending && this.columns !== undefined && n - i <= MAX_CARRY) {
				this.carry = text.slice(i);
				return;
			}
			this.inSlowRow = true;
			const next = this.scanRow(text, i);
			if (next === -1) return;
			this.inSlowRow = false;
			i = next;
		}
	}

	/**
	 * The row a chunk boundary cut: parsed from the carried start plus this
	 * chunk's text up to a line feed, so the chunk itself is never joined to the
	 * carry (a joined chunk is a second copy of it, for every chunk). Returns
	 * the index in `text` past the row, or -1 when the row does not end in this
	 * chunk (nothing emitted).
	 */
	private finishCarriedRow(carried: string, text: string): number {
		let lf = text.indexOf('\n');
		while (lf !== -1) {
			const head = carried + text.slice(0, lf + 1);
			const headLf = carried.length + lf;
			const quote = head.indexOf('"');
			if (quote === -1 || quote > headLf) {
				const end = headLf > 0 && head.charCodeAt(headLf - 1) === CR ? headLf - 1 : headLf;
				this.emitLine(head, 0, end);
				return lf + 1;
			}
			const firstLf = head.indexOf('\n');
			const parsed = this.parseQuotedRow(head, 0, firstLf);
			if (parsed !== -1) return parsed - carried.length;
			lf = text.indexOf('\n', lf + 1);
		}
		return -1;
	}

	/**
	 * A row with quotes that lies whole in `text` (`firstLf`: the first line
	 * feed at or after `start`, or -1), field by field with indexOf,
	 * each value stored straight into the record. Returns the index past the
	 * row's line break and emits the row, or -1 if `text` ends inside the row
	 * (nothing emitted; the state machine takes it).
	 */
	private parseQuotedRow(text: string, start: number, firstLf: number): number {
		const columns = this.columns;
		// The header row has no record to fill: the state machine reads it.
		if (columns === undefined) return -1;
		const n = text.length;
		const d = this.delimiterText;
		const width = columns.length;
		const converters = this.converters;
		const record: ExportRecord = { ...this.template };
		let count = 0;
		let i = start;
		let lf = firstLf;
		/** Columns (from 1) where a lenient read kept a stray quote; committed only when the row is emitted. */
		let fixes: number[] | undefined;
		// Before the first look: -2 (no quote left: -1).
		let quoteAt = -2;
		for (;;) {
			let value: Cell;
			if (i < n && text.charCodeAt(i) === QUOTE) {
				let quoted = '';
				let from = i + 1;
				let close: number;
				for (;;) {
					close = text.indexOf('"', from);
					if (close === -1 || close + 1 === n) return -1;
					const after = text.charCodeAt(close + 1);
					if (after === QUOTE) {
						quoted += text.slice(from, close + 1);
						from = close + 2;
						continue;
					}
					if (!this.lenient || this.closesValue(text, close + 1)) break;
					// A quote Marketo did not double: data, and the value goes on.
					(fixes ??= []).push(count + 1);
					quoted += text.slice(from, close + 1);
					from = close + 1;
				}
				value = quoted === '' ? text.slice(from, close) : quoted + text.slice(from, close);
				i = close + 1;
				const next = text.charCodeAt(i);
				if (count < width) record[columns[count]] = converters === undefined ? value : typed(converters[count], value);
				count++;
				if (next === this.delimiter) {
					i++;
					continue;
				}
				if (next === LF) return this.emitRecord(record, count, i + 1, fixes, text, start);
				if (next === CR) {
					if (i + 1 === n) return -1;
					if (text.charCodeAt(i + 1) === LF) return this.emitRecord(record, count, i + 2, fixes, text, start);
				}
				this.unexpectedAfterQuote(count);
			}
			// An unquoted value: up to the next delimiter or line feed (a CR just before it is the CRLF).
			if (lf !== -1 && lf < i) lf = text.indexOf('\n', i);
			if (lf === -1) return -1;
			const delimiterAt = text.indexOf(d, i);
			if (this.lenient) {
				// The next quote, looked for once for all the unquoted values before it.
				if (quoteAt !== -1 && quoteAt < i) quoteAt = text.indexOf('"', i);
				const end = delimiterAt !== -1 && delimiterAt < lf ? delimiterAt : lf;
				if (quoteAt !== -1 && quoteAt < end) for (let q = quotesIn(text, i, end); q > 0; q--) (fixes ??= []).push(count + 1);
			}
			if (delimiterAt !== -1 && delimiterAt < lf) {
				if (count < width && !isNullAt(text, i, delimiterAt)) {
					value = text.slice(i, delimiterAt);
					record[columns[count]] = converters === undefined ? value : typed(converters[count], value);
				}
				count++;
				i = delimiterAt + 1;
				continue;
			}
			const end = lf > i && text.charCodeAt(lf - 1) === CR ? lf - 1 : lf;
			if (count < width && !isNullAt(text, i, end)) {
				value = text.slice(i, end);
				record[columns[count]] = converters === undefined ? value : typed(converters[count], value);
			}
			return this.emitRecord(record, count + 1, lf + 1, fixes, text, start);
		}
	}

	/**
	 * Whether the character at `at`, after a quote, ends the value: the
	 * delimiter, a line feed, or a CR before one. Anything else means the
	 * quote did not close the value. At the text's end it cannot tell: true,
	 * and the caller waits for more text.
	 */
	private closesValue(text: string, at: number): boolean {
		if (at >= text.length) return true;
		const c = text.charCodeAt(at);
		if (c === this.delimiter || c === LF) return true;
		return c === CR && (at + 1 >= text.length || text.charCodeAt(at + 1) === LF);
	}

	/** Emits a record that `count` values filled; returns `next`, the index past its line break. */
	private emitRecord(record: ExportRecord, count: number, next: number, fixes: number[] | undefined, text: string, start: number): number {
		if (count !== this.columns!.length) {
			const end = next - 1 > start && text.charCodeAt(next - 2) === CR ? next - 2 : next - 1;
			this.unreadableRow(count, text.slice(start, end));
			return next;
		}
		this.rowNumber++;
		for (const column of fixes ?? []) this.repairs.push({ row: this.rowNumber, column });
		this.out.push(record);
		return next;
	}

	/**
	 * A row without quotes, text[start, end): each value cut at the next
	 * delimiter straight into the record, `null` → null. A blank line is skipped.
	 */
	private emitLine(text: string, start: number, end: number): void {
		if (end === start) return;
		const columns = this.columns;
		if (columns === undefined) {
			this.emitRow(splitCells(text.slice(start, end), this.delimiterText));
			return;
		}
		const d = this.delimiterText;
		const width = columns.length;
		const converters = this.converters;
		const record: ExportRecord = { ...this.template };
		let p = start;
		const last = width - 1;
		for (let c = 0; c < last; c++) {
			const cut = text.indexOf(d, p);
			// Too few values: the line ends before this one's delimiter.
			if (cut === -1 || cut >= end) return this.unreadableRow(text.slice(start, end).split(d).length, text.slice(start, end));
			if (!isNullAt(text, p, cut)) {
				const value = text.slice(p, cut);
				record[columns[c]] = converters === undefined ? value : typed(converters[c], value);
			}
			p = cut + 1;
		}
		// Too many values: a delimiter is left in the last one.
		const extra = text.indexOf(d, p);
		if (extra !== -1 && extra < end) return this.unreadableRow(text.slice(start, end).split(d).length, text.slice(start, end));
		if (!isNullAt(text, p, end)) {
			const value = text.slice(p, end);
			record[columns[last]] = converters === undefined ? value : typed(converters[last], value);
		}
		this.rowNumber++;
		this.out.push(record);
	}

	/** A row as cells (the header, or a row from the state machine); false when it was not a record (the header, or unreadable). */
	emitRow(cells: Cell[]): boolean {
		if (this.columns === undefined) {
			this.columns = this.acceptHeader(cells);
			this.template = recordTemplate(this.columns);
			const converters = this.convertersFor?.(this.columns) ?? [];
			const perColumn = this.columns.map((_, c) => converters[c]);
			this.converters = perColumn.some((convert) => convert !== undefined) ? perColumn : undefined;
			this.rowNumber++;
			return false;
		}
		const columns = this.columns;
		if (cells.length !== columns.length) {
			this.unreadableRow(cells.length, cells.map((cell) => quoteCell(cell, this.delimiterText)).join(this.delimiterText));
			return false;
		}
		const converters = this.converters;
		const record: ExportRecord = { ...this.template };
		for (let c = 0; c < columns.length; c++) {
			const cell = cells[c];
			record[columns[c]] = cell === null ? null : (converters === undefined ? cell : typed(converters[c], cell));
		}
		this.rowNumber++;
		this.out.push(record);
		return true;
	}

	/**
	 * A row whose values do not fill the header's columns: a strict read
	 * refuses the file, a lenient one keeps the row's text to output as it
	 * is. Names the row and the counts, never the values: they are personal data.
	 */
	private unreadableRow(count: number, text: string): void {
		const width = this.columns!.length;
		if (!this.lenient) {
			throw new MalformedFileError(
				`Row ${this.rowNumber + 1} has ${count} values but the header has ${width} columns. The file is damaged or was split wrongly.`,
			);
		}
		this.rowNumber++;
		this.unreadable.push({ row: this.rowNumber, reason: `${count} values where the header has ${width} columns`, text });
	}

	/**
	 * The state machine, from `start` to the end of the current row. Returns the
	 * index just past the row's line break, or -1 when the chunk ended first
	 * (the state is kept for the next chunk).
	 */
	private scanRow(chunk: string, start: number): number {
		const n = chunk.length;
		const d = this.delimiter;
		let i = start;

		if (n > 0 && this.pendingQuote) {
			this.pendingQuote = false;
			if (chunk.charCodeAt(0) === QUOTE) {
				this.field += '"';
				i = 1;
			} else {
				this.inQuotes = false;
				this.closedQuote = true;
			}
		}
		if (n > 0 && this.pendingCR) {
			this.pendingCR = false;
			if (chunk.charCodeAt(0) === LF) {
				this.endField();
				this.endRow();
				return 1;
			}
			if (this.closedQuote) this.strayQuote();
			this.field += '\r';
			this.fieldStart = false;
		}

		while (i < n) {
			if (this.inQuotes) {
				const q = chunk.indexOf('"', i);
				if (q === -1) {
					this.field += chunk.slice(i);
					return -1;
				}
				this.field += chunk.slice(i, q);
				if (q + 1 === n) {
					this.pendingQuote = true;
					return -1;
				}
				if (chunk.charCodeAt(q + 1) === QUOTE) {
					this.field += '"';
					i = q + 2;
				} else {
					this.inQuotes = false;
					this.closedQuote = true;
					i = q + 1;
				}
				continue;
			}

			const c = chunk.charCodeAt(i);
			if (this.closedQuote) {
				if (c === d) {
					this.endField();
					i++;
				} else if (c === LF) {
					this.endField();
					this.endRow();
					return i + 1;
				} else if (c === CR) {
					if (i + 1 === n) {
						this.pendingCR = true;
						return -1;
					}
					if (chunk.charCodeAt(i + 1) !== LF) {
						this.strayQuote();
						continue;
					}
					this.endField();
					this.endRow();
					return i + 2;
				} else {
					this.strayQuote();
				}
				continue;
			}

			if (this.fieldStart && c === QUOTE) {
				this.inQuotes = true;
				this.quoted = true;
				this.fieldStart = false;
				i++;
				continue;
			}

			// An unquoted run up to the next delimiter, LF or CR.
			let j = i;
			while (j < n) {
				const cj = chunk.charCodeAt(j);
				if (cj === d || cj === LF || cj === CR) break;
				j++;
			}
			if (j > i) {
				// A quote inside an unquoted value is data; a lenient read counts it, as Marketo should have quoted the value.
				if (this.lenient) for (let q = quotesIn(chunk, i, j); q > 0; q--) this.rowRepairs.push(this.row.length + 1);
				this.field = this.fieldStart ? chunk.slice(i, j) : this.field + chunk.slice(i, j);
				this.fieldStart = false;
			}
			if (j === n) return -1;
			const cj = chunk.charCodeAt(j);
			if (cj === d) {
				this.endField();
				i = j + 1;
			} else if (cj === LF) {
				this.endField();
				this.endRow();
				return j + 1;
			} else if (j + 1 === n) {
				this.pendingCR = true;
				return -1;
			} else if (chunk.charCodeAt(j + 1) === LF) {
				this.endField();
				this.endRow();
				return j + 2;
			} else {
				// A stray CR inside an unquoted value is kept as data.
				this.field += '\r';
				this.fieldStart = false;
				i = j + 1;
			}
		}
		return -1;
	}

	/** End of input inside a state-machine row. */
	private endSlowRow(): void {
		if (this.pendingQuote) {
			this.pendingQuote = false;
			this.inQuotes = false;
			this.closedQuote = true;
		}
		if (this.inQuotes) {
			const where = `${this.describeColumn(this.row.length + 1)}: a quoted value is never closed`;
			if (!this.lenient) throw new MalformedFileError(`Row ${this.rowNumber + 1}, ${where}; the file is cut short or damaged.`);
			// The rest of the file is that value: kept whole as one unreadable row, never dropped.
			const d = this.delimiterText;
			const text = [...this.row.map((cell) => quoteCell(cell, d)), `"${this.field}`].join(d);
			this.rowNumber++;
			this.unreadable.push({ row: this.rowNumber, reason: `${where} (the rest of the file is inside it)`, text });
			this.row = [];
			this.rowRepairs = [];
			this.field = '';
			this.inQuotes = false;
			this.inSlowRow = false;
			return;
		}
		this.pendingCR = false;
		if (!this.fieldStart || this.row.length > 0 || this.closedQuote) {
			this.endField();
			this.endRow();
		}
		this.inSlowRow = false;
	}

	private endField(): void {
		const text = this.field;
		this.row.push(!this.quoted && text === 'null' ? null : text);
		this.field = '';
		this.fieldStart = true;
		this.quoted = false;
		this.closedQuote = false;
	}

	private endRow(): void {
		const row = this.row;
		const fixes = this.rowRepairs;
		this.row = [];
		this.rowRepairs = [];
		// A blank line (one empty unquoted cell) carries no record: Marketo writes empty values as null.
		if (row.length === 1 && row[0] === '') return;
		if (this.emitRow(row)) for (const column of fixes) this.repairs.push({ row: this.rowNumber, column });
	}

	/**
	 * The state machine met text after a quote that should have closed the
	 * value: a lenient read keeps the quote as data and reads on inside the
	 * value (Marketo wrote a quote it did not double); a strict one refuses.
	 */
	private strayQuote(): void {
		if (!this.lenient) this.unexpectedAfterQuote(this.row.length + 1);
		this.rowRepairs.push(this.row.length + 1);
		this.field += '"';
		this.closedQuote = false;
		this.inQuotes = true;
	}

	private unexpectedAfterQuote(column: number): never {
		throw new MalformedFileError(
			`Row ${this.rowNumber + 1}, ${this.describeColumn(column)}: text follows a closing quote; a quoted value must be followed by the delimiter or a line break.`,
		);
	}

	private describeColumn(column: number): string {
		return describeColumn(column, this.columns);
	}
}

/** "column 3 (email)": the header's name for a column (from 1), once known; never a value. */
export function describeColumn(column: number, columns: readonly string[] | undefined): string {
	const name = columns?.[column - 1];
	return name === undefined ? `column ${column}` : `column ${column} (${name})`;
}

/**
 * An object with every column set to null, in V8's fast mode. Built key by key
 * with computed names, an object past about 16 properties falls into
 * dictionary mode, and every copy of it then costs ten times as much; JSON.parse
 * builds it from a known shape, and the spread gives a fast copy even past
 * JSON.parse's own limit (127 properties). A column named __proto__ stays an
 * ordinary own property this way.
 */
function recordTemplate(columns: readonly string[]): ExportRecord {
	const json = `{${columns.map((name) => `${JSON.stringify(name)}:null`).join(',')}}`;
	return { ...(JSON.parse(json) as ExportRecord) };
}

/** How many quotes text[from, to) holds. */
function quotesIn(text: string, from: number, to: number): number {
	let count = 0;
	for (let at = text.indexOf('"', from); at !== -1 && at < to; at = text.indexOf('"', at + 1)) count++;
	return count;
}

/** A cell as a file would hold it: quoted (quotes doubled) where it holds the delimiter, a quote or a line break; null as Marketo's `null`. */
function quoteCell(cell: Cell, delimiter: string): string {
	if (cell === null) return 'null';
	return cell === 'null' || cell.includes(delimiter) || /["\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

/** A value as the record keeps it: converted, or the text (an empty text stays empty). */
function typed(convert: ValueConverter | undefined, text: string): TypedValue {
	return convert === undefined || text === '' ? text : convert(text);
}

/** Index of the first LF outside quotes, or -1 if the first row is not complete yet. */
function endOfFirstRow(text: string): number {
	let inQuotes = false;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c === QUOTE) inQuotes = !inQuotes;
		else if (c === LF && !inQuotes) return i;
	}
	return -1;
}

/**
 * Adobe documents SSV once as semicolon- and elsewhere as space-separated. The
 * header decides: an unquoted ';' means semicolons (a space-separated header
 * quotes any name holding a space or a ';'), otherwise spaces.
 */
export function detectSsvDelimiter(header: string): number {
	let inQuotes = false;
	for (let i = 0; i < header.length; i++) {
		const c = header.charCodeAt(i);
		if (c === QUOTE) inQuotes = !inQuotes;
		else if (c === 0x3b && !inQuotes) return 0x3b;
	}
	return 0x20;
}

/** Cells of a line without quotes, `null` → null. */
function splitCells(line: string, delimiter: string): Cell[] {
	const cells: Cell[] = line.split(delimiter);
	for (let k = 0; k < cells.length; k++) if (cells[k] === 'null') cells[k] = null;
	return cells;
}
