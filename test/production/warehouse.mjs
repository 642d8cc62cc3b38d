/**
 * The production scenarios' shared parts: the example workflows as a user
 * sets them up (Postgres nodes enabled, a credential for each service, a short
 * schedule), n8n with those credentials, the warehouse tables README.md gives,
 * and what the table must hold for a set of sandbox leads.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { startDeployment } from './n8nServer.mjs';

const examplesDir = join(import.meta.dirname, '..', '..', 'examples');

/** The DDL README.md gives for the scheduled example's two tables. */
export const WAREHOUSE_DDL = `
create table marketo_leads (
	id integer primary key,
	email text, "firstName" text, "lastName" text, company text, title text,
	"leadScore" integer, "annualRevenue" numeric(14, 2), unsubscribed boolean, notes text,
	"createdAt" timestamptz, "updatedAt" timestamptz
);
create table marketo_activities (
	"marketoGUID" text primary key,
	"leadId" integer, "activityDate" timestamptz, "activityTypeId" integer, "campaignId" integer,
	"primaryAttributeValueId" integer, "primaryAttributeValue" text, attributes jsonb
);`;

export const LEAD_COLUMNS = ['id', 'email', 'firstName', 'lastName', 'company', 'title', 'leadScore', 'annualRevenue', 'unsubscribed', 'notes', 'createdAt', 'updatedAt'];

export const POSTGRES_CREDENTIAL_ID = 'warehouse-credential';

export function postgresCredential(postgres, database) {
	return {
		id: POSTGRES_CREDENTIAL_ID,
		name: 'Warehouse',
		type: 'postgres',
		data: { host: postgres.host, port: postgres.port, database, user: postgres.user, password: postgres.password, ssl: 'disable' },
	};
}

/**
 * examples/`file` under `id`: its Postgres nodes enabled with the warehouse
 * credential, its Marketo nodes polling the fast sandbox often (and, when
 * given, waiting at most `maxWaitMinutes`).
 */
export function exampleWorkflow(file, { id, pollIntervalSeconds = 0.05, maxWaitMinutes }) {
	const workflow = JSON.parse(readFileSync(join(examplesDir, file), 'utf8'));
	workflow.id = id;
	workflow.name = `${workflow.name} (${id})`;
	for (const node of workflow.nodes) {
		node.id = `${id}-${node.id.slice(-4)}`;
		if (node.type === 'n8n-nodes-base.postgres') {
			delete node.disabled;
			node.credentials = { postgres: { id: POSTGRES_CREDENTIAL_ID, name: 'Warehouse' } };
		}
		if (node.type.endsWith('.marketoBulkExtract')) {
			node.parameters.options = { ...node.parameters.options, pollIntervalSeconds, ...(maxWaitMinutes === undefined ? {} : { maxWaitMinutes }) };
		}
	}
	return workflow;
}

/** The scheduled example (exampleWorkflow) under `id`, firing every `seconds`, its extracts waiting at most 10 minutes. */
export function scheduledExample({ id, seconds = 10, pollIntervalSeconds = 0.05, adjust = () => {} }) {
	const workflow = exampleWorkflow('scheduled-incremental-extract.json', { id, pollIntervalSeconds, maxWaitMinutes: 10 });
	for (const node of workflow.nodes) {
		if (node.type === 'n8n-nodes-base.scheduleTrigger') node.parameters = { rule: { interval: [{ field: 'seconds', secondsInterval: seconds }] } };
	}
	adjust(workflow);
	return workflow;
}

/**
 * n8n on PostgreSQL (startDeployment) with the credentials the examples use:
 * the sandbox's Marketo credential and the Postgres one of `warehouse`. A
 * failed import stops what was set up before it fails the test.
 */
export async function startWarehouseDeployment({ postgres, redis, sandbox, version, database, warehouse = 'warehouse' }) {
	const deployment = await startDeployment({ postgres, redis, database, version });
	try {
		await deployment.importSandboxCredential(sandbox);
		await deployment.importCredentials([postgresCredential(postgres, warehouse)]);
		return deployment;
	} catch (error) {
		await deployment.stopAll();
		throw error;
	}
}

const iso = (ms) => new Date(ms).toISOString();

/** Asserts that marketo_leads holds exactly `leads`, value for value, with PostgreSQL's types. */
export function assertLeadsTable(postgres, database, leads, table = 'marketo_leads') {
	const rows = postgres.rows(database, `select ${LEAD_COLUMNS.map((c) => `"${c}"`).join(', ')} from ${table} order by id`);
	const expected = [...leads].sort((a, b) => a.id - b.id);
	assert.equal(rows.length, expected.length, 'one row per lead');
	const missing = expected.filter((lead, index) => rows[index]?.id !== lead.id).map((lead) => lead.id);
	assert.deepEqual(missing.slice(0, 10), [], 'the table has exactly the leads’ ids');
	for (const [index, lead] of expected.entries()) {
		const row = rows[index];
		const actual = { ...row, createdAt: iso(Date.parse(row.createdAt)), updatedAt: iso(Date.parse(row.updatedAt)) };
		const wanted = {};
		for (const column of LEAD_COLUMNS) wanted[column] = lead[column] ?? null;
		wanted.createdAt = iso(lead.createdAt);
		wanted.updatedAt = iso(lead.updatedAt);
		assert.deepEqual(actual, wanted, `lead ${lead.id}: every value and its type`);
	}
}

/** The same workflow started by a POST to /webhook/<path> instead of its schedule: a test decides when it runs. */
export function triggeredByWebhook(workflow, path) {
	const trigger = workflow.nodes.find((node) => node.type === 'n8n-nodes-base.scheduleTrigger');
	Object.assign(trigger, {
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		webhookId: `${workflow.id}-hook`,
		parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
	});
	return workflow;
}

/** Webhook → one Marketo Bulk Extract node → (optionally) a Postgres upsert on `id` into `table`. */
export function extractWorkflow({ id, path, nodeName, parameters, table }) {
	const nodes = [
		{ id: `${id}-1`, name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: `${id}-hook`, parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} } },
		{
			id: `${id}-2`,
			name: nodeName,
			type: 'n8n-nodes-marketo-bulk-extract.marketoBulkExtract',
			typeVersion: 1,
			position: [260, 0],
			parameters,
			credentials: { marketoOAuth2Api: { id: 'marketo-credential', name: 'Marketo' } },
		},
	];
	const connections = { Webhook: { main: [[{ node: nodeName, type: 'main', index: 0 }]] } };
	if (table) {
		nodes.push({
			id: `${id}-3`,
			name: 'Upsert',
			type: 'n8n-nodes-base.postgres',
			typeVersion: 2.5,
			position: [520, 0],
			parameters: {
				operation: 'upsert',
				schema: { __rl: true, value: 'public', mode: 'list' },
				table: { __rl: true, value: table, mode: 'name' },
				columns: { mappingMode: 'autoMapInputData', value: {}, matchingColumns: ['id'] },
				options: {},
			},
			credentials: { postgres: { id: POSTGRES_CREDENTIAL_ID, name: 'Warehouse' } },
		});
		connections[nodeName] = { main: [[{ node: 'Upsert', type: 'main', index: 0 }]] };
	}
	return { id, name: id, nodes, connections, settings: { executionOrder: 'v1' } };
}
