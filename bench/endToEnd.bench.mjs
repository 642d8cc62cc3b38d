/**
 * P2: Extract Leads end to end against the floor, and peak memory, at the
 * widths users export. For each width the sandbox runs in its own process with
 * every lead in one 31-day window, its clock at 1200× (a job completes within
 * two 50 ms ticks, tokens live 3 s); each scenario runs in a fresh process.
 */
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';

import { DEFAULT_ACTIVITY_FIELDS, generateActivities } from '../test/sandbox/activities.mjs';
import { generateLeads } from '../test/sandbox/dataset.mjs';
import { renderExportFile } from '../test/sandbox/exportFile.mjs';
import { fieldsOfWidth, leadsForSize } from './data.mjs';
import { median } from './stats.mjs';

const RANGE = { start: '2026-01-01T00:00:00Z', end: '2026-01-30T00:00:00Z' };
const root = join(import.meta.dirname, '..');
const STANDARD_FIELDS = 27;

/** The sandbox in its own process, serving `megabytes` of leads of `columns` columns in one 31-day window. */
export async function startSandbox({ megabytes, columns, repeat = 1, activities = 0 }) {
	const args = [
		'--max-old-space-size=16000',
		join(root, 'scripts', 'sandbox.mjs'),
		'--speed', '1200',
		'--leads', String(activities > 0 ? 2000 : leadsForSize(megabytes, columns)),
		'--activities', String(activities),
		'--custom-fields', String(Math.max(0, columns - STANDARD_FIELDS)),
		'--start', RANGE.start,
		'--end', RANGE.end,
		'--repeat', String(repeat),
		'--quota-mb', '1000000',
	];
	const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
	const line = await new Promise((resolve, reject) => {
		child.stdout.once('data', (data) => resolve(String(data).split('\n')[0]));
		child.once('exit', (code) => reject(new Error(`sandbox exited ${code}`)));
	});
	return { info: line, stop: () => child.kill('SIGTERM') };
}

/** One scenario in a fresh process; `dist` runs another build of the node (bench/compare.mjs). */
export function scenario(mode, sandbox, columns, dist, kind = 'leads') {
	const args = ['--max-old-space-size=16000', join(import.meta.dirname, 'endToEndRunner.mjs'), '--mode', mode, '--sandbox', sandbox, '--start', RANGE.start, '--end', RANGE.end, '--columns', String(columns), '--kind', kind];
	const env = dist ? { ...process.env, MARKETO_DIST: dist } : process.env;
	const output = execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 24, env });
	return JSON.parse(output.trim().split('\n').at(-1));
}

/** Fields of the first `columns` that Convert Values turns into numbers or booleans. */
function convertedFields(columns) {
	const converted = new Set(['integer', 'float', 'currency', 'percent', 'score', 'boolean']);
	return fieldsOfWidth(columns).filter((field) => converted.has(field.dataType)).length;
}

