/**
 * P2 of this build against another commit's, in one run: `npm run bench:compare -- <ref>`
 * (default: the commit before this branch's first change, given as BASELINE in
 * BENCHMARKS.md). The other commit is checked out into .cache/baseline/<sha>,
 * built with this checkout's TypeScript, and both builds run Extract Leads end
 * to end against the same sandbox, interleaved, each scenario in a fresh
 * process. The floor is the same for both: a plain download into this build's
 * parser. Prints each build's median and ratio to the floor, and the change.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

import { scenario as runScenario, startSandbox } from './endToEnd.bench.mjs';
import { median } from './stats.mjs';

const root = join(import.meta.dirname, '..');
const scenario = (mode, sandbox, columns, dist) => runScenario(mode, sandbox, columns, dist).ms;

function buildBaseline(ref) {
	const sha = execFileSync('git', ['rev-parse', ref], { cwd: root, encoding: 'utf8' }).trim();
	const dir = join(root, '.cache', 'baseline', sha);
	if (!existsSync(join(dir, 'dist'))) {
		mkdirSync(dir, { recursive: true });
		execFileSync('sh', ['-c', `git archive ${sha} | tar -x -C "${dir}"`], { cwd: root });
		if (!existsSync(join(dir, 'node_modules'))) symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
		execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: dir, stdio: 'inherit' });
	}
	return { sha, dist: join(dir, 'dist') };
}

export async function compareWith(ref, { rounds = 5, megabytes = 100, columns = 12 } = {}) {
	const baseline = buildBaseline(ref);
	const sandbox = await startSandbox({ megabytes, columns });
	const modes = ['items', 'items-raw', 'binary'];
	const times = { floor: [] };
	for (const mode of modes) {
		times[`${mode}|this`] = [];
		times[`${mode}|base`] = [];
	}
	try {
		scenario('floor', sandbox.info, columns); // warm-up: the sandbox builds the file once
		for (let round = 0; round < rounds; round++) {
			times.floor.push(scenario('floor', sandbox.info, columns));
			for (const mode of round % 2 ? [...modes].reverse() : modes) {
				const order = round % 2 ? ['base', 'this'] : ['this', 'base'];
				for (const which of order) times[`${mode}|${which}`].push(scenario(mode, sandbox.info, columns, which === 'base' ? baseline.dist : undefined));
			}
		}
	} finally {
		sandbox.stop();
	}
	const floor = median(times.floor);
	return modes.map((mode) => {
		const ours = median(times[`${mode}|this`]);
		const theirs = median(times[`${mode}|base`]);
		return {
			columns,
			scenario: mode,
			'floor ms': Math.round(floor),
			[`${baseline.sha.slice(0, 7)} ms`]: Math.round(theirs),
			'this build ms': Math.round(ours),
			[`${baseline.sha.slice(0, 7)} vs floor`]: (theirs / floor).toFixed(2),
			'this build vs floor': (ours / floor).toFixed(2),
			change: `${(((ours - theirs) / theirs) * 100).toFixed(1)} %`,
		};
	});
}

if (process.argv[1] === import.meta.filename) {
	const ref = process.argv[2] ?? 'c16aebb';
	const rows = [];
	for (const columns of [12, 27]) rows.push(...(await compareWith(ref, { columns, rounds: Number(process.argv[3] ?? 5) })));
	console.table(rows);
}
