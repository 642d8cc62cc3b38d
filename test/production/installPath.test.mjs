/**
 * The path users take to the package: n8n's own community package installer, never a folder copied by hand.
 * The package as `npm pack` ships it is published to an npm registry on loopback (registry.mjs), in three
 * versions of the same code, and a real n8n in queue mode (main, one worker with a user folder of its own, as
 * a container of its own would have, PostgreSQL, Redis) fetches it:
 * - through the Install button's REST API as the instance owner, refused while unverified packages are off
 *   (n8n 3.0's default), then installed and updated on the main and, through n8n's own messages, the worker;
 * - through N8N_COMMUNITY_PACKAGES at start-up (n8n 2.21 and later): installed, then updated.
 * After each install or update, an active Since Last Run workflow runs on the worker with the credential made
 * before, and goes on from its position. On the newest 2.x, n8n 3.0's other defaults: a manual run goes to the
 * worker, and its Files output comes back through the main from n8n's binary store.
 *
 * One thing is not n8n's own: an unlicensed n8n installs only from npmjs.org, which these machines cannot
 * publish to, so customRegistryLicense.cjs makes n8n's licence say yes to "custom registry". Every step of
 * the install itself is n8n's code.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { N8N_VERSIONS, n8nRelease } from '../../scripts/e2e/installN8n.mjs';
import { startSandbox } from '../sandbox/server.mjs';
import { startDeployment } from './n8nServer.mjs';
import { laterVersion, PACKAGE, packedPackage, startRegistry } from './registry.mjs';
import { startPostgres, startRedis } from './services.mjs';
import { assertLeadsTable, extractWorkflow, LEAD_COLUMNS, postgresCredential, WAREHOUSE_DDL } from './warehouse.mjs';

const VERSIONS = process.env.N8N_E2E_VERSIONS?.split(',') ?? N8N_VERSIONS;
const NODE_TYPE = `${PACKAGE.name}.marketoBulkExtract`;
const FIRST_RUN_START = '2026-01-01T00:00:00Z';
const LOOK_BACK_MS = 30 * 60_000;
const SYNC_PATH = 'install-path-sync';
const REFUSED = /Installation of unverified community packages is forbidden!/;
/** What README tells users of n8n 3.0 to set until the package is verified. */
const UNVERIFIED_ALLOWED = { N8N_UNVERIFIED_PACKAGES_ENABLED: 'true' };
const databaseOf = (version, use) => `${use}_${version.replace(/\./g, '_')}`;

/** The version of the package n8n unpacked into a user folder, or undefined. */
function installedVersion(userFolder) {
	const manifest = join(userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE.name, 'package.json');
	return existsSync(manifest) ? JSON.parse(readFileSync(manifest, 'utf8')).version : undefined;
}

/** Marketo's lead jobs made since `count` jobs, with their Updated At windows. */
function leadWindowsSince(sandbox, count) {
	return [...sandbox.jobs.jobs.values()]
		.slice(count)
		.filter((job) => job.kind === 'leads' && job.spec.filter.updatedAt)
		.map((job) => ({ startAt: Date.parse(job.spec.filter.updatedAt.startAt), endAt: Date.parse(job.spec.filter.updatedAt.endAt) }));
}