export async function endToEnd({ rounds = 3, widths = [12, 27, 100], megabytes = 100, withGigabyte = true } = {}) {
	const timing = [];
	const memory = [];
	const conversion = [];
	for (const columns of widths) {
		const sandbox = await startSandbox({ megabytes, columns });
		try {
			scenario('floor', sandbox.info, columns); // warm-up: the sandbox builds the file once, untimed
			const runs = { floor: [], items: [], 'items-raw': [], binary: [] };
			for (let round = 0; round < rounds; round++) {
				const order = round % 2 ? ['binary', 'items-raw', 'items', 'floor'] : ['floor', 'items', 'items-raw', 'binary'];
				for (const mode of order) runs[mode].push(scenario(mode, sandbox.info, columns));
			}
			const ms = (mode) => median(runs[mode].map((r) => r.ms));
			const floorMs = ms('floor');
			const records = runs.items.at(-1).records;
			const bytes = runs.binary.at(-1).bytes;
			for (const [mode, results] of Object.entries(runs)) {
				const last = results.at(-1);
				timing.push({ columns, scenario: `${mode} (${megabytes} MB)`, 'median ms': ms(mode), 'vs floor': (ms(mode) / floorMs).toFixed(2), records: last.records ?? '', bytes: last.bytes ?? '' });
				const peak = Math.max(...results.map((r) => r.peakRssMb));
				const added = (peak - last.baselineRssMb) * 1024 * 1024;
				memory.push({
					columns,
					scenario: `${mode}, ${megabytes} MB`,
					'peak RSS MB': peak,
					'RSS before the run MB': last.baselineRssMb,
					leads: records,
					'added bytes per lead': Math.round(added / records),
					'added bytes per field': (added / records / columns).toFixed(1),
					'added bytes per file byte': (added / bytes).toFixed(2),
				});
			}
			const values = records * convertedFields(columns);
			conversion.push({
				columns,
				'converted fields': convertedFields(columns),
				'values converted': values,
				'Convert Values cost ms': Math.round(ms('items') - ms('items-raw')),
				'ns per value': (((ms('items') - ms('items-raw')) * 1e6) / values).toFixed(1),
			});
		} finally {
			sandbox.stop();
		}
	}
	if (withGigabyte) {
		const big = await startSandbox({ megabytes: 100, columns: 12, repeat: 10 });
		try {
			scenario('binary', big.info, 12); // warm-up, untimed
			const result = scenario('binary', big.info, 12);
			memory.push({ columns: 12, scenario: 'binary, 1 GB', 'peak RSS MB': result.peakRssMb, 'RSS before the run MB': result.baselineRssMb, leads: '', ms: result.ms });
		} finally {
			big.stop();
		}
	}
	return { timing, memory, conversion };
}

/** Average bytes per activity in the sandbox's files (Marketo's eight standard columns). */
function bytesPerActivity() {
	const leads = generateLeads({ count: 100, start: RANGE.start, end: RANGE.end });
	const sample = generateActivities({ count: 2000, start: RANGE.start, end: RANGE.end, leads });
	return renderExportFile({ leads: sample, fields: DEFAULT_ACTIVITY_FIELDS, format: 'CSV' }).length / sample.length;
}

/** P2 for activities: the same scenarios against the same floor, their rows carrying JSON attributes. */
export async function activitiesEndToEnd({ rounds = 3, megabytes = 100 } = {}) {
	const count = Math.round((megabytes * 1024 * 1024) / bytesPerActivity());
	const sandbox = await startSandbox({ megabytes, columns: 8, activities: count });
	const timing = [];
	try {
		scenario('floor', sandbox.info, 8, undefined, 'activities'); // warm-up: the sandbox builds the file once
		const runs = { floor: [], items: [], 'items-raw': [], binary: [] };
		for (let round = 0; round < rounds; round++) {
			const order = round % 2 ? ['binary', 'items-raw', 'items', 'floor'] : ['floor', 'items', 'items-raw', 'binary'];
			for (const mode of order) runs[mode].push(scenario(mode, sandbox.info, 8, undefined, 'activities'));
		}
		const floorMs = median(runs.floor.map((r) => r.ms));
		for (const [mode, results] of Object.entries(runs)) {
			const ms = median(results.map((r) => r.ms));
			const peak = Math.max(...results.map((r) => r.peakRssMb));
			timing.push({ export: 'activities', scenario: `${mode} (${megabytes} MB)`, 'median ms': ms, 'vs floor': (ms / floorMs).toFixed(2), records: results.at(-1).records ?? '', 'peak RSS MB': peak });
		}
	} finally {
		sandbox.stop();
	}
	return timing;
}

if (process.argv[1] === import.meta.filename) {
	const [rounds = '3', widths = '12,27,100', gigabyte = 'with-1gb'] = process.argv.slice(2);
	const { timing, memory, conversion } = await endToEnd({ rounds: Number(rounds), widths: widths.split(',').map(Number), withGigabyte: gigabyte !== 'no-1gb' });
	console.table(timing);
	console.table(memory);
	console.table(conversion);
	console.table(await activitiesEndToEnd({ rounds: Number(rounds) }));
}
