/**
 * The package as `npm pack` ships it, for what takes it whole: the real n8n
 * the end-to-end tests unpack it into, the registry the install-path tests
 * publish it to, and n8n's verification scan (scripts/scanPackage.mjs).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const repo = join(import.meta.dirname, '..');
export const packageJson = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));

/**
 * npm passes its configuration to scripts as npm_config_* variables; under `npm run`
 * this repo's ignore-scripts=true would reach a child npm (a rebuild that must build,
 * say) and silently change what it does. Child npm calls get the environment without them.
 */
export function cleanEnv(extra = {}) {
	const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
	return { ...env, ...extra };
}

/** `npm pack` of the package in `dir` (the built checkout by default) into `destination`: the tarball's path. */
export function packTarball(destination, dir = repo) {
	const output = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', destination], { cwd: dir, env: cleanEnv(), encoding: 'utf8' });
	return join(destination, JSON.parse(output)[0].filename);
}

/** Unpacks a tarball's `package/` folder into `folder` (made if missing). */
export function unpackTarball(tarball, folder) {
	mkdirSync(folder, { recursive: true });
	execFileSync('tar', ['-xzf', tarball, '-C', folder, '--strip-components=1']);
}
