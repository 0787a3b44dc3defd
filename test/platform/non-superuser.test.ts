import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { buildApp } from '../../src/app.js';
import { testConfig } from '../helpers/app.js';
import { call, makeTenant } from '../helpers/http.js';

/**
 * A managed PostgreSQL gives the server a database owner, not a superuser: the server uses that
 * role as it is (its tables force row level security). Search needs nothing of a superuser (no
 * LEAKPROOF mark), so there is nothing to warn about. Needs a real PostgreSQL (the embedded
 * database only has a superuser).
 */
describe('on PostgreSQL as a database owner without superuser', {
  skip: process.env.DATABASE_URL ? false : 'needs DATABASE_URL (the embedded database has only a superuser)',
}, () => {
  const suffix = randomBytes(5).toString('hex');
  const role = `atom_owner_${suffix}`;
  const dbName = `atom_t_owner_${suffix}`;
  const admin = () => new pg.Client({ connectionString: process.env.DATABASE_URL });
  const url = () => {
    const u = new URL(process.env.DATABASE_URL!);
    u.username = role;
    u.password = '';
    u.pathname = `/${dbName}`;
    return u.toString();
  };
  const warnings: { code?: string; message: string }[] = [];
  const onWarning = (w: Error & { code?: string }) => warnings.push({ code: w.code, message: w.message });

  before(async () => {
    const c = admin();
    await c.connect();
    await c.query(`CREATE ROLE ${role} LOGIN NOSUPERUSER NOBYPASSRLS`);
    await c.query(`CREATE DATABASE ${dbName} OWNER ${role}`);
    await c.end();
    process.on('warning', onWarning);
  });
  after(async () => {
    process.off('warning', onWarning);
    const c = admin();
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await c.query(`DROP ROLE IF EXISTS ${role}`);
    await c.end();
  });

  async function boot() {
    const config = testConfig({ databaseUrl: url() });
    const built = await buildApp(config);
    return {
      built,
      close: async () => {
        await built.close();
        config.cleanup();
      },
    };
  }

  it('starts, keeps tenants apart and searches, with no warning', async () => {
    const { built, close } = await boot();
    try {
      await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
      assert.deepEqual(
        warnings.filter((w) => w.code?.startsWith('ATOM_')),
        [],
        JSON.stringify(warnings),
      );
      const a = await makeTenant(built.app, 'team');
      const b = await makeTenant(built.app, 'team');
      const agent = await call(built.app, 'POST', '/api/agents', {
        key: a.key,
        body: { name: 'Owned', role: 'custom', maturity_level: 'student' },
      });
      assert.equal(agent.status, 201, JSON.stringify(agent.body));
      assert.equal(
        (await call(built.app, 'GET', `/api/agents/${agent.body.data.agent.id}`, { key: b.key })).status,
        404,
      );
      const found = await call(built.app, 'GET', '/api/public/v1/marketplace/skills?query=anything', { key: a.key });
      assert.equal(found.status, 200, JSON.stringify(found.body));
    } finally {
      await close();
    }
  });
});
