/**
 * Item 1 and 2 of the production path: the scheduled example, activated on a
 * real `n8n start` backed by PostgreSQL, writes into a real PostgreSQL table
 * through n8n's own Postgres node, fires twice with an n8n restart between
 * the two, and the table ends equal to Marketo's leads. Then, on the same
 * n8n, a schedule every few seconds while Marketo writes records late (an
 * email batch committed as its mail goes out, leads and members updated
 * late): each arrives once, every execution green. And Marketo changing under
 * a schedule (a job failed twice, a malformed file, a field deleted, a field
 * added): nobody acts, every execution green, the tables right.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { N8N_VERSIONS } from '../../scripts/e2e/installN8n.mjs';
import { startSandbox } from '../sandbox/server.mjs';
import { startPostgres } from './services.mjs';
import { assertLeadsTable, POSTGRES_CREDENTIAL_ID, scheduledExample, startWarehouseDeployment, WAREHOUSE_DDL } from './warehouse.mjs';

const DAY = 86_400_000;
const FIRST_RUN_START = Date.parse('2026-01-01T00:00:00Z');
const WORKFLOW = 'prodSchedule';

/** Marketo's lead jobs of one execution, in creation order, with their filter windows. */
function leadJobsSince(sandbox, count) {
	return [...sandbox.jobs.jobs.values()]
		.slice(count)
		.filter((job) => job.kind === 'leads')
		.map((job) => ({ startAt: Date.parse(job.spec.filter.updatedAt.startAt), endAt: Date.parse(job.spec.filter.updatedAt.endAt) }));
}

// n8n 2 and the last n8n 1 keep static data and run the Postgres node alike; both are proven.
const VERSIONS = process.env.N8N_E2E_VERSIONS?.split(',') ?? N8N_VERSIONS;

