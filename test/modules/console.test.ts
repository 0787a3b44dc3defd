import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Built } from '../../src/app.js';
import { CONSOLE_CSP } from '../../src/platform/http/console.js';
import { startApp } from '../helpers/app.js';
import { call, expectError, makeTenant, type TestTenant } from '../helpers/http.js';

/** The routes the web console needs beyond the domain modules: usage, the review queue, tenant switching. */
describe('console support routes', () => {
  let built: Built;
  let a: TestTenant;
  let b: TestTenant;
  before(async () => {
    built = await startApp();
    a = await makeTenant(built.app, 'team');
    b = await makeTenant(built.app, 'free');
  });
  after(() => built.close());

  it('GET /api/usage: counts against the plan, per tenant', async () => {
    await call(built.app, 'POST', '/api/agents', { key: a.key, body: { name: 'one', role: 'custom', maturity_level: 'student' } });
    let res = await call(built.app, 'GET', '/api/usage', { key: a.key });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const d = res.body.data;
    assert.equal(d.plan, 'team');
    assert.deepEqual(d.quotas.find((q: any) => q.metric === 'agents'), { metric: 'agents', label: 'Agents', used: 1, limit: 25 });
    assert.equal(d.quotas.find((q: any) => q.metric === 'installed_skills').limit, 200);
    assert.equal(d.rate_limits.requests_per_minute, 500);
    assert.equal(d.history.days, 14);
    res = await call(built.app, 'GET', '/api/usage', { key: b.key });
    assert.equal(res.body.data.plan, 'free');
    assert.equal(res.body.data.quotas.find((q: any) => q.metric === 'agents').used, 0, 'another tenant counts its own');
    expectError(await call(built.app, 'GET', '/api/usage'), 401, 'AUTH_REQUIRED');
  });

  it('GET /api/admin/marketplace/pending: pending listings of every tenant, for the admin only', async () => {
    const c = await call(built.app, 'POST', '/api/v1/skills/private', { key: a.key, body: { name: 'Queue me', description: 'd', skill_type: 'function', code: 'function execute(){return 1}' } });
    const p = await call(built.app, 'POST', '/api/skills/publish', { key: a.key, body: { skill_id: c.body.skill_id } });
    const id = p.body.marketplace_id;
    let res = await call(built.app, 'GET', '/api/admin/marketplace/pending?kind=skill', { admin: true });
    assert.equal(res.status, 200);
    const item = res.body.data.items.find((i: any) => i.id === id);
    assert.equal(item.tenant_id, a.id);
    assert.equal(item.status, 'pending_approval');
    assert.equal((await call(built.app, 'GET', '/api/admin/marketplace/pending?kind=domain', { admin: true })).body.data.items.length, 0);
    expectError(await call(built.app, 'GET', '/api/admin/marketplace/pending?kind=nope', { admin: true }), 400, 'VALIDATION_ERROR');
    expectError(await call(built.app, 'GET', '/api/admin/marketplace/pending', { key: a.key }), 403, 'FORBIDDEN');
    await call(built.app, 'POST', `/api/skills/approve/${id}`, { admin: true });
    res = await call(built.app, 'GET', '/api/admin/marketplace/pending', { admin: true });
    assert.ok(!res.body.data.items.some((i: any) => i.id === id), 'approved listings leave the queue');
  });

  it('POST /api/auth/switch-tenant: a user token for another of the user\'s tenants, never a stranger\'s', async () => {
    const add = await call(built.app, 'POST', '/api/members', { key: b.key, body: { email: a.ownerEmail, role: 'member' } });
    assert.equal(add.status, 201, JSON.stringify(add.body));
    const login = await call(built.app, 'POST', '/api/auth/login', { body: { email: a.ownerEmail, password: a.ownerPassword } });
    const token = login.body.data.access_token;
    assert.equal(login.body.data.tenants.length, 2);
    const sw = await call(built.app, 'POST', '/api/auth/switch-tenant', { token, body: { tenant_id: b.id } });
    assert.equal(sw.status, 200, JSON.stringify(sw.body));
    assert.equal(sw.body.data.tenant_id, b.id);
    assert.equal(sw.body.data.role, 'member');
    const me = await call(built.app, 'GET', '/api/auth/me', { token: sw.body.data.access_token });
    assert.equal(me.body.data.tenant_id, b.id);
    const c = await makeTenant(built.app, 'team');
    expectError(await call(built.app, 'POST', '/api/auth/switch-tenant', { token, body: { tenant_id: c.id } }), 404, 'TENANT_NOT_FOUND');
    expectError(await call(built.app, 'POST', '/api/auth/switch-tenant', { key: a.key, body: { tenant_id: b.id } }), 403, 'FORBIDDEN');
    expectError(await call(built.app, 'POST', '/api/auth/switch-tenant', { token, body: {} }), 400, 'VALIDATION_ERROR');
  });

  it('the console never answers under /api, and carries its own CSP', async () => {
    const api = await call(built.app, 'GET', '/api/no-such-route');
    expectError(api, 404, 'NOT_FOUND');
    const page = await built.app.inject({ method: 'GET', url: '/settings/usage' });
    if (page.statusCode === 200) {
      assert.match(page.headers['content-type'] as string, /text\/html/);
      assert.equal(page.headers['content-security-policy'], CONSOLE_CSP);
    } else {
      expectError({ status: page.statusCode, body: JSON.parse(page.body), headers: page.headers }, 404, 'NOT_FOUND');
    }
  });
});
