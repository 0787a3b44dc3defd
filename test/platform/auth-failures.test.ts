import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Built } from '../../src/app.js';
import { generateApiKey } from '../../src/platform/auth/api-key-format.js';
import { AUTH_FAILURES_PER_HOUR } from '../../src/platform/ratelimit/limits.js';
import { startApp } from '../helpers/app.js';
import { makeTenant, type TestTenant } from '../helpers/http.js';

/** A client address of its own, so this file's counts never meet another test's. */
const someIp = () => `10.${randomBytes(1)[0]}.${randomBytes(1)[0]}.${1 + (randomBytes(1)[0] % 250)}`;

describe('failed authentication is rate limited per client address', () => {
  let built: Built;
  let t: TestTenant;
  before(async () => {
    built = await startApp();
    t = await makeTenant(built.app);
  });
  after(() => built.close());

  const get = (ip: string, headers: Record<string, string>) =>
    built.app.inject({ method: 'GET', url: '/api/agents', headers, remoteAddress: ip });

  it(`270 random keys: ${AUTH_FAILURES_PER_HOUR} × 401, then 429 with Retry-After in the error envelope`, async () => {
    assert.equal(AUTH_FAILURES_PER_HOUR, 100, 'the unauthenticated per-IP limit (100 an hour)');
    const ip = someIp();
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof get>> | null = null;
    for (let i = 0; i < 270; i++) {
      // Well-formed keys (valid checksum) that exist nowhere, as a scanner would send them.
      last = await get(ip, { 'x-api-key': generateApiKey() });
      statuses.push(last.statusCode);
    }
    assert.deepEqual(statuses.slice(0, 100), Array(100).fill(401));
    assert.deepEqual(statuses.slice(100), Array(170).fill(429));
    const body = JSON.parse(last!.body);
    assert.equal(body.success, false);
    assert.equal(body.error.code, 'RATE_LIMIT_EXCEEDED');
    const retryAfter = Number(last!.headers['retry-after']);
    assert.ok(retryAfter >= 1 && retryAfter <= 3600, `Retry-After ${retryAfter}`);
    assert.equal(body.error.details.retry_after, retryAfter);
    assert.ok(body.meta?.request_id);
  });

  it('counts every kind of refused credential: bad key format, bad bearer token, bad admin key', async () => {
    const ip = someIp();
    const kinds: Record<string, string>[] = [
      { 'x-api-key': 'sk-atomnotarealkey' },
      { authorization: 'Bearer not.a.jwt' },
      { 'x-admin-key': 'wrong' },
      { authorization: 'Basic abc' },
    ];
    for (let i = 0; i < AUTH_FAILURES_PER_HOUR; i++)
      assert.equal((await get(ip, kinds[i % kinds.length])).statusCode, 401, `failure ${i + 1}`);
    for (const h of kinds) assert.equal((await get(ip, h)).statusCode, 429, JSON.stringify(h));
  });

  it('a valid key from a throttled address still works, and other addresses still get 401', async () => {
    const ip = someIp();
    for (let i = 0; i <= AUTH_FAILURES_PER_HOUR; i++) await get(ip, { 'x-api-key': generateApiKey() });
    assert.equal((await get(ip, { 'x-api-key': generateApiKey() })).statusCode, 429);
    assert.equal((await get(ip, { 'x-api-key': t.key })).statusCode, 200);
    assert.equal((await get(someIp(), { 'x-api-key': generateApiKey() })).statusCode, 401);
  });

  it('a request without any credential is not counted as a failure', async () => {
    const ip = someIp();
    for (let i = 0; i < AUTH_FAILURES_PER_HOUR + 5; i++) assert.equal((await get(ip, {})).statusCode, 401);
  });
});
