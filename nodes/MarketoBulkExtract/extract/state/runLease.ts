import type { ExtractHost } from '../model/engineHost';
import { confirmPauseMs, NodeFacts, UnreadableStoreError, untrusted } from './nodeFacts';
import { storeKeys } from './storeKeys';

/**
 * One incremental run of a node at a time. Two executions of the same Since
 * Last Run node at once (a schedule firing while a long extract still runs)
 * would read the same position and export the same range twice, and n8n's
 * store has no lock to stop them. So a run marks the minute it lives in, in
 * the store, renewing the mark while it works; a second run that finds a
 * mark of the last few minutes waits for it to go, then reads the position
 * the first one saved. A killed run's mark lapses by itself.
 *
 * Two runs that look in the same instant both find no mark, and both mark.
 * So a mark carries who made it: a random identity of IDENTITY_BITS bits,
 * one entry per bit. A run that has marked looks again after a pause; where
 * it finds both values of some bit, another run marked too, and it backs off
 * (takes its marks away and waits again). Of two runs that marked at once,
 * each sees the other, so neither goes on alone before they part; only two
 * runs of the same identity (one chance in 65,536) would both go on, and then
 * export the same range twice, which costs quota and repeats records, and
 * loses none.
 *
 * Every call writes the node's whole row back, so a call of another
 * execution at the same moment can bring back entries already taken away: a
 * run may find bits of a mark no one holds (leftovers, lapsing with their
 * minute). A run that backed off and then finds exactly the same bits again,
 * with no mark of a live run in between, takes them for leftovers and goes
 * on, rather than wait minutes for them to lapse. Its own mark, lost to such
 * a write, is written again before it looks for others.
 */

/**
 * A mark names a minute; a live run renews it every minute (runs sleep a
 * minute at a time), so one not renewed for this many minutes has lapsed: a
 * killed worker's, or one a write at the wrong moment kept after its release.
 */
const MARK_SECONDS = 60;
const LIVE_MARKS = 3;
/** A waiting run looks at most this often; a releasing run checks its marks are gone this many times. */
const MIN_LOOK_MS = 1000;
const RELEASE_ATTEMPTS = 5;
/** The bits of a run's identity, one entry each in its marks. */
const IDENTITY_BITS = 16;

/** Another execution still held the lease when the run's wait ran out; `lastSeen`: its latest mark. */
export class LeaseHeldError extends Error {
	constructor(readonly lastSeen: Date) {
		super(`another execution of this node is running (last seen ${lastSeen.toISOString()})`);
	}
}

export class RunLease {
	private readonly marked = new Set<string>();

	/** This run's identity, as the bits its marks carry. */
	private readonly identity = Array.from({ length: IDENTITY_BITS }, () => (Math.random() < 0.5 ? 0 : 1));

	/** Other bits found when this run last backed off: found again, alone, they are leftovers. */
	private foundAtBackOff = '';

	private constructor(
		private readonly facts: NodeFacts,
		private readonly name: string,
		private readonly sleep: (ms: number) => Promise<void>,
	) {}

	/**
	 * Waits until no other execution holds `name`'s lease, then takes it. No
	 * lease where n8n has no store, or one that cannot be trusted: the run goes
	 * on without (as it did before there was one).
	 */
	static async take(
		host: ExtractHost,
		name: string,
		wait: { pollMs: number; deadline: number; sleep: (ms: number) => Promise<void> },
	): Promise<RunLease | undefined> {
		const facts = await NodeFacts.open(host);
		if (!facts) return undefined;
		const lease = new RunLease(facts, name, wait.sleep);
		for (;;) {
			const seen = await untrusted(lease.latestMark());
			if (seen instanceof UnreadableStoreError) return undefined;
			if (seen === undefined) {
				await lease.renew();
				const alone = await untrusted(lease.markedAlone());
				if (alone === true || alone instanceof UnreadableStoreError) return lease;
				// Another run marked in the same instant: both back off, and the first to look again goes on.
				await lease.release();
			}
			// A live run's mark in between: what the next back-off finds is new again.
			if (seen !== undefined) lease.foundAtBackOff = '';
			const lastSeen = seen ?? new Date();
			if (Date.now() >= wait.deadline) throw new LeaseHeldError(lastSeen);
			// Looking is writing in this store: not more than once a second, however fast the run polls Marketo.
			// A run that backed off waits a random part of a second more, so two that met do not meet again.
			await wait.sleep(Math.max(wait.pollMs, MIN_LOOK_MS) + (seen === undefined ? Math.random() * MIN_LOOK_MS : 0));
		}
	}

