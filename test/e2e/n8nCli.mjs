/**
 * A real n8n (2.41.1 on Node 24 by default, or 1.123.x on Node 20; from .cache/e2e) with this package installed
 * from the tarball `npm pack` makes, in a throw-away user folder, driven
 * through its CLI: import:credentials, import:workflow, execute.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { installN8n, N8N_VERSION } from '../../scripts/e2e/installN8n.mjs';
import { packageJson, packTarball, unpackTarball } from '../../scripts/tarball.mjs';

/** Packs the built package and unpacks it where n8n loads community packages. */
function installPackage(userFolder) {
	const packDir = mkdtempSync(join(tmpdir(), 'n8n-pack-'));
	unpackTarball(packTarball(packDir), join(userFolder, '.n8n', 'nodes', 'node_modules', packageJson.name));
	rmSync(packDir, { recursive: true, force: true });
}

/**
 * Until n8n has started fully, every path answers 200 with a page "n8n is starting up": an answer
 * from n8n itself (its REST API, started) is JSON.
 */
export function answeredByN8n(response) {
	return /json/.test(response.headers.get('content-type') ?? '');
}

/**
 * `env` adds to n8n's environment for every command (a database, queue mode):
 * the CLI commands must see the same database as the servers they prepare.
 * `withPackage: false` leaves the package out, for n8n's own installer to fetch.
 */
export async function startN8n({ env: extraEnv = {}, version = N8N_VERSION, withPackage = true } = {}) {
	const release = installN8n(version);
	const n8nBin = release.bin;
	const userFolder = mkdtempSync(join(tmpdir(), 'n8n-e2e-'));
	if (withPackage) installPackage(userFolder);
	const env = {
		...process.env,
		PATH: release.nodeBin ? `${release.nodeBin}:${process.env.PATH}` : process.env.PATH,
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: 'e2e-encryption-key',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_LOG_LEVEL: 'info',
		GENERIC_TIMEZONE: 'UTC',
		...extraEnv,
	};

	function n8n(args) {
		return new Promise((resolve, reject) => {
			const child = spawn(n8nBin, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
			let stdout = '';
			let stderr = '';
			child.stdout.on('data', (chunk) => (stdout += chunk));
			child.stderr.on('data', (chunk) => (stderr += chunk));
			child.on('error', reject);
			child.on('close', (code) => resolve({ code, stdout, stderr }));
		});
	}

	async function importJson(command, value) {
		const file = join(userFolder, `${command.replace(':', '-')}-${Date.now()}.json`);
		writeFileSync(file, JSON.stringify(value));
		const result = await n8n([command, `--input=${file}`]);
		if (result.code !== 0 || /error/i.test(result.stderr)) {
			throw new Error(`n8n ${command} failed (${result.code}): ${result.stdout}\n${result.stderr}`);
		}
	}

	return {
		userFolder,
		env,
		binary: n8nBin,
		/** The n8n release: { version, major }. */
		release,
		/** Runs an n8n CLI command to its end: { code, stdout, stderr }. */
		run: n8n,
		importCredentials: (credentials) => importJson('import:credentials', credentials),
		/** The credential the examples use (id marketo-credential), pointing at `sandbox`. */
		importSandboxCredential: (sandbox) =>
			importJson('import:credentials', [
				{
					id: 'marketo-credential',
					name: 'Marketo sandbox',
					type: 'marketoOAuth2Api',
					data: { baseUrl: sandbox.restEndpoint, clientId: sandbox.clientId, clientSecret: sandbox.clientSecret },
				},
			]),
		importWorkflow: (workflow) => importJson('import:workflow', workflow),
		/**
		 * Runs a workflow; resolves with { run, log }: the run data n8n printed (a
		 * successful run) or undefined, and everything else it printed.
		 */
		async execute(workflowId) {
			const { code, stdout, stderr } = await n8n(['execute', `--id=${workflowId}`, '--rawOutput']);
			// n8n prints the run as indented JSON among its log lines (before and after it):
			// the run is the text from a line "{" to the next line "}" at column 0.
			const start = stdout.search(/^\{$/m);
			const end = start === -1 ? -1 : stdout.slice(start).search(/^\}$/m);
			const json = end === -1 ? undefined : stdout.slice(start, start + end + 1);
			const run = code === 0 && json ? JSON.parse(json) : undefined;
			const log = json ? stdout.replace(json, '') : stdout;
			return { run, code, log: `${log}\n${stderr}` };
		},
		/** The bytes of a binary entry n8n stored on disk (filesystem mode), found by its id under the user folder. */
		readBinary(binary) {
			if (binary.data !== 'filesystem-v2') return Buffer.from(binary.data, 'base64');
			const name = binary.id.split('/').at(-1);
			const found = execFileSync('find', [userFolder, '-type', 'f', '-name', name], { encoding: 'utf8' }).trim().split('\n')[0];
			if (!found) throw new Error(`binary ${binary.id} not found under ${userFolder}`);
			return readFileSync(found);
		},
		/** Starts `n8n start` on `port`; resolves once its REST API answers, with a stop(). */
		async serve(port) {
			const server = spawn(n8nBin, ['start'], {
				env: { ...env, N8N_PORT: String(port), N8N_RUNNERS_BROKER_PORT: String(port + 1) },
				stdio: ['ignore', 'pipe', 'pipe'],
			});
			let output = '';
			server.stdout.on('data', (chunk) => (output += chunk));
			server.stderr.on('data', (chunk) => (output += chunk));
			const url = `http://localhost:${port}`;
			const deadline = Date.now() + 120_000;
			for (;;) {
				if (server.exitCode !== null) throw new Error(`n8n start exited: ${output}`);
				// /healthz answers before the REST routes exist; /rest/settings only once they do.
				const ready = await fetch(`${url}/rest/settings`).then((r) => r.ok && answeredByN8n(r), () => false);
				if (ready) break;
				if (Date.now() > deadline) throw new Error(`n8n did not start within 2 minutes: ${output}`);
				await new Promise((resolve) => setTimeout(resolve, 500));
			}
			return {
				url,
				output: () => output,
				stop: () =>
					new Promise((resolve) => {
						server.once('exit', resolve);
						server.kill('SIGTERM');
					}),
			};
		},
		cleanup: () => rmSync(userFolder, { recursive: true, force: true }),
	};
}

/** Output items of a node in a run printed by `n8n execute`. */
export function nodeOutput(run, nodeName, output = 0) {
	const task = run.data.resultData.runData[nodeName]?.at(-1);
	if (!task) throw new Error(`"${nodeName}" did not run`);
	if (task.error) throw new Error(`"${nodeName}" failed: ${task.error.message}`);
	return task.data.main[output] ?? [];
}
