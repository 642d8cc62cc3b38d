/**
 * Runs workflows through n8n-core's real execution engine (WorkflowExecute) in
 * this process, with this package's built node and credential, the way n8n's
 * own NodeTestHarness does, plus the OAuth2 parts it lacks: credential
 * defaults evaluated as n8n evaluates them, the parent type `oAuth2Api`, and a
 * token store so n8n's client-credentials fetch and refresh run for real.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// n8n-core reads its settings folder and encryption key when it loads: keep them out of ~/.n8n.
process.env.N8N_USER_FOLDER ??= mkdtempSync(join(tmpdir(), 'n8n-user-'));
process.env.N8N_ENCRYPTION_KEY ??= 'test-encryption-key';
process.env.N8N_LOG_LEVEL ??= 'silent';

const require = createRequire(import.meta.url);
const { Expression, ICredentialsHelper, Workflow } = require('n8n-workflow');
const core = require('n8n-core');
// n8n-core carries its own @n8n/di; its services live in that container.
const { Container } = createRequire(require.resolve('n8n-core'))('@n8n/di');

const { Logger } = createRequire(require.resolve('n8n-core'))('@n8n/backend-common');

/** Every line the node logs through n8n's logger, as [level, message, meta]. */
export const loggedLines = [];
const capturingLogger = {
	error: (message, meta) => loggedLines.push(['error', message, meta]),
	warn: (message, meta) => loggedLines.push(['warn', message, meta]),
	info: (message, meta) => loggedLines.push(['info', message, meta]),
	debug: (message, meta) => loggedLines.push(['debug', message, meta]),
	verbose: (message, meta) => loggedLines.push(['verbose', message, meta]),
	scoped: () => capturingLogger,
};
// Nodes reach n8n's logger through the container: catch what they write.
Container.set(Logger, capturingLogger);

/**
 * n8n's processed-data store (what `checkProcessedAndRecord` writes to), as
 * n8n's DeduplicationHelper keeps it in its database: per workflow and
 * context, MD5 hashes in insertion order, the oldest dropped beyond
 * maxEntries. Each run gets an empty store unless the test passes one (a
 * JournalStore) to share across runs, as n8n's database is shared.
 */
export class JournalStore {
	rows = new Map();
	/** With a file, the store is kept there after every change, as a database keeps it: it outlives a killed process. */
	constructor(file) {
		this.file = file;
		if (file && existsSync(file)) this.rows = new Map(JSON.parse(readFileSync(file, 'utf8')));
	}
	save() {
		if (this.file) writeFileSync(this.file, JSON.stringify([...this.rows]));
	}
	static hash = (value) => createHash('md5').update(String(value)).digest('base64');
	key = (scope, { workflow, node }) => `${workflow.id}|${scope === 'node' ? `n:${node.id}` : ''}`;
	async checkProcessedAndRecord(items, scope, contextData, options) {
		if (options.mode !== 'entries') throw new Error('the test store keeps entries only');
		if (!contextData.workflow.id) throw new Error('no workflow id');
		const key = this.key(scope, contextData);
		const data = this.rows.get(key) ?? [];
		const result = JournalStore.checkAndRecord(data, items, options);
		this.rows.set(key, data);
		this.save();
		return result;
	}
	/** What n8n computes for one call on a row: which items it holds, the rest appended, the oldest dropped beyond maxEntries. */
	static checkAndRecord(data, items, options) {
		const seen = new Set(data);
		const result = { new: [], processed: [] };
		for (const item of items) {
			const hashed = JournalStore.hash(item);
			if (seen.has(hashed)) result.processed.push(item);
			else {
				result.new.push(item);
				data.push(hashed);
				seen.add(hashed);
			}
		}
		if (options.maxEntries) data.splice(0, Math.max(0, data.length - options.maxEntries));
		return result;
	}
	async removeProcessed(items, scope, contextData) {
		const data = this.rows.get(this.key(scope, contextData)) ?? [];
		for (const item of items) {
			const index = data.indexOf(JournalStore.hash(item));
			if (index !== -1) data.splice(index, 1);
		}
		this.save();
	}
	async checkProcessedItemsAndRecord() {
		throw new Error('not used by this package');
	}
	async clearAllProcessedItems(scope, contextData) {
		this.rows.delete(this.key(scope, contextData));
	}
	async getProcessedDataCount(scope, contextData) {
		return (this.rows.get(this.key(scope, contextData)) ?? []).length;
	}
	/** How many entries the store holds in all. */
	get size() {
		return [...this.rows.values()].reduce((sum, data) => sum + data.length, 0);
	}
}
/**
 * n8n's store as its database serves executions at once: each call reads the
 * row, waits a round trip, and writes the whole row back, with no lock. Two
 * calls at once can lose each other's writes, and an entry asked about is in
 * the row for a moment before it is removed again, as in n8n.
 */
