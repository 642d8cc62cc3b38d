/**
 * Every export kind in the registry (actions/resources.ts) is a whole kind:
 * the same operations as every other, a route in the sandbox that answers its
 * job endpoints, and an end-to-end case in a real n8n. A fifth kind that
 * misses one of them fails here.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { sandboxFixture } from '../support/sandboxFixture.mjs';

const require = createRequire(import.meta.url);
const actions = join(import.meta.dirname, '../../dist/nodes/MarketoBulkExtract/actions');
const { RESOURCES } = require(join(actions, 'resources.js'));
const { operationsOf } = require(join(actions, 'operations/index.js'));

/** What a kind needs beyond its defaults to name its endpoints (a custom object's name is in its path). */
const PATH_PARAMETERS = { customObjectExport: { customObjectName: 'car_c' } };

const e2eSources = () => {
	const root = join(import.meta.dirname, '../..');
	const examples = readdirSync(join(root, 'examples')).map((name) => readFileSync(join(root, 'examples', name), 'utf8'));
	return [readFileSync(join(root, 'test/e2e/realN8n.test.mjs'), 'utf8'), ...examples].join('\n');
};

describe('the registry of export kinds', () => {
	let fixture;
	before(async () => {
		fixture = await sandboxFixture({ leadCount: 100 });
	});
	after(() => fixture.stop());

	const resources = Object.values(RESOURCES);

	it('holds the four kinds, each under its stored value', () => {
		assert.deepEqual(Object.keys(RESOURCES), ['leadExport', 'activityExport', 'programMemberExport', 'customObjectExport']);
		for (const [value, resource] of Object.entries(RESOURCES)) assert.equal(resource.kind.resource, value);
	});

	it('gives every kind the same job operations and a composite extract of its own; a kind’s own operations come on top', () => {
		const own = (resource) => (resource.ownOperations ?? []).map(({ option }) => option.value);
		const jobOperations = (resource) =>
			Object.keys(operationsOf(resource))
				.filter((value) => value !== resource.extract.value && !own(resource).includes(value))
				.sort();
		const first = jobOperations(resources[0]);
		assert.deepEqual(first, ['cancelJob', 'createJob', 'enqueueJob', 'getJobFile', 'getJobStatus', 'listJobs']);
		for (const resource of resources) {
			assert.deepEqual(jobOperations(resource), first, resource.kind.resource);
			assert.equal(Object.keys(operationsOf(resource))[0], resource.extract.value);
		}
		assert.equal(new Set(resources.map((resource) => resource.extract.value)).size, resources.length, 'one composite value per kind');
		assert.deepEqual(resources.flatMap(own), ['getDeletedLeads'], 'Lead Export’s Get Deleted Leads is the one operation of its own');
	});

	it('has a sandbox route for every kind’s jobs', async () => {
		for (const resource of resources) {
			const value = resource.kind.resource;
			const callsBefore = fixture.sandbox.servedCalls('/export.json').length;
			const { items, error } = await fixture.run({ resource: value, operation: 'listJobs', ...PATH_PARAMETERS[value] });
			assert.equal(error(), undefined, `${value}: ${error()?.message}`);
			assert.ok(Array.isArray(items()));
			assert.equal(fixture.sandbox.servedCalls('/export.json').length - callsBefore, 1, value);
		}
	});

	it('has an end-to-end case in a real n8n for every kind’s extract', () => {
		const sources = e2eSources();
		for (const resource of resources) assert.ok(sources.includes(resource.extract.value), `${resource.kind.resource}: no e2e case runs ${resource.extract.value}`);
	});
});