for (const version of VERSIONS) describe(`production: an active schedule on n8n ${version} start, upserting into PostgreSQL`, { timeout: 20 * 60_000 }, () => {
	let postgres;
	let sandbox;
	let deployment;

	before(async () => {
		postgres = await startPostgres({ databases: ['n8n', 'warehouse'] });
		postgres.sql('warehouse', WAREHOUSE_DDL);
		sandbox = await startSandbox({ speed: 1200, leadCount: 3000 });
		// Leads updated on each side of every 31-day window edge of the first run.
		for (let window = 1; window <= 10; window++) {
			const edge = FIRST_RUN_START + window * 31 * DAY;
			const candidates = sandbox.leads.filter((lead) => lead.createdAt < edge - 1000);
			candidates[window * 7].updatedAt = edge - 1000;
			candidates[window * 7 + 1].updatedAt = edge;
		}
		deployment = await startWarehouseDeployment({ postgres, sandbox, version });
		// 30 s between firings: a run takes a few seconds, so no second firing starts before the test stops n8n.
		await deployment.importWorkflow(scheduledExample({ id: WORKFLOW, seconds: 30 }));
		await deployment.activate(WORKFLOW);
	});
	after(async () => {
		await deployment?.stopAll();
		await sandbox?.stop();
		await postgres?.stop();
	});

	it('two firings with a restart between: the second goes on from where the first ended (less the look-back), and the table equals Marketo', async () => {
		const jobsBefore = sandbox.jobs.jobs.size;
		await deployment.startMain();
		const [firstRun] = await deployment.waitForEnded(WORKFLOW, 1);
		await deployment.stopProcesses();
		assert.equal(deployment.executions(WORKFLOW).length, 1, 'one firing before the restart');
		assert.equal(firstRun.status, 'success', deployment.output());
		assert.equal(firstRun.mode, 'trigger');

		const firstWindows = leadJobsSince(sandbox, jobsBefore);
		assert.equal(firstWindows[0].startAt, FIRST_RUN_START, 'the first run starts at First Run Starts At');
		for (let i = 1; i < firstWindows.length; i++) {
			assert.equal(firstWindows[i].startAt - firstWindows[i - 1].endAt, 1000, `window ${i + 1} starts one second after window ${i}`);
		}
		const firstEnd = firstWindows.at(-1).endAt;
		assertLeadsTable(postgres, 'warehouse', sandbox.leads);

		// Between the two nights: Marketo gets a new lead, an update, and a lead updated in the
		// very first second after the first run's end (the run edge).
		const now = Math.floor(Date.now() / 1000) * 1000;
		const template = sandbox.leads[0];
		const newLead = { ...template, id: Math.max(...sandbox.leads.map((l) => l.id)) + 1, email: 'new.lead@example.com', createdAt: now, updatedAt: now };
		sandbox.leads.push(newLead);
		Object.assign(sandbox.leads[5], { leadScore: 999, notes: 'updated between runs\nsecond line 🚀', updatedAt: now });
		Object.assign(sandbox.leads[6], { company: 'Edge "Second" Inc.', updatedAt: firstEnd + 1000 });

		const jobsBetween = sandbox.jobs.jobs.size;
		await deployment.startMain();
		const runs = await deployment.waitForEnded(WORKFLOW, 2);
		await deployment.stopProcesses();
		assert.equal(runs[1].status, 'success', deployment.output());

		const secondWindows = leadJobsSince(sandbox, jobsBetween);
		// The leads' default look-back reads again the 30 minutes before the first run read: not from First Run Starts At.
		const readAgain = firstEnd + 1000 - secondWindows[0].startAt;
		assert.ok(readAgain >= 0 && readAgain <= 30 * 60_000, `the position survived the restart: the second run reads on from the first run’s end, less the look-back (${readAgain} ms)`);
		assert.equal(secondWindows.length, 1, 'a day’s changes fit one window');
		assert.ok(secondWindows[0].endAt >= now, 'the second run reaches its own start');
		assertLeadsTable(postgres, 'warehouse', sandbox.leads);
		const activityRows = Number(postgres.sql('warehouse', 'select count(*) from marketo_activities'));
		assert.equal(activityRows, sandbox.activities.length, 'every activity, once');
	});

	it('records Marketo writes late, on a schedule every 3 seconds: every Send Email of a batch, every late update, each delivered once, every execution green', { timeout: 8 * 60_000 }, async () => {
		postgres.sql('warehouse', LATE_DDL);
		const firstRunStart = Math.floor((Date.now() - 3600_000) / 1000) * 1000;
		await deployment.importWorkflow(lateRecordsWorkflow(new Date(firstRunStart).toISOString()));
		await deployment.activate(LATE);
		await deployment.startMain();
		let batch;
		let leads;
		let members;
		try {
			await deployment.waitForEnded(LATE, 1);
			// The send: one Send Email activity per lead, dated at its start and committed one by one over 60
			// seconds as the mail goes out (an hour's send in a minute; the default look-back of an hour covers
			// either). Leads and program members updated in the same minute, most written up to 45 s late.
			const sentAt = Date.now();
			batch = sandbox.sendEmailBatch({ leadIds: sandbox.leads.slice(100, 340).map((lead) => lead.id), sentAt, commitOverMs: 60_000 });
			leads = sandbox.writeRecords('leads', { count: 40, at: sentAt + 20_000, spreadMs: 20_000, lateShare: 0.7, maxDelayMs: 45_000, seed: 5 });
			members = sandbox.writeRecords('programMembers', { count: 40, at: sentAt + 20_000, spreadMs: 20_000, lateShare: 0.7, maxDelayMs: 45_000, seed: 6 });
			const lastWrite = Math.max(sentAt + 60_000, ...[...leads, ...members].map((write) => write.writtenAt));
			await deployment.until('every late write committed', () => Date.now() > lastWrite + 1000 && sandbox.lateWrites.pending.length === 0, { timeoutMs: 120_000, output: deployment.output });
			// Three firings that start after the last write: the last of them reads everything written.
			const firings = deployment.executions(LATE).length;
			await deployment.waitForEnded(LATE, firings + 3, 120_000);
		} finally {
			await deployment.stopProcesses();
		}
		const ended = deployment.executions(LATE).filter((execution) => execution.stoppedAt !== null);
		assert.ok(ended.length >= 10, `${ended.length} firings`);
		assert.deepEqual(ended.filter((execution) => execution.status !== 'success').map((execution) => execution.status), [], `every execution green\n${deployment.output().slice(-3000)}`);

		const lastEnd = (fields) => Math.max(...[...sandbox.jobs.jobs.values()].filter((job) => job.status === 'Completed' && job.spec.fields.join() === fields.join()).map((job) => Date.parse(Object.values(job.spec.filter).find((value) => value?.endAt).endAt)));

		// Activities: the table holds each once, and exactly Marketo's activities of the range.
		const activityRows = postgres.rows('warehouse', 'select "marketoGUID" from late_activity_deliveries').map((row) => row.marketoGUID);
		assert.equal(new Set(activityRows).size, activityRows.length, 'no activity delivered twice');
		const activitiesEnd = lastEnd(LATE_FIELDS.activities);
		const expectedActivities = sandbox.activities.filter((a) => a.activityDate >= firstRunStart && a.activityDate <= activitiesEnd).map((a) => a.marketoGUID);
		assert.deepEqual([...activityRows].sort(), expectedActivities.sort(), 'the table equals Marketo');
		assert.ok(batch.every((send) => activityRows.includes(send.marketoGUID)), 'every Send Email of the batch, though most were written after a run read their second');

		// Leads and members: no version twice; the newest version of each equals Marketo's.
		for (const [what, table, records, keyOf, compare, end] of [
			['lead', 'late_lead_deliveries', sandbox.leads, (r) => String(r.id), 'leadScore', lastEnd(LATE_FIELDS.leads)],
			['member', 'late_member_deliveries', sandbox.programMembers.filter((m) => [1021, 1022, 1023].includes(m.programId)), (r) => `${r.programId}/${r.leadId}`, 'statusName', lastEnd(LATE_FIELDS.members)],
		]) {
			const rows = postgres.rows('warehouse', `select * from ${table}`).map((row) => ({ ...row, updatedAt: Date.parse(row.updatedAt) }));
			const versions = rows.map((row) => `${keyOf(row)}@${row.updatedAt}`);
			assert.equal(new Set(versions).size, versions.length, `no ${what} version delivered twice`);
			const newest = new Map();
			for (const row of rows) if (!newest.has(keyOf(row)) || newest.get(keyOf(row)).updatedAt < row.updatedAt) newest.set(keyOf(row), row);
			const expected = records.filter((record) => record.updatedAt >= firstRunStart && record.updatedAt <= end);
			assert.deepEqual([...newest.keys()].sort(), expected.map(keyOf).sort(), `every ${what} updated in the range`);
			for (const record of expected) {
				const row = newest.get(keyOf(record));
				assert.deepEqual([row.updatedAt, String(row[compare])], [record.updatedAt, String(record[compare])], `${what} ${keyOf(record)}: its newest version`);
			}
		}
		assert.ok(leads.every(({ record }) => lastEnd(LATE_FIELDS.leads) >= record.updatedAt), 'the sync reached every late lead');
	});

	it('Marketo changes under one active schedule every 3 seconds: a job failed twice, a malformed file, a field deleted, a field added; nobody acts, every execution green, the tables right', { timeout: 8 * 60_000 }, async () => {
		postgres.sql('warehouse', CHANGES_DDL);
		const firstRunStart = Math.floor((Date.now() - 6 * 3600_000) / 1000) * 1000;
		const startAt = new Date(firstRunStart).toISOString().replace('.000Z', 'Z');
		// Updates spread over the range, so each branch's first file holds rows to spoil.
		sandbox.writeRecords('leads', { count: 60, at: Date.now() - 60_000, spreadMs: 5 * 3600_000, seed: 21 });
		// The chosen-fields branch's job of its first window fails twice (the whole, then its first half).
		const failures = sandbox.jobs.failJobs({ times: 2, errorMsg: 'Failed to process export job', match: (job) => job.spec.fields.join() === CHANGES_FIELDS.join() && job.spec.filter.updatedAt?.startAt === startAt });
		// The All Fields branch's first file: a quote Marketo did not escape in one email, a value too many in another row.
		let spoiled;
		const rewrite = sandbox.jobs.rewriteFiles({
			match: (job) => job.spec.fields.includes('rating') && job.spec.filter.updatedAt?.startAt === startAt,
			rewrite: (text) => {
				const lines = text.split('\n');
				const header = lines[0].split(',');
				const email = header.indexOf('email');
				const plain = lines.map((line, index) => index).filter((index) => index > 0 && !lines[index].includes('"') && lines[index].split(',').length === header.length);
				const [quoted, ragged] = plain;
				const cells = lines[quoted].split(',');
				cells[email] = `"${cells[email].slice(0, 3)}"${cells[email].slice(3)}"`;
				lines[quoted] = cells.join(',');
				lines[ragged] = `${lines[ragged]},extra`;
				spoiled = { quotedId: Number(cells[0]), raggedLine: lines[ragged] };
				return lines.join('\n');
			},
		});
		await deployment.importWorkflow(changesWorkflow(startAt));
		await deployment.activate(CHANGES);
		await deployment.startMain();
		let removed;
		let added = false;
		let log = '';
		let changedAt;
		// The chosen branch's jobs (its fields, less any Marketo no longer has); the All Fields branch's (rating is only in describe).
		const isChosen = (job) => job.spec.fields.every((field) => CHANGES_FIELDS.includes(field));
		const isAll = (job) => job.spec.fields.includes('rating');
		const chosenEnd = () => lastEnd(sandbox, isChosen);
		try {
			// The chosen branch has met both failures and caught up to within a minute of now.
			await deployment.until('both failures met and both branches caught up', () => failures.remaining === 0 && rewrite.remaining === 0 && chosenEnd() > Date.now() - 60_000 && lastEnd(sandbox, isAll) > Date.now() - 60_000, { timeoutMs: 180_000, output: deployment.output });
			// An admin deletes a field the chosen branch names, and adds one; then leads change.
			removed = sandbox.removeLeadField('title');
			sandbox.addLeadField({ id: 901, displayName: 'Loyalty Tier', dataType: 'string', rest: { name: 'loyaltyTier', readOnly: false } });
			added = true;
			for (const lead of sandbox.leads) lead.loyaltyTier = `tier-${lead.id % 4}`;
			changedAt = Date.now();
			// Updates dated whole seconds after the change: a lead's updatedAt is a whole second.
			await new Promise((resolve) => setTimeout(resolve, 2100));
			sandbox.writeRecords('leads', { count: 20, at: Date.now() - 500, seed: 22 });
			const firings = deployment.executions(CHANGES).length;
			await deployment.waitForEnded(CHANGES, firings + 3, 120_000);
		} finally {
			// n8n's log, before its processes go (their output goes with them).
			log = deployment.output();
			await deployment.stopProcesses();
			if (removed) sandbox.addLeadField(removed);
			if (added) sandbox.removeLeadField('loyaltyTier');
		}
		const ended = deployment.executions(CHANGES).filter((execution) => execution.stoppedAt !== null);
		assert.deepEqual(ended.filter((execution) => execution.status !== 'success').map((execution) => execution.status), [], `every execution green\n${deployment.output().slice(-3000)}`);
		assert.equal(failures.remaining, 0, 'the job failed twice');
		assert.match(log, /Marketo failed export job .* "Failed to process export job"/, 'the failures were said');
		assert.match(log, /1 quote Marketo did not escape read as part of the value/);
		assert.match(log, /1 row could not be read/);
		assert.match(log, /Marketo no longer has the field title/);

		const updatedIn = (end) => sandbox.leads.filter((lead) => lead.updatedAt >= firstRunStart && lead.updatedAt <= end);
		// Chosen fields: every lead of its range, its newest update; title kept where it was delivered before the deletion.
		const chosen = postgres.rows('warehouse', 'select id, "updatedAt", title from changes_chosen');
		const expectedChosen = updatedIn(chosenEnd());
		assert.deepEqual(chosen.map((row) => row.id).sort((a, b) => a - b), expectedChosen.map((lead) => lead.id).sort((a, b) => a - b), 'the chosen branch: every lead of its range');
		for (const row of chosen) assert.equal(Date.parse(row.updatedAt), sandbox.leads.find((lead) => lead.id === row.id).updatedAt, `lead ${row.id}: its newest update`);
		// All Fields: every lead of its range, a row or the unreadable row routed aside; the new field filled after it was added.
		const all = postgres.rows('warehouse', 'select id, email, "updatedAt", "loyaltyTier" from changes_all');
		const unreadable = postgres.rows('warehouse', 'select * from changes_unreadable');
		assert.equal(unreadable.length, 1, 'the unreadable row routed to its table, once');
		assert.equal(unreadable[0].rawText, spoiled.raggedLine);
		const raggedId = Number(spoiled.raggedLine.split(',')[0]);
		const expectedAll = updatedIn(lastEnd(sandbox, isAll));
		const delivered = new Set([...all.map((row) => row.id), raggedId]);
		assert.deepEqual([...delivered].sort((a, b) => a - b), expectedAll.map((lead) => lead.id).sort((a, b) => a - b), 'All Fields: every lead of its range, in the table or routed');
		const quotedRow = all.find((row) => row.id === spoiled.quotedId);
		const quotedLead = sandbox.leads.find((lead) => lead.id === spoiled.quotedId);
		if (quotedLead.updatedAt < changedAt) assert.equal(quotedRow.email, `${quotedLead.email.slice(0, 3)}"${quotedLead.email.slice(3)}`, 'the stray quote read as part of the value');
		const afterChange = all.filter((row) => Date.parse(row.updatedAt) > changedAt);
		assert.ok(afterChange.length >= 20, `${afterChange.length} leads updated after the field was added`);
		for (const row of afterChange) assert.equal(row.loyaltyTier, `tier-${row.id % 4}`, `lead ${row.id}: the new field's column filled`);
		assert.ok(all.filter((row) => Date.parse(row.updatedAt) < changedAt).every((row) => row.loyaltyTier === null), 'before it was added, no value');
	});
});

