/**
 * `npm run bench`: every benchmark of BENCHMARKS.md in one run, printed as
 * tables (and written to .cache/bench/results.json). Not part of the tests:
 * numbers on a shared machine vary; compare the ratios.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

import { activitiesEndToEnd, endToEnd } from './endToEnd.bench.mjs';
import { apiEconomy, quotaEfficiency, windowsInParallel } from './extract.bench.mjs';
import { runConversionBench, runHeadToHead, runParserBench } from './parser.bench.mjs';
import { lookBackQuota } from './lookBackQuota.mjs';
import { storeCallsPerRun } from './storeCalls.mjs';

const results = {
	date: new Date().toISOString(),
	machine: `${cpus().length} × ${cpus()[0].model}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
};
console.log(results.machine);

console.log('\nP1 parser by width, 50 MB files (median of 5 interleaved rounds)');
results.parser = runParserBench({ megabytes: 50, widths: [12, 27, 50, 100, 200], rounds: 5 });
console.table(results.parser.rows);
console.table(results.parser.memory);

console.log('\nP1 head to head with udsv fed the same chunks, 50 MB files (median of 9 alternating rounds)');
results.headToHead = runHeadToHead({ megabytes: 50, widths: [12, 27, 50, 100, 200], rounds: 9 });
console.table(results.headToHead);

console.log('\nP1b Convert Values by width, 50 MB files (median of 7 interleaved rounds)');
results.conversion = runConversionBench({ megabytes: 50, widths: [12, 27, 100, 200], rounds: 7 });
console.table(results.conversion);

console.log('\nP2 end to end at 12, 27 and 100 columns (median of 3 interleaved rounds; each scenario in its own process)');
results.endToEnd = await endToEnd({ rounds: 3, widths: [12, 27, 100] });
console.table(results.endToEnd.timing);
console.table(results.endToEnd.memory);
console.table(results.endToEnd.conversion);

console.log('\nP2 for activities (100 MB, the eight standard columns, attributes parsed; median of 3)');
results.activitiesEndToEnd = await activitiesEndToEnd({ rounds: 3 });
console.table(results.activitiesEndToEnd);

console.log('\nP3 API calls per extract');
results.apiEconomy = await apiEconomy();
console.table(results.apiEconomy);

console.log('\nP4 a year in 12 windows: 2 jobs at once against 1 (median of 3)');
results.windows = await windowsInParallel({ rounds: 3 });
console.table(results.windows);

console.log('\nP5 quota efficiency: a three-year backlog drained by Since Last Run');
results.quotaEfficiency = await quotaEfficiency();
console.table(results.quotaEfficiency);

console.log("\nP6 what a Since Last Run run asks of n8n's processed-data store (three runs a second apart)");
results.storeCalls = await storeCallsPerRun();
console.table(results.storeCalls);

console.log('\nP7 what the look-back costs in daily export quota: Extract Activities at its default, one run of each schedule');
results.lookBackQuota = await lookBackQuota();
console.table(results.lookBackQuota);

const dir = join(import.meta.dirname, '..', '.cache', 'bench');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'results.json'), JSON.stringify(results, null, 2));
process.exit(0);
