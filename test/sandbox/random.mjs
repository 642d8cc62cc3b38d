/** mulberry32: a small seeded PRNG, so every run builds the same dataset. */
export function seededRandom(seed) {
	let state = seed >>> 0;
	return function next() {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export function pick(random, list) {
	return list[Math.floor(random() * list.length)];
}