const LATE = 'prodLateRecords';
const LATE_FIELDS = {
	activities: ['marketoGUID', 'activityTypeId', 'activityDate'],
	leads: ['id', 'leadScore', 'updatedAt'],
	members: ['leadId', 'statusName', 'updatedAt'],
};
/** Every delivery, inserted (not upserted): a record delivered twice is two rows. */
const LATE_DDL = `
create table late_activity_deliveries ("marketoGUID" text, "activityTypeId" integer, "activityDate" timestamptz);
create table late_lead_deliveries (id integer, "leadScore" integer, "updatedAt" timestamptz);
create table late_member_deliveries ("programId" integer, "leadId" integer, "statusName" text, "updatedAt" timestamptz);`;

/** A schedule every 3 seconds: three Since Last Run extracts at their default look-back, each inserting what it delivers. */
function lateRecordsWorkflow(firstRunStartAt) {
	const options = { pollIntervalSeconds: 0.05, maxWaitMinutes: 5 };
	const branches = [
		['Activities', { resource: 'activityExport', operation: 'extractActivities', fields: LATE_FIELDS.activities }, 'late_activity_deliveries'],
		['Leads', { operation: 'extractLeads', fields: LATE_FIELDS.leads, filterType: 'updatedAt' }, 'late_lead_deliveries'],
		['Members', { resource: 'programMemberExport', operation: 'extractProgramMembers', programIds: [1021, 1022, 1023], fields: LATE_FIELDS.members, dateFilter: 'updatedAt' }, 'late_member_deliveries'],
	];
	const nodes = [{ id: `${LATE}-t`, name: 'Every 3 seconds', type: 'n8n-nodes-base.scheduleTrigger', typeVersion: 1.2, position: [0, 0], parameters: { rule: { interval: [{ field: 'seconds', secondsInterval: 3 }] } } }];
	const connections = { 'Every 3 seconds': { main: [[]] } };
	branches.forEach(([name, parameters, table], index) => {
		nodes.push({
			id: `${LATE}-m${index}`,
			name,
			type: 'n8n-nodes-marketo-bulk-extract.marketoBulkExtract',
			typeVersion: 1,
			position: [260, index * 200],
			parameters: { ...parameters, rangeMode: 'sinceLastRun', firstRunStartAt, options },
			credentials: { marketoOAuth2Api: { id: 'marketo-credential', name: 'Marketo' } },
		});
		nodes.push({
			id: `${LATE}-p${index}`,
			name: `Insert ${name}`,
			type: 'n8n-nodes-base.postgres',
			typeVersion: 2.5,
			position: [520, index * 200],
			parameters: { operation: 'insert', schema: { __rl: true, value: 'public', mode: 'list' }, table: { __rl: true, value: table, mode: 'name' }, columns: { mappingMode: 'autoMapInputData', value: {} }, options: {} },
			credentials: { postgres: { id: POSTGRES_CREDENTIAL_ID, name: 'Warehouse' } },
		});
		connections['Every 3 seconds'].main[0].push({ node: name, type: 'main', index: 0 });
		connections[name] = { main: [[{ node: `Insert ${name}`, type: 'main', index: 0 }]] };
	});
	return { id: LATE, name: 'Late records', nodes, connections, settings: { executionOrder: 'v1' } };
}

