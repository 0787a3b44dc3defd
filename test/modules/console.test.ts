import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Built } from '../../src/app.js';
import { CONSOLE_CSP, registerConsole } from '../../src/platform/http/console.js';
import { registerErrorHandling } from '../../src/platform/http/error-handler.js';
import { startApp } from '../helpers/app.js';
import { call, expectError, makeTenant, type TestTenant } from '../helpers/http.js';

/** The routes the web console needs beyond the domain modules: usage, the review queue, tenant switching. */
describe('console support routes', () => {
  let built: Built;
  let a: TestTenant;
  let b: TestTenant;
  before(async () => {
    built = await startApp();
    a = await makeTenant(built.app, 'team');
    b = await makeTenant(built.app, 'free');
  });
  after(() => built.close());

  it('GET /api/admin/marketplace/pending: pending listings of every tenant, for the admin only', async () => {
    const c = await call(built.app, 'POST', '/api/v1/skills/private', {
      key: a.key,
      body: { name: 'Queue me', description: 'd', skill_type: 'function', code: 'function execute(){return 1}' },
    });
    const p = await call(built.app, 'POST', '/api/skills/publish', {
      key: a.key,
      body: { skill_id: c.body.skill_id, action: 'read' },
    });
    const id = p.body.marketplace_id;
    let res = await call(built.app, 'GET', '/api/admin/marketplace/pending?kind=skill', { admin: true });
    assert.equal(res.status, 200);
    const item = res.body.data.items.find((i: any) => i.id === id);
    assert.equal(item.tenant_id, a.id);
    assert.match(item.tenant_name, /^Tenant \d+$/);
    assert.equal(item.status, 'pending_approval');
    assert.equal(
      (await call(built.app, 'GET', '/api/admin/marketplace/pending?kind=domain', { admin: true })).body.data.items
        .length,
      0,
    );
    expectError(
      await call(built.app, 'GET', '/api/admin/marketplace/pending?kind=nope', { admin: true }),
      400,
      'VALIDATION_ERROR',
    );
    expectError(await call(built.app, 'GET', '/api/admin/marketplace/pending', { key: a.key }), 403, 'FORBIDDEN');
    await call(built.app, 'POST', `/api/skills/approve/${id}`, { admin: true });
    res = await call(built.app, 'GET', '/api/admin/marketplace/pending', { admin: true });
    assert.ok(!res.body.data.items.some((i: any) => i.id === id), 'approved listings leave the queue');
  });

  it("POST /api/auth/switch-tenant: a user token for another of the user's tenants, never a stranger's", async () => {
    // B invites A's owner, who accepts (members join by invitation).
    const add = await call(built.app, 'POST', '/api/members', {
      key: b.key,
      body: { email: a.ownerEmail, role: 'member' },
    });
    assert.equal(add.status, 201, JSON.stringify(add.body));
    let login = await call(built.app, 'POST', '/api/auth/login', {
      body: { email: a.ownerEmail, password: a.ownerPassword },
    });
    const accept = await call(built.app, 'POST', `/api/invitations/${add.body.data.invitation.id}/accept`, {
      token: login.body.data.access_token,
    });
    assert.equal(accept.status, 200, JSON.stringify(accept.body));
    login = await call(built.app, 'POST', '/api/auth/login', {
      body: { email: a.ownerEmail, password: a.ownerPassword },
    });
    const token = login.body.data.access_token;
    assert.equal(login.body.data.tenants.length, 2);
    const sw = await call(built.app, 'POST', '/api/auth/switch-tenant', { token, body: { tenant_id: b.id } });
    assert.equal(sw.status, 200, JSON.stringify(sw.body));
    assert.equal(sw.body.data.tenant_id, b.id);
    assert.equal(sw.body.data.role, 'member');
    const me = await call(built.app, 'GET', '/api/auth/me', { token: sw.body.data.access_token });
    assert.equal(me.body.data.tenant_id, b.id);
    const c = await makeTenant(built.app, 'team');
    expectError(
      await call(built.app, 'POST', '/api/auth/switch-tenant', { token, body: { tenant_id: c.id } }),
      404,
      'TENANT_NOT_FOUND',
    );
    expectError(
      await call(built.app, 'POST', '/api/auth/switch-tenant', { key: a.key, body: { tenant_id: b.id } }),
      403,
      'FORBIDDEN',
    );
    expectError(await call(built.app, 'POST', '/api/auth/switch-tenant', { token, body: {} }), 400, 'VALIDATION_ERROR');
  });
});

describe('console static serving (registerConsole)', () => {
  let dir: string;
  let app: FastifyInstance;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'atom-console-dist-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(join(dir, 'assets', 'app-abc123.js'), 'console.log(1)');
    writeFileSync(join(dir, '..', 'atom-console-secret.txt'), 'outside');
    app = Fastify({ logger: false });
    registerErrorHandling(app);
    app.get('/api/thing', async () => ({ ok: true }));
    await registerConsole(app, dir);
    await app.ready();
  });
  after(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(join(dir, '..', 'atom-console-secret.txt'), { force: true });
  });
  const get = (url: string) => app.inject({ method: 'GET', url });

  it('serves index.html at / and for client routes, with the console CSP', async () => {
    for (const url of ['/', '/agents/agt_1', '/marketplace/skills?query=x']) {
      const res = await get(url);
      assert.equal(res.statusCode, 200, url);
      assert.match(res.headers['content-type'] as string, /text\/html/);
      assert.equal(res.headers['content-security-policy'], CONSOLE_CSP);
      assert.match(res.body, /id="root"/);
    }
  });

  it('serves hashed assets as immutable', async () => {
    const res = await get('/assets/app-abc123.js');
    assert.equal(res.statusCode, 200);
    assert.equal(res.body, 'console.log(1)');
    assert.match(res.headers['cache-control'] as string, /immutable/);
  });

  it('never answers under /api, and never outside its folder', async () => {
    assert.deepEqual(JSON.parse((await get('/api/thing')).body), { ok: true });
    for (const url of ['/api/nope', '/api', '/api/docs/x']) {
      const res = await get(url);
      assert.equal(res.statusCode, 404, url);
      assert.equal(JSON.parse(res.body).error.code, 'NOT_FOUND');
    }
    for (const url of [
      '/../atom-console-secret.txt',
      '/%2e%2e/atom-console-secret.txt',
      '/assets/..%2f..%2fatom-console-secret.txt',
      '/%E0%A4%A',
    ]) {
      const res = await get(url);
      assert.doesNotMatch(res.body, /outside/, url);
      assert.ok([200, 400, 403, 404].includes(res.statusCode), `${url}: ${res.statusCode}`);
    }
    assert.equal((await app.inject({ method: 'POST', url: '/agents' })).statusCode, 404);
  });

  it('registers nothing when the console is not built', async () => {
    const bare = Fastify({ logger: false });
    registerErrorHandling(bare);
    await registerConsole(bare, join(dir, 'missing'));
    const res = await bare.inject({ method: 'GET', url: '/' });
    assert.equal(res.statusCode, 404);
    assert.equal(JSON.parse(res.body).error.code, 'NOT_FOUND');
    await bare.close();
  });
});
