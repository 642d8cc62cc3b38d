import { startSandbox } from '../sandbox/server.mjs';
import { CredentialStore, outputOf, errorOf, runWorkflow } from './engine.mjs';
import { CREDENTIAL_ID, MARKETO_NODE, marketoWorkflow } from './workflows.mjs';

/**
 * A sandbox plus a credential pointing at it, and a `run` that executes the
 * Marketo node with the given parameters through n8n's engine.
 */
export async function sandboxFixture(options = {}) {
	const sandbox = await startSandbox(options);
	const credentials = new CredentialStore();
	credentials.set(CREDENTIAL_ID, {
		baseUrl: options.endpoint ?? sandbox.restEndpoint,
		clientId: sandbox.clientId,
		clientSecret: options.credentialSecret ?? sandbox.clientSecret,
	});
	async function run(parameters, extra = {}) {
		const { nodes, connections } = marketoWorkflow({ parameters, ...extra });
		const { run: result } = await runWorkflow({ nodes, connections, credentials, ...extra });
		return {
			run: result,
			items: () => outputOf(result, MARKETO_NODE),
			error: () => errorOf(result, MARKETO_NODE),
		};
	}
	return { sandbox, credentials, run, stop: () => sandbox.stop() };
}
