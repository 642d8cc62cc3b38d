/**
 * P6: what one Since Last Run run asks of n8n's processed-data store (the
 * database every execution shares), in the steady state of a schedule: the
 * second and third runs of Extract Leads by Created At, a second apart,
 * nothing left over (the first has no position to read). Counted on the engine harness's store, as n8n's
 * DeduplicationHelper keeps it: calls by kind, questions (one round trip each
 * of count, ask, remove), entries asked, and the entries the row holds after.
 * `MARKETO_DIST=<a build's dist>` measures another build (bench:compare
 * builds one per commit into .cache/baseline/<sha>/dist).
 *
 *   node bench/storeCalls.mjs            prints one JSON line
 */
import { JournalStore } from '../test/support/engine.mjs';
import { sandboxFixture } from '../test/support/sandboxFixture.mjs';

/** The engine harness's store, counting what each run asks of it. */
class CountingStore extends JournalStore {
	counts = { checkProcessedAndRecord: 0, removeProcessed: 0, getProcessedDataCount: 0, entriesAsked: 0 };
	async checkProcessedAndRecord(items, ...rest) {
		this.counts.checkProcessedAndRecord++;
		this.counts.entriesAsked += items.length;
		return await super.checkProcessedAndRecord(items, ...rest);
	}
	async removeProcessed(...args) {
		this.counts.removeProcessed++;
		return await super.removeProcessed(...args);
	}
	async getProcessedDataCount(...args) {
		this.counts.getProcessedDataCount++;
		return await super.getProcessedDataCount(...args);
	}
	reset() {
		for (const key of Object.keys(this.counts)) this.counts[key] = 0;
	}
}

export async function storeCallsPerRun() {
	const DAY = 86_400_000;
	const now = Date.now();
	const fixture = await sandboxFixture({ speed: 1200, leadCount: 600, datasetStart: new Date(now - 200 * DAY).toISOString(), datasetEnd: new Date(now - 3600_000).toISOString() });
	const journal = new CountingStore();
	const staticData = {};
	const parameters = {
		operation: 'extractLeads',
		fields: ['id', 'email', 'createdAt'],
		filterType: 'createdAt',
		rangeMode: 'sinceLastRun',
		firstRunStartAt: new Date(now - 200 * DAY).toISOString(),
		options: { pollIntervalSeconds: 0.05, maxWaitMinutes: 2, maxJobs: 100 },
	};
	try {
		const runs = [];
		for (let run = 0; run < 3; run++) {
			journal.reset();
			const result = await fixture.run(parameters, { mode: 'trigger', journal, staticData });
			if (result.error()) throw new Error(`run ${run + 1}: ${result.error().message}`);
			runs.push({ ...journal.counts, storeCalls: journal.counts.checkProcessedAndRecord + journal.counts.removeProcessed + journal.counts.getProcessedDataCount, rowEntries: journal.size, items: result.items().length });
			// The next run's range starts a second after this one's end: wait for it, so that every run exports.
			await new Promise((resolve) => setTimeout(resolve, 1100));
		}
		return runs;
	} finally {
		await fixture.stop();
	}
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await storeCallsPerRun()));
