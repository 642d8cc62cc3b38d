import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { LEAD_FIELDS } from '../sandbox/dataset.mjs';
import { callEditorMethod } from '../support/engine.mjs';
import { sandboxFixture } from '../support/sandboxFixture.mjs';
import { marketoWorkflow } from '../support/workflows.mjs';

describe('editor pickers (LoadOptionsContext)', () => {
	let fixture;
	const call = (kind, method, args = []) =>
		callEditorMethod({ ...marketoWorkflow({ parameters: { operation: 'createJob' } }), credentials: fixture.credentials, kind, method, args });

	before(async () => {
		// 250 extra static lists: more than one page of Marketo's asset API (200).
		fixture = await sandboxFixture({ extraStaticLists: 250 });
	});
	after(() => fixture.stop());

	it('the field picker lists the instance’s lead fields by REST name, from describe', async () => {
		const options = await call('loadOptions', 'getLeadFields');
		assert.deepEqual(options.map((o) => o.value).sort(), LEAD_FIELDS.map((f) => f.rest.name).sort());
		const email = options.find((o) => o.value === 'email');
		assert.equal(email.name, 'Email Address (email)');
		assert.equal(email.description, 'email');
	});

	it('the static list picker pages through every list, by ID or by name', async () => {
		const first = await call('listSearch', 'searchStaticLists');
		assert.equal(first.results.length, 200);
		assert.equal(first.paginationToken, '200');
		assert.deepEqual(first.results[0], { name: 'Newsletter subscribers (1001)', value: '1001' });
		const second = await call('listSearch', 'searchStaticLists', [undefined, first.paginationToken]);
		assert.equal(second.results.length, 53);
		assert.equal(second.paginationToken, undefined);
		const byName = await call('listSearch', 'searchStaticListNames', ['webinar']);
		assert.deepEqual(byName.results, [{ name: 'Webinar attendees (1002)', value: 'Webinar attendees' }]);
	});

	it('a search term finds lists beyond the first page', async () => {
		const found = await call('listSearch', 'searchStaticLists', ['Archive list 249']);
		assert.deepEqual(found.results, [{ name: 'Archive list 249 (5249)', value: '5249' }]);
	});

	it('the smart list picker lists smart lists', async () => {
		const { results } = await call('listSearch', 'searchSmartLists');
		assert.deepEqual(results.map((r) => r.value), ['2001', '2002']);
		const names = await call('listSearch', 'searchSmartListNames', ['high']);
		assert.deepEqual(names.results, [{ name: 'High score leads (2001)', value: 'High score leads' }]);
	});
});
