import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startApp } from '../helpers/app.js';
import { call, expectError, makeTenant, type TestTenant } from '../helpers/http.js';

let built: Awaited<ReturnType<typeof startApp>>;
let free: TestTenant;
let other: TestTenant;
before(async () => {
  built = await startApp();
  free = await makeTenant(built.app, 'free');
  other = await makeTenant(built.app, 'enterprise');
});
after(() => built.close());

describe('GET /api/usage', () => {
  it('reports quotas against the plan, the rate limit and the daily history', async () => {
    assert.equal((await call(built.app, 'POST', '/api/agents', { key: free.key, body: { name: 'One', role: 'custom', maturity_level: 'student' } })).status, 201);
    const skill = await call(built.app, 'POST', '/api/v1/skills/private', { key: free.key, body: { name: 'S', skill_type: 'function', code: 'function execute() { return 1; }' } });
    await call(built.app, 'POST', `/api/skills/${skill.body.skill_id}/execute`, { key: free.key, body: {} });
    await call(built.app, 'POST', `/api/skills/${skill.body.skill_id}/execute`, { key: free.key, body: {} });

    const res = await call(built.app, 'GET', '/api/usage', { key: free.key });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const u = res.body.data;
    assert.equal(u.plan, 'free');
    const q = Object.fromEntries(u.quotas.map((x: any) => [x.metric, x]));
    assert.deepEqual(q.agents, { metric: 'agents', label: 'Agents', used: 1, limit: 3, remaining: 2 });
    assert.deepEqual([q.skill_executions.used, q.skill_executions.limit], [2, 100]);
    assert.ok(Date.parse(q.skill_executions.resets_at) > Date.now());
    assert.deepEqual(u.rate_limits, { requests_per_minute: 60, requests_per_day: 50 });
    assert.equal(u.features.public_marketplace_publish, false);
    assert.equal(u.rate_limit.remaining, Number(res.headers['x-ratelimit-remaining']));
    assert.equal(u.rate_limit_remaining, u.rate_limit.remaining);
    assert.deepEqual([u.history.metric, u.history.days, u.history.points.map((p: any) => p.count)], ['skill_executions', 14, [2]]);

    const o = (await call(built.app, 'GET', '/api/usage?days=30', { key: other.key })).body.data;
    assert.deepEqual([o.quotas[0].used, o.quotas[0].limit, o.history.points, o.history.days], [0, null, [], 30], 'another tenant sees only its own');
  });

  it('needs a credential and validates days', async () => {
    expectError(await call(built.app, 'GET', '/api/usage'), 401, 'AUTH_REQUIRED');
    expectError(await call(built.app, 'GET', '/api/usage?days=1000', { key: free.key }), 400, 'VALIDATION_ERROR');
  });
});
