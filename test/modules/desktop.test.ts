import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Built } from '../../src/app.js';
import { startApp } from '../helpers/app.js';
import { call, expectError, makeKey, makeTenant, type TestTenant } from '../helpers/http.js';

/** Desktop endpoints relay work to a registered companion; nothing runs on the server. */
describe('desktop relay', () => {
  let built: Built;
  let a: TestTenant;
  let b: TestTenant;
  let device: { id: string; token: string };
  before(async () => {
    built = await startApp();
    a = await makeTenant(built.app);
    b = await makeTenant(built.app);
    const res = await call(built.app, 'POST', '/api/desktop/devices', {
      key: a.key,
      body: { name: 'Ada laptop', platform: 'macos' },
    });
    assert.equal(res.status, 201);
    device = { id: res.body.data.device.id, token: res.body.data.device_token };
  });
  after(() => built.close());

  it('queues a terminal command for the device; the device pulls, runs and reports', async () => {
    const marker = `/tmp/atom-desktop-${Date.now()}`;
    const q = await call(built.app, 'POST', '/api/desktop/terminal', {
      key: a.key,
      body: { device_id: device.id, command: `touch ${marker}` },
    });
    assert.equal(q.status, 202);
    assert.equal(q.body.data.action.status, 'queued');
    const { existsSync } = await import('node:fs');
    assert.equal(existsSync(marker), false, 'the server did not run the command');

    const pulled = await call(built.app, 'GET', '/api/desktop/device/actions', {
      headers: { 'x-device-token': device.token },
    });
    assert.equal(pulled.body.data.actions.length, 1);
    assert.equal(pulled.body.data.actions[0].payload.command, `touch ${marker}`);
    const again = await call(built.app, 'GET', '/api/desktop/device/actions', {
      headers: { 'x-device-token': device.token },
    });
    assert.equal(again.body.data.actions.length, 0, 'handed out once');

    const id = q.body.data.action.id;
    const rep = await call(built.app, 'POST', `/api/desktop/device/actions/${id}/result`, {
      headers: { 'x-device-token': device.token },
      body: { status: 'completed', output: 'ok', exit_code: 0 },
    });
    assert.equal(rep.body.data.action.status, 'completed');
    expectError(
      await call(built.app, 'POST', `/api/desktop/device/actions/${id}/result`, {
        headers: { 'x-device-token': device.token },
        body: { status: 'completed' },
      }),
      409,
      'CONFLICT',
    );
    const got = await call(built.app, 'GET', `/api/desktop/actions/${id}`, { key: a.key });
    assert.deepEqual(got.body.data.action.result, { output: 'ok', exit_code: 0, error: null });
    const status = await call(built.app, 'GET', '/api/desktop/status', { key: a.key });
    assert.equal(status.body.data.executes_on_server, false);
    assert.equal(status.body.data.online, true);
    assert.equal(status.body.data.actions.completed, 1);
  });

  it('docker and generic actions are relayed too, with input checks', async () => {
    expectError(
      await call(built.app, 'POST', '/api/desktop/docker', {
        key: a.key,
        body: { device_id: device.id, operation: 'stop' },
      }),
      400,
      'MISSING_REQUIRED_FIELD',
    );
    expectError(
      await call(built.app, 'POST', '/api/desktop/docker', {
        key: a.key,
        body: { device_id: device.id, operation: 'rm -rf' },
      }),
      400,
      'VALIDATION_ERROR',
    );
    assert.equal(
      (
        await call(built.app, 'POST', '/api/desktop/docker', {
          key: a.key,
          body: { device_id: device.id, operation: 'list' },
        })
      ).status,
      202,
    );
    assert.equal(
      (
        await call(built.app, 'POST', '/api/desktop/actions', {
          key: a.key,
          body: { device_id: device.id, action: 'open_url', params: { url: 'https://example.com' } },
        })
      ).status,
      202,
    );
  });

  it('a device limited to actions refuses terminal work', async () => {
    const d = await call(built.app, 'POST', '/api/desktop/devices', {
      key: a.key,
      body: { name: 'kiosk', capabilities: ['action'] },
    });
    expectError(
      await call(built.app, 'POST', '/api/desktop/terminal', {
        key: a.key,
        body: { device_id: d.body.data.device.id, command: 'ls' },
      }),
      403,
      'FORBIDDEN',
    );
  });

  it('security: device tokens, tenants, roles', async () => {
    expectError(await call(built.app, 'GET', '/api/desktop/device/actions'), 401, 'UNAUTHORIZED');
    expectError(
      await call(built.app, 'GET', '/api/desktop/device/actions', { headers: { 'x-device-token': 'dvc_forged' } }),
      401,
      'UNAUTHORIZED',
    );
    expectError(
      await call(built.app, 'POST', '/api/desktop/terminal', {
        key: b.key,
        body: { device_id: device.id, command: 'ls' },
      }),
      404,
      'NOT_FOUND',
    );
    const q = await call(built.app, 'POST', '/api/desktop/actions', {
      key: a.key,
      body: { device_id: device.id, action: 'notify' },
    });
    expectError(
      await call(built.app, 'GET', `/api/desktop/actions/${q.body.data.action.id}`, { key: b.key }),
      404,
      'NOT_FOUND',
    );
    const member = await makeKey(built.app, a, { role: 'member' });
    expectError(
      await call(built.app, 'POST', '/api/desktop/terminal', {
        key: member.key,
        body: { device_id: device.id, command: 'ls' },
      }),
      403,
      'INSUFFICIENT_PERMISSIONS',
    );
    assert.equal((await call(built.app, 'DELETE', `/api/desktop/devices/${device.id}`, { key: a.key })).status, 200);
    expectError(
      await call(built.app, 'GET', '/api/desktop/device/actions', { headers: { 'x-device-token': device.token } }),
      401,
      'UNAUTHORIZED',
    );
  });
});
