/**
 * Deleted and merged leads, for a mirror that stays exact: Get Deleted Leads
 * follows every page, keeps its own Since Last Run position, is bounded by Max
 * Items and goes on where it stopped (never between two deletions of one
 * second), and says out loud when its range reaches past Marketo's 14 days.
 * A Merge Leads activity's merged-away IDs come out as numbers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { JournalStore, loggedLines } from '../support/engine.mjs';
import { sandboxFixture } from '../support/sandboxFixture.mjs';

const DAY = 86_400_000;
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const hintsOf = (result) => result.run.data.resultData.runData.Marketo?.[0]?.hints ?? [];
const warningsOf = (result) => hintsOf(result).filter((hint) => hint.type === 'warning').map((hint) => hint.message).join('\n');

const deleted = (parameters = {}) => ({ resource: 'leadExport', operation: 'getDeletedLeads', ...parameters });

describe('Get Deleted Leads', () => {
	let fixture;
	let sandbox;
	before(async () => {
		// Marketo's clock at real time: deletions are dated by it, ranges by the node's.
		fixture = await sandboxFixture({ speed: 1, leadCount: 3000 });
		sandbox = fixture.sandbox;
	});
	after(() => fixture.stop());

	/** Deletes `count` leads over the hours before now, `perSecond` in each second. */
	function deleteLeads(count, { perSecond = 1, hoursAgo = 48 } = {}) {
		const ids = sandbox.leads.slice(0, count).map((lead) => lead.id);
		const from = Math.floor((Date.now() - hoursAgo * 3600_000) / 1000) * 1000;
		for (let i = 0; i < ids.length; i += perSecond) sandbox.deleteLeads(ids.slice(i, i + perSecond), from + Math.floor(i / perSecond) * 60_000);
		return ids;
	}

	it('Since a Date: every page followed, one item per deleted lead, its ID and when, in UTC', async () => {
		const before = sandbox.lifecycle.deletions.length;
		const ids = deleteLeads(700, { hoursAgo: 100 });
		const calls = sandbox.log.length;
		const result = await fixture.run(deleted({ deletedRange: 'since', deletedSince: iso(Date.now() - 5 * DAY) }));
		assert.equal(result.error(), undefined, result.error()?.message);
		const items = result.items().map((item) => item.json);
		assert.deepEqual(items.map((item) => item.leadId).slice(-700), ids);
		assert.equal(items.length, before + 700);
		assert.match(items[0].deletedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
		assert.equal(Date.parse(items.at(-1).deletedAt), sandbox.lifecycle.deletions.at(-1).activityDate);
		assert.equal(items[0].activityTypeId, 37, 'what else Marketo gives stays');
		const paths = sandbox.log.slice(calls).filter((entry) => entry.kind !== 'token').map((entry) => entry.path);
		assert.deepEqual(paths, ['/rest/v1/activities/pagingtoken.json', ...Array(3).fill('/rest/v1/activities/deletedleads.json')], '700 deletions: three pages of 300');
		assert.match(hintsOf(result).map((h) => h.message).join(' '), /Get Deleted Leads: \d+ deleted leads from .* 3 pages/);
		assert.equal(warningsOf(result), '', 'five days back: within Marketo’s 14 days');
	});

	it('Since Last Run: its own position; the next run gets only what was deleted since', async () => {
		const journal = new JournalStore();
		const staticData = {};
		const parameters = deleted({ deletedRange: 'sinceLastRun', firstRunStartAt: iso(Date.now() - 3 * DAY) });
		deleteLeads(5, { hoursAgo: 20 });
		const first = await fixture.run(parameters, { mode: 'trigger', journal, staticData });
		assert.equal(first.error(), undefined, first.error()?.message);
		const firstIds = first.items().map((item) => item.json.leadId);
		assert.ok(firstIds.length > 0);
		const firstEnd = /to (\S+), \d+ pages?/.exec(hintsOf(first).find((h) => /Get Deleted Leads:/.test(h.message)).message)[1];
		assert.ok(Date.now() - Date.parse(firstEnd) >= 300_000, 'the range ends five minutes before now, for deletions Marketo lists late');
		// Deletions Marketo lists only after the first run read its range, dated just after its end.
		const three = sandbox.leads.slice(0, 3).map((lead) => lead.id);
		sandbox.deleteLeads(three, Date.parse(firstEnd) + 1000);
		await new Promise((resolve) => setTimeout(resolve, 1100));
		const calls = sandbox.log.length;
		const second = await fixture.run(parameters, { mode: 'trigger', journal, staticData });
		assert.equal(second.error(), undefined, second.error()?.message);
		assert.deepEqual(second.items().map((item) => item.json.leadId), three);
		const tokenCall = sandbox.log.slice(calls).find((entry) => entry.path.endsWith('/pagingtoken.json'));
		assert.equal(Date.parse(tokenCall.query.sinceDatetime) - Date.parse(firstEnd), 1000, 'from one second after the first run’s end');
		// An extract's position is another: a lead extract on the same node type starts at its own First Run Starts At.
		assert.ok(!Object.keys(staticData['node:Marketo'].sinceLastRun).some((key) => key !== 'leadExport.deletedLeads'));
	});

	it('Max Items: each run stops at the end of a second and the next goes on; every deletion arrives once', async () => {
		const journal = new JournalStore();
		const staticData = {};
		const start = Date.now() - 30 * 3600_000;
		// 600 deletions, ten in each second, a day ago.
		const ids = sandbox.leads.slice(0, 600).map((lead) => lead.id);
		for (let i = 0; i < 60; i++) sandbox.deleteLeads(ids.slice(i * 10, i * 10 + 10), start + i * 1000);
		const parameters = deleted({ deletedRange: 'sinceLastRun', firstRunStartAt: iso(start), options: { maxItems: 125 } });
		const seen = [];
		let runs = 0;
		for (; runs < 20; runs++) {
			const result = await fixture.run(parameters, { mode: 'trigger', journal, staticData });
			assert.equal(result.error(), undefined, result.error()?.message);
			seen.push(...result.items().map((item) => item.json.leadId));
			const warning = warningsOf(result);
			if (!/not caught up/.test(warning)) break;
			assert.match(warning, /this run output 125 or more deleted leads \(Max Items\)\. It delivered the deleted leads up to \S+; the next run goes on from/);
			assert.equal(result.items().length % 10, 0, 'whole seconds only');
		}
		assert.ok(runs >= 4, `${runs + 1} runs`);
		const mine = seen.filter((id) => ids.includes(id));
		assert.deepEqual(mine, ids, 'each deletion once, in order');
	});

	it('Marketo keeps deletions 14 days: older ones are gone, and a range reaching past them warns, pointing to the reconcile', async () => {
		const old = sandbox.leads[0].id;
		sandbox.deleteLeads([old], Date.now() - 20 * DAY);
		const result = await fixture.run(deleted({ deletedRange: 'sinceLastRun', firstRunStartAt: iso(Date.now() - 25 * DAY) }), { mode: 'trigger', journal: new JournalStore(), staticData: {} });
		assert.equal(result.error(), undefined, result.error()?.message);
		assert.ok(!result.items().some((item) => item.json.leadId === old), 'pruned by Marketo');
		assert.match(warningsOf(result), /Deletions before \S+ may be missing: this range starts at \S+, and Marketo keeps deleted leads for 14 days\. .*reconcile described in the README/);
		assert.ok(loggedLines.some((line) => /may be missing/.test(line)), 'in n8n’s log too');
	});

	it('Since a Date with more deletions than Max Items fails, saying what to do; a date in the future is refused before any call', async () => {
		const over = await fixture.run(deleted({ deletedRange: 'since', deletedSince: iso(Date.now() - 5 * DAY), options: { maxItems: 10 } }));
		assert.match(over.error()?.message ?? '', /More than 10 leads were deleted since .* \(Max Items\)/);
		assert.match(over.error().description, /Raise Max Items, or use Since Last Run/);
		const calls = sandbox.log.length;
		const future = await fixture.run(deleted({ deletedRange: 'since', deletedSince: iso(Date.now() + DAY) }));
		assert.match(future.error()?.message ?? '', /Deleted Since: .* is in the future/);
		assert.equal(sandbox.log.length, calls, 'no call reached Marketo');
	});

	it('answers that are not deletions are left out and counted; a token that does not move stops the run before its last second, which the next run reads again', async () => {
		const at = Math.floor((Date.now() - 3600_000) / 1000) * 1000;
		const marketoDate = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');
		const page = { requestId: 'r#1', success: true, moreResult: true, nextPageToken: 'SAME', result: [{ id: 1, leadId: 77, activityDate: marketoDate(at) }, { id: 2 }, null, { id: 3, leadId: 78, activityDate: marketoDate(at + 1000) }] };
		const stuck = () => {
			sandbox.addFault({ path: '/pagingtoken.json', json: { requestId: 'r#0', success: true, nextPageToken: 'SAME' } });
			sandbox.addFault({ path: '/deletedleads.json', json: page, times: 5 });
		};
		stuck();
		const staticData = {};
		const result = await fixture.run(deleted({ deletedRange: 'sinceLastRun', firstRunStartAt: iso(at - 60_000) }), { mode: 'trigger', journal: new JournalStore(), staticData });
		sandbox.clearFaults();
		assert.equal(result.error(), undefined, result.error()?.message);
		assert.deepEqual(result.items().map((item) => item.json.leadId), [77], 'the last second read may go on: lead 78 is left to the next run');
		assert.match(hintsOf(result).map((h) => h.message).join(' '), /Get Deleted Leads: 1 deleted leads from \S+ to \S+, 1 page\./);
		assert.match(warningsOf(result), /2 entries of Get Deleted Leads refused and not output: a lead ID that is not a positive integer, or no date/);
		assert.match(warningsOf(result), /Marketo answered a paging token it had answered before, with more to come\. It delivered the deleted leads up to \S+; the next run goes on from/);
		assert.equal(staticData['node:Marketo'].sinceLastRun['leadExport.deletedLeads'].highWatermark, iso(at));
		stuck();
		const since = await fixture.run(deleted({ deletedRange: 'since', deletedSince: iso(at - 60_000) }));
		sandbox.clearFaults();
		assert.match(since.error()?.message ?? '', /did not reach now: Marketo answered a paging token it had answered before/);
	});
});

