/**
 * What a release rests on, checked here because GitHub is not: the workflow
 * files parse, name scripts that exist, and publish with provenance through
 * npm's trusted publishing (id-token, no token in the repository); and the
 * tarball `npm pack` makes holds what n8n's installer and loader need, and
 * nothing else (scripts/packCheck.mjs), shown failing on a tarball that lacks
 * a file.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { parse } from 'yaml';

import { checkPackage } from '../../scripts/packCheck.mjs';

const root = join(import.meta.dirname, '..', '..');
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const workflow = (name) => parse(readFileSync(join(root, '.github', 'workflows', name), 'utf8'));
const runLines = (flow) => Object.values(flow.jobs).flatMap((job) => job.steps.map((step) => step.run).filter(Boolean));

describe('release engineering', () => {
	it('ci.yml runs on every push to main and every pull request: lint, the test command, the package check, the end-to-end tests', () => {
		const ci = workflow('ci.yml');
		assert.deepEqual(ci.on.push.branches, ['main']);
		assert.ok('pull_request' in ci.on);
		assert.deepEqual(ci.permissions, { contents: 'read' });
		const runs = runLines(ci);
		for (const command of ['npm ci', 'npm run lint', 'npm test', 'npm run pack:check', 'npm run scan', 'npm run test:e2e']) assert.ok(runs.includes(command), `ci.yml runs ${command}`);
	});

	it('publish.yml publishes a version tag with provenance through trusted publishing: id-token, no token, the tag checked against package.json', () => {
		const publish = workflow('publish.yml');
		assert.deepEqual(publish.on.push.tags, ['v*']);
		assert.equal(publish.permissions['id-token'], 'write');
		const runs = runLines(publish);
		assert.ok(runs.includes('npm publish --provenance --access public'));
		assert.ok(runs.some((line) => line.includes('GITHUB_REF_NAME') && line.includes('package.json')), 'the tag is checked against the version');
		assert.ok(runs.indexOf('npm test') < runs.indexOf('npm publish --provenance --access public'), 'tested before it is published');
		assert.ok(runs.indexOf('npm run scan') < runs.indexOf('npm publish --provenance --access public'), 'scanned before it is published');
		assert.ok(runs.some((line) => line.includes('@n8n/scan-community-package')), "n8n's scan of the published package");
		const text = readFileSync(join(root, '.github', 'workflows', 'publish.yml'), 'utf8');
		assert.doesNotMatch(text, /secrets\.|NODE_AUTH_TOKEN|NPM_TOKEN/, 'no token: npm trusts the workflow');
	});

	it('every npm script the workflows run exists, and they run the Node the package declares', () => {
		for (const name of ['ci.yml', 'publish.yml']) {
			const flow = workflow(name);
			for (const line of runLines(flow)) {
				for (const [, script] of line.matchAll(/npm run ([\w:-]+)/g)) assert.ok(packageJson.scripts[script], `${name}: npm run ${script} exists`);
			}
			for (const job of Object.values(flow.jobs)) {
				const setup = job.steps.find((step) => step.uses?.startsWith('actions/setup-node'));
				assert.equal(setup.with['node-version'], 20, `${name}: Node 20, as engines says (${packageJson.engines.node})`);
			}
		}
	});

	it('the tarball npm pack makes is fit to ship; one that lacks a file, an icon, or holds a source map is not', () => {
		const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' }));
		const files = packed.files.map((file) => file.path);
		const read = (path) => readFileSync(join(root, path), 'utf8');
		assert.deepEqual(checkPackage({ files, packageJson, read }), []);

		const timing = 'dist/nodes/MarketoBulkExtract/transport/timing.js';
		assert.ok(files.includes(timing));
		const lacking = checkPackage({ files: files.filter((file) => file !== timing), packageJson, read });
		assert.ok(lacking.some((problem) => /requires \.\/timing, which is not in the tarball/.test(problem)), lacking.join('\n'));

		const node = packageJson.n8n.nodes[0];
		assert.match(checkPackage({ files: files.filter((file) => file !== node), packageJson, read }).join('\n'), new RegExp(`${node}, named in package.json's n8n section, is not in the tarball`));
		const icon = 'dist/nodes/MarketoBulkExtract/marketo.dark.svg';
		assert.match(checkPackage({ files: files.filter((file) => file !== icon), packageJson, read }).join('\n'), /names the icon marketo\.dark\.svg, which is not in the tarball/);
		assert.match(checkPackage({ files: [...files, `${node}.map`], packageJson, read: (path) => (path.endsWith('.map') ? '' : read(path)) }).join('\n'), /\.map is in the tarball/);
		assert.match(checkPackage({ files, packageJson: { ...packageJson, dependencies: { axios: '1' } }, read }).join('\n'), /runtime dependencies: axios/);
	});

	it('author, repository, homepage and bugs name one GitHub repository: the values to set before the first publish (README, Releasing)', () => {
		const repository = /github\.com\/([^/]+\/[^/.]+)/.exec(packageJson.repository.url)[1];
		assert.ok(packageJson.homepage.startsWith(`https://github.com/${repository}`));
		assert.ok(packageJson.bugs.url.startsWith(`https://github.com/${repository}/issues`));
		assert.ok(packageJson.author.name);
		assert.match(readFileSync(join(root, 'README.md'), 'utf8'), new RegExp(`${repository.replace('/', '\\/')}`), 'README names the same repository');
	});

	it('examples/docker-compose.yml installs this version through N8N_COMMUNITY_PACKAGES, on a main and a worker that share its folder, the worker started once the main is ready', () => {
		const compose = parse(readFileSync(join(root, 'examples', 'docker-compose.yml'), 'utf8'), { merge: true });
		const { n8n: main, 'n8n-worker': worker } = compose.services;
		for (const service of [main, worker]) {
			const environment = service.environment;
			assert.deepEqual(JSON.parse(environment.N8N_COMMUNITY_PACKAGES), [{ name: packageJson.name, version: packageJson.version }], 'a release raises the version here too');
			assert.equal(environment.N8N_COMMUNITY_PACKAGES_MANAGED_BY_ENV, 'true');
			assert.equal(environment.N8N_UNVERIFIED_PACKAGES_ENABLED, 'true', 'n8n 3.0 refuses unverified packages unless set');
			assert.equal(environment.EXECUTIONS_MODE, 'queue');
			assert.notEqual(environment.N8N_DEFAULT_BINARY_DATA_MODE, 'default', 'n8n 3.0 has no in-memory binary data');
			assert.deepEqual(service.volumes, ['n8n_data:/home/node/.n8n']);
		}
		assert.equal(worker.command, 'worker');
		assert.deepEqual(worker.depends_on, { n8n: { condition: 'service_healthy' } });
		assert.match(main.healthcheck.test.join(' '), /\/healthz\/readiness/);
		for (const image of [main.image, worker.image, compose.services.postgres.image]) assert.ok(image, 'every service names its image');
	});
});
