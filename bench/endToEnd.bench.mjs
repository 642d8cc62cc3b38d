/**
 * P2: Extract Leads end to end against the floor, and peak memory. The sandbox
 * runs in its own process with every lead in one 31-day window, its clock at
 * 1200× (a job completes within two 50 ms ticks, tokens live 3 s); each
 * scenario runs in a fresh process.
 */
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';

import { leadsForSize } from './data.mjs';
import { median } from './stats.mjs';

const RANGE = { start: '2026-01-01T00:00:00Z', end: '2026-01-30T00:00:00Z' };
const root = join(import.meta.dirname, '..');

async function startSandbox({ megabytes, repeat = 1 }) {
	const child = spawn(process.execPath, ['--max-old-space-size=16000', join(root, 'scripts', 'sandbox.mjs'), '--speed', '1200', '--leads', String(leadsForSize(megabytes)), '--start', RANGE.start, '--end', RANGE.end, '--repeat', String(repeat), '--quota-mb', '1000000'], { stdio: ['ignore', 'pipe', 'inherit'] });
	const line = await new Promise((resolve, reject) => {
		child.stdout.once('data', (data) => resolve(String(data).split('\n')[0]));
		child.once('exit', (code) => reject(new Error(`sandbox exited ${code}`)));
	});
	return { info: line, stop: () => child.kill('SIGTERM') };
}

function scenario(mode, sandbox) {
	const output = execFileSync(process.execPath, ['--max-old-space-size=16000', join(import.meta.dirname, 'endToEndRunner.mjs'), '--mode', mode, '--sandbox', sandbox, '--start', RANGE.start, '--end', RANGE.end], { encoding: 'utf8', maxBuffer: 1 << 24 });
	return JSON.parse(output.trim().split('\n').at(-1));
}

export async function endToEnd({ rounds = 3, withGigabyte = true } = {}) {
	const timing = [];
	const memory = [];
	const sandbox = await startSandbox({ megabytes: 100 });
	try {
		scenario('floor', sandbox.info); // warm-up: the sandbox builds the file once, untimed
		const runs = { floor: [], items: [], 'items-raw': [], binary: [] };
		for (let round = 0; round < rounds; round++) {
			const order = round % 2 ? ['binary', 'items-raw', 'items', 'floor'] : ['floor', 'items', 'items-raw', 'binary'];
			for (const mode of order) runs[mode].push(scenario(mode, sandbox.info));
		}
		const floorMs = median(runs.floor.map((r) => r.ms));
		for (const [mode, results] of Object.entries(runs)) {
			const last = results.at(-1);
			timing.push({ scenario: `${mode} (100 MB)`, 'median ms': median(results.map((r) => r.ms)), 'vs floor': (median(results.map((r) => r.ms)) / floorMs).toFixed(2), records: last.records ?? '', bytes: last.bytes ?? '' });
			memory.push({ scenario: `${mode}, 100 MB`, 'peak RSS MB': Math.max(...results.map((r) => r.peakRssMb)), 'RSS before the run MB': last.baselineRssMb, 'leads': last.records ?? '' });
		}
	} finally {
		sandbox.stop();
	}
	if (withGigabyte) {
		const big = await startSandbox({ megabytes: 100, repeat: 10 });
		try {
			scenario('binary', big.info); // warm-up, untimed
			for (const mode of ['binary']) {
				const result = scenario(mode, big.info);
				memory.push({ scenario: `${mode}, 1 GB`, 'peak RSS MB': result.peakRssMb, 'RSS before the run MB': result.baselineRssMb, leads: result.records ?? '', ms: result.ms });
			}
		} finally {
			big.stop();
		}
	}
	return { timing, memory };
}

if (process.argv[1] === import.meta.filename) {
	const { timing, memory } = await endToEnd({ rounds: Number(process.argv[2] ?? 3), withGigabyte: process.argv[3] !== 'no-1gb' });
	console.table(timing);
	console.table(memory);
}
