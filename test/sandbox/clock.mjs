/**
 * Virtual time for the sandbox. Marketo refreshes job status on 60-second
 * ticks; tests either step the clock by hand or let it run faster than real
 * time (`speed` virtual milliseconds per real millisecond). It starts at the
 * real time, as Marketo's timestamps are real: the node compares them with its own clock.
 */
export class VirtualClock {
	constructor({ start = Date.now(), speed = 1 } = {}) {
		this.base = start;
		this.realBase = Date.now();
		this.speed = speed;
	}

	now() {
		return this.base + (Date.now() - this.realBase) * this.speed;
	}

	/** Moves virtual time forward by `ms`. */
	advance(ms) {
		this.base += ms;
	}

	setSpeed(speed) {
		this.base = this.now();
		this.realBase = Date.now();
		this.speed = speed;
	}
}

export const TICK_MS = 60_000;

/** Midnight America/Chicago at or before `ms`, DST included (Intl knows the zone). */
export function chicagoMidnightBefore(ms) {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone: 'America/Chicago',
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit',
	}).formatToParts(new Date(ms));
	const get = (type) => Number(parts.find((p) => p.type === type).value);
	const sinceMidnight = ((get('hour') * 60 + get('minute')) * 60 + get('second')) * 1000 + (ms % 1000);
	return ms - sinceMidnight;
}
