/**
 * n8n's verification scan (`npx @n8n/scan-community-package`), run here before
 * publishing. The scan itself works only on a published version: it reads the
 * registry's provenance attestation, fetches the attested GitHub commit, then
 * lints that source with n8n's community-node rules and the published tarball's
 * compiled code with the same rules. This script runs those two lint legs, with
 * the scanner's own code and configuration, on this checkout and on the tarball
 * `npm pack` makes; publish.yml runs the whole scan after publishing.
 *
 *   npm run scan        builds, packs, scans; exits 1 on any violation
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { installScanner, SCANNER_VERSION } from './e2e/installN8n.mjs';
import { packTarball, repo, unpackTarball } from './tarball.mjs';

const scannerDir = installScanner();
const { analyzePackage, SOURCE_FILE_PATTERNS } = await import(
	pathToFileURL(join(scannerDir, 'node_modules', '@n8n', 'scan-community-package', 'scanner', 'scanner.mjs')).href
);

const work = mkdtempSync(join(tmpdir(), 'n8n-scan-'));
try {
	const tarball = packTarball(work);
	const unpacked = join(work, 'package');
	unpackTarball(tarball, unpacked);
	// The same two legs, with the same file patterns, as analyzePackageByName.
	const legs = [
		['the source', await analyzePackage(repo, SOURCE_FILE_PATTERNS)],
		[`the tarball ${basename(tarball)}`, await analyzePackage(unpacked, ['**/*.js', 'package.json'])],
	];
	for (const [what, result] of legs) {
		console.log(`${result.passed ? '✅' : '❌'} @n8n/scan-community-package ${SCANNER_VERSION} on ${what}${result.passed ? '' : `: ${result.message}`}`);
		if (result.details) console.log(result.details);
	}
	if (legs.some(([, result]) => !result.passed)) process.exitCode = 1;
} finally {
	rmSync(work, { recursive: true, force: true });
}
