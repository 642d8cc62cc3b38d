import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';

const require = createRequire(import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));

describe('package', () => {
	it('follows n8n’s verification rules: no runtime dependencies, n8n-workflow as peer, strict n8n block', () => {
		assert.equal(pkg.dependencies, undefined);
		assert.deepEqual(pkg.peerDependencies, { 'n8n-workflow': '*' });
		assert.ok(pkg.name.startsWith('n8n-nodes-'));
		assert.ok(pkg.keywords.includes('n8n-community-node-package'));
		assert.equal(pkg.license, 'MIT');
		assert.equal(pkg.n8n.n8nNodesApiVersion, 1);
		assert.equal(pkg.n8n.strict, true);
		for (const file of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) {
			assert.ok(existsSync(new URL(`../../${file}`, import.meta.url)), `${file} is built`);
		}
	});

	it('keeps the operation values users’ workflows store', () => {
		const { MarketoBulkExtract } = require('../../dist/nodes/MarketoBulkExtract/MarketoBulkExtract.node.js');
		const { description } = new MarketoBulkExtract();
		assert.equal(description.name, 'marketoBulkExtract');
		const operation = description.properties.find((p) => p.name === 'operation');
		const values = operation.options.map((o) => o.value).sort();
		for (const value of ['cancelJob', 'createJob', 'enqueueJob', 'getJobFile', 'getJobStatus', 'listJobs']) {
			assert.ok(values.includes(value), value);
		}
	});

	it('ships only plain imports that n8n Cloud allows', () => {
		const allowed = /^(n8n-workflow|luxon|crypto|node:crypto|\.{1,2}\/.*)$/;
		const { execSync } = require('node:child_process');
		const files = execSync('find dist/nodes dist/credentials -name "*.js"', { encoding: 'utf8' }).trim().split('\n');
		for (const file of files) {
			for (const [, name] of readFileSync(file, 'utf8').matchAll(/require\("([^"]+)"\)/g)) {
				assert.match(name, allowed, `${file} requires ${name}`);
			}
		}
	});
});
