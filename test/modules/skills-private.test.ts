import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startApp } from '../helpers/app.js';
import { call, expectError, makeKey, makeTenant, type TestTenant } from '../helpers/http.js';

let built: Awaited<ReturnType<typeof startApp>>;
let a: TestTenant;
let b: TestTenant;
let marketId: string;
before(async () => {
  built = await startApp();
  a = await makeTenant(built.app, 'team');
  b = await makeTenant(built.app, 'team');
  const c = await call(built.app, 'POST', '/api/v1/skills/private', {
    key: a.key,
    body: {
      name: 'Shared',
      description: 'shared skill',
      skill_type: 'function',
      code: 'function execute() { return 1; }',
      action: 'read',
      config_schema: { type: 'object', properties: { timeout: { type: 'integer', maximum: 60 } } },
    },
  });
  const p = await call(built.app, 'POST', '/api/skills/publish', { key: a.key, body: { skill_id: c.body.skill_id } });
  marketId = p.body.marketplace_id;
  await call(built.app, 'POST', `/api/skills/approve/${marketId}`, { admin: true });
});
after(() => built.close());

describe('private skills', () => {
  it('install, list with is_own/is_installed, customise, uninstall', async () => {
    let res = await call(built.app, 'POST', '/api/v1/skills/private/install', {
      key: b.key,
      body: { marketplace_skill_id: marketId, config_overrides: { timeout: 10 } },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual([res.body.status, res.body.packages_installed], ['installed', []]);
    await call(built.app, 'POST', '/api/v1/skills/private', {
      key: b.key,
      body: { name: 'Mine', skill_type: 'script' },
    });

    res = await call(built.app, 'GET', '/api/v1/skills/private', { key: b.key });
    assert.deepEqual(
      res.body.skills.map((s: any) => [s.name, s.is_own, s.is_installed]),
      [
        ['Mine', true, false],
        ['Shared', false, true],
      ],
    );
    assert.deepEqual([res.body.total, res.body.limit, res.body.offset], [2, 50, 0]);
    res = await call(built.app, 'GET', '/api/v1/skills/private?is_installed=true', { key: b.key });
    assert.equal(res.body.total, 1);

    expectError(
      await call(built.app, 'PUT', `/api/v1/skills/private/${marketId}`, {
        key: b.key,
        body: { config_overrides: { timeout: 100 } },
      }),
      400,
      'CONFIG_SCHEMA_INVALID',
    );
    res = await call(built.app, 'PUT', `/api/v1/skills/private/${marketId}`, {
      key: b.key,
      body: { name: 'My name', config_overrides: { timeout: 20 } },
    });
    assert.deepEqual([res.body.name, res.body.config_overrides_applied], ['My name', true]);
    res = await call(built.app, 'GET', '/api/v1/skills/private?is_installed=true', { key: b.key });
    assert.equal(res.body.skills[0].name, 'My name');

    res = await call(built.app, 'DELETE', `/api/v1/skills/private/${marketId}`, { key: b.key });
    assert.deepEqual([res.body.status, res.body.message], ['uninstalled', 'Skill uninstalled successfully']);
    expectError(
      await call(built.app, 'DELETE', `/api/v1/skills/private/${marketId}`, { key: b.key }),
      404,
      'SKILL_NOT_FOUND',
    );
  });

  it('another tenant cannot customise or see a private skill', async () => {
    const c = await call(built.app, 'POST', '/api/v1/skills/private', {
      key: a.key,
      body: { name: 'Secret', skill_type: 'function' },
    });
    expectError(
      await call(built.app, 'PUT', `/api/v1/skills/private/${c.body.skill_id}`, { key: b.key, body: { name: 'x' } }),
      404,
      'SKILL_NOT_FOUND',
    );
    expectError(
      await call(built.app, 'POST', '/api/v1/skills/private/install', {
        key: b.key,
        body: { marketplace_skill_id: c.body.skill_id },
      }),
      404,
      'SKILL_NOT_FOUND',
    );
    const res = await call(built.app, 'GET', '/api/v1/skills/private', { key: b.key });
    assert.equal(
      res.body.skills.some((s: any) => s.id === c.body.skill_id),
      false,
    );
  });

  it('security', async () => {
    expectError(await call(built.app, 'GET', '/api/v1/skills/private'), 401, 'AUTH_REQUIRED');
    const ro = await makeKey(built.app, b, { scope: 'read' });
    expectError(
      await call(built.app, 'POST', '/api/v1/skills/private/install', {
        key: ro.key,
        body: { marketplace_skill_id: marketId },
      }),
      403,
      'INSUFFICIENT_SCOPE',
    );
    expectError(
      await call(built.app, 'DELETE', `/api/v1/skills/private/${marketId}`, { key: ro.key }),
      403,
      'INSUFFICIENT_SCOPE',
    );
    const viewer = await makeKey(built.app, b, { role: 'viewer' });
    expectError(
      await call(built.app, 'PUT', `/api/v1/skills/private/${marketId}`, { key: viewer.key, body: { name: 'x' } }),
      403,
      'INSUFFICIENT_PERMISSIONS',
    );
    expectError(await call(built.app, 'GET', '/api/v1/skills/private?limit=101', { key: b.key }), 400, 'INVALID_LIMIT');
  });
});