describe('production: the package installed by n8n’s own community package installer', { timeout: 30 * 60_000 }, () => {
	let postgres;
	let redis;
	let registry;
	let packed;
	let sandbox;

	before(async () => {
		postgres = await startPostgres({ databases: VERSIONS.flatMap((version) => [databaseOf(version, 'n8n'), databaseOf(version, 'warehouse')]) });
		for (const version of VERSIONS) postgres.sql(databaseOf(version, 'warehouse'), WAREHOUSE_DDL);
		redis = await startRedis();
		registry = await startRegistry();
		packed = packedPackage();
		registry.publish(packed.tarball());
		// Later releases under another dist-tag: the Install button's "latest" stays the first.
		for (const by of [1, 2]) registry.publish(packed.tarball(laterVersion(by)), 'next');
		sandbox = await startSandbox({ speed: 1200, leadCount: 1500 });
	});
	after(async () => {
		await sandbox?.stop();
		packed?.cleanup();
		await registry?.stop();
		await redis?.stop();
		await postgres?.stop();
	});

	for (const version of VERSIONS) {
		const major = n8nRelease(version).major;
		describe(`n8n ${version} in queue mode`, () => {
			let deployment;
			let workerFolder;
			let worker;
			/** The active sync workflow, and the end of each of its runs' last window. */
			const sync = { id: undefined, runs: 0, ends: [] };

			/** `n8n worker` with `env`, its user folder `folder`. */
			const startWorker = async (env, folder) => {
				worker = await deployment.startWorker({ env: { ...env, N8N_USER_FOLDER: folder } });
			};
			/** The main, then the worker with a user folder of its own, as a container of its own would have. */
			const startServers = async (env) => {
				await deployment.startMain({ env });
				await startWorker(env, workerFolder);
				await deployment.login();
			};
			/** What the worker said of packages, for a failure's message. */
			const packageLines = () => worker.output().split('\n').filter((line) => /package/i.test(line)).join('\n');
			const workerSaid = (pattern) => (worker.output().match(new RegExp(pattern.source, 'g')) ?? []).length;

			/** One run of the sync through its webhook, on the worker: green, on from its position, the table equal to Marketo. */
			async function runSync(what) {
				const jobsBefore = sandbox.jobs.jobs.size;
				const startedBefore = workerSaid(/Worker started execution/);
				// A workflow activated through the REST API registers its webhook a moment later.
				await deployment.until('the sync’s webhook is registered', () => deployment.webhook(SYNC_PATH).then(() => true, (error) => (/404/.test(error.message) ? false : Promise.reject(error))), { timeoutMs: 30_000 });
				const runs = await deployment.waitForEnded(sync.id, sync.runs + 1);
				sync.runs++;
				assert.equal(runs.at(-1).status, 'success', `${what}: ${deployment.output().slice(-3000)}`);
				assert.equal(runs.at(-1).mode, 'webhook');
				assert.ok(workerSaid(/Worker started execution/) > startedBefore, `${what}: the worker ran it`);
				const windows = leadWindowsSince(sandbox, jobsBefore);
				assert.ok(windows.length > 0, `${what}: it asked Marketo`);
				if (sync.ends.length === 0) assert.equal(windows[0].startAt, Date.parse(FIRST_RUN_START), `${what}: the first run starts at First Run Starts At`);
				else {
					const readAgain = sync.ends.at(-1) + 1000 - windows[0].startAt;
					assert.ok(readAgain >= 0 && readAgain <= LOOK_BACK_MS, `${what}: the position was kept: the run reads on from the last run’s end, less the look-back (${readAgain} ms)`);
				}
				sync.ends.push(windows.at(-1).endAt);
				assertLeadsTable(postgres, databaseOf(version, 'warehouse'), sandbox.leads);
			}

			/** Marketo changes between runs: a new lead and an updated one, so each run has records to deliver. */
			function marketoChanges(seed) {
				const now = Math.floor(Date.now() / 1000) * 1000;
				const id = Math.max(...sandbox.leads.map((lead) => lead.id)) + 1;
				sandbox.leads.push({ ...sandbox.leads[0], id, email: `installed.${seed}.${id}@example.com`, createdAt: now, updatedAt: now });
				Object.assign(sandbox.leads[seed], { leadScore: 900 + seed, updatedAt: now });
			}

			before(async () => {
				workerFolder = mkdtempSync(join(tmpdir(), 'n8n-worker-'));
				deployment = await startDeployment({
					postgres,
					redis,
					version,
					database: databaseOf(version, 'n8n'),
					withPackage: false,
					env: {
						N8N_COMMUNITY_PACKAGES_REGISTRY: registry.url,
						NODE_OPTIONS: `--require ${join(import.meta.dirname, 'customRegistryLicense.cjs')}`,
						// n8n 3.0 removes the variable and always does this; n8n 2 warns until it is set.
						OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
					},
				});
			});
			after(async () => {
				await deployment?.stopAll();
				if (workerFolder) rmSync(workerFolder, { recursive: true, force: true });
			});

			it('with unverified community packages off (n8n 3.0’s default), the Install button’s API refuses the package and installs nothing', async () => {
				await startServers({ N8N_UNVERIFIED_PACKAGES_ENABLED: 'false' });
				const answer = await deployment.restAnswer('POST', '/community-packages', { name: PACKAGE.name });
				assert.ok(answer.status >= 400, `refused: ${answer.status} ${answer.text}`);
				assert.match(answer.text, REFUSED);
				assert.deepEqual((await deployment.rest('GET', '/community-packages')).data, []);
				assert.equal(installedVersion(deployment.userFolder), undefined, 'nothing unpacked on the main');
				assert.equal(installedVersion(workerFolder), undefined, 'nothing unpacked on the worker');
				await deployment.stopProcesses();
			});

			it('installed through the Install button’s API on the main and the worker: a Since Last Run sync runs, and an update keeps its credential and position', async () => {
				await startServers(UNVERIFIED_ALLOWED);
				const installed = (await deployment.rest('POST', '/community-packages', { name: PACKAGE.name })).data;
				assert.equal(installed.installedVersion, PACKAGE.version, 'the Install button installs the latest version');
				assert.deepEqual(installed.installedNodes.map((node) => node.type), [NODE_TYPE]);
				assert.equal(installedVersion(deployment.userFolder), PACKAGE.version);
				await deployment.until('the worker installs it too', () => installedVersion(workerFolder) === PACKAGE.version && workerSaid(/Community package installed/) >= 1, { output: packageLines });

				// The credentials and the workflow as the editor makes them: through the REST API.
				const marketo = (await deployment.rest('POST', '/credentials', {
					name: 'Marketo',
					type: 'marketoOAuth2Api',
					data: { baseUrl: sandbox.restEndpoint, clientId: sandbox.clientId, clientSecret: sandbox.clientSecret },
				})).data;
				const { type, name, data } = postgresCredential(postgres, databaseOf(version, 'warehouse'));
				const warehouse = (await deployment.rest('POST', '/credentials', { name, type, data })).data;
				const workflow = extractWorkflow({
					id: 'installPathSync',
					path: SYNC_PATH,
					nodeName: 'Leads updated since last run',
					table: 'marketo_leads',
					parameters: {
						operation: 'extractLeads',
						fields: LEAD_COLUMNS,
						filterType: 'updatedAt',
						rangeMode: 'sinceLastRun',
						firstRunStartAt: FIRST_RUN_START,
						options: { pollIntervalSeconds: 0.05 },
					},
				});
				for (const node of workflow.nodes) {
					if (node.credentials?.marketoOAuth2Api) node.credentials.marketoOAuth2Api = { id: marketo.id, name: marketo.name };
					if (node.credentials?.postgres) node.credentials.postgres = { id: warehouse.id, name: warehouse.name };
				}
				const { id: _id, ...body } = workflow;
				const created = (await deployment.rest('POST', '/workflows', { ...body, active: false })).data;
				sync.id = created.id;
				const activated = (await deployment.rest('POST', `/workflows/${created.id}/activate`, { versionId: created.versionId })).data;
				assert.ok(activated.active || activated.activeVersionId, `the sync is active: ${JSON.stringify({ active: activated.active, activeVersionId: activated.activeVersionId })}`);

				await runSync('the first run');

				const next = laterVersion(1);
				marketoChanges(11);
				const updated = (await deployment.rest('PATCH', '/community-packages', { name: PACKAGE.name, version: next })).data;
				assert.equal(updated.installedVersion, next);
				assert.equal(installedVersion(deployment.userFolder), next);
				if (major >= 2) {
					await deployment.until('the worker updates it too', () => installedVersion(workerFolder) === next && workerSaid(/Community package installed/) >= 2, { output: packageLines });
				} else {
					// n8n 1.x's worker unpacks the update but fails to load it over the old one ("Failed to install community
					// package"): README tells 1.x users to restart their workers after an update, as here.
					await deployment.until('the worker unpacks the update', () => installedVersion(workerFolder) === next, { output: packageLines });
					await worker.stop();
					await startWorker(UNVERIFIED_ALLOWED, workerFolder);
				}
				await runSync('the run after the update');
				assert.ok(!deployment.output().includes(sandbox.clientSecret), 'the client secret is in no log');
			});

			if (major >= 2) {
				it('n8n 3.0’s defaults: a manual run goes to the worker, and its Files output comes back through the main; n8n’s own 3.0 report finds nothing to change', async () => {
					const workflow = {
						name: 'Leads of March as files',
						nodes: [
							{ id: 'manual-1', name: 'Manual Trigger', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
							{
								id: 'manual-2',
								name: 'Leads of March',
								type: NODE_TYPE,
								typeVersion: 1,
								position: [260, 0],
								parameters: { operation: 'extractLeads', fields: ['id', 'email'], filterType: 'createdAt', startAt: '2026-03-01T00:00:00Z', endAt: '2026-03-31T23:59:59Z', output: 'binary', options: { pollIntervalSeconds: 0.05 } },
								credentials: { marketoOAuth2Api: (await deployment.rest('GET', '/credentials')).data.filter((c) => c.type === 'marketoOAuth2Api').map(({ id, name }) => ({ id, name }))[0] },
							},
						],
						connections: { 'Manual Trigger': { main: [[{ node: 'Leads of March', type: 'main', index: 0 }]] } },
						settings: { executionOrder: 'v1' },
						active: false,
					};
					const created = (await deployment.rest('POST', '/workflows', workflow)).data;
					const jobsBefore = sandbox.jobs.jobs.size;
					const startedBefore = workerSaid(/Worker started execution/);
					const { executionId } = (await deployment.rest('POST', `/workflows/${created.id}/run`, { triggerToStartFrom: { name: 'Manual Trigger' } })).data;
					assert.ok(executionId, 'n8n queued the manual run');
					const [run] = await deployment.waitForEnded(created.id, 1);
					assert.equal(run.status, 'success', deployment.output().slice(-3000));
					assert.equal(run.mode, 'manual');
					assert.ok(workerSaid(/Worker started execution/) > startedBefore, 'the worker ran the manual execution');

					const flatted = createRequire(join(n8nRelease(version).dir, 'node_modules', 'n8n', 'package.json'))('flatted');
					const execution = (await deployment.rest('GET', `/executions/${executionId}`)).data;
					const runData = flatted.parse(execution.data).resultData.runData['Leads of March'][0].data.main[0];
					const jobs = [...sandbox.jobs.jobs.values()].slice(jobsBefore).filter((job) => job.kind === 'leads');
					assert.equal(runData.length, jobs.length, 'one item per export file');
					for (const [index, item] of runData.entries()) {
						const binary = item.binary.data;
						assert.match(binary.id ?? '', /^database:/, 'in queue mode n8n keeps binary data in its database');
						const query = new URLSearchParams({ id: binary.id, action: 'download', fileName: binary.fileName, mimeType: binary.mimeType });
						const download = await deployment.restAnswer('GET', `/binary-data?${query}`);
						assert.equal(download.status, 200, download.text.slice(0, 300));
						assert.ok(download.bytes.equals(jobs[index].file), 'the file the main serves is Marketo’s, byte for byte');
					}

					const report = (await deployment.rest('GET', '/breaking-changes/report?version=v3')).data.report;
					const flagged = report.instanceResults.map((result) => result.ruleId);
					for (const rule of ['unverified-packages-v3', 'offload-manual-executions-v3', 'in-memory-binary-data-v3']) {
						assert.ok(!flagged.includes(rule), `n8n’s 3.0 report flags ${rule}: ${JSON.stringify(report.instanceResults.find((result) => result.ruleId === rule))}`);
					}
				});

				it('through N8N_COMMUNITY_PACKAGES at start-up: installed, then updated by a later version; the credential and the position kept', async () => {
					await deployment.rest('DELETE', `/community-packages?name=${encodeURIComponent(PACKAGE.name)}`);
					await deployment.until('the worker uninstalls it too', () => installedVersion(workerFolder) === undefined, { output: packageLines });
					await deployment.stopProcesses();

					// Only the main reads N8N_COMMUNITY_PACKAGES, at its start. A worker with a folder of its own misses what it
					// installs there, and after an update keeps loading its old copy (n8n 2.41 checks that the node types load,
					// not their version): so here, as in examples/docker-compose.yml, the worker shares the main's folder and
					// starts once the main's readiness check says ready.
					for (const by of [1, 2]) {
						const wanted = laterVersion(by);
						marketoChanges(20 + by);
						const env = {
							...UNVERIFIED_ALLOWED,
							N8N_COMMUNITY_PACKAGES_MANAGED_BY_ENV: 'true',
							N8N_COMMUNITY_PACKAGES: JSON.stringify([{ name: PACKAGE.name, version: wanted }]),
						};
						await deployment.startMain({ env, readiness: true });
						assert.equal(installedVersion(deployment.userFolder), wanted, `n8n ${by === 1 ? 'installed' : 'updated'} it at start-up, before /healthz/readiness said ready`);
						await startWorker(env, deployment.userFolder);
						await deployment.login();
						const listed = (await deployment.rest('GET', '/community-packages')).data;
						assert.deepEqual(listed.map((entry) => [entry.packageName, entry.installedVersion]), [[PACKAGE.name, wanted]]);
						const refused = await deployment.restAnswer('POST', '/community-packages', { name: PACKAGE.name, version: laterVersion(1) });
						assert.ok(refused.status >= 400 && /managed via environment variables/.test(refused.text), `the Install button is read-only: ${refused.status} ${refused.text}`);
						await runSync(`the run after N8N_COMMUNITY_PACKAGES ${by === 1 ? 'installed' : 'updated'} it`);
						await deployment.stopProcesses();
					}
				});
			}
		});
	}
});
