/**
 * n8n as users run it in production: `n8n start` on PostgreSQL, optionally in
 * queue mode (Redis and `n8n worker` processes), with this package installed
 * from `npm pack` as a community package. Every process listens on 127.0.0.1
 * on ports of its own, and stopAll() ends every process this deployment
 * started, whatever state the test is in.
 */
import { answeredByN8n, startN8n } from '../e2e/n8nCli.mjs';
import { freePort, startProcess } from './services.mjs';

const OWNER = { email: 'owner@example.com', firstName: 'Ada', lastName: 'Lovelace', password: 'Production-Passw0rd' };

async function until(what, check, { timeoutMs = 120_000, intervalMs = 500, output = () => '' } = {}) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s\n${output().slice(-4000)}`);
		await new Promise((resolve) => setTimeout(resolve, intervalMs));
	}
}

/**
 * @param postgres a server from startPostgres(); n8n keeps its own data in `database`
 * @param redis a server from startRedis(), for queue mode; none for regular mode
 */
export async function startDeployment({ postgres, redis, database = 'n8n', version, withPackage = true, env: extraEnv = {} }) {
	const env = {
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: postgres.host,
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_DATABASE: database,
		DB_POSTGRESDB_USER: postgres.user,
		DB_POSTGRESDB_PASSWORD: postgres.password,
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_SECURE_COOKIE: 'false',
		...(redis ? { EXECUTIONS_MODE: 'queue', QUEUE_BULL_REDIS_HOST: redis.host, QUEUE_BULL_REDIS_PORT: String(redis.port) } : {}),
		...extraEnv,
	};
	const n8n = await startN8n({ env, version, withPackage });
	const processes = new Set();
	let main;
	let cookie;

	function spawnN8n(args, extraEnv) {
		const started = startProcess(n8n.binary, args, { env: { ...n8n.env, ...extraEnv } });
		processes.add(started);
		started.child.on('exit', () => processes.delete(started));
		return started;
	}

	/** A call to the REST API as the signed-in owner: `{ status, text, bytes }`, whatever the status. */
	async function restAnswer(method, path, body) {
		const response = await fetch(`${main.url}/rest${path}`, {
			method,
			headers: { 'content-type': 'application/json', ...(cookie ? { cookie: `n8n-auth=${cookie}` } : {}) },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const bytes = Buffer.from(await response.arrayBuffer());
		return { status: response.status, text: bytes.toString('utf8'), bytes };
	}

	async function rest(method, path, body) {
		const { status, text } = await restAnswer(method, path, body);
		if (status < 200 || status > 299) throw new Error(`${method} /rest${path}: ${status} ${text}`);
		return text ? JSON.parse(text) : undefined;
	}

	return {
		...n8n,
		env,
		/** Marks a workflow active (published, in n8n 2): `n8n start` then runs its triggers. */
		async activate(workflowId) {
			const args = n8n.release.major >= 2 ? ['publish:workflow', `--id=${workflowId}`] : ['update:workflow', `--id=${workflowId}`, '--active=true'];
			const result = await n8n.run(args);
			if (result.code !== 0) throw new Error(`publish:workflow failed: ${result.stdout}\n${result.stderr}`);
		},
		/**
		 * `n8n start`, with `env` added for this process; resolves once its REST API answers, or with `readiness`,
		 * once /healthz/readiness answers 200 (what a container's health check asks).
		 */
		async startMain({ port: wanted, env: processEnv = {}, readiness = false } = {}) {
			const port = wanted ?? (await freePort());
			const process = spawnN8n(['start'], { N8N_PORT: String(port), N8N_RUNNERS_BROKER_PORT: String(await freePort()), ...processEnv });
			const url = `http://127.0.0.1:${port}`;
			// Ready: settings answered by n8n itself, after its start-up work (N8N_COMMUNITY_PACKAGES installs among it).
			const ready = (response) => response.ok && (readiness || answeredByN8n(response));
			const path = readiness ? '/healthz/readiness' : '/rest/settings';
			await until('n8n start', () => process.child.exitCode === null && fetch(`${url}${path}`).then(ready, () => false), {
				output: process.output,
			});
			if (process.child.exitCode !== null) throw new Error(`n8n start exited: ${process.output()}`);
			main = { ...process, url };
			cookie = undefined;
			return main;
		},
		/** `n8n worker`, with `env` added for this process; resolves once it says it is ready for jobs. */
		async startWorker({ concurrency = 5, env: processEnv = {} } = {}) {
			const worker = spawnN8n(['worker', `--concurrency=${concurrency}`], {
				N8N_RUNNERS_BROKER_PORT: String(await freePort()),
				QUEUE_HEALTH_CHECK_ACTIVE: 'true',
				QUEUE_HEALTH_CHECK_PORT: String(await freePort()),
				N8N_PORT: String(await freePort()),
				...processEnv,
			});
			await until('n8n worker', () => {
				if (worker.child.exitCode !== null) throw new Error(`n8n worker exited: ${worker.output()}`);
				return /worker .*ready|ready to process jobs|listening for jobs/i.test(worker.output());
			}, { output: worker.output });
			return worker;
		},
		/** Signs the owner up on a fresh instance, or logs in: the editor's session, for the REST API. */
		async login() {
			const post = (path, body) =>
				fetch(`${main.url}/rest${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
			// /rest/settings answers before the auth routes exist: a 404, or n8n's page "n8n is starting up", means "not yet".
			const notYet = (answer) => answer.status === 404 || !answeredByN8n(answer);
			const response = await until('n8n sign-in', async () => {
				let answer = await post('/owner/setup', OWNER);
				if (answer.status === 400 || answer.status === 403 || answer.status === 401) {
					answer = await post('/login', { emailOrLdapLoginId: OWNER.email, email: OWNER.email, password: OWNER.password });
				}
				return notYet(answer) ? undefined : answer;
			});
			if (!response.ok) throw new Error(`login: ${response.status} ${await response.text()}`);
			cookie = /n8n-auth=([^;]+)/.exec(response.headers.get('set-cookie') ?? '')?.[1];
			if (!cookie) throw new Error(`login: no n8n-auth cookie (${response.status} ${[...response.headers].map(([k, v]) => `${k}: ${v}`).join('; ')} ${(await response.text()).slice(0, 300)})`);
		},
		rest,
		restAnswer,
		/** Starts a production execution of a workflow with a Webhook trigger on `path`. */
		async webhook(path, body = {}) {
			const response = await fetch(`${main.url}/webhook/${path}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(body),
			});
			if (!response.ok) throw new Error(`POST /webhook/${path}: ${response.status} ${await response.text()}`);
		},
		/** What the editor's Stop button does for a running execution. */
		stopExecution: (executionId) => rest('POST', `/executions/${executionId}/stop`),
		/** The executions of a workflow, oldest first, from n8n's own database. */
		executions(workflowId) {
			return postgres.rows(
				database,
				`select id, status, mode, "startedAt", "stoppedAt" from execution_entity where "workflowId" = '${workflowId}' order by id`,
			);
		},
		/** Waits until `count` executions of the workflow have ended; returns them all. */
		async waitForEnded(workflowId, count, timeoutMs = 180_000) {
			return await until(
				`${count} finished executions of ${workflowId}`,
				() => {
					const ended = this.executions(workflowId).filter((e) => e.stoppedAt !== null && e.status !== 'running' && e.status !== 'new');
					return ended.length >= count ? ended : undefined;
				},
				{ timeoutMs, output: () => [...processes].map((p) => p.output()).join('\n') },
			);
		},
		until,
		/** Everything this deployment's processes printed. */
		output: () => [...processes].map((p) => p.output()).join('\n-----\n'),
		/** Stops every n8n process (SIGTERM, as a deploy does); the data stays, for a restart. */
		async stopProcesses() {
			await Promise.all([...processes].map((p) => p.stop()));
		},
		/** Stops every process and removes the user folder. */
		async stopAll() {
			await Promise.all([...processes].map((p) => p.stop()));
			n8n.cleanup();
		},
	};
}
