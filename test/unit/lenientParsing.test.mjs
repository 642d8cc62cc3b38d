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
	return { records, repairs: tokenizer.repairs };
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
});
