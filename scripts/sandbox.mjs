/**
 * Runs the Marketo sandbox on its own, for a real n8n to talk to.
 * `node scripts/sandbox.mjs [--port N] [--speed S] [--leads N] [--start ISO] [--end ISO]
 * [--ticks N] [--repeat N] [--quota-mb N] [--custom-fields N] [--activities N]` prints one JSON
 * line ({ url, restEndpoint, clientId, clientSecret }) and serves until stopped.
 */
import { parseArgs } from 'node:util';

import { startSandbox } from '../test/sandbox/server.mjs';

const { values } = parseArgs({
	options: {
		port: { type: 'string', default: '0' },
		speed: { type: 'string', default: '60' },
		leads: { type: 'string', default: '20000' },
		start: { type: 'string', default: '2026-01-01T00:00:00Z' },
		end: { type: 'string', default: '2026-11-01T00:00:00Z' },
		ticks: { type: 'string', default: '1' },
		repeat: { type: 'string', default: '1' },
		'quota-mb': { type: 'string', default: '500' },
		'custom-fields': { type: 'string', default: '0' },
		activities: { type: 'string', default: '3000' },
	},
});
const sandbox = await startSandbox({
	port: Number(values.port),
	speed: Number(values.speed),
	leadCount: Number(values.leads),
	datasetStart: values.start,
	datasetEnd: values.end,
	processingTicks: Number(values.ticks),
	fileRepeat: Number(values.repeat),
	dailyQuotaBytes: Number(values['quota-mb']) * 1024 * 1024,
	customFields: Number(values['custom-fields']),
	activityCount: Number(values.activities),
	// A standalone sandbox serves benchmarks and demos: each distinct file is built once.
	cacheFiles: true,
});
process.stdout.write(
	`${JSON.stringify({ url: sandbox.url, restEndpoint: sandbox.restEndpoint, clientId: sandbox.clientId, clientSecret: sandbox.clientSecret })}\n`,
);
const stop = async () => {
	await sandbox.stop();
	process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