export class InterleavingStore extends JournalStore {
	static roundTrip = () => new Promise((resolve) => setTimeout(resolve, Math.random() * 4));
	async checkProcessedAndRecord(items, scope, contextData, options) {
		const key = this.key(scope, contextData);
		const data = [...(this.rows.get(key) ?? [])];
		await InterleavingStore.roundTrip();
		const result = JournalStore.checkAndRecord(data, items, options);
		this.rows.set(key, data);
		return result;
	}
	async removeProcessed(items, scope, contextData) {
		const key = this.key(scope, contextData);
		const data = [...(this.rows.get(key) ?? [])];
		await InterleavingStore.roundTrip();
		const gone = new Set(items.map(JournalStore.hash));
		this.rows.set(key, data.filter((hashed) => !gone.has(hashed)));
	}
}
let currentJournal = new JournalStore();
const journalProxy = new Proxy(
	{},
	{ get: (_, name) => (...args) => currentJournal[name](...args) },
);
await core.DataDeduplicationService.init(journalProxy);

// The package's build; a benchmark may point MARKETO_DIST at another build (an earlier commit) to compare.
const dist = process.env.MARKETO_DIST ?? join(import.meta.dirname, '..', '..', 'dist');
const { MarketoBulkExtract } = require(join(dist, 'nodes/MarketoBulkExtract/MarketoBulkExtract.node.js'));
const { MarketoOAuth2Api } = require(join(dist, 'credentials/MarketoOAuth2Api.credentials.js'));

export const NODE_TYPE = 'n8n-nodes-marketo-bulk-extract.marketoBulkExtract';
export const CREDENTIAL_TYPE = 'marketoOAuth2Api';

/** A start node that emits the items given in its `items` parameter. */
class ItemsSource {
	description = {
		displayName: 'Items',
		name: 'items',
		group: ['input'],
		version: 1,
		description: 'Emits fixed items',
		defaults: { name: 'Items' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[{}]' }],
	};

	async execute() {
		const raw = this.getNodeParameter('items', 0);
		const items = typeof raw === 'string' ? JSON.parse(raw) : raw;
		return [items.map((json) => ({ json }))];
	}
}

const nodeTypeInstances = {
	[NODE_TYPE]: new MarketoBulkExtract(),
	'test.items': new ItemsSource(),
};

const nodeTypes = {
	getByName: (type) => nodeTypeInstances[type],
	getByNameAndVersion: (type) => nodeTypeInstances[type],
	getKnownTypes: () => ({}),
};

const credentialType = new MarketoOAuth2Api();

/** Fills hidden credential fields from their defaults, evaluating `={{ }}` with `$self` like n8n. */
function withDefaults(data) {
	const full = { ...data };
	for (const property of credentialType.properties) {
		if (full[property.name] !== undefined) continue;
		const value = property.default;
		full[property.name] =
			typeof value === 'string' && value.startsWith('=')
				? Expression.resolveWithoutWorkflow(value.slice(1), { $self: full })
				: value;
	}
	return full;
}

/** Credential storage shared by all runs of one store: tokens n8n fetches are kept here. */
export class CredentialStore extends ICredentialsHelper {
	constructor() {
		super();
		this.byId = new Map();
		this.tokenUpdates = 0;
	}

	set(id, data) {
		this.byId.set(id, { ...data });
	}

	get(id) {
		return this.byId.get(id);
	}

	getParentTypes(name) {
		return name === CREDENTIAL_TYPE ? ['oAuth2Api'] : [];
	}

	isCredentialUsableByNode() {
		return true;
	}

	async authenticate(_credentials, _type, requestOptions) {
		return requestOptions;
	}

	async preAuthentication() {
		return undefined;
	}

	async runPreAuthentication() {
		return undefined;
	}

	async getCredentials() {
		throw new Error('not used');
	}

	async getDecrypted(_additionalData, nodeCredentials) {
		const data = this.byId.get(nodeCredentials.id);
		if (!data) throw new Error(`No credential with id ${nodeCredentials.id}`);
		return withDefaults(data);
	}

	async updateCredentials(nodeCredentials, _type, data) {
		this.byId.set(nodeCredentials.id, { ...data });
	}

	async updateCredentialsOauthTokenData(nodeCredentials, _type, data) {
		this.tokenUpdates++;
		const stored = this.byId.get(nodeCredentials.id);
		this.byId.set(nodeCredentials.id, { ...stored, oauthTokenData: data.oauthTokenData });
	}

