import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';

import { parse } from 'csv-parse/sync';

import { seededRandom } from '../sandbox/random.mjs';

const require = createRequire(import.meta.url);
const { ExportFileReader, MalformedFileError } = require('../../dist/nodes/MarketoBulkExtract/csv/exportFileReader.js');

const DELIMITER = { CSV: ',', TSV: '\t', SSV: ' ' };

/** Feeds `bytes` to a reader in chunks cut at the given sizes (cycled); returns every record. */
function parseInChunks(bytes, format, sizes = [bytes.length || 1]) {
	const reader = new ExportFileReader(format);
	const records = [];
	let offset = 0;
	for (let i = 0; offset < bytes.length; i++) {
		const size = Math.max(1, sizes[i % sizes.length]);
		records.push(...reader.push(bytes.subarray(offset, offset + size)));
		offset += size;
	}
	records.push(...reader.end());
	return records;
}

/** The oracle: csv-parse, with Marketo's `null` mapped the way the node maps it. */
function oracle(text, delimiter) {
	const rows = parse(text, {
		delimiter,
		record_delimiter: ['\r\n', '\n'],
		relax_column_count: false,
		skip_empty_lines: true,
		bom: true,
		cast: (value, context) => (value === 'null' && !context.quoting ? null : value),
	});
	const [header, ...data] = rows;
	return data.map((row) => Object.fromEntries(header.map((name, i) => [name, row[i]])));
}

const PIECES = ['a', 'Zoë', '東京', '🚀', '𝄞', 'null', ' ', ',', ';', '\t', '"', '""', '\n', '\r\n', '\r', '\u2028', '\u2029', 'x y', '42', '-3.5', 'true'];

