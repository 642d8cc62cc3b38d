/**
 * Every wait the transport makes, named. Values follow Marketo's documented
 * limits; they are the same against the sandbox, so tests see real behaviour.
 */
export const TRANSPORT_TIMING = {
	/** 606: Marketo counts 100 calls in a sliding 20 s window; waiting one window frees it. */
	rateLimitWindowMs: 20_000,
	/** 606 is retried until this much time has been spent waiting on it. */
	rateLimitGiveUpMs: 65_000,
	/** 604/608/611/615/5xx/dropped connections: exponential backoff from this… */
	backoffBaseMs: 1_000,
	/** …capped at this per wait… */
	backoffMaxMs: 30_000,
	/** …for at most this many retries. */
	maxTransientRetries: 5,
	/**
	 * Marketo hands out the same token while it lives: asked in its last moments it
	 * returns that dying token. One with less than this left is waited out and
	 * replaced before use.
	 */
	minTokenLifetimeS: 30,
	/** Token refreshes one call may make (a second covers a token that died in flight). */
	maxTokenRefreshes: 2,
	/** One JSON call; Marketo's own timeout (604) is 30 s. */
	requestTimeoutMs: 120_000,
	/** No single wait is longer than this (the longest poll interval allowed is an hour). */
	longestWaitMs: 3_600_000,
} as const;

/** Wait before retry number `retry` (1-based): base·2^(retry-1), capped, with ±20 % jitter. */
export function backoffDelayMs(retry: number, random: () => number = Math.random): number {
	const exponential = TRANSPORT_TIMING.backoffBaseMs * 2 ** (retry - 1);
	const capped = Math.min(exponential, TRANSPORT_TIMING.backoffMaxMs);
	return Math.round(capped * (0.8 + 0.4 * random()));
}