	getCredentialsProperties() {
		return credentialType.properties;
	}
}

let binaryDataReady;
/** n8n's binary data service in filesystem mode (streams go to disk), as a self-hosted n8n runs it. */
async function initBinaryData() {
	binaryDataReady ??= (async () => {
		const folder = mkdtempSync(join(tmpdir(), 'n8n-binary-'));
		const config = Container.get(core.BinaryDataConfig);
		config.mode = 'filesystem';
		config.availableModes = ['filesystem'];
		config.localStoragePath = folder;
		config.signingSecret = 'test-signing-secret';
		const service = Container.get(core.BinaryDataService);
		await service.init();
		return service;
	})();
	return await binaryDataReady;
}

/** Reads a binary entry of an output item back as a Buffer. */
export async function readBinary(binary) {
	const service = await initBinaryData();
	return await service.getAsBuffer(binary);
}

function additionalDataFor(credentials, hooks) {
	return {
		hooks,
		credentialsHelper: credentials,
		executionId: 'exec-1',
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		currentNodeParameters: undefined,
		executionTimeoutTimestamp: undefined,
		userId: 'user-1',
		variables: {},
		logAiEvent: () => {},
		startRunnerTask: async () => {
			throw new Error('task runner not available in tests');
		},
	};
}

/**
 * Runs `nodes` (Items → …) and resolves with the finished run. `credentials`
 * is the CredentialStore to use (create one per sandbox to share tokens across
 * runs). `abortAfterMs` cancels the execution like a user pressing Stop, and so
 * does `abortWhen` once it returns true (asked every 20 ms).
 */
export async function runWorkflow({ nodes, connections, credentials, mode = 'manual', staticData, abortAfterMs, abortWhen, journal }) {
	await initBinaryData();
	currentJournal = journal ?? new JournalStore();
	const workflow = new Workflow({
		id: 'wf-test',
		name: 'test',
		nodes,
		connections,
		nodeTypes,
		active: false,
		staticData,
		settings: {},
	});
	const hooks = new core.ExecutionLifecycleHooks(mode, 'exec-1', { id: 'wf-test', name: 'test', nodes, connections });
	let finished;
	const done = new Promise((resolve) => {
		finished = resolve;
	});
	hooks.addHandler('workflowExecuteAfter', (run) => finished(run));

	const additionalData = additionalDataFor(credentials, hooks);

	const start = workflow.getNode(nodes[0].name);
	const runExecutionData = {
		startData: {},
		resultData: { runData: {} },
		executionData: {
			contactData: {},
			metadata: {},
			contextData: {},
			waitingExecution: {},
			waitingExecutionSource: null,
			nodeExecutionStack: [{ node: start, data: { main: [[{ json: {} }]] }, source: null }],
		},
	};
	const execute = new core.WorkflowExecute(additionalData, mode, runExecutionData);
	const promise = execute.processRunExecutionData(workflow);
	if (abortAfterMs !== undefined) setTimeout(() => promise.cancel(), abortAfterMs);
	const watch = abortWhen
		? setInterval(() => {
				if (abortWhen()) {
					clearInterval(watch);
					promise.cancel();
				}
			}, 20)
		: undefined;
	await promise.catch(() => undefined);
	clearInterval(watch);
	const run = await done;
	return { run, workflow };
}

/** Output items of a node (first run, first output), or throws with the node's error. */
export function outputOf(run, nodeName) {
	const task = run.data.resultData.runData[nodeName]?.[0];
	if (!task) throw new Error(`Node "${nodeName}" did not run: ${run.data.resultData.error?.message ?? 'no error'}`);
	if (task.error) throw task.error;
	return task.data?.main?.[0] ?? [];
}

/** The node's error, or undefined. */
export function errorOf(run, nodeName) {
	return run.data.resultData.runData[nodeName]?.[0]?.error ?? run.data.resultData.error;
}

/**
 * Calls one of the node's editor methods (loadOptions or listSearch) the way the
 * editor does, through n8n-core's LoadOptionsContext.
 */
export async function callEditorMethod({ nodes, connections, credentials, kind, method, args = [] }) {
	const workflow = new Workflow({ id: 'wf-test', name: 'test', nodes, connections, nodeTypes, active: false, settings: {} });
	const node = workflow.getNode(nodes.at(-1).name);
	// The editor sends the node's current parameters with every load-options request.
	const additionalData = { ...additionalDataFor(credentials, undefined), currentNodeParameters: node.parameters };
	const context = new core.LoadOptionsContext(workflow, node, additionalData, 'parameters');
	return await nodeTypeInstances[node.type].methods[kind][method].call(context, ...args);
}
