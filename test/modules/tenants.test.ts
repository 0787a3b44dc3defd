import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Built } from '../../src/app.js';
import { startApp } from '../helpers/app.js';
import { call, expectError, makeTenant } from '../helpers/http.js';

describe('tenants', () => {
  let built: Built;
  before(async () => {
    built = await startApp();
  });
  after(() => built.close());

  it('the admin creates a tenant with a plan, an owner and a first key shown once', async () => {
    const res = await call(built.app, 'POST', '/api/tenants', {
      admin: true,
      body: { name: 'Acme Corp', plan: 'team', owner_email: 'boss@acme.test', owner_password: 'a long password' },
    });
    assert.equal(res.status, 201);
    const d = res.body.data;
    assert.match(d.tenant.id, /^tnt_/);
    assert.equal(d.tenant.slug, 'acme-corp');
    assert.equal(d.tenant.plan, 'team');
    assert.equal(d.owner.email, 'boss@acme.test');
    assert.match(d.key, /^sk-atom[0-9A-Za-z]+$/);
    assert.equal(d.api_key.role, 'owner');
    const list = await call(built.app, 'GET', `/api/api-keys`, { key: d.key });
    assert.ok(!JSON.stringify(list.body).includes(d.key));
    const current = await call(built.app, 'GET', '/api/tenants/current', { key: d.key });
    assert.equal(current.body.data.tenant.id, d.tenant.id);
    const again = await call(built.app, 'POST', '/api/tenants', { admin: true, body: { name: 'Acme Corp' } });
    assert.equal(again.body.data.tenant.slug, 'acme-corp-2');
  });

  it('refuses bad plans and missing names; a new owner needs a password', async () => {
    expectError(
      await call(built.app, 'POST', '/api/tenants', { admin: true, body: { name: 'X', plan: 'platinum' } }),
      400,
      'VALIDATION_ERROR',
    );
    expectError(
      await call(built.app, 'POST', '/api/tenants', { admin: true, body: { plan: 'free' } }),
      400,
      'VALIDATION_ERROR',
    );
    expectError(
      await call(built.app, 'POST', '/api/tenants', { admin: true, body: { name: 'X', owner_email: 'new@x.test' } }),
      400,
      'MISSING_REQUIRED_FIELD',
    );
  });

  it('lists and updates tenants only with the admin key', async () => {
    const t = await makeTenant(built.app, 'free');
    expectError(await call(built.app, 'GET', '/api/tenants'), 401, 'AUTH_REQUIRED');
    expectError(
      await call(built.app, 'PATCH', `/api/tenants/${t.id}`, { key: t.key, body: { plan: 'enterprise' } }),
      403,
      'FORBIDDEN',
    );
    const list = await call(built.app, 'GET', '/api/tenants?limit=100', { admin: true });
    assert.ok(list.body.data.tenants.some((x: { id: string }) => x.id === t.id));
    assert.ok(list.body.data.pagination.total >= 1);
    const up = await call(built.app, 'PATCH', `/api/tenants/${t.id}`, { admin: true, body: { plan: 'solo' } });
    assert.equal(up.body.data.tenant.plan, 'solo');
    const me = await call(built.app, 'GET', '/api/auth/me', { key: t.key });
    assert.equal(me.body.data.plan, 'solo', 'plan change is seen by credentials');
    expectError(
      await call(built.app, 'PATCH', '/api/tenants/tnt_missing', { admin: true, body: { plan: 'solo' } }),
      404,
      'TENANT_NOT_FOUND',
    );
  });
});
