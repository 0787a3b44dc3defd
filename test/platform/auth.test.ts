import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SignJWT, UnsecuredJWT } from 'jose';
import type { Built } from '../../src/app.js';
import { generateApiKey } from '../../src/platform/auth/api-key-format.js';
import { startApp } from '../helpers/app.js';
import { call, expectError, makeKey, makeTenant, type TestTenant } from '../helpers/http.js';

describe('credentials', () => {
  let built: Built;
  let a: TestTenant;
  let b: TestTenant;
  before(async () => {
    built = await startApp({ apiKeyCacheSeconds: 0 });
    a = await makeTenant(built.app);
    b = await makeTenant(built.app);
  });
  after(() => built.close());

  it('refuses a request with no credential: 401 AUTH_REQUIRED', async () => {
    expectError(await call(built.app, 'GET', '/api/api-keys'), 401, 'AUTH_REQUIRED');
  });

  it('accepts the key as X-API-Key and as Authorization: Bearer', async () => {
    assert.equal((await call(built.app, 'GET', '/api/auth/me', { key: a.key })).status, 200);
    const res = await call(built.app, 'GET', '/api/auth/me', { token: a.key });
    assert.equal(res.status, 200);
    assert.equal(res.body.data.tenant_id, a.id);
  });

  it('refuses malformed, unknown and checksum-broken keys: 401 INVALID_API_KEY', async () => {
    expectError(await call(built.app, 'GET', '/api/auth/me', { key: 'sk-abc123def456' }), 401, 'INVALID_API_KEY');
    expectError(await call(built.app, 'GET', '/api/auth/me', { key: generateApiKey() }), 401, 'INVALID_API_KEY');
    const broken = a.key.slice(0, -1) + (a.key.endsWith('A') ? 'B' : 'A');
    expectError(await call(built.app, 'GET', '/api/auth/me', { key: broken }), 401, 'INVALID_API_KEY');
  });

  it('refuses a revoked key', async () => {
    const k = await makeKey(built.app, a, { scope: 'read' });
    assert.equal((await call(built.app, 'GET', '/api/auth/me', { key: k.key })).status, 200);
    assert.equal((await call(built.app, 'DELETE', `/api/api-keys/${k.id}`, { key: a.key })).status, 200);
    expectError(await call(built.app, 'GET', '/api/auth/me', { key: k.key }), 401, 'INVALID_API_KEY');
  });

  it('refuses an expired key', async () => {
    const expiresAt = Date.now() + 1500;
    const k = await makeKey(built.app, a, { expires_at: new Date(expiresAt).toISOString() });
    assert.equal((await call(built.app, 'GET', '/api/auth/me', { key: k.key })).status, 200);
    // Wait on the clock itself: past the expiry, whatever the machine's load made of the wait.
    while (Date.now() <= expiresAt) await new Promise((r) => setTimeout(r, Math.max(1, expiresAt - Date.now() + 1)));
    const res = await call(built.app, 'GET', '/api/auth/me', { key: k.key });
    expectError(res, 401, 'INVALID_API_KEY');
    assert.equal(res.body.error.details.reason, 'expired');
  });

  it('refuses forged, alg:none and expired JWTs with 401', async () => {
    const login = await call(built.app, 'POST', '/api/auth/login', {
      body: { email: a.ownerEmail, password: a.ownerPassword },
    });
    assert.equal(login.status, 200);
    const [, payload] = login.body.data.token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const forged = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('not-the-secret'));
    expectError(await call(built.app, 'GET', '/api/auth/me', { token: forged }), 401, 'UNAUTHORIZED');
    const none = new UnsecuredJWT(claims).encode();
    expectError(await call(built.app, 'GET', '/api/auth/me', { token: none }), 401, 'UNAUTHORIZED');
    const expired = await new SignJWT({ ...claims, exp: Math.floor(Date.now() / 1000) - 10 })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(built.ctx.config.jwtSecret);
    expectError(await call(built.app, 'GET', '/api/auth/me', { token: expired }), 401, 'EXPIRED_TOKEN');
    expectError(
      await call(built.app, 'GET', '/api/auth/me', { headers: { authorization: 'Basic abc' } }),
      401,
      'UNAUTHORIZED',
    );
  });

  it('refuses a wrong admin key', async () => {
    expectError(
      await call(built.app, 'GET', '/api/tenants', { headers: { 'x-admin-key': 'nope' } }),
      401,
      'UNAUTHORIZED',
    );
  });

  it('a read-only key cannot write: 403 INSUFFICIENT_SCOPE', async () => {
    const k = await makeKey(built.app, a, { scope: 'read' });
    assert.equal((await call(built.app, 'GET', '/api/api-keys', { key: k.key })).status, 200);
    expectError(
      await call(built.app, 'POST', '/api/api-keys', { key: k.key, body: { name: 'x' } }),
      403,
      'INSUFFICIENT_SCOPE',
    );
  });

  it('a role without the permission gets 403 INSUFFICIENT_PERMISSIONS naming it', async () => {
    const viewer = await makeKey(built.app, a, { role: 'viewer' });
    const res = await call(built.app, 'GET', '/api/api-keys', { key: viewer.key });
    expectError(res, 403, 'INSUFFICIENT_PERMISSIONS');
    assert.equal(res.body.error.details.required_permission, 'API_KEY_MANAGE');
  });

  it('a key cannot grant more than its creator holds', async () => {
    const admin = await makeKey(built.app, a, { role: 'admin' });
    const res = await call(built.app, 'POST', '/api/api-keys', { key: admin.key, body: { name: 'up', role: 'owner' } });
    expectError(res, 403, 'INSUFFICIENT_PERMISSIONS');
  });

  it('a mismatching X-Tenant-ID is refused; a matching one is fine', async () => {
    expectError(
      await call(built.app, 'GET', '/api/auth/me', { key: a.key, headers: { 'x-tenant-id': b.id } }),
      403,
      'TENANT_MISMATCH',
    );
    assert.equal(
      (await call(built.app, 'GET', '/api/auth/me', { key: a.key, headers: { 'x-tenant-id': a.id } })).status,
      200,
    );
  });

  it("another tenant's object is 404, not 403", async () => {
    const k = await makeKey(built.app, b, {});
    expectError(await call(built.app, 'DELETE', `/api/api-keys/${k.id}`, { key: a.key }), 404, 'API_KEY_NOT_FOUND');
    assert.equal((await call(built.app, 'GET', '/api/auth/me', { key: k.key })).status, 200, 'the key still works');
  });

  it('the admin key acts in a tenant only when X-Tenant-ID names an existing one', async () => {
    expectError(await call(built.app, 'GET', '/api/api-keys', { admin: true }), 404, 'TENANT_NOT_FOUND');
    expectError(
      await call(built.app, 'GET', '/api/api-keys', { admin: true, headers: { 'x-tenant-id': 'tnt_nope' } }),
      404,
      'TENANT_NOT_FOUND',
    );
    const res = await call(built.app, 'GET', '/api/api-keys', { admin: true, headers: { 'x-tenant-id': a.id } });
    assert.equal(res.status, 200);
  });

  it('tenant credentials cannot use platform admin routes', async () => {
    expectError(await call(built.app, 'GET', '/api/tenants', { key: a.key }), 403, 'FORBIDDEN');
  });

  it('a suspended tenant is refused', async () => {
    const c = await makeTenant(built.app);
    assert.equal(
      (await call(built.app, 'PATCH', `/api/tenants/${c.id}`, { admin: true, body: { status: 'suspended' } })).status,
      200,
    );
    expectError(await call(built.app, 'GET', '/api/auth/me', { key: c.key }), 403, 'TENANT_SUSPENDED');
  });
});

describe('API key cache', () => {
  it('honours revocation at once on this process, and lists keys by prefix only', async () => {
    const built = await startApp({ apiKeyCacheSeconds: 300 });
    const t = await makeTenant(built.app);
    const k = await makeKey(built.app, t, {});
    assert.equal((await call(built.app, 'GET', '/api/auth/me', { key: k.key })).status, 200);
    const list = await call(built.app, 'GET', '/api/api-keys', { key: t.key });
    const text = JSON.stringify(list.body);
    assert.ok(!text.includes(k.key), 'the full key never appears in listings');
    assert.ok(list.body.data.api_keys.some((x: { prefix: string }) => k.key.startsWith(x.prefix)));
    await call(built.app, 'DELETE', `/api/api-keys/${k.id}`, { key: t.key });
    expectError(await call(built.app, 'GET', '/api/auth/me', { key: k.key }), 401, 'INVALID_API_KEY');
    await built.close();
  });
});