	/**
	 * After marking: whether this run's marks are the only ones, looked for
	 * after a pause. Another run's mark shows as the other value of some bit
	 * of the identity.
	 */
	private async markedAlone(): Promise<boolean> {
		for (let attempt = 0; ; attempt++) {
			await this.sleep(confirmPauseMs());
			// This minute's and the one before: the minute may have turned since the run marked.
			const minutes = [currentMinute(), currentMinute() - 1];
			const others = minutes.flatMap((minute) => this.identity.map((value, bit) => this.bitEntry(minute, bit, 1 - value)));
			const own = [...this.marked];
			const found = await this.facts.ask([...others, ...own]);
			// Another execution's write at the moment this run marked took the mark away: written again, looked at again.
			if (own.some((entry) => !found.has(entry)) && attempt < RELEASE_ATTEMPTS) {
				await this.facts.record(own);
				continue;
			}
			const foundOthers = others.filter((entry) => found.has(entry)).join(',');
			if (foundOthers === '' || foundOthers === this.foundAtBackOff) return true;
			this.foundAtBackOff = foundOthers;
			return false;
		}
	}

	/** Marks the current minute, once a minute: the run is alive. */
	async renew(): Promise<void> {
		const minute = currentMinute();
		const entries = this.entries(minute);
		if (entries.every((entry) => this.marked.has(entry))) return;
		await this.facts.record(entries);
		for (const entry of entries) this.marked.add(entry);
	}

	/**
	 * Takes every mark away, so the next run need not wait. A waiting run's
	 * look, written back at the same moment, can put a mark back (the store
	 * has no lock): so the marks are looked for again, and taken away again,
	 * a few times at random intervals. One that stays lapses by itself.
	 */
	async release(): Promise<void> {
		for (let attempt = 0; attempt < RELEASE_ATTEMPTS && this.marked.size > 0; attempt++) {
			if (attempt > 0) await this.sleep(MIN_LOOK_MS / 4 + Math.random() * MIN_LOOK_MS);
			await this.facts.forget([...this.marked]);
			const still = await this.facts.ask([...this.marked]);
			for (const entry of [...this.marked]) if (!still.has(entry)) this.marked.delete(entry);
		}
	}

	/**
	 * The newest live mark of another run, or undefined. Looking writes what is
	 * looked for, for a moment, and another execution's write at that moment
	 * can keep it: so a mark is the minute's entry and its identity's, the
	 * second looked for only where the first is found, after a pause of random
	 * length. A look's leftover is then never taken for a mark unless two such
	 * accidents meet.
	 */
	private async latestMark(): Promise<Date | undefined> {
		const now = currentMinute();
		const minutes = Array.from({ length: LIVE_MARKS }, (_, back) => now - back);
		const found = await this.facts.ask(minutes.map((minute) => this.minuteEntry(minute)));
		const candidates = minutes.filter((minute) => found.has(this.minuteEntry(minute)));
		if (candidates.length === 0) return undefined;
		await this.sleep(confirmPauseMs());
		// A mark's first bit, either value: whoever made it.
		const firstBits = (minute: number) => [this.bitEntry(minute, 0, 0), this.bitEntry(minute, 0, 1)];
		const confirmed = await this.facts.ask(candidates.flatMap(firstBits));
		const live = candidates.find((minute) => firstBits(minute).some((entry) => confirmed.has(entry)));
		return live === undefined ? undefined : new Date(live * MARK_SECONDS * 1000);
	}

	/** A minute's mark: its entry, and one entry per bit of this run's identity. */
	private entries(minute: number): string[] {
		return [this.minuteEntry(minute), ...this.identity.map((value, bit) => this.bitEntry(minute, bit, value))];
	}

	private minuteEntry(minute: number): string {
		return storeKeys.leaseMinute(this.name, minute);
	}

	private bitEntry(minute: number, bit: number, value: number): string {
		return storeKeys.leaseBit(this.name, minute, bit, value);
	}
}

function currentMinute(): number {
	return Math.floor(Date.now() / 1000 / MARK_SECONDS);
}