function randomValue(random, delimiter) {
	const roll = random();
	if (roll < 0.1) return { text: 'null', value: null };
	if (roll < 0.15) return { text: '"null"', value: 'null' };
	if (roll < 0.2) return { text: '', value: '' };
	let value = '';
	const length = 1 + Math.floor(random() * 6);
	for (let i = 0; i < length; i++) value += PIECES[Math.floor(random() * PIECES.length)];
	const mustQuote = value.includes(delimiter) || /["\r\n]/.test(value) || value === 'null';
	if (mustQuote || random() < 0.2) return { text: `"${value.replace(/"/g, '""')}"`, value };
	return { text: value, value };
}

/** A random document: header, rows of hazards, LF or CRLF row ends, optional BOM and final newline. */
function randomDocument(random, format, widths = [1, 5]) {
	const delimiter = DELIMITER[format];
	const width = widths[0] + Math.floor(random() * (widths[1] - widths[0] + 1));
	const header = Array.from({ length: width }, (_, i) => `col${i}`);
	const rows = Array.from({ length: Math.floor(random() * 8) }, () =>
		Array.from({ length: width }, () => randomValue(random, delimiter)),
	);
	// A single empty unquoted value would be a blank line, which carries no record.
	if (width === 1) for (const row of rows) if (row[0].text === '') row[0] = { text: 'null', value: null };
	const newline = random() < 0.5 ? '\n' : '\r\n';
	const bom = random() < 0.1 ? '\uFEFF' : '';
	const lines = [header.join(delimiter), ...rows.map((row) => row.map((c) => c.text).join(delimiter))];
	const text = bom + lines.join(newline) + (random() < 0.7 ? newline : '');
	const expected = rows.map((row) => Object.fromEntries(header.map((name, i) => [name, row[i].value])));
	return { text, expected, delimiter };
}

describe('ExportFileReader', () => {
	it('agrees with csv-parse on 3,000 generated documents, whatever the chunking', () => {
		const random = seededRandom(20261128);
		let mismatches = 0;
		for (let n = 0; n < 3000; n++) {
			const format = ['CSV', 'TSV', 'CSV'][n % 3];
			const { text, expected, delimiter } = randomDocument(random, format);
			const bytes = Buffer.from(text, 'utf8');
			const fromOracle = oracle(text, delimiter);
			assert.deepEqual(fromOracle, expected, `the generator and csv-parse disagree on document ${n}`);
			const chunkings = [[bytes.length || 1], [1], [2, 3, 5], [Math.max(1, Math.floor(random() * 17))]];
			for (const sizes of chunkings) {
				try {
					assert.deepEqual(parseInChunks(bytes, format, sizes), fromOracle);
				} catch (error) {
					mismatches++;
					if (mismatches <= 3) console.error(`document ${n} chunks ${sizes}:`, JSON.stringify(text), error.message);
				}
			}
		}
		assert.equal(mismatches, 0);
	});

	it('agrees with csv-parse on 300 wide documents (20 to 250 columns), whatever the chunking', () => {
		const random = seededRandom(20261129);
		let mismatches = 0;
		for (let n = 0; n < 300; n++) {
			const format = ['CSV', 'TSV'][n % 2];
			const { text, expected, delimiter } = randomDocument(random, format, [20, 250]);
			const bytes = Buffer.from(text, 'utf8');
			const fromOracle = oracle(text, delimiter);
			assert.deepEqual(fromOracle, expected, `the generator and csv-parse disagree on document ${n}`);
			// Rows of a few KB: whole, cut every few bytes, cut at sizes around a row, at 64 KiB.
			const chunkings = [[bytes.length || 1], [7, 64, 1000], [1 + Math.floor(random() * 4096)], [65536]];
			for (const sizes of chunkings) {
				try {
					assert.deepEqual(parseInChunks(bytes, format, sizes), fromOracle);
				} catch (error) {
					mismatches++;
					if (mismatches <= 3) console.error(`wide document ${n} chunks ${sizes}:`, error.message.slice(0, 300));
				}
			}
		}
		assert.equal(mismatches, 0);
	});

	it('parses a row longer than any chunk, quoted or not, in whatever pieces it arrives', () => {
		const long = 'x'.repeat(700_000);
		const quotedLong = `${'line "one", '.repeat(40_000)}\nend`;
		const text = `id,notes\n1,${long}\n2,"${quotedLong.replace(/"/g, '""')}"\n3,short\n`;
		const expected = [
			{ id: '1', notes: long },
			{ id: '2', notes: quotedLong },
			{ id: '3', notes: 'short' },
		];
		for (const sizes of [[4096], [65536], [1000, 70_000]]) {
			assert.deepEqual(parseInChunks(Buffer.from(text), 'CSV', sizes), expected);
		}
		// A file that never breaks a line: one header, one value, megabytes long.
		const oneLine = `notes\n${'y'.repeat(3_000_000)}`;
		assert.equal(parseInChunks(Buffer.from(oneLine), 'CSV', [65536])[0].notes.length, 3_000_000);
	});

	it('keeps columns named like Object.prototype members as ordinary keys', () => {
		const records = parseInChunks(Buffer.from('__proto__,constructor,toString,hasOwnProperty\n1,2,"3",4\n'), 'CSV', [5]);
		assert.equal(records.length, 1);
		const [record] = records;
		assert.equal(Object.getPrototypeOf(record), Object.prototype);
		assert.deepEqual(Object.keys(record), ['__proto__', 'constructor', 'toString', 'hasOwnProperty']);
		assert.equal(Object.getOwnPropertyDescriptor(record, '__proto__').value, '1');
		assert.equal(record.constructor, '2');
		assert.equal(record.toString, '3');
	});

	it('names the row and the column of a malformed value, never the values themselves', () => {
		const secretish = 'ada.lovelace@example.com';
		const cases = [
			[`id,email\n1,${secretish},extra\n`, /^Row 2 has 3 values but the header has 2 columns/],
			[`id,email\n1,"${secretish}"x\n`, /^Row 2, column 2 \(email\): text follows a closing quote/],
			[`id,email\n1,"${secretish}\n`, /^Row 2, column 2 \(email\): a quoted value is never closed/],
		];
		for (const [text, message] of cases) {
			for (const sizes of [[text.length], [3]]) {
				assert.throws(() => parseInChunks(Buffer.from(text), 'CSV', sizes), (error) => {
					assert.match(error.message, message);
					assert.ok(!error.message.includes('ada') && !error.message.includes('example'), error.message);
					return true;
				});
			}
		}
	});

	it('joins a 4-byte UTF-8 character split across chunks', () => {
		const bytes = Buffer.from('name\n"𝄞 clef"\n', 'utf8');
		const clef = bytes.indexOf(0xf0);
		for (let cut = clef + 1; cut <= clef + 3; cut++) {
			const records = parseInChunks(bytes, 'CSV', [cut, bytes.length]);
			assert.deepEqual(records, [{ name: '𝄞 clef' }]);
		}
	});

	it('keeps quoted line breaks, the delimiter and doubled quotes inside values', () => {
		const text = 'id,notes\n1,"line one\nline two"\n2,"a, b"\n3,"say ""hi"""\n4,"crlf\r\ninside"\n';
		assert.deepEqual(parseInChunks(Buffer.from(text), 'CSV', [7]), [
			{ id: '1', notes: 'line one\nline two' },
			{ id: '2', notes: 'a, b' },
			{ id: '3', notes: 'say "hi"' },
			{ id: '4', notes: 'crlf\r\ninside' },
		]);
	});

	it('maps unquoted null to null and keeps a quoted "null" as text', () => {
		const records = parseInChunks(Buffer.from('a,b\nnull,"null"\n'), 'CSV');
		assert.deepEqual(records, [{ a: null, b: 'null' }]);
	});

	it('reads null only as the whole unquoted value, first, middle or last, in quoted rows or not, however it is cut', () => {
		const text = 'a,b,c\r\nnull,Null,nul\r\nnulls,"null",null\r\n"x",null,null\nnull,"q",null';
		const expected = [
			{ a: null, b: 'Null', c: 'nul' },
			{ a: 'nulls', b: 'null', c: null },
			{ a: 'x', b: null, c: null },
			{ a: null, b: 'q', c: null },
		];
		for (const size of [1, 2, 3, 5, 7, 64]) {
			const reader = new ExportFileReader('CSV');
			const records = [];
			const bytes = Buffer.from(text);
			for (let offset = 0; offset < bytes.length; offset += size) reader.push(bytes.subarray(offset, offset + size), records);
			assert.deepEqual(reader.end(records), expected, `chunks of ${size} bytes`);
		}
	});

	it('drops NUL bytes and the BOM, keeps U+2028 and stray CR as data', () => {
		const text = '\uFEFFa,b\nx\0y,東京\u2028大阪\nstray\rcr,z\r\n';
		assert.deepEqual(parseInChunks(Buffer.from(text), 'CSV', [3]), [
			{ a: 'xy', b: '東京\u2028大阪' },
			{ a: 'stray\rcr', b: 'z' },
		]);
	});

	it('yields nothing for a header-only file or an empty file', () => {
		assert.deepEqual(parseInChunks(Buffer.from('id,email\n'), 'CSV'), []);
		assert.deepEqual(parseInChunks(Buffer.from(''), 'CSV'), []);
	});

	it('tells SSV with semicolons from SSV with spaces by the header', () => {
		const semicolons = 'id;"First Name";notes\n1;Ada;"a b; c"\n';
		assert.deepEqual(parseInChunks(Buffer.from(semicolons), 'SSV', [4]), [
			{ id: '1', 'First Name': 'Ada', notes: 'a b; c' },
		]);
		const spaces = 'id "First Name" notes\n1 Ada "a b; c"\n';
		assert.deepEqual(parseInChunks(Buffer.from(spaces), 'SSV', [4]), [
			{ id: '1', 'First Name': 'Ada', notes: 'a b; c' },
		]);
	});

	it('rejects a row whose width differs from the header, naming the row', () => {
		const text = 'id,email\n1,a@x.com\n2,b@x.com,extra\n';
		assert.throws(() => parseInChunks(Buffer.from(text), 'CSV'), (error) => {
			assert.ok(error instanceof MalformedFileError);
			assert.match(error.message, /Row 3 has 3 values but the header has 2 columns/);
			return true;
		});
	});

	it('rejects a row with too few values, quoted or not', () => {
		assert.throws(() => parseInChunks(Buffer.from('id,email,notes\n1,a@x.com,n\n2,b@x.com\n'), 'CSV'), /Row 3 has 2 values but the header has 3 columns/);
		assert.throws(() => parseInChunks(Buffer.from('id,email,notes\n1,"a@x.com"\n'), 'CSV'), /Row 2 has 2 values but the header has 3 columns/);
		assert.throws(() => parseInChunks(Buffer.from('id,email\n1,"a",3\n'), 'CSV'), /Row 2 has 3 values but the header has 2 columns/);
	});

	it('rejects a file cut inside a quoted value', () => {
		assert.throws(() => parseInChunks(Buffer.from('id,notes\n1,"never closed\n'), 'CSV'), /never closed/);
	});

	it('rejects text after a closing quote', () => {
		assert.throws(() => parseInChunks(Buffer.from('a,b\n"x"y,1\n'), 'CSV'), /follows a closing quote/);
	});
});
