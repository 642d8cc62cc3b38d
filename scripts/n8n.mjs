/**
 * `npm run n8n`: the production set-up of the tests, for a person to look at.
 * A real `n8n start` on http://localhost:5678 (N8N_PORT to change) backed by
 * PostgreSQL, with this package installed from `npm pack` as users get it;
 * the Marketo sandbox (its clock ×60); credentials "Marketo sandbox" and
 * "Warehouse"; the example workflows imported, and the scheduled example
 * active, firing every minute and upserting into the warehouse database's
 * marketo_leads and marketo_activities tables. Sign up with any e-mail on
 * first start. Ctrl-C stops everything and removes its data.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { startSandbox } from '../test/sandbox/server.mjs';
import { startDeployment } from '../test/production/n8nServer.mjs';
import { startPostgres } from '../test/production/services.mjs';
import { postgresCredential, scheduledExample, WAREHOUSE_DDL } from '../test/production/warehouse.mjs';

const port = Number(process.env.N8N_PORT ?? 5678);
const postgres = await startPostgres({ databases: ['n8n', 'warehouse'] });
postgres.sql('warehouse', WAREHOUSE_DDL);
const sandbox = await startSandbox({ speed: 60, leadCount: 20_000, port: 0 });
const deployment = await startDeployment({ postgres });
let stopping = false;
const stop = async () => {
	if (stopping) return;
	stopping = true;
	await deployment.stopAll();
	await sandbox.stop();
	await postgres.stop();
	process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

await deployment.importSandboxCredential(sandbox);
await deployment.importCredentials([postgresCredential(postgres, 'warehouse')]);
const examples = join(import.meta.dirname, '..', 'examples');
for (const [index, file] of readdirSync(examples).filter((name) => name.endsWith('.json')).entries()) {
	const workflow = JSON.parse(readFileSync(join(examples, file), 'utf8'));
	await deployment.importWorkflow({ ...workflow, id: `example${index + 1}` });
}
await deployment.importWorkflow(scheduledExample({ id: 'nightlyEveryMinute', seconds: 60, pollIntervalSeconds: 1 }));
await deployment.activate('nightlyEveryMinute');
const main = await deployment.startMain({ port });
console.log(`n8n:             ${main.url} (the scheduled example is active, every minute)`);
console.log(`Marketo sandbox: ${sandbox.restEndpoint} (clock ×60)`);
console.log(`Warehouse:       psql -h 127.0.0.1 -p ${postgres.port} -U postgres warehouse -c 'select count(*) from marketo_leads'`);
console.log('Ctrl-C stops everything.');
