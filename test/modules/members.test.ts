import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Built } from '../../src/app.js';
import { startApp } from '../helpers/app.js';
import { call, expectError, makeKey, makeTenant, type TestTenant } from '../helpers/http.js';
import { join, signUp } from '../helpers/members.js';

describe('members and roles', () => {
  let built: Built;
  let a: TestTenant;
  let b: TestTenant;
  before(async () => {
    built = await startApp();
    a = await makeTenant(built.app);
    b = await makeTenant(built.app);
  });
  after(() => built.close());

  const login = async (email: string, password: string, tenantId: string) =>
    (await call(built.app, 'POST', '/api/auth/login', { body: { email, password, tenant_id: tenantId } })).body.data
      .token as string;

  it('adds a viewer who can read but not manage', async () => {
    // Members join by invitation (members-hardening.test.ts covers the invitation itself).
    const person = await signUp(built.app, 'viewer@a.test');
    const token = await join(built.app, a, person, 'viewer');
    const me = await call(built.app, 'GET', '/api/auth/me', { token });
    assert.equal(me.body.data.role, 'viewer');
    assert.ok(me.body.data.permissions.includes('AGENT_VIEW'));
    expectError(
      await call(built.app, 'POST', '/api/api-keys', { token, body: { name: 'x' } }),
      403,
      'INSUFFICIENT_PERMISSIONS',
    );
    expectError(
      await call(built.app, 'POST', '/api/members', { key: a.key, body: { email: 'viewer@a.test', role: 'member' } }),
      409,
      'ALREADY_EXISTS',
    );
  });

  it("a role change applies to the user's existing token", async () => {
    const list = await call(built.app, 'GET', '/api/members', { key: a.key });
    const viewer = list.body.data.members.find((m: { email: string }) => m.email === 'viewer@a.test');
    const token = await login('viewer@a.test', 'a long enough password', a.id);
    const up = await call(built.app, 'PATCH', `/api/members/${viewer.user_id}`, {
      key: a.key,
      body: { role: 'admin' },
    });
    assert.equal(up.body.data.member.role, 'admin');
    assert.equal((await call(built.app, 'GET', '/api/api-keys', { token })).status, 200);
  });

  it('an admin cannot grant or touch the owner role', async () => {
    const admin = await makeKey(built.app, a, { role: 'admin' });
    expectError(
      await call(built.app, 'POST', '/api/members', { key: admin.key, body: { email: 'o2@a.test', role: 'owner' } }),
      403,
      'INSUFFICIENT_PERMISSIONS',
    );
    const list = await call(built.app, 'GET', '/api/members', { key: a.key });
    const owner = list.body.data.members.find((m: { role: string }) => m.role === 'owner');
    expectError(
      await call(built.app, 'DELETE', `/api/members/${owner.user_id}`, { key: admin.key }),
      403,
      'INSUFFICIENT_PERMISSIONS',
    );
  });

  it('the last owner stays', async () => {
    const list = await call(built.app, 'GET', '/api/members', { key: a.key });
    const owner = list.body.data.members.find((m: { role: string }) => m.role === 'owner');
    expectError(await call(built.app, 'DELETE', `/api/members/${owner.user_id}`, { key: a.key }), 409, 'CONFLICT');
    expectError(
      await call(built.app, 'PATCH', `/api/members/${owner.user_id}`, { key: a.key, body: { role: 'member' } }),
      409,
      'CONFLICT',
    );
  });

  it("another tenant's member is 404; removing revokes the user's access", async () => {
    const person = await signUp(built.app, 'm@b.test');
    const token = await join(built.app, b, person, 'member');
    const uid = person.userId;
    expectError(
      await call(built.app, 'PATCH', `/api/members/${uid}`, { key: a.key, body: { role: 'viewer' } }),
      404,
      'NOT_FOUND',
    );
    expectError(await call(built.app, 'DELETE', `/api/members/${uid}`, { key: a.key }), 404, 'NOT_FOUND');
    assert.equal((await call(built.app, 'GET', '/api/auth/me', { token })).status, 200);
    assert.equal((await call(built.app, 'DELETE', `/api/members/${uid}`, { key: b.key })).status, 200);
    expectError(await call(built.app, 'GET', '/api/auth/me', { token }), 401, 'UNAUTHORIZED');
  });

  it('bad input: unknown role, not an email', async () => {
    expectError(
      await call(built.app, 'POST', '/api/members', { key: a.key, body: { email: 'z@a.test', role: 'superuser' } }),
      400,
      'VALIDATION_ERROR',
    );
    expectError(
      await call(built.app, 'POST', '/api/members', { key: a.key, body: { email: 'not an email', role: 'member' } }),
      400,
      'VALIDATION_ERROR',
    );
  });
});
