import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';

const require = createRequire(import.meta.url);
const dist = '../../dist/nodes/MarketoBulkExtract';
const { classifyMarketoError } = require(`${dist}/transport/marketoErrors.js`);
const { describeQuotaReset, nextQuotaReset } = require(`${dist}/helpers/quotaReset.js`);
const { redactSecrets } = require(`${dist}/helpers/secrets.js`);
const { resolveInstance } = require(`${dist}/transport/endpoints.js`);
const { classifyNetworkError } = require(`${dist}/transport/networkErrors.js`);
const { backoffDelayMs, TRANSPORT_TIMING } = require(`${dist}/transport/timing.js`);
const { Expression } = require('n8n-workflow');
const { MarketoOAuth2Api } = require('../../dist/credentials/MarketoOAuth2Api.credentials.js');

/** The token URL n8n derives from the credential's endpoint, evaluated as n8n evaluates it. */
function credentialTokenUrl(baseUrl) {
	const property = new MarketoOAuth2Api().properties.find((p) => p.name === 'accessTokenUrl');
	return Expression.resolveWithoutWorkflow(property.default.slice(1), { $self: { baseUrl } });
}

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
	it('accepts the endpoint with /rest, /rest/v1, /identity or bare, with or without a slash or an empty ?', () => {
		for (const raw of [
			'https://123-ABC-456.mktorest.com/rest',
			'https://123-ABC-456.mktorest.com/rest/',
			'https://123-ABC-456.mktorest.com/rest/v1',
			'https://123-ABC-456.mktorest.com/REST/v1/',
			'https://123-ABC-456.mktorest.com/rest?',
			' https://123-ABC-456.mktorest.com/identity ',
			'https://123-ABC-456.mktorest.com',
		]) {
			assert.deepEqual(resolveInstance(raw), { root: 'https://123-ABC-456.mktorest.com', isLoopback: false }, raw);
		}
		assert.equal(resolveInstance('http://127.0.0.1:9/rest').isLoopback, true);
		assert.equal(resolveInstance('http://[::1]:9/rest').isLoopback, true);
	});

	it('refuses what is not an http(s) URL, saying what to enter', () => {
		for (const raw of ['', '123-ABC-456.mktorest.com', 'ftp://x.example/rest']) {
			const result = resolveInstance(raw);
			assert.ok('problem' in result, raw);
			assert.match(result.problem, /REST API Endpoint .*http\(s\) URL such as https:\/\/123-ABC-456\.mktorest\.com\/rest/);
		}
	});

	it('refuses plain http to any host but this machine, a user name or password, and a query', () => {
		const cases = [
			['http://123-ABC-456.mktorest.com/rest', /https only, and the client secret must not travel unencrypted/],
			['http://127.0.0.1.evil.example/rest', /https only/],
			['http://localhost.evil.example/rest', /https only/],
			['https://user:pass@123-ABC-456.mktorest.com/rest', /user name or password/],
			['https://user@123-ABC-456.mktorest.com/rest', /user name or password/],
			['https://123-ABC-456.mktorest.com/rest?a=1', /must not carry a query/],
			['https://123-ABC-456.mktorest.com/rest#x', /must not carry a query \(\?…\) or fragment/],
		];
		for (const [raw, problem] of cases) {
			const result = resolveInstance(raw);
			assert.ok('problem' in result, raw);
			assert.match(result.problem, /^The credential's REST API Endpoint/);
			assert.match(result.problem, problem, raw);
		}
	});

	it('the credential sends the client secret only where the node would call, and nowhere for what the node refuses', () => {
		const endpoints = [
			'https://123-ABC-456.mktorest.com/rest',
			'https://123-ABC-456.mktorest.com/rest/v1',
			'https://123-ABC-456.mktorest.com/rest?',
			'https://123-abc-456.mktorest.com/identity/',
			'http://127.0.0.1:8080/rest',
			'http://localhost:8080',
			'http://[::1]:8080/rest/v1',
			'https://proxy.example.com/marketo/rest',
			'http://123-ABC-456.mktorest.com/rest',
			'http://127.0.0.1.evil.example/rest',
			'https://user:pass@123-ABC-456.mktorest.com/rest',
			'https://123-ABC-456.mktorest.com/rest?a=1',
			'ftp://x.example/rest',
			'123-ABC-456.mktorest.com',
			'',
		];
		for (const raw of endpoints) {
			const instance = resolveInstance(raw);
			const tokenUrl = credentialTokenUrl(raw);
			if ('problem' in instance) {
				assert.equal(new URL(tokenUrl).hostname, 'rest-api-endpoint-must-be-an-https-url.invalid', raw);
			} else {
				assert.equal(tokenUrl, `${instance.root}/identity/oauth/token`, raw);
			}
		}
	});
});

describe('network errors', () => {
	it('finds the system code down the cause chain', () => {
		const wrapped = (code) => ({ message: 'outer', cause: { message: 'inner', code } });
		assert.equal(classifyNetworkError(wrapped('ECONNREFUSED')), 'notSent');
		assert.equal(classifyNetworkError(wrapped('ECONNRESET')), 'interrupted');
		assert.equal(classifyNetworkError(wrapped('ENOTFOUND')), 'unknownHost');
		assert.equal(classifyNetworkError(wrapped('ERR_CANCELED')), 'interrupted', 'only the execution’s cancel signal means the user cancelled');
		assert.equal(classifyNetworkError({ message: 'stream has been aborted' }), 'interrupted', 'a body cut short is a network fault');
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
