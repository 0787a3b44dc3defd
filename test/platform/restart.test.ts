import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildApp } from '../../src/app.js';
import { embeddedOnly, testConfig } from '../helpers/app.js';
import { call, makeTenant } from '../helpers/http.js';

/** The embedded database lives in the data directory and survives a restart (always PGlite here). */
describe('embedded restart', embeddedOnly, () => {
  it('keeps tenants and keys across a restart', async () => {
    const config = testConfig({ databaseUrl: null, redisUrl: null });
    const first = await buildApp(config);
    const t = await makeTenant(first.app);
    await first.close();

    const second = await buildApp(config);
    try {
      const me = await call(second.app, 'GET', '/api/auth/me', { key: t.key });
      assert.equal(me.status, 200);
      assert.equal(me.body.data.tenant_id, t.id);
      const login = await call(second.app, 'POST', '/api/auth/login', {
        body: { email: t.ownerEmail, password: t.ownerPassword },
      });
      assert.equal(login.status, 200);
    } finally {
      await second.close();
      config.cleanup();
    }
  });
});
