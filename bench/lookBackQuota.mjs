/**
 * P7: what the look-back costs in Marketo's daily export quota. A schedule
 * every 15 minutes, every hour and every day, Extract Activities (the eight
 * standard columns) with the default Look Back (60 minutes): one run in the
 * steady state, its position left where the previous firing ended. The run's
 * own hints give the bytes it exported and the bytes the look-back read
 * again; the overhead is the second over the first less the second.
 * Activities are spread evenly, so the ratio does not depend on the volume;
 * the daily figure is the measured bytes per activity at `perDay` a day.
 *
 *   node bench/lookBackQuota.mjs            prints one JSON line
 */
import { sandboxFixture } from '../test/support/sandboxFixture.mjs';

const MINUTE = 60_000;
const SCHEDULES = [
	{ schedule: 'every 15 minutes', intervalMinutes: 15 },
	{ schedule: 'every hour', intervalMinutes: 60 },
	{ schedule: 'every day', intervalMinutes: 1440 },
];
const POSITION = 'activityExport.createdAt';
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export async function lookBackQuota({ perDay = 200_000, sampledPerDay = 40_000, lookBackMinutes = 60 } = {}) {
	const now = Math.floor(Date.now() / 1000) * 1000;
	const span = (1440 + lookBackMinutes + 30) * MINUTE;
	const fixture = await sandboxFixture({
		speed: 1200,
		leadCount: 2000,
		activityCount: Math.round((sampledPerDay * span) / (1440 * MINUTE)),
		datasetStart: iso(now - span),
		datasetEnd: iso(now),
	});
	try {
		const rows = [];
		for (const { schedule, intervalMinutes } of SCHEDULES) {
			// Where the previous firing ended, as its run left it: the position in static data, read right after.
			const position = iso(now - intervalMinutes * MINUTE - 1000);
			const staticData = { 'node:Marketo': { sinceLastRun: { [POSITION]: { highWatermark: position } } } };
			const parameters = {
				resource: 'activityExport',
				operation: 'extractActivities',
				rangeMode: 'sinceLastRun',
				firstRunStartAt: iso(now - span),
				options: { pollIntervalSeconds: 0.05, maxWaitMinutes: 5, lookBackMinutes },
			};
			const result = await fixture.run(parameters, { mode: 'trigger', staticData });
			if (result.error()) throw new Error(`${schedule}: ${result.error().message}`);
			const hints = result.run.data.resultData.runData.Marketo[0].hints.map((hint) => hint.message);
			const exported = Number(/, (\d+) bytes,/.exec(hints.find((hint) => hint.startsWith('Marketo Extract Activities:')))[1]);
			const lookBack = hints.find((hint) => hint.startsWith('Look-back:')) ?? '';
			const reread = Number(/about (\d+) bytes/.exec(lookBack)?.[1] ?? 0);
			const activities = Number(/^Look-back: (\d+) activities/.exec(lookBack)?.[1] ?? 0);
			const newBytes = exported - reread;
			const bytesPerActivity = reread / Math.max(activities, 1);
			const runsPerDay = 1440 / intervalMinutes;
			rows.push({
				schedule,
				lookBackMinutes,
				newBytes,
				rereadBytes: reread,
				overhead: `${((100 * reread) / newBytes).toFixed(0)} %`,
				mbPerDayAt: `${perDay.toLocaleString('en')} activities a day: ${((runsPerDay * (newBytes + reread) * (perDay / sampledPerDay)) / 2 ** 20).toFixed(0)} MB (${((perDay * bytesPerActivity) / 2 ** 20).toFixed(0)} MB without the look-back)`,
			});
		}
		return rows;
	} finally {
		await fixture.stop();
	}
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await lookBackQuota()));
