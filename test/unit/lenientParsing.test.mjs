/**
 * A lenient read of what Marketo is known to write wrongly: a quote inside a
 * quoted value that it did not double (`"first"Name1"`, seen in real exports;
 * embulk-input-marketo's lenient mode). The quote is kept as data, the read
 * goes on, and the repair is counted by row and column, never by value; a
 * strict read refuses the file, as before. Whatever the chunking.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';

const require = createRequire(import.meta.url);
const { RowTokenizer, MalformedFileError } = require('../../dist/nodes/MarketoBulkExtract/csv/rowTokenizer.js');

const header = (cells) => cells.map((cell) => cell ?? 'null');

/** The text parsed in chunks of these sizes (repeated); returns the records and the repairs. */
function parse(text, sizes, lenient = true) {
	const tokenizer = new RowTokenizer(',', header, undefined, lenient);
	const records = [];
	let at = 0;
	for (let k = 0; at < text.length; k++) {
		const size = sizes[k % sizes.length];
		tokenizer.push(text.slice(at, at + size), records);
		at += size;
	}
	tokenizer.end(records);
	return { records, repairs: tokenizer.repairs, unreadable: tokenizer.unreadable };
}

const CHUNKINGS = [[1_000_000], [1], [2, 3, 5], [7], [4, 1]];

describe('a lenient read of stray quotes', () => {
	it('keeps a quote Marketo did not double as data, in every position of a row, whatever the chunking', () => {
		const text = [
			'id,firstName,notes',
			'1,"first"Name1",plain',
			'2,ok,"a "quoted" word, and a comma"',
			'3,"ends with a stray ""doubled"" and a "stray",x',
			'4,"multi\nline "value" here",y',
			'5,last,"fine"',
			'',
		].join('\n');
		for (const sizes of CHUNKINGS) {
			const { records, repairs } = parse(text, sizes);
			assert.deepEqual(
				records.map((record) => [record.id, record.firstName, record.notes]),
				[
					['1', 'first"Name1', 'plain'],
					['2', 'ok', 'a "quoted" word, and a comma'],
					['3', 'ends with a stray "doubled" and a "stray', 'x'],
					['4', 'multi\nline "value" here', 'y'],
					['5', 'last', 'fine'],
				],
				`chunks ${sizes}`,
			);
			assert.deepEqual(
				repairs.map(({ row, column }) => `${row}:${column}`),
				['2:2', '3:3', '3:3', '4:2', '5:2', '5:2'],
				`chunks ${sizes}: each stray quote by row (the header is row 1) and column`,
			);
		}
	});

	it('a strict read refuses the same file, naming the row and column, never the value', () => {
		for (const sizes of CHUNKINGS) {
			assert.throws(() => parse('id,firstName\n1,"Jane"Doe"\n', sizes, false), (error) => {
				assert.ok(error instanceof MalformedFileError);
				assert.match(error.message, /^Row 2, column 2 .*text follows a closing quote/);
				assert.doesNotMatch(error.message, /Jane|Doe/);
				return true;
			});
		}
	});

	it('a well-formed file reads the same, leniently or not, with nothing repaired', () => {
		const text = 'id,a,b\n1,"x ""y"", z","multi\r\nline"\n2,null,"null"\r\n3,,""\n';
		for (const sizes of CHUNKINGS) {
			const lenient = parse(text, sizes);
			assert.deepEqual(lenient.records, parse(text, sizes, false).records);
			assert.deepEqual(lenient.repairs, []);
		}
	});

	it('a row of the wrong width, with or without quotes, is kept whole as unreadable, and the rows after it are read, whatever the chunking', () => {
		const text = ['id,a,b', '1,x,y', '2,too,many,values', '3,"q,uoted",y,extra', '4,few', '5,"multi', 'line",z', '6,"only one"', '7,x,"y"', ''].join('\n');
		for (const sizes of CHUNKINGS) {
			const { records, unreadable } = parse(text, sizes);
			assert.deepEqual(records.map((record) => record.id), ['1', '5', '7'], `chunks ${sizes}`);
			assert.deepEqual(records[1].a, 'multi\nline');
			// The text as the file holds it; a row the reader took across chunks is written again, quoted only where a value needs it.
			const asWritten = (raw) => (raw === '6,only one' ? '6,"only one"' : raw);
			assert.deepEqual(
				unreadable.map(({ row, reason, text: raw }) => [row, reason, asWritten(raw)]),
				[
					[3, '4 values where the header has 3 columns', '2,too,many,values'],
					[4, '4 values where the header has 3 columns', '3,"q,uoted",y,extra'],
					[5, '2 values where the header has 3 columns', '4,few'],
					[7, '2 values where the header has 3 columns', '6,"only one"'],
				],
				`chunks ${sizes}`,
			);
		}
	});

	it('a quote inside an unquoted value is data, counted where read leniently and read as before where strict', () => {
		for (const sizes of CHUNKINGS) {
			const lenient = parse('id,a\n1,ab"c\n2,x"y"z\n', sizes);
			assert.deepEqual(lenient.records.map((record) => record.a), ['ab"c', 'x"y"z'], `chunks ${sizes}`);
			assert.deepEqual(lenient.repairs.map(({ row, column }) => `${row}:${column}`), ['2:2', '3:2', '3:2'], `chunks ${sizes}`);
			assert.deepEqual(parse('id,a\n1,ab"c\n', sizes, false).records.map((record) => record.a), ['ab"c']);
		}
	});

	it('a quote that never closes keeps the rest of the text as one unreadable row, after the rows before it', () => {
		for (const sizes of CHUNKINGS) {
			const { records, unreadable } = parse('id,a\n1,x\n2,"open\n3,y\n', sizes);
			assert.deepEqual(records.map((record) => record.id), ['1'], `chunks ${sizes}`);
			assert.deepEqual(unreadable, [{ row: 3, reason: 'column 2 (a): a quoted value is never closed (the rest of the file is inside it)', text: '2,"open\n3,y\n' }]);
			assert.throws(() => parse('id,a\n1,x\n2,"open\n3,y\n', sizes, false), /Row 3, column 2 \(a\): a quoted value is never closed/);
		}
	});
});
