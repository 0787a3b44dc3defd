import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { httpSend, makeTenantVia, type Send, waitForState } from '../../helpers/agent-work.js';
import { freshDatabaseUrl } from '../../helpers/app.js';
import { type ServerProcess, sharedSecrets, startServerProcess } from '../../helpers/processes.js';
import { startHeldReceiver, startReceiver } from '../../helpers/receiver.js';

/**
 * kill -9 while a workflow run's http node is in flight; another process takes the run over from
 * its journal. On PostgreSQL the second process runs beside the first on one database; on the
 * embedded database, which one process owns, it starts on the same data directory after the kill.
 * The job queue's watchdog notices the dead runner once its heartbeat is older than
 * ATOM_EXECUTION_STALE_SECONDS. A and B are real HTTP receivers on loopback.
 */
describe('a workflow run taken over after kill -9 repeats no finished node', () => {
  const concurrent = !!process.env.DATABASE_URL;
  const dir = mkdtempSync(join(tmpdir(), 'atom-wf-resume-'));
  const secrets = sharedSecrets();
  let db: Awaited<ReturnType<typeof freshDatabaseUrl>> | null = null;
  let env: Record<string, string>;
  let recvA: Awaited<ReturnType<typeof startReceiver>>;
  let recvB: Awaited<ReturnType<typeof startHeldReceiver>>;
  const live: ServerProcess[] = [];
  let current: ServerProcess;
  const send: Send = httpSend(() => current.url);

  const start = async () => {
    const p = await startServerProcess(env);
    live.push(p);
    return p;
  };

  before(async () => {
    recvA = await startReceiver(() => ({ status: 200, headers: { 'content-type': 'application/json' } }));
    recvB = await startHeldReceiver({ status: 200, body: { booked: true } });
    if (concurrent) db = await freshDatabaseUrl();
    env = {
      ...secrets,
      ATOM_DATA_DIR: dir,
      DATABASE_URL: db?.url ?? '',
      REDIS_URL: concurrent ? (process.env.REDIS_URL ?? '') : '',
      ATOM_ALLOW_INSECURE_WEBHOOKS: 'true',
      ATOM_EXECUTION_SYNC_MS: '200',
      ATOM_EXECUTION_STALE_SECONDS: '2',
    };
    current = await start();
  });
  after(async () => {
    for (const p of live) await p.kill('SIGKILL');
    await Promise.all([recvA.close(), recvB.close()]);
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('A ran once; B, in flight at the kill, is called again with the same Idempotency-Key; the run completes', async () => {
    const tenant = await makeTenantVia(send, secrets.ATOM_ADMIN_KEY, 'Resumer', 'team');
    const created = await send('POST', '/api/workflows', {
      key: tenant.key,
      body: {
        name: 'two calls',
        nodes: [
          { id: 'start', type: 'trigger' },
          { id: 'a', type: 'http', config: { method: 'POST', url: recvA.url, body: { order: '{{input.order}}' } } },
          {
            id: 'b',
            type: 'http',
            config: {
              method: 'POST',
              url: recvB.url,
              body: { order: '{{input.order}}', a_status: '{{nodes.a.status}}' },
            },
          },
          { id: 'out', type: 'output', config: { value: { a: '{{nodes.a.status}}', b: '{{nodes.b.body}}' } } },
        ],
        edges: [
          { source: 'start', target: 'a' },
          { source: 'a', target: 'b' },
          { source: 'b', target: 'out' },
        ],
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const wf = created.body.workflow.id as string;

    const spare = concurrent ? await start() : null;
    const started = await send('POST', `/api/workflows/${wf}/run`, {
      key: tenant.key,
      body: { input: { order: 'X1' }, async: true },
    });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const runId = started.body.run.id as string;

    // B has the request: A finished and B is in flight.
    await waitForState(
      async () => recvB.received.length,
      (n) => n === 1,
      30_000,
    );
    const mid = (await send('GET', `/api/workflow-runs/${runId}`, { key: tenant.key })).body.run;
    assert.equal(mid.status, 'running');
    assert.deepEqual(
      mid.nodes.map((n: { state: string }) => n.state),
      ['completed', 'completed', 'running', 'pending'],
    );

    await current.kill('SIGKILL');
    current = spare ?? (await start());
    recvB.release();

    const done = await waitForState(
      () => send('GET', `/api/workflow-runs/${runId}`, { key: tenant.key }).then((r) => r.body.run),
      (r) => ['completed', 'failed', 'cancelled'].includes(r?.status),
      90_000,
    );
    assert.equal(done.status, 'completed', JSON.stringify(done));
    assert.deepEqual(done.output, { a: 200, b: { booked: true } });
    assert.equal(recvA.received.length, 1, 'A finished before the kill and was not called again');
    assert.equal(recvB.received.length, 2, "B's answer never reached the journal, so B was called again");
    const [first, second] = recvB.received;
    assert.ok(first.headers['idempotency-key']);
    assert.equal(
      second.headers['idempotency-key'],
      first.headers['idempotency-key'],
      'the same key: B can recognise the repeat',
    );
    assert.deepEqual(
      JSON.parse(second.body),
      { order: 'X1', a_status: 200 },
      "B's input was rendered from A's journaled output",
    );
    const byId = Object.fromEntries(done.nodes.map((n: { node_id: string }) => [n.node_id, n]));
    assert.equal(byId.a.attempts, 1);
    assert.equal(byId.b.attempts, 1, 'the interrupted call is the same attempt, not a retry');
    assert.ok(done.attempts >= 2, 'another runner took the run over');

    // The stream's log tells A once: it finished in the first process only.
    const stream = await fetch(`${current.url}/api/workflow-runs/${runId}/stream`, {
      headers: { 'x-api-key': tenant.key },
    });
    const text = await stream.text();
    const aDone = text
      .split('\n\n')
      .filter((e) => e.includes('event: node') && e.includes('"node_id":"a"') && e.includes('"state":"completed"'));
    assert.equal(aDone.length, 1, text);
  });
});
