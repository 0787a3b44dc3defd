import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { embeddedOnly } from '../helpers/app.js';
import { http, sharedSecrets, startServerProcess } from '../helpers/processes.js';

/** kill -9 in the middle of an execution; the next process finishes it. Always on the embedded database. */
describe('executions survive a crash', embeddedOnly, () => {
  it('a running execution is taken over after kill -9 and completes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atom-crash-'));
    const secrets = sharedSecrets();
    const env = {
      ...secrets,
      ATOM_DATA_DIR: dir,
      DATABASE_URL: '',
      REDIS_URL: '',
      ATOM_EXECUTION_STALE_SECONDS: '2',
      ATOM_EXECUTION_SYNC_MS: '200',
      SLOW_MS: '4000',
    };
    const admin = { 'x-admin-key': secrets.ATOM_ADMIN_KEY };
    try {
      let server = await startServerProcess(env, 'test/fixtures/exec-server.ts', []);
      const t = (
        await http(`${server.url}/api/tenants`, {
          method: 'POST',
          headers: admin,
          body: { name: 'Crash', plan: 'team' },
        })
      ).body.data;
      const headers = { 'x-api-key': t.key };
      const agent = (
        await http(`${server.url}/api/agents`, {
          method: 'POST',
          headers,
          body: { name: 'Steady', role: 'custom', maturity_level: 'student' },
        })
      ).body.data.agent;
      const started = await http(`${server.url}/api/agents/${agent.id}/execute`, {
        method: 'POST',
        headers,
        body: { task: 'compile the quarterly inventory digest' },
      });
      assert.equal(started.status, 202);
      assert.equal(started.body.data.status, 'in_progress');
      const firstPid = server.child.pid;
      await server.kill('SIGKILL');

      server = await startServerProcess(env, 'test/fixtures/exec-server.ts', []);
      try {
        const end = Date.now() + 45_000;
        let state: any;
        do {
          await new Promise((r) => setTimeout(r, 500));
          state = (await http(`${server.url}${started.body.data.poll_url}`, { headers })).body.data;
        } while (!['completed', 'failed', 'cancelled'].includes(state.status) && Date.now() < end);
        assert.equal(state.status, 'completed', JSON.stringify(state));
        assert.equal(state.result.details.slow_report.digest, `done by ${server.child.pid}`);
        assert.notEqual(server.child.pid, firstPid);
        assert.ok(
          state.reasoning_trace.some(
            (s: { type: string; message?: string }) =>
              s.type === 'note' && /previous runner stopped/.test(s.message ?? ''),
          ),
        );
      } finally {
        await server.kill();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
