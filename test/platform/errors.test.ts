import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Built } from '../../src/app.js';
import { SYSTEM } from '../../src/platform/db/index.js';
import { startApp } from '../helpers/app.js';
import { call, expectError, makeTenant, type TestTenant } from '../helpers/http.js';

describe('errors and envelopes', () => {
  let built: Built;
  let t: TestTenant;
  before(async () => {
    built = await startApp({ bodyLimitBytes: 4096 });
    t = await makeTenant(built.app);
  });
  after(() => built.close());

  it('success bodies carry success, data and meta with a request id', async () => {
    const res = await call(built.app, 'GET', '/api/auth/me', { key: t.key });
    assert.equal(res.body.success, true);
    assert.match(res.body.meta.request_id, /^req_/);
    assert.equal(res.headers['x-request-id'], res.body.meta.request_id);
    assert.ok(!Number.isNaN(Date.parse(res.body.meta.timestamp)));
  });

  it('errors use one envelope, with top-level code and message for marketplace clients', async () => {
    const res = await call(built.app, 'GET', '/api/nope', { key: t.key });
    expectError(res, 404, 'NOT_FOUND');
    assert.equal(res.body.success, false);
    assert.equal(res.body.code, 'NOT_FOUND');
    assert.equal(typeof res.body.message, 'string');
    assert.match(res.body.meta.request_id, /^req_/);
  });

  it('a body over the limit is 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await call(built.app, 'POST', '/api/api-keys', { key: t.key, body: { name: 'x'.repeat(10_000) } });
    expectError(res, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('malformed JSON is 400 INVALID_JSON, not a 500', async () => {
    const res = await built.app.inject({
      method: 'POST',
      url: '/api/api-keys',
      headers: { 'x-api-key': t.key, 'content-type': 'application/json' },
      payload: '{"name":',
    });
    assert.equal(res.statusCode, 400);
    assert.equal(JSON.parse(res.body).error.code, 'INVALID_JSON');
  });

  it('a schema failure is 400 VALIDATION_ERROR naming the field', async () => {
    const res = await call(built.app, 'POST', '/api/api-keys', {
      key: t.key,
      body: { name: 'k', scope: 'everything' },
    });
    expectError(res, 400, 'VALIDATION_ERROR');
    assert.equal(res.body.error.details.field, 'scope');
    const missing = await call(built.app, 'POST', '/api/api-keys', { key: t.key, body: {} });
    expectError(missing, 400, 'VALIDATION_ERROR');
    assert.equal(missing.body.error.details.field, 'name');
  });

  it('a limit over 100 is 400 INVALID_LIMIT', async () => {
    const res = await call(built.app, 'GET', '/api/api-keys?limit=101', { key: t.key });
    expectError(res, 400, 'INVALID_LIMIT');
    assert.equal(res.body.error.message, 'Maximum limit is 100');
  });

  it('unknown fields in a write body are never written (no mass assignment)', async () => {
    const res = await call(built.app, 'POST', '/api/tenants', {
      admin: true,
      body: {
        name: 'Sneaky',
        plan: 'free',
        status: 'suspended',
        id: 'tnt_chosen',
        rate_limit_per_minute: 1_000_000,
        created_at: '2000-01-01T00:00:00Z',
      },
    });
    assert.equal(res.status, 201);
    const tenant = res.body.data.tenant;
    assert.notEqual(tenant.id, 'tnt_chosen');
    assert.equal(tenant.status, 'active');
    assert.equal(tenant.rate_limit_per_minute, null);
    const [row] = await built.ctx.db.query<{ status: string; rate_limit_per_minute: number | null }>(
      SYSTEM,
      'SELECT status, rate_limit_per_minute FROM tenants WHERE id = $1',
      [tenant.id],
    );
    assert.deepEqual(row, { status: 'active', rate_limit_per_minute: null });
    const key = await call(built.app, 'POST', '/api/api-keys', {
      key: t.key,
      body: { name: 'k', tenant_id: 'tnt_other', revoked_at: null, key_hash: 'x' },
    });
    assert.equal(key.status, 201);
    const [k] = await built.ctx.db.query<{ tenant_id: string }>(
      SYSTEM,
      'SELECT tenant_id FROM api_keys WHERE id = $1',
      [key.body.data.api_key.id],
    );
    assert.equal(k.tenant_id, t.id);
  });
});

describe('internal errors do not leak', () => {
  it('hides the message and stack of a thrown Error', async () => {
    const { default: Fastify } = await import('fastify');
    const { registerErrorHandling } = await import('../../src/platform/http/error-handler.js');
    const app = Fastify({ logger: false });
    registerErrorHandling(app);
    app.get('/boom', async () => {
      throw new Error('secret stack detail: password=hunter2');
    });
    const res = await app.inject({ method: 'GET', url: '/boom' });
    assert.equal(res.statusCode, 500);
    const body = JSON.parse(res.body);
    assert.equal(body.error.code, 'INTERNAL_ERROR');
    assert.ok(!res.body.includes('hunter2'));
    assert.ok(!res.body.includes('at '), 'no stack frames');
    await app.close();
  });
});
