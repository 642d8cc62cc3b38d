/**
 * The node in the real n8n editor, in headless Chromium (Debian's package,
 * driven by playwright-core; no browser download): the parameters render, the
 * field picker lists the sandbox's lead fields (loaded through describe) and the
 * list picker lists its static lists. Screenshots go to out/screenshots/.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { chromium } from 'playwright-core';

import { startSandbox } from '../sandbox/server.mjs';
import { startN8n } from '../e2e/n8nCli.mjs';

const shots = join(import.meta.dirname, '..', '..', 'out', 'screenshots');
const PORT = 5700 + Math.floor(Math.random() * 200);
const OWNER = { email: 'owner@example.com', firstName: 'Ada', lastName: 'Lovelace', password: 'Sandbox-Passw0rd' };
const WORKFLOW_ID = 'browserExtract';
const NODE_NAME = 'Marketo';

const workflow = {
	id: WORKFLOW_ID,
	name: 'Marketo in the editor',
	nodes: [
		{ id: 'b1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		{
			id: 'b2',
			name: NODE_NAME,
			type: 'n8n-nodes-marketo-bulk-extract.marketoBulkExtract',
			typeVersion: 1,
			position: [260, 0],
			parameters: { operation: 'extractLeads', fields: ['id', 'email'], filterType: 'staticListId', staticListId: { __rl: true, mode: 'list', value: '' } },
			credentials: { marketoOAuth2Api: { id: 'marketo-credential', name: 'Marketo sandbox' } },
		},
	],
	connections: { Start: { main: [[{ node: NODE_NAME, type: 'main', index: 0 }]] } },
	settings: { executionOrder: 'v1' },
};

describe('the node in the real n8n editor', { timeout: 10 * 60_000 }, () => {
	let sandbox;
	let n8n;
	let server;
	let browser;
	let page;

	before(async () => {
		mkdirSync(shots, { recursive: true });
		sandbox = await startSandbox({ leadCount: 500 });
		n8n = await startN8n();
		await n8n.importSandboxCredential(sandbox);
		await n8n.importWorkflow(workflow);
		server = await n8n.serve(PORT);
		const setup = await fetch(`${server.url}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify(OWNER),
		});
		assert.ok(setup.ok, `owner setup: ${setup.status} ${await setup.text()}`);
		const cookie = /n8n-auth=([^;]+)/.exec(setup.headers.get('set-cookie') ?? '')?.[1];
		assert.ok(cookie, 'n8n issued a session cookie');

		browser = await chromium.launch({
			executablePath: '/usr/bin/chromium',
			args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
		});
		const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
		await context.addCookies([{ name: 'n8n-auth', value: cookie, url: server.url }]);
		page = await context.newPage();
	});

	after(async () => {
		await browser?.close();
		await server?.stop();
		n8n?.cleanup();
		await sandbox?.stop();
	});

	it('opens the node and shows its operations and parameters', async () => {
		await page.goto(`${server.url}/workflow/${WORKFLOW_ID}`);
		const node = page.locator(`[data-test-id="canvas-node"][data-node-name="${NODE_NAME}"]`).first();
		await node.waitFor({ timeout: 60_000 });
		await page.waitForTimeout(1000); // the canvas fades in
		await page.screenshot({ path: join(shots, 'canvas.png') });
		assert.match(await node.innerText(), /Extract leads/, 'the canvas names the operation');
		await node.dblclick();
		await page.getByText('Field Names or IDs').first().waitFor({ timeout: 30_000 });
		await page.screenshot({ path: join(shots, 'extract-leads-parameters.png') });
		const labels = await page.locator('body').innerText();
		for (const label of ['Credential', 'Resource', 'Operation', 'Job', 'Field Names or IDs', 'Format', 'Filter', 'Static List', 'Column Header Names', 'Output', 'Options']) {
			assert.ok(labels.includes(label), `the panel shows the parameter "${label}"`);
		}
		// Chosen options are shown as the values of the dropdowns' inputs.
		const values = await page.locator('input').evaluateAll((inputs) => inputs.map((input) => input.value));
		for (const value of ['Marketo sandbox', 'Lead Export', 'Extract Leads', 'Define a New Export', 'CSV', 'Static List ID', 'One Item per Lead']) {
			assert.ok(values.includes(value), `a dropdown shows "${value}" (${values.filter(Boolean).join(', ')})`);
		}
	});

	it('the field picker lists the sandbox’s lead fields, loaded through describe', async () => {
		await page.getByText('Field Names or IDs').first().waitFor();
		const fieldInput = page.locator('[data-test-id="parameter-input-fields"]').first();
		await fieldInput.click();
		await page.getByText('Email Address (email)').first().waitFor({ timeout: 30_000 });
		await page.screenshot({ path: join(shots, 'field-picker.png') });
		// The dropdown renders only the options in view: type to filter, as a user looking for a field does.
		for (const [search, label] of [['Lead Score', 'Lead Score (leadScore)'], ['Updated At', 'Updated At (updatedAt)']]) {
			await page.keyboard.type(search);
			await page.getByText(label).first().waitFor({ state: 'attached', timeout: 10_000 });
			for (let i = 0; i < search.length; i++) await page.keyboard.press('Backspace');
		}
		// Nothing else in this test calls describe: the options came from the editor's request.
		assert.ok(sandbox.servedCalls('/describe.json').length > 0, 'the editor asked Marketo (describe)');
		await page.keyboard.press('Escape');
	});

	it('the static list picker lists the sandbox’s lists', async () => {
		const listInput = page.locator('[data-test-id="parameter-input-staticListId"]').first();
		await listInput.click();
		await page.getByText('Newsletter subscribers (1001)').first().waitFor({ timeout: 30_000 });
		await page.screenshot({ path: join(shots, 'list-picker.png') });
		const text = await page.locator('body').innerText();
		assert.ok(text.includes('Webinar attendees (1002)'));
		assert.ok(sandbox.servedCalls('/staticLists.json').length > 0, 'the editor asked Marketo for the lists');
		await page.keyboard.press('Escape');
	});

	it('offers every export kind, and Activity Export shows its own parameters and the instance’s activity types', async () => {
		await page.locator('[data-test-id="parameter-input-resource"]').first().click();
		for (const resource of ['Lead Export', 'Activity Export', 'Program Member Export', 'Custom Object Export']) {
			await page.getByText(resource, { exact: true }).first().waitFor({ timeout: 10_000 });
		}
		await page.getByText('Activity Export', { exact: true }).first().click();
		await page.getByText('Activity Type Names or IDs').first().waitFor({ timeout: 30_000 });
		const values = await page.locator('input').evaluateAll((inputs) => inputs.map((input) => input.value));
		assert.ok(values.includes('Extract Activities'), `the operation is Extract Activities (${values.filter(Boolean).join(', ')})`);
		await page.locator('[data-test-id="parameter-input-activityTypeIds"]').first().click();
		// The options are in the page once the editor has loaded them; the dropdown may scroll them out of view.
		await page.getByText('Fill Out Form (2)').first().waitFor({ state: 'attached', timeout: 30_000 });
		await page.screenshot({ path: join(shots, 'activity-types-picker.png') });
		assert.ok(sandbox.servedCalls('/activities/types.json').length > 0, 'the editor asked Marketo for the activity types');
		await page.keyboard.press('Escape');
	});
});