const CHANGES = 'prodMarketoChanges';
const CHANGES_FIELDS = ['id', 'email', 'title', 'updatedAt'];
const CHANGES_DDL = `
create table changes_chosen (id integer primary key, email text, title text, "updatedAt" timestamptz);
create table changes_all (id integer primary key, email text, "updatedAt" timestamptz, "loyaltyTier" text);
create table changes_unreadable ("unreadableRow" boolean, "exportId" text, "rowNumber" integer, reason text, "rawText" text);`;

/** The latest window end of the Completed lead jobs by Updated At that `match`. */
function lastEnd(sandbox, match) {
	const ends = [...sandbox.jobs.jobs.values()].filter((job) => job.status === 'Completed' && job.kind === 'leads' && job.spec.filter.updatedAt && match(job)).map((job) => Date.parse(job.spec.filter.updatedAt.endAt));
	return Math.max(...ends);
}

/**
 * Every 3 seconds, two Since Last Run extracts of leads by Updated At: one of
 * chosen fields, upserted by id; one of All Fields, its unreadable rows routed
 * by an IF on unreadableRow to a table of their own, the others upserted with
 * the columns the table has (the new field's among them).
 */
function changesWorkflow(firstRunStartAt) {
	const options = { pollIntervalSeconds: 0.05, maxWaitMinutes: 5 };
	const marketo = (id, name, parameters, y) => ({
		id: `${CHANGES}-${id}`,
		name,
		type: 'n8n-nodes-marketo-bulk-extract.marketoBulkExtract',
		typeVersion: 1,
		position: [260, y],
		parameters: { operation: 'extractLeads', filterType: 'updatedAt', rangeMode: 'sinceLastRun', firstRunStartAt, options, ...parameters },
		credentials: { marketoOAuth2Api: { id: 'marketo-credential', name: 'Marketo' } },
	});
	const postgresNode = (id, name, parameters, position) => ({
		id: `${CHANGES}-${id}`,
		name,
		type: 'n8n-nodes-base.postgres',
		typeVersion: 2.5,
		position,
		parameters: { schema: { __rl: true, value: 'public', mode: 'list' }, options: {}, ...parameters },
		credentials: { postgres: { id: POSTGRES_CREDENTIAL_ID, name: 'Warehouse' } },
	});
	const table = (name) => ({ __rl: true, value: name, mode: 'name' });
	const nodes = [
		{ id: `${CHANGES}-t`, name: 'Every 3 seconds', type: 'n8n-nodes-base.scheduleTrigger', typeVersion: 1.2, position: [0, 0], parameters: { rule: { interval: [{ field: 'seconds', secondsInterval: 3 }] } } },
		marketo('m1', 'Chosen fields', { fields: CHANGES_FIELDS }, 0),
		postgresNode('p1', 'Upsert chosen', { operation: 'upsert', table: table('changes_chosen'), columns: { mappingMode: 'autoMapInputData', value: {}, matchingColumns: ['id'] } }, [520, 0]),
		marketo('m2', 'All fields', { allFields: true }, 200),
		{
			id: `${CHANGES}-if`,
			name: 'Unreadable?',
			type: 'n8n-nodes-base.if',
			typeVersion: 2,
			position: [520, 200],
			parameters: {
				conditions: {
					options: { caseSensitive: true, leftValue: '', typeValidation: 'strict' },
					conditions: [{ id: 'unreadable', leftValue: '={{ $json.unreadableRow === true }}', rightValue: '', operator: { type: 'boolean', operation: 'true', singleValue: true } }],
					combinator: 'and',
				},
				options: {},
			},
		},
		postgresNode('p2', 'Insert unreadable', { operation: 'insert', table: table('changes_unreadable'), columns: { mappingMode: 'autoMapInputData', value: {} } }, [780, 100]),
		postgresNode('p3', 'Upsert all', {
			operation: 'upsert',
			table: table('changes_all'),
			columns: {
				mappingMode: 'defineBelow',
				value: { id: '={{ $json.id }}', email: '={{ $json.email }}', updatedAt: '={{ $json.updatedAt }}', loyaltyTier: '={{ $json.loyaltyTier ?? null }}' },
				matchingColumns: ['id'],
				schema: ['id', 'email', 'updatedAt', 'loyaltyTier'].map((column) => ({ id: column, displayName: column, required: false, defaultMatch: false, display: true, type: column === 'id' ? 'number' : 'string', canBeUsedToMatch: true })),
			},
		}, [780, 300]),
	];
	const connections = {
		'Every 3 seconds': { main: [[{ node: 'Chosen fields', type: 'main', index: 0 }, { node: 'All fields', type: 'main', index: 0 }]] },
		'Chosen fields': { main: [[{ node: 'Upsert chosen', type: 'main', index: 0 }]] },
		'All fields': { main: [[{ node: 'Unreadable?', type: 'main', index: 0 }]] },
		'Unreadable?': { main: [[{ node: 'Insert unreadable', type: 'main', index: 0 }], [{ node: 'Upsert all', type: 'main', index: 0 }]] },
	};
	return { id: CHANGES, name: 'Marketo changes', nodes, connections, settings: { executionOrder: 'v1' } };
}
