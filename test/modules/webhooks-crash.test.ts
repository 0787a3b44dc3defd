import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { embeddedOnly } from '../helpers/app.js';
import { http, sharedSecrets, startServerProcess } from '../helpers/processes.js';
import { startReceiver, waitUntil } from '../helpers/receiver.js';

/**
 * kill -9 while a delivery is in flight, then restart on the same (embedded) database: every
 * committed event is delivered; a repeat may happen only with the same webhook-id.
 */
describe('webhook delivery survives kill -9', embeddedOnly, () => {
  it('delivers exactly the missing events after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atom-whcrash-'));
    const secrets = sharedSecrets();
    const env = {
      ...secrets,
      ATOM_DATA_DIR: dir,
      DATABASE_URL: '',
      REDIS_URL: '',
      ATOM_ALLOW_INSECURE_WEBHOOKS: 'true',
    };
    const rx = await startReceiver((_r, n) => ({ status: 200, delayMs: n === 1 ? 3000 : 0 }));
    let server = await startServerProcess(env, 'test/fixtures/exec-server.ts', []);
    try {
      const t = (
        await http(`${server.url}/api/tenants`, {
          method: 'POST',
          headers: { 'x-admin-key': secrets.ATOM_ADMIN_KEY },
          body: { name: 'Hooks', plan: 'team' },
        })
      ).body.data;
      const headers = { 'x-api-key': t.key };
      await http(`${server.url}/api/webhooks`, {
        method: 'POST',
        headers,
        body: { url: rx.url, events: ['agent.created'] },
      });
      const events: string[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await http(`${server.url}/api/agents`, {
          method: 'POST',
          headers,
          body: { name: `agent ${i}`, role: 'custom', maturity_level: 'student' },
        });
        assert.equal(res.status, 201);
      }
      await waitUntil(() => rx.received.length >= 1);
      await server.kill('SIGKILL');

      server = await startServerProcess(env, 'test/fixtures/exec-server.ts', []);
      const ids = () => new Set(rx.received.map((r) => String(r.headers['webhook-id'])));
      await waitUntil(() => ids().size === 5, 90_000);
      for (const r of rx.received) {
        const body = JSON.parse(r.body);
        assert.equal(body.event, 'agent.created');
        assert.equal(r.headers['webhook-id'], body.id, 'a repeat carries the same webhook-id');
        events.push(body.id);
      }
      assert.equal(new Set(events).size, 5);
    } finally {
      await server.kill();
      await rx.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
