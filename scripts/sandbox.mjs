/**
 * Runs the Marketo sandbox on its own, for a real n8n to talk to.
 * `node scripts/sandbox.mjs [--port N] [--speed S] [--leads N]` prints one JSON
 * line ({ url, restEndpoint, clientId, clientSecret }) and serves until stopped.
 */
import { parseArgs } from 'node:util';

import { startSandbox } from '../test/sandbox/server.mjs';

const { values } = parseArgs({
	options: {
		port: { type: 'string', default: '0' },
		speed: { type: 'string', default: '60' },
		leads: { type: 'string', default: '20000' },
	},
});
const sandbox = await startSandbox({
	port: Number(values.port),
	speed: Number(values.speed),
	leadCount: Number(values.leads),
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
