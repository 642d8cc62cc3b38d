import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';

const require = createRequire(import.meta.url);
const dist = '../../dist/nodes/MarketoBulkLeadExtract';
const { classifyMarketoError } = require(`${dist}/transport/marketoErrors.js`);
const { describeQuotaReset, nextQuotaReset } = require(`${dist}/helpers/quotaReset.js`);
const { redactSecrets } = require(`${dist}/helpers/secrets.js`);
const { resolveInstance } = require(`${dist}/transport/endpoints.js`);
const { classifyNetworkError } = require(`${dist}/transport/networkErrors.js`);
const { backoffDelayMs, TRANSPORT_TIMING } = require(`${dist}/transport/timing.js`);

describe('classifyMarketoError', () => {
	it('tells the three meanings of 1029 apart by the message', () => {
		assert.equal(classifyMarketoError('1029', 'Too many jobs (10) in queue'), 'queueFull');
		assert.equal(classifyMarketoError('1029', 'Job already queued'), 'alreadyQueued');
		assert.equal(classifyMarketoError('1029', 'Export daily quota 500MB exceeded.'), 'exportQuota');
		assert.equal(classifyMarketoError('1029', 'Something new'), 'terminal');
	});

	it('maps token, limit, transient and terminal codes', () => {
		for (const code of ['600', '601', '602']) assert.equal(classifyMarketoError(code, ''), 'token');
		assert.equal(classifyMarketoError('606', ''), 'rateLimit');
		assert.equal(classifyMarketoError('615', ''), 'busy');
		for (const code of ['604', '608', '611']) assert.equal(classifyMarketoError(code, ''), 'transient');
		assert.equal(classifyMarketoError('607', ''), 'dailyCallQuota');
		for (const code of ['603', '609', '610', '1003', '1035']) assert.equal(classifyMarketoError(code, ''), 'terminal');
	});
});

describe('quota reset', () => {
	it('is the next midnight in Chicago, in CST and in CDT', () => {
		// 2026-11-28 20:00 UTC is 14:00 CST: the reset is 2026-11-29 06:00 UTC.
		assert.equal(nextQuotaReset(new Date('2026-11-28T20:00:00Z')).toUTC().toISO(), '2026-11-29T06:00:00.000Z');
		// 2026-07-01 03:00 UTC is 22:00 CDT on June 30: the reset is 2026-07-01 05:00 UTC.
		assert.equal(nextQuotaReset(new Date('2026-07-01T03:00:00Z')).toUTC().toISO(), '2026-07-01T05:00:00.000Z');
	});

	it('is said in Chicago time and in UTC', () => {
		assert.equal(
			describeQuotaReset(new Date('2026-11-28T20:00:00Z')),
			'it resets at 2026-11-29 00:00 America/Chicago (2026-11-29T06:00:00Z)',
		);
	});
});

describe('redactSecrets', () => {
	it('removes bearer tokens, token parameters and the given secrets', () => {
		const text = 'GET x Authorization: Bearer abc-123:ab client_secret=s3cr3t&x=1 {"access_token":"tok-9"} my-client-secret';
		const redacted = redactSecrets(text, ['my-client-secret']);
		for (const secret of ['abc-123:ab', 's3cr3t', 'tok-9', 'my-client-secret']) assert.ok(!redacted.includes(secret), redacted);
	});
});

describe('resolveInstance', () => {
	it('accepts the endpoint with /rest, /identity or bare, with or without a slash', () => {
		for (const raw of [
			'https://123-ABC-456.mktorest.com/rest',
			'https://123-ABC-456.mktorest.com/rest/',
			' https://123-ABC-456.mktorest.com/identity ',
			'https://123-ABC-456.mktorest.com',
		]) {
			assert.deepEqual(resolveInstance(raw), { root: 'https://123-ABC-456.mktorest.com', isLoopback: false });
		}
		assert.equal(resolveInstance('http://127.0.0.1:9/rest').isLoopback, true);
	});

	it('refuses what is not an http(s) URL, saying what to enter', () => {
		for (const raw of ['', '123-ABC-456.mktorest.com', 'ftp://x.example/rest', 'https://x.example/rest?a=1']) {
			const result = resolveInstance(raw);
			assert.ok('problem' in result, raw);
			assert.match(result.problem, /http\(s\) URL such as https:\/\/123-ABC-456\.mktorest\.com\/rest/);
		}
	});
});

describe('network errors', () => {
	it('finds the system code down the cause chain', () => {
		const wrapped = (code) => ({ message: 'outer', cause: { message: 'inner', code } });
		assert.equal(classifyNetworkError(wrapped('ECONNREFUSED')), 'notSent');
		assert.equal(classifyNetworkError(wrapped('ECONNRESET')), 'interrupted');
		assert.equal(classifyNetworkError(wrapped('ENOTFOUND')), 'unknownHost');
		assert.equal(classifyNetworkError(wrapped('ERR_CANCELED')), 'aborted');
		assert.equal(classifyNetworkError({ message: 'socket hang up' }), 'interrupted');
		assert.equal(classifyNetworkError({ message: 'Bad request' }), undefined);
	});
});

describe('backoff', () => {
	it('doubles from the base, is capped and jittered by at most 20 %', () => {
		assert.equal(backoffDelayMs(1, () => 0.5), TRANSPORT_TIMING.backoffBaseMs);
		assert.equal(backoffDelayMs(2, () => 0.5), TRANSPORT_TIMING.backoffBaseMs * 2);
		assert.equal(backoffDelayMs(20, () => 0.5), TRANSPORT_TIMING.backoffMaxMs);
		assert.equal(backoffDelayMs(1, () => 0), TRANSPORT_TIMING.backoffBaseMs * 0.8);
		assert.equal(backoffDelayMs(1, () => 1), TRANSPORT_TIMING.backoffBaseMs * 1.2);
	});
});
