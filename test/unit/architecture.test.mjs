/**
 * The node's layers, checked from its source: every import runs down a floor
 * (or stays in its folder), no two folders import each other, and nothing
 * below actions/ reads a node parameter or names an option as the editor
 * labels it. The engine's rooms (extract/jobs, files, state, model,
 * deletions) are floors too. A new folder must be given its floor here.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';

const root = resolve(import.meta.dirname, '../../nodes/MarketoBulkExtract');

/**
 * Floors, top (0) to bottom. Folders on one floor do not import each other.
 * The engine (extract/) is rooms, each a floor of its own: the run of jobs and
 * Get Deleted Leads over the files and the state, both over the model.
 */
const FLOORS = {
	'.': 0,
	methods: 1,
	actions: 2,
	'extract/jobs': 3,
	'extract/deletions': 3,
	'extract/files': 4,
	'extract/state': 4,
	'extract/model': 5,
	csv: 6,
	transport: 6,
	helpers: 7,
};
const BELOW_ACTIONS = Object.keys(FLOORS).filter((folder) => FLOORS[folder] > FLOORS.actions);

function sourceFiles(dir = root) {
	return readdirSync(dir).flatMap((entry) => {
		const path = join(dir, entry);
		if (statSync(path).isDirectory()) return sourceFiles(path);
		return path.endsWith('.ts') ? [path] : [];
	});
}

/** A file's folder: its room, inside the engine (a file at extract/'s root has none, and no floor). */
const folderOf = (file) => {
	const parts = relative(root, file).split('/');
	if (parts.length === 1) return '.';
	return parts[0] === 'extract' && parts.length > 2 ? `extract/${parts[1]}` : parts[0];
};

/** Every relative import as [from folder, to folder, where]. */
function folderImports() {
	const imports = [];
	for (const file of sourceFiles()) {
		for (const [, target] of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
			let resolved = resolve(dirname(file), target);
			resolved = statSync(resolved, { throwIfNoEntry: false })?.isDirectory() ? join(resolved, 'index.ts') : `${resolved}.ts`;
			imports.push([folderOf(file), folderOf(resolved), `${relative(root, file)} → ${target}`]);
		}
	}
	return imports;
}

/** A file's code without its comments, so that a comment may name what code must not. */
const codeOf = (file) =>
	readFileSync(file, 'utf8')
		.replace(/\/\*[\s\S]*?\*\//g, '')
		.replace(/^\s*\/\/.*$/gm, '');

describe('the node’s layers', () => {
	it('every folder has a floor', () => {
		for (const file of sourceFiles()) assert.ok(folderOf(file) in FLOORS, `${relative(root, file)}: give its folder a floor`);
	});

	it('no import runs up a floor or across to a sibling folder', () => {
		const wrong = folderImports().filter(([from, to]) => from !== to && FLOORS[to] <= FLOORS[from]);
		assert.deepEqual(wrong.map(([, , where]) => where), []);
	});

	it('no two folders import each other', () => {
		const pairs = new Set(folderImports().filter(([from, to]) => from !== to).map(([from, to]) => `${from}→${to}`));
		const cycles = [...pairs].filter((pair) => pairs.has(pair.split('→').reverse().join('→')));
		assert.deepEqual(cycles, []);
	});

	it('nothing below actions/ reads a node parameter', () => {
		const readers = sourceFiles()
			.filter((file) => BELOW_ACTIONS.includes(folderOf(file)))
			.filter((file) => /getNodeParameter|getCurrentNodeParameter|getInputData/.test(codeOf(file)));
		assert.deepEqual(readers.map((file) => relative(root, file)), []);
	});

	it('the store’s entries are spelled in state/storeKeys.ts alone', () => {
		// An entry as the store keeps it: a word and a bar (`own|…`), or a value and a bar in a template (`${key}|${digits}`).
		const entry = /[`'"](own|job|stopped|s|e|position|catchUp|lease|canary)\||\}\|\$\{/;
		const spelling = sourceFiles()
			.filter((file) => !file.endsWith('/extract/state/storeKeys.ts'))
			.filter((file) => entry.test(codeOf(file)));
		assert.deepEqual(spelling.map((file) => relative(root, file)), []);
	});

	it('the engine throws its own plain errors: n8n’s error classes are made in actions/ (and the transport, for Marketo’s answers)', () => {
		const making = sourceFiles()
			.filter((file) => folderOf(file).startsWith('extract/'))
			.filter((file) => /\b(NodeOperationError|NodeApiError|asNodeError)\b/.test(codeOf(file)));
		assert.deepEqual(making.map((file) => relative(root, file)), []);
	});

	it('nothing below actions/ names an option as the editor labels it', () => {
		const labels = /Max Items|Max Memory|Max Jobs|Max Wait|Jobs at Once|Poll Interval|Convert Values|Parse Attributes|Column Header Names/;
		const naming = sourceFiles()
			.filter((file) => BELOW_ACTIONS.includes(folderOf(file)))
			.filter((file) => labels.test(codeOf(file)));
		assert.deepEqual(naming.map((file) => relative(root, file)), []);
	});
});
