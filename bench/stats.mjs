/** Small helpers for interleaved timing: medians and ratios. */
export function median(values) {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function timeIt(fn) {
	globalThis.gc?.();
	const started = process.hrtime.bigint();
	const result = fn();
	return { ms: Number(process.hrtime.bigint() - started) / 1e6, result };
}

export const mb = (bytes) => bytes / 1024 / 1024;
