/**
 * Runs the Marketo node through n8n's engine in a process of its own, so a
 * test can SIGKILL it mid-extract as a worker dies. Its job journal lives in
 * a file (JournalStore), as n8n's lives in its database, and outlives it.
 *
 * argv[2]: JSON { restEndpoint, clientId, clientSecret, parameters, journalFile }
 */
import { CredentialStore, JournalStore, runWorkflow } from './engine.mjs';
import { CREDENTIAL_ID, marketoWorkflow } from './workflows.mjs';

const spec = JSON.parse(process.argv[2]);
const credentials = new CredentialStore();
credentials.set(CREDENTIAL_ID, { baseUrl: spec.restEndpoint, clientId: spec.clientId, clientSecret: spec.clientSecret });
const { nodes, connections } = marketoWorkflow({ parameters: spec.parameters });
await runWorkflow({ nodes, connections, credentials, journal: new JournalStore(spec.journalFile) });
