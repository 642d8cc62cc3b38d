/**
 * `npm run n8n`: the real n8n editor on http://localhost:5678 with this package
 * loaded (installed from `npm pack`, as users get it), the Marketo sandbox
 * running, a credential "Marketo sandbox" pointing at it and the example
 * workflows imported. Sign up with any e-mail on first start. Ctrl-C stops both.
 */
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { startSandbox } from '../test/sandbox/server.mjs';
import { startN8n } from '../test/e2e/n8nCli.mjs';

const port = process.env.N8N_PORT ?? '5678';
const sandbox = await startSandbox({ speed: 60, leadCount: 20_000, port: 0 });
console.log(`Marketo sandbox: ${sandbox.restEndpoint} (clock ×60)`);
const n8n = await startN8n();
await n8n.importSandboxCredential(sandbox);
const examples = join(import.meta.dirname, '..', 'examples');
for (const [index, file] of readdirSync(examples).filter((name) => name.endsWith('.json')).entries()) {
	const workflow = JSON.parse(readFileSync(join(examples, file), 'utf8'));
	await n8n.importWorkflow({ ...workflow, id: `example${index + 1}` });
}
console.log(`n8n data folder: ${n8n.userFolder}`);
const server = spawn(n8n.binary, ['start'], {
	env: { ...n8n.env, N8N_PORT: port, N8N_RUNNERS_BROKER_PORT: String(Number(port) + 1) },
	stdio: 'inherit',
});
const stop = async () => {
	server.kill('SIGTERM');
	await sandbox.stop();
	process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
server.on('exit', async (code) => {
	await sandbox.stop();
	process.exit(code ?? 0);
});
