import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Built, RouteInfo } from '../../src/app.js';
import { type Permission, ROLE_PERMISSIONS } from '../../src/platform/auth/permissions.js';
import { startApp } from '../helpers/app.js';
import { call, makeKey, makeTenant, type TestTenant } from '../helpers/http.js';

/**
 * The shared authorisation suite: run over every route the server registers, so a route added
 * later is covered without writing anything. Each route declares what it accepts; we check the
 * guard enforces exactly that.
 */
const concrete = (url: string) => url.replace(/:[A-Za-z_]+/g, 'does_not_exist').replace(/\*$/, '');

describe('every route', () => {
  let built: Built;
  let t: TestTenant;
  let readKey: string;
  let viewerKey: string;
  before(async () => {
    // Every route's schemas compiled at start, as in production (other test files compile on first use).
    built = await startApp({ lazySchemas: false });
    t = await makeTenant(built.app);
    readKey = (await makeKey(built.app, t, { scope: 'read', role: 'owner' })).key;
    viewerKey = (await makeKey(built.app, t, { role: 'viewer' })).key;
  });
  after(() => built.close());

  const routes = (pred: (r: RouteInfo) => boolean) => built.routes.filter(pred);

  it('is documented in the OpenAPI document', async () => {
    const doc = (await call(built.app, 'GET', '/api/openapi.json')).body;
    assert.equal(doc.openapi, '3.0.3');
    const missing = built.routes
      .filter((r) => r.url.startsWith('/api/') && !r.url.startsWith('/api/docs'))
      .filter((r) => !doc.paths[r.url.replace(/:([A-Za-z_]+)/g, '{$1}')]?.[r.method.toLowerCase()]);
    assert.deepEqual(missing, []);
  });

  it('without a credential: 401, unless public or optional', async () => {
    const guarded = routes((r) => ['tenant', 'admin', 'federation'].includes(r.auth));
    assert.ok(guarded.length > 0);
    for (const r of guarded) {
      const res = await call(built.app, r.method, concrete(r.url));
      assert.equal(res.status, 401, `${r.method} ${r.url} → ${res.status}`);
      assert.equal(res.body.success, false);
    }
  });

  it('with a read-only key: every tenant write route is 403 INSUFFICIENT_SCOPE', async () => {
    for (const r of routes((x) => x.auth === 'tenant' && x.write)) {
      const res = await call(built.app, r.method, concrete(r.url), { key: readKey });
      assert.equal(res.status, 403, `${r.method} ${r.url}`);
      assert.equal(res.body.error.code, 'INSUFFICIENT_SCOPE', `${r.method} ${r.url}`);
    }
  });

  it('with a role lacking the permission: 403 INSUFFICIENT_PERMISSIONS', async () => {
    const denied = routes(
      (r) => r.auth === 'tenant' && !!r.permission && !ROLE_PERMISSIONS.viewer.has(r.permission as Permission),
    );
    for (const r of denied) {
      const res = await call(built.app, r.method, concrete(r.url), { key: viewerKey });
      assert.equal(res.status, 403, `${r.method} ${r.url}`);
      assert.equal(res.body.error.code, 'INSUFFICIENT_PERMISSIONS');
      assert.equal(res.body.error.details.required_permission, r.permission);
    }
  });

  it('platform admin routes refuse tenant credentials', async () => {
    for (const r of routes((x) => x.auth === 'admin')) {
      const res = await call(built.app, r.method, concrete(r.url), { key: t.key });
      assert.equal(res.status, 403, `${r.method} ${r.url}`);
    }
  });

  it('serves Swagger UI and Redoc', async () => {
    const ui = await built.app.inject({ method: 'GET', url: '/api/docs/' });
    assert.equal(ui.statusCode, 200);
    assert.match(ui.body, /swagger/i);
    const redoc = await built.app.inject({ method: 'GET', url: '/api/redoc' });
    assert.equal(redoc.statusCode, 200);
    assert.match(redoc.body, /<redoc spec-url="\/api\/openapi.json">/);
  });
});
