import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Built } from '../../src/app.js';
import { startApp } from '../helpers/app.js';
import { roomInThisMinute } from '../helpers/clock.js';
import { call, expectError, makeTenant } from '../helpers/http.js';

describe('rate limits', () => {
  let built: Built;
  before(async () => {
    built = await startApp();
  });
  after(() => built.close());

  it('sends X-RateLimit-*, RateLimit and RateLimit-Policy headers', async () => {
    const t = await makeTenant(built.app, 'team');
    // The window's end is read when the request is counted: it is after the moment before the call
    // (not after the answer, which may land in the next minute) and within a minute of the answer.
    const before = Date.now() / 1000;
    const res = await call(built.app, 'GET', '/api/auth/me', { key: t.key });
    const answered = Date.now() / 1000;
    assert.equal(res.headers['x-ratelimit-limit'], '500');
    assert.equal(res.headers['x-ratelimit-remaining'], '499');
    const reset = Number(res.headers['x-ratelimit-reset']);
    assert.ok(reset > before && reset <= answered + 60, `reset ${reset} is the epoch second that ends the minute`);
    assert.equal(res.headers['ratelimit-policy'], '500;w=60, 5000;w=86400');
    assert.match(String(res.headers.ratelimit), /^limit=500, remaining=499, reset=\d+$/);
  });

  it('free plan: the 51st request of the day is 429 with Retry-After', async () => {
    const t = await makeTenant(built.app, 'free');
    for (let i = 0; i < 50; i++) {
      const res = await call(built.app, 'GET', '/api/auth/me', { key: t.key });
      assert.equal(res.status, 200, `request ${i + 1}`);
    }
    const res = await call(built.app, 'GET', '/api/auth/me', { key: t.key });
    expectError(res, 429, 'RATE_LIMIT_EXCEEDED');
    const retryAfter = Number(res.headers['retry-after']);
    assert.ok(retryAfter >= 1 && retryAfter <= 86_400);
    assert.equal(res.body.retry_after, retryAfter);
    assert.equal(res.body.error.details.window, 'day');
    assert.equal(res.headers['x-ratelimit-remaining'], '0');
  });

  it('enterprise custom per-minute limit applies', async () => {
    const t = await makeTenant(built.app, 'enterprise');
    await call(built.app, 'PATCH', `/api/tenants/${t.id}`, { admin: true, body: { rate_limit_per_minute: 3 } });
    await roomInThisMinute();
    for (let i = 0; i < 3; i++)
      assert.equal((await call(built.app, 'GET', '/api/auth/me', { key: t.key })).status, 200);
    const res = await call(built.app, 'GET', '/api/auth/me', { key: t.key });
    expectError(res, 429, 'RATE_LIMIT_EXCEEDED');
    assert.equal(res.body.error.details.window, 'minute');
    assert.ok(Number(res.headers['retry-after']) <= 60);
  });

  it('counts per credential: another key of the same tenant has its own budget', async () => {
    const t = await makeTenant(built.app, 'enterprise');
    await call(built.app, 'PATCH', `/api/tenants/${t.id}`, { admin: true, body: { rate_limit_per_minute: 2 } });
    await roomInThisMinute();
    const other = await call(built.app, 'POST', '/api/api-keys', {
      admin: true,
      headers: { 'x-tenant-id': t.id },
      body: { name: 'second' },
    });
    await call(built.app, 'GET', '/api/auth/me', { key: t.key });
    await call(built.app, 'GET', '/api/auth/me', { key: t.key });
    expectError(await call(built.app, 'GET', '/api/auth/me', { key: t.key }), 429, 'RATE_LIMIT_EXCEEDED');
    assert.equal((await call(built.app, 'GET', '/api/auth/me', { key: other.body.data.key })).status, 200);
  });

  it('unauthenticated callers get 100 requests an hour per IP', async () => {
    const octet = () => Math.floor(Math.random() * 250);
    const ip = `10.${octet()}.${octet()}.${octet()}`;
    const hit = () => built.app.inject({ method: 'POST', url: '/api/auth/login', payload: {}, remoteAddress: ip });
    for (let i = 0; i < 100; i++) assert.equal((await hit()).statusCode, 400);
    const res = await hit();
    assert.equal(res.statusCode, 429);
    assert.equal(res.headers['x-ratelimit-limit'], '100');
    assert.ok(Number(res.headers['retry-after']) > 0);
  });

  it('the platform admin key is not limited', async () => {
    const res = await call(built.app, 'GET', '/api/tenants', { admin: true });
    assert.equal(res.status, 200);
    assert.equal(res.headers['x-ratelimit-limit'], undefined);
  });
});
