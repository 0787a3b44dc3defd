import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Built } from '../../src/app.js';
import { startApp, TEST_SECRET } from '../helpers/app.js';
import { call, expectError, makeTenant } from '../helpers/http.js';

describe('signup, login and sessions', () => {
  let built: Built;
  before(async () => {
    built = await startApp();
  });
  after(() => built.close());

  it('signup creates a user owning a new free tenant and returns a working JWT', async () => {
    const res = await call(built.app, 'POST', '/api/auth/signup', {
      body: { email: 'ada@example.com', password: 'analytical engine', tenant_name: 'Ada Co' },
    });
    assert.equal(res.status, 201);
    const s = res.body.data;
    assert.equal(s.token_type, 'Bearer');
    assert.equal(s.role, 'owner');
    assert.equal(s.tenants[0].plan, 'free');
    const me = await call(built.app, 'GET', '/api/auth/me', { token: s.access_token });
    assert.equal(me.status, 200);
    assert.equal(me.body.data.kind, 'user');
    assert.equal(me.body.data.tenant_id, s.tenant_id);
    assert.ok(me.body.data.permissions.includes('GOVERNANCE_APPROVE'));
  });

  it('signup twice with one email is 409 EMAIL_TAKEN; bad input is 400', async () => {
    expectError(
      await call(built.app, 'POST', '/api/auth/signup', {
        body: { email: 'ADA@example.com', password: 'analytical engine', tenant_name: 'Again' },
      }),
      409,
      'EMAIL_TAKEN',
    );
    const short = await call(built.app, 'POST', '/api/auth/signup', {
      body: { email: 'x@example.com', password: 'short', tenant_name: 'X' },
    });
    expectError(short, 400, 'VALIDATION_ERROR');
    assert.equal(short.body.error.details.field, 'password');
    expectError(
      await call(built.app, 'POST', '/api/auth/signup', {
        body: { email: 'not-an-email', password: 'long enough pw', tenant_name: 'X' },
      }),
      400,
      'VALIDATION_ERROR',
    );
  });

  it('login refuses a wrong password and an unknown email alike', async () => {
    expectError(
      await call(built.app, 'POST', '/api/auth/login', {
        body: { email: 'ada@example.com', password: 'wrong password' },
      }),
      401,
      'INVALID_CREDENTIALS',
    );
    expectError(
      await call(built.app, 'POST', '/api/auth/login', {
        body: { email: 'nobody@example.com', password: 'wrong password' },
      }),
      401,
      'INVALID_CREDENTIALS',
    );
  });

  it('a user in several tenants picks one at login; the token works only there', async () => {
    const a = await makeTenant(built.app);
    const second = await call(built.app, 'POST', '/api/tenants', {
      admin: true,
      body: { name: 'Second', plan: 'team', owner_email: a.ownerEmail },
    });
    assert.equal(second.status, 201);
    const b = second.body.data.tenant.id;
    const first = await call(built.app, 'POST', '/api/auth/login', {
      body: { email: a.ownerEmail, password: a.ownerPassword },
    });
    assert.deepEqual(first.body.data.tenants.map((t: { tenant_id: string }) => t.tenant_id).sort(), [a.id, b].sort());
    const inB = await call(built.app, 'POST', '/api/auth/login', {
      body: { email: a.ownerEmail, password: a.ownerPassword, tenant_id: b },
    });
    assert.equal(inB.body.data.tenant_id, b);
    const me = await call(built.app, 'GET', '/api/auth/me', { token: inB.body.data.token });
    assert.equal(me.body.data.tenant_id, b);
    expectError(
      await call(built.app, 'GET', '/api/auth/me', { token: inB.body.data.token, headers: { 'x-tenant-id': a.id } }),
      403,
      'TENANT_MISMATCH',
    );
    expectError(
      await call(built.app, 'POST', '/api/auth/login', {
        body: { email: a.ownerEmail, password: a.ownerPassword, tenant_id: 'tnt_other' },
      }),
      404,
      'TENANT_NOT_FOUND',
    );
  });

  it('seed test mode: X-Test-Secret logs into test-tenant-id', async () => {
    expectError(
      await call(built.app, 'POST', '/api/test/auth/login', {
        body: { email: 'test@example.com', password: 'testpassword' },
      }),
      401,
      'UNAUTHORIZED',
    );
    expectError(
      await call(built.app, 'POST', '/api/test/auth/login', {
        headers: { 'x-test-secret': 'wrong' },
        body: { email: 'test@example.com', password: 'testpassword' },
      }),
      401,
      'UNAUTHORIZED',
    );
    const res = await call(built.app, 'POST', '/api/test/auth/login', {
      headers: { 'x-test-secret': TEST_SECRET },
      body: { email: 'test@example.com', password: 'testpassword' },
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.data.tenant_id, 'test-tenant-id');
    const again = await call(built.app, 'POST', '/api/test/auth/login', {
      headers: { 'x-test-secret': TEST_SECRET },
      body: { email: 'test@example.com', password: 'testpassword' },
    });
    assert.equal(again.status, 200, 'idempotent');
    const other = await call(built.app, 'POST', '/api/test/auth/login', {
      headers: { 'x-test-secret': TEST_SECRET },
      body: { email: 'tester2@example.com', password: 'testpassword' },
    });
    assert.equal(other.body.data.tenant_id, 'test-tenant-id');
    const me = await call(built.app, 'GET', '/api/auth/me', { token: res.body.data.token });
    assert.equal(me.body.data.plan, 'enterprise');
  });
});

describe('test mode is off without ATOM_TEST_SECRET', () => {
  it('POST /api/test/auth/login is not served', async () => {
    const built = await startApp({ testSecret: null });
    const res = await call(built.app, 'POST', '/api/test/auth/login', {
      headers: { 'x-test-secret': TEST_SECRET },
      body: { email: 'a@b.co', password: 'testpassword' },
    });
    expectError(res, 404, 'NOT_FOUND');
    await built.close();
  });
});
