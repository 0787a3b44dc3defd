import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Built } from '../../src/app.js';
import { SYSTEM } from '../../src/platform/db/index.js';
import { startApp } from '../helpers/app.js';
import { makeKey, makeTenant, type TestTenant } from '../helpers/http.js';

/** Row level security is the second wall: a query that forgets its tenant filter still sees one tenant. */
describe(`row level security (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  let built: Built;
  let a: TestTenant;
  let b: TestTenant;
  before(async () => {
    built = await startApp();
    a = await makeTenant(built.app);
    b = await makeTenant(built.app);
    await makeKey(built.app, b, {});
  });
  after(() => built.close());

  it('the app does not act as a superuser', async () => {
    const [me] = await built.ctx.db.query<{ rolsuper: boolean; rolbypassrls: boolean }>(
      SYSTEM,
      'SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user',
    );
    assert.deepEqual(me, { rolsuper: false, rolbypassrls: false });
  });

  it('an unfiltered query in a tenant context sees only that tenant', async () => {
    for (const table of ['api_keys', 'memberships', 'events']) {
      const rows = await built.ctx.db.query<{ tenant_id: string }>(a.id, `SELECT DISTINCT tenant_id FROM ${table}`);
      assert.deepEqual(
        rows.map((r) => r.tenant_id),
        [a.id],
        table,
      );
    }
    const tenants = await built.ctx.db.query<{ id: string }>(a.id, 'SELECT id FROM tenants');
    assert.deepEqual(
      tenants.map((r) => r.id),
      [a.id],
    );
  });

  it('inside a transaction too, and writes into another tenant are refused', async () => {
    await built.ctx.db.tx(a.id, async (ex) => {
      const rows = await ex.query<{ n: number }>('SELECT count(DISTINCT tenant_id)::int AS n FROM api_keys');
      assert.equal(rows[0].n, 1);
    });
    await assert.rejects(
      built.ctx.db.query(
        a.id,
        `INSERT INTO api_keys (tenant_id, id, name, prefix, key_hash, scope, role)
             VALUES ($1, 'key_x', 'x', 'x', 'hash_x', 'read', 'viewer')`,
        [b.id],
      ),
      /row-level security/,
    );
    const updated = await built.ctx.db.query(a.id, 'UPDATE api_keys SET name = $2 WHERE tenant_id = $1 RETURNING id', [
      b.id,
      'hijacked',
    ]);
    assert.equal(updated.length, 0);
  });

  it('no context at all sees nothing; the platform context sees everyone', async () => {
    assert.equal((await built.ctx.db.query('', 'SELECT id FROM api_keys')).length, 0);
    const all = await built.ctx.db.query<{ tenant_id: string }>(SYSTEM, 'SELECT DISTINCT tenant_id FROM api_keys');
    assert.ok(all.length >= 2);
  });

  it('contexts do not leak between interleaved requests', async () => {
    const runs = await Promise.all(
      Array.from({ length: 40 }, (_, i) => {
        const t = i % 2 ? a : b;
        return built.ctx.db
          .query<{ tenant_id: string }>(t.id, 'SELECT DISTINCT tenant_id FROM api_keys')
          .then((rows) => ({ t: t.id, rows }));
      }),
    );
    for (const r of runs)
      assert.deepEqual(
        r.rows.map((x) => x.tenant_id),
        [r.t],
      );
  });
});
