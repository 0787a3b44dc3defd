import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type Built, buildApp } from '../../src/app.js';
import { freshDatabaseUrl, startApp, testConfig } from '../helpers/app.js';
import { call, expectError, makeTenant, type TestTenant } from '../helpers/http.js';
import { join, signUp } from '../helpers/members.js';

const me = (built: Built, key: string) => call(built.app, 'GET', '/api/auth/me', { key });

/** Polls until `check` holds or the deadline passes; returns its last answer. */
async function eventually<T>(probe: () => Promise<T>, check: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  let v = await probe();
  while (!check(v) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 25));
    v = await probe();
  }
  return v;
}

describe('the API keys a member minted follow the member', () => {
  let built: Built;
  let t: TestTenant;
  before(async () => {
    built = await startApp();
    t = await makeTenant(built.app);
  });
  after(() => built.close());

  /** An admin of `t` who mints an admin key and a viewer key. */
  async function adminWithKeys() {
    const person = await signUp(built.app);
    const token = await join(built.app, t, person, 'admin');
    const mint = async (role: string) =>
      (await call(built.app, 'POST', '/api/api-keys', { token, body: { name: `${role} key`, role } })).body.data;
    return { person, token, adminKey: await mint('admin'), viewerKey: await mint('viewer') };
  }

  it('lowering the role lowers the keys above it, at once (the cached key included)', async () => {
    const { person, adminKey, viewerKey } = await adminWithKeys();
    assert.equal((await me(built, adminKey.key)).body.data.role, 'admin', 'used, hence cached');
    const res = await call(built.app, 'PATCH', `/api/members/${person.userId}`, {
      key: t.key,
      body: { role: 'member' },
    });
    assert.equal(res.status, 200);
    assert.equal((await me(built, adminKey.key)).body.data.role, 'member');
    assert.equal((await me(built, viewerKey.key)).body.data.role, 'viewer', 'a key below the new role is untouched');
    expectError(await call(built.app, 'GET', '/api/api-keys', { key: adminKey.key }), 403, 'INSUFFICIENT_PERMISSIONS');
    const listed = (await call(built.app, 'GET', '/api/api-keys?limit=100', { key: t.key })).body.data.api_keys;
    assert.equal(listed.find((k: { id: string }) => k.id === adminKey.api_key.id).role, 'member');
  });

  it("removing the member revokes every key they minted; the tenant's other keys keep working", async () => {
    const { person, adminKey, viewerKey } = await adminWithKeys();
    assert.equal((await me(built, viewerKey.key)).status, 200);
    const res = await call(built.app, 'DELETE', `/api/members/${person.userId}`, { key: t.key });
    assert.equal(res.status, 200);
    assert.equal(res.body.data.api_keys_revoked, 2);
    expectError(await me(built, adminKey.key), 401, 'INVALID_API_KEY');
    expectError(await me(built, viewerKey.key), 401, 'INVALID_API_KEY');
    const listed = (await call(built.app, 'GET', '/api/api-keys?limit=100', { key: t.key })).body.data.api_keys;
    assert.equal(listed.find((k: { id: string }) => k.id === viewerKey.api_key.id).status, 'revoked');
    assert.equal((await me(built, t.key)).status, 200);
  });

  it('a pending invitation the removed admin sent is withdrawn with them', async () => {
    const { person, token } = await adminWithKeys();
    const invitee = await signUp(built.app);
    const inv = (
      await call(built.app, 'POST', '/api/members', { token, body: { email: invitee.email, role: 'admin' } })
    ).body.data.invitation;
    await call(built.app, 'PATCH', `/api/members/${person.userId}`, { key: t.key, body: { role: 'member' } });
    expectError(
      await call(built.app, 'POST', `/api/invitations/${inv.id}/accept`, { token: invitee.token }),
      404,
      'NOT_FOUND',
    );
  });
});

/**
 * Two app processes on one PostgreSQL and one Redis, each caching keys for 300 s: the process that
 * did not handle the removal must refuse the key at once (Redis broadcast), not after the cache.
 */
const shared = !!process.env.DATABASE_URL && !!process.env.REDIS_URL;
describe('…on every process', { skip: !shared && 'needs DATABASE_URL and REDIS_URL' }, () => {
  let one: Built;
  let two: Built;
  let drop: () => Promise<void>;
  const cleanups: (() => void)[] = [];
  before(async () => {
    const db = await freshDatabaseUrl();
    drop = db.drop;
    // Processes of one deployment share their secrets (a token signed by one is good on the other).
    const jwtSecret = new Uint8Array(randomBytes(32));
    const encryptionKey = randomBytes(32);
    for (const slot of [0, 1]) {
      const config = testConfig({ databaseUrl: db.url, apiKeyCacheSeconds: 300, jwtSecret, encryptionKey });
      cleanups.push(config.cleanup);
      const b = await buildApp(config);
      if (slot === 0) one = b;
      else two = b;
    }
  });
  after(async () => {
    await two?.close();
    await one?.close();
    await drop();
    for (const c of cleanups) c();
  });

  it('removal on one process: the other, which had the key and the user token cached, refuses both', async () => {
    const t = await makeTenant(one.app);
    const person = await signUp(one.app);
    const token = await join(one.app, t, person, 'admin');
    const minted = (await call(one.app, 'POST', '/api/api-keys', { token, body: { name: 'k', role: 'admin' } })).body
      .data;
    const demoted = (await call(one.app, 'POST', '/api/api-keys', { token, body: { name: 'k2', role: 'admin' } })).body
      .data;
    assert.equal((await me(two, minted.key)).body.data.role, 'admin', 'cached on the second process');
    assert.equal((await me(two, demoted.key)).body.data.role, 'admin');
    const userMe = () => call(two.app, 'GET', '/api/auth/me', { token });
    assert.equal((await userMe()).body.data.role, 'admin', "the user token's role is cached there too");

    await call(one.app, 'PATCH', `/api/members/${person.userId}`, { key: t.key, body: { role: 'member' } });
    const lowered = await eventually(
      () => me(two, demoted.key),
      (r) => r.body.data?.role === 'member',
    );
    assert.equal(lowered.body.data.role, 'member');
    assert.equal((await eventually(userMe, (r) => r.body.data?.role === 'member')).body.data.role, 'member');

    const res = await call(one.app, 'DELETE', `/api/members/${person.userId}`, { key: t.key });
    assert.equal(res.status, 200);
    const refused = await eventually(
      () => me(two, minted.key),
      (r) => r.status === 401,
    );
    expectError(refused, 401, 'INVALID_API_KEY');
    expectError(await eventually(userMe, (r) => r.status === 401), 401, 'UNAUTHORIZED');
  });
});
