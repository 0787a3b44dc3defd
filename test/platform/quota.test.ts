import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Built } from '../../src/app.js';
import { PLAN_LIMITS } from '../../src/platform/plans.js';
import { startApp } from '../helpers/app.js';
import { roomInThisMinute } from '../helpers/clock.js';
import { call, expectError, makeTenant } from '../helpers/http.js';

describe('the daily request quota is per tenant', () => {
  let built: Built;
  before(async () => {
    built = await startApp();
  });
  after(() => built.close());

  /** A second key of the tenant, made with the admin key (not limited, so it counts nothing). */
  const secondKey = async (tenantId: string) =>
    (
      await call(built.app, 'POST', '/api/api-keys', {
        admin: true,
        headers: { 'x-tenant-id': tenantId },
        body: { name: 'second' },
      })
    ).body.data.key as string;

  it('two keys of one free tenant share its 50 requests a day', async () => {
    const perDay = PLAN_LIMITS.free.requestsPerDay!;
    const t = await makeTenant(built.app, 'free');
    const keys = [t.key, await secondKey(t.id)];
    for (let i = 0; i < perDay; i++) {
      const res = await call(built.app, 'GET', '/api/auth/me', { key: keys[i % 2] });
      assert.equal(res.status, 200, `request ${i + 1}`);
    }
    for (const key of keys) {
      const res = await call(built.app, 'GET', '/api/auth/me', { key });
      expectError(res, 429, 'RATE_LIMIT_EXCEEDED');
      assert.equal(res.body.error.details.window, 'day');
      assert.ok(Number(res.headers['retry-after']) >= 1);
    }
    // A key minted after the quota is spent has no fresh budget either.
    expectError(
      await call(built.app, 'GET', '/api/auth/me', { key: await secondKey(t.id) }),
      429,
      'RATE_LIMIT_EXCEEDED',
    );
  });

  it('another tenant keeps its own daily quota', async () => {
    const t = await makeTenant(built.app, 'free');
    assert.equal((await call(built.app, 'GET', '/api/auth/me', { key: t.key })).status, 200);
  });

  it('the per-minute limit stays per key', async () => {
    const t = await makeTenant(built.app, 'enterprise');
    await call(built.app, 'PATCH', `/api/tenants/${t.id}`, { admin: true, body: { rate_limit_per_minute: 2 } });
    await roomInThisMinute();
    const other = await secondKey(t.id);
    for (let i = 0; i < 2; i++)
      assert.equal((await call(built.app, 'GET', '/api/auth/me', { key: t.key })).status, 200);
    expectError(await call(built.app, 'GET', '/api/auth/me', { key: t.key }), 429, 'RATE_LIMIT_EXCEEDED');
    assert.equal((await call(built.app, 'GET', '/api/auth/me', { key: other })).status, 200);
  });
});
