/**
 * The package as `npm pack` ships it, checked before it is published (CI's
 * pack:check, publish.yml): what n8n's installer and loader need is in the
 * tarball, and nothing else is.
 *
 * - every node and credential package.json names, and every file their code
 *   requires relatively, and every icon their descriptions name (`file:…`);
 * - no source maps, declarations, TypeScript sources, tests or benchmarks;
 * - no runtime dependency (n8n's verification rule): the code requires only
 *   n8n-workflow (a peer dependency n8n provides), luxon (which n8n provides)
 *   and Node's own modules;
 * - the metadata n8n's verification reads: the package name and keyword,
 *   MIT, the n8n-workflow peer dependency, and one repository (its URL,
 *   homepage and bugs naming the same GitHub repository).
 *
 *   npm run pack:check      builds, then checks `npm pack --dry-run`'s files
 */
import { execFileSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';

/** What the packed code may require besides its own files. */
const PROVIDED = new Set(['n8n-workflow', 'luxon']);
const NOT_SHIPPED = [/\.map$/, /\.d\.ts$/, /(^|\/)test\//, /(^|\/)bench\//, /^(nodes|credentials)\//, /\.ts$/];

/**
 * The problems of a package whose tarball holds `files` (paths inside it)
 * and whose package.json is `packageJson`; `read(path)` gives a file's text.
 * An empty list: fit to ship.
 */
export function checkPackage({ files, packageJson, read }) {
	const problems = [];
	const shipped = new Set(files);
	const n8n = packageJson.n8n ?? {};
	const entries = [...(n8n.nodes ?? []), ...(n8n.credentials ?? [])];
	if (entries.length === 0) problems.push('package.json names no n8n node or credential (n8n.nodes, n8n.credentials)');
	for (const entry of entries) if (!shipped.has(entry)) problems.push(`${entry}, named in package.json's n8n section, is not in the tarball`);
	for (const file of files) {
		if (NOT_SHIPPED.some((pattern) => pattern.test(file))) problems.push(`${file} is in the tarball, which ships only the built code, its icons, README and LICENSE`);
	}
	for (const file of files.filter((path) => path.endsWith('.js'))) {
		const code = read(file);
		for (const [, spec] of code.matchAll(/require\("([^"]+)"\)/g)) {
			if (spec.startsWith('.')) {
				const target = posix.normalize(posix.join(posix.dirname(file), spec));
				if (![target, `${target}.js`, `${target}.json`, `${target}/index.js`].some((path) => shipped.has(path))) {
					problems.push(`${file} requires ${spec}, which is not in the tarball`);
				}
			} else if (!PROVIDED.has(spec) && !builtinModules.includes(spec.replace(/^node:/, ''))) {
				problems.push(`${file} requires ${spec}: a runtime dependency (n8n verifies packages have none)`);
			}
		}
		for (const [, icon] of code.matchAll(/["']file:([^"']+)["']/g)) {
			const path = posix.normalize(posix.join(posix.dirname(file), icon));
			if (!shipped.has(path)) problems.push(`${file} names the icon ${icon}, which is not in the tarball`);
		}
	}
	if (!/^(@[^/]+\/)?n8n-nodes-/.test(packageJson.name ?? '')) problems.push(`the package name ${packageJson.name} does not start with n8n-nodes-`);
	if (!(packageJson.keywords ?? []).includes('n8n-community-node-package')) problems.push('the keyword n8n-community-node-package is missing');
	if (packageJson.license !== 'MIT') problems.push(`the licence is ${packageJson.license}, not MIT`);
	if (Object.keys(packageJson.dependencies ?? {}).length > 0) problems.push(`runtime dependencies: ${Object.keys(packageJson.dependencies).join(', ')}`);
	if (!packageJson.peerDependencies?.['n8n-workflow']) problems.push('n8n-workflow is not a peer dependency');
	const repository = /^(?:git\+)?https:\/\/github\.com\/([^/]+\/[^/.]+)(?:\.git)?$/.exec(packageJson.repository?.url ?? '')?.[1];
	if (!repository) problems.push(`repository.url ${packageJson.repository?.url} is not a GitHub repository's https URL`);
	else {
		if (!(packageJson.homepage ?? '').startsWith(`https://github.com/${repository}`)) problems.push(`the homepage ${packageJson.homepage} is not the repository ${repository}`);
		if (!(packageJson.bugs?.url ?? '').startsWith(`https://github.com/${repository}/issues`)) problems.push(`bugs.url ${packageJson.bugs?.url} is not the repository's issues`);
	}
	if (!packageJson.author?.name) problems.push('package.json names no author');
	return problems;
}

if (process.argv[1] === import.meta.filename) {
	const root = join(dirname(import.meta.filename), '..');
	const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' }));
	const files = packed.files.map((file) => file.path);
	const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
	const problems = checkPackage({ files, packageJson, read: (path) => readFileSync(join(root, path), 'utf8') });
	if (problems.length > 0) {
		console.error(`${packed.filename}: not fit to ship:\n- ${problems.join('\n- ')}`);
		process.exit(1);
	}
	console.log(`${packed.filename}: ${files.length} files, ${packed.size} bytes; fit to ship.`);
}
