/**
 * An npm registry on 127.0.0.1 (verdaccio, from .cache/e2e), with no uplink: it holds only what a test publishes.
 * The install-path tests publish this package to it as `npm pack` ships it, in more than one version, and point
 * n8n's own community package installer at it, so that n8n fetches, unpacks and installs the package itself.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { installVerdaccio } from '../../scripts/e2e/installN8n.mjs';
import { cleanEnv, packageJson, packTarball, unpackTarball } from '../../scripts/tarball.mjs';
import { freePort, startProcess } from './services.mjs';

export { packageJson as PACKAGE };

/** The package's version with its patch part raised by `by`: a later release of the same code. */
export function laterVersion(by) {
	const [major, minor, patch] = packageJson.version.split(/[.-]/).map(Number);
	return `${major}.${minor}.${patch + by}`;
}

/**
 * Packs the built package once; `tarball(version)` is that tarball, or the same files as another version
 * (only package.json's version changed), as a release of the same code would be.
 */
export function packedPackage() {
	const dir = mkdtempSync(join(tmpdir(), 'n8n-registry-pack-'));
	const original = packTarball(dir);
	return {
		tarball(version = packageJson.version) {
			if (version === packageJson.version) return original;
			const unpacked = mkdtempSync(join(dir, 'unpacked-'));
			unpackTarball(original, unpacked);
			const manifestPath = join(unpacked, 'package.json');
			writeFileSync(manifestPath, JSON.stringify({ ...JSON.parse(readFileSync(manifestPath, 'utf8')), version }, null, 2));
			return packTarball(dir, unpacked);
		},
		cleanup: () => rmSync(dir, { recursive: true, force: true }),
	};
}

export async function startRegistry() {
	const verdaccio = installVerdaccio();
	const dir = mkdtempSync(join(tmpdir(), 'n8n-registry-'));
	const port = await freePort();
	const url = `http://127.0.0.1:${port}`;
	writeFileSync(
		join(dir, 'config.yaml'),
		[
			`storage: ${join(dir, 'storage')}`,
			'auth:',
			'  htpasswd:',
			`    file: ${join(dir, 'htpasswd')}`,
			'uplinks: {}',
			'packages:',
			"  '**':",
			'    access: $all',
			'    publish: $authenticated',
			'log: { type: stdout, format: pretty, level: warn }',
			'',
		].join('\n'),
	);
	const server = startProcess(verdaccio.bin, ['--config', join(dir, 'config.yaml'), '--listen', `127.0.0.1:${port}`], {
		env: { ...process.env, PATH: `${verdaccio.nodeBin}:${process.env.PATH}` },
	});
	const deadline = Date.now() + 60_000;
	while (!(await fetch(`${url}/-/ping`).then((r) => r.ok, () => false))) {
		if (server.child.exitCode !== null || Date.now() > deadline) throw new Error(`verdaccio did not start: ${server.output()}`);
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	// npm's adduser call: verdaccio answers with a token the publishes below use.
	const signUp = await fetch(`${url}/-/user/org.couchdb.user:publisher`, {
		method: 'PUT',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ name: 'publisher', password: 'publisher-password' }),
	});
	const { token } = await signUp.json();
	if (!token) throw new Error(`verdaccio gave no token: ${signUp.status}`);
	const authKey = `--//127.0.0.1:${port}/:_authToken=${token}`;

	return {
		url,
		/** `npm publish` of a tarball, under a dist-tag (`latest` moves only when asked). */
		publish(tarball, tag = 'latest') {
			execFileSync('npm', ['publish', tarball, `--registry=${url}`, authKey, `--tag=${tag}`, '--ignore-scripts'], { cwd: dir, env: cleanEnv() });
		},
		async stop() {
			await server.stop();
			rmSync(dir, { recursive: true, force: true });
		},
	};
}