describe('merged leads', () => {
	let fixture;
	let sandbox;
	before(async () => {
		fixture = await sandboxFixture({ speed: 1200, leadCount: 300 });
		sandbox = fixture.sandbox;
	});
	after(() => fixture.stop());

	const merges = (options = {}) => ({
		resource: 'activityExport',
		operation: 'extractActivities',
		activityTypeIds: [32],
		startAt: iso(Date.now() - DAY),
		endAt: iso(Date.now() + 60_000),
		options: { pollIntervalSeconds: 0.05, maxWaitMinutes: 2, ...options },
	});

	it('a Merge Leads activity’s merged-away IDs come out as numbers in mergedLeadIds, and those leads leave lead exports', async () => {
		const [winner, a, b, c, d] = sandbox.leads.slice(0, 5).map((lead) => lead.id);
		sandbox.mergeLeads(winner, [a, b], Date.now() - 3600_000);
		sandbox.mergeLeads(c, [d], Date.now() - 1800_000);
		const { items, error } = await fixture.run(merges());
		assert.equal(error(), undefined, error()?.message);
		const found = items().map((item) => item.json);
		assert.deepEqual(found.map((activity) => [activity.leadId, activity.mergedLeadIds]), [[winner, [a, b]], [c, [d]]]);
		assert.equal(found[0].attributes['Merge ids'], `[${a},${b}]`, 'the attributes stay as Marketo wrote them');
		const asText = await fixture.run(merges({ parseAttributes: false }));
		assert.equal(typeof asText.items()[0].json.attributes, 'string');
		assert.deepEqual(asText.items().map((item) => item.json.mergedLeadIds), [[a, b], [d]], 'read from the text too');
		const leads = await fixture.run({ operation: 'extractLeads', fields: ['id'], filterType: 'createdAt', startAt: '2026-01-01T00:00:00Z', endAt: '2026-11-01T00:00:00Z', options: { pollIntervalSeconds: 0.05 } });
		const exported = new Set(leads.items().map((item) => item.json.id));
		for (const id of [a, b, d]) assert.ok(!exported.has(id), `merged-away lead ${id} left the export`);
		assert.ok(exported.has(winner));
	});

	it('merged IDs under any spelling of the attribute, written as a list, a number or quoted text, become numbers; unreadable ones are counted in a warning', async () => {
		const at = Date.now() - 600_000;
		const template = { campaignId: null, activityTypeId: 32, primaryAttributeValueId: 1, primaryAttributeValue: 'x', actionResult: 'succeeded' };
		const variants = [
			[{ 'Merge ids': '1001,1002' }, [1001, 1002]],
			[{ 'Merge ids': 1003 }, [1003]],
			[{ 'Merge ids': '[ 1004 ]' }, [1004]],
			// Adobe's field mappings' spelling, with JSON text.
			[{ 'Merge IDs': '[102]' }, [102]],
			[{ merge_ids: ['103', 104] }, [103, 104]],
			[{ 'Merge IDs': '"[105]"' }, [105]],
			[{ 'Merge ids': 'see notes' }, []],
			[{ 'Merge ids': '[]' }, []],
			[{ 'Merge ids': '[1e3]' }, []],
			[{ 'Merged in Sales': false }, []],
		];
		for (const [index, [attributes]] of variants.entries()) {
			sandbox.activities.push({ ...template, marketoGUID: `77000${index}`, leadId: sandbox.leads[10].id, activityDate: at + index * 1000, attributes: JSON.stringify(attributes) });
		}
		const result = await fixture.run(merges());
		assert.equal(result.error(), undefined, result.error()?.message);
		const byGuid = new Map(result.items().map((item) => [item.json.marketoGUID, item.json.mergedLeadIds]));
		for (const [index, [, expected]] of variants.entries()) assert.deepEqual(byGuid.get(`77000${index}`), expected, JSON.stringify(variants[index][0]));
		const warnings = (result.run.data.resultData.runData.Marketo[0].hints ?? []).filter((hint) => hint.type === 'warning').map((hint) => hint.message).join('\n');
		assert.match(warnings, /4 Merge Leads activities name no merged lead IDs the node can read .* their mergedLeadIds is empty/);
	});
});
