import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buyerModel, buyerScenario, httpSend, type Send, skillRunsToday, waitForState } from '../helpers/agent-work.js';
import { freshDatabaseUrl } from '../helpers/app.js';
import { type FakeLlm, fakeLlm } from '../helpers/fake-llm.js';
import { type ServerProcess, sharedSecrets, startServerProcess } from '../helpers/processes.js';
import { startReceiver } from '../helpers/receiver.js';

/**
 * kill -9 while a run waits for a human, and while a tool call is in flight; another process takes
 * the run over from its journal. On PostgreSQL (CI's second pass) the two processes run side by
 * side on one database; on the embedded database, which one process owns, the second starts on
 * the same data directory after the first is killed. The model is a scripted OpenAI-compatible
 * server on loopback (no real model runs here); the skills' endpoints are real HTTP receivers.
 */
describe('a run taken over by another process repeats nothing that finished', () => {
  const concurrent = !!process.env.DATABASE_URL;
  const dir = mkdtempSync(join(tmpdir(), 'atom-takeover-'));
  const secrets = sharedSecrets();
  let db: Awaited<ReturnType<typeof freshDatabaseUrl>> | null = null;
  let env: Record<string, string>;
  let llm: FakeLlm;
  let recvA: Awaited<ReturnType<typeof startReceiver>>;
  let recvB: Awaited<ReturnType<typeof startReceiver>>;
  const live: ServerProcess[] = [];
  let current: ServerProcess;
  const send: Send = httpSend(() => current.url);
  let tenant: { id: string; key: string };
  let agent: string;
  let tools: { a: string; b: string };
  let holdCall = 0;

  const start = async () => {
    const p = await startServerProcess(env);
    live.push(p);
    return p;
  };
  /**
   * Kills `current` with SIGKILL and makes another process the current one (started before the kill when the database
   * allows it).
   */
  const takeOver = async (spare: ServerProcess | null) => {
    await current.kill('SIGKILL');
    current = spare ?? (await start());
  };
  const spareNow = () => (concurrent ? start() : Promise.resolve(null));

  before(async () => {
    llm = await fakeLlm();
    recvA = await startReceiver();
    // B's first call in the second scenario never gets its answer in time: the process dies while it waits.
    recvB = await startReceiver((_r, n) => (n === holdCall ? { status: 200, delayMs: 12_000 } : { status: 200 }));
    if (concurrent) db = await freshDatabaseUrl();
    env = {
      ...secrets,
      ATOM_DATA_DIR: dir,
      DATABASE_URL: db?.url ?? '',
      REDIS_URL: concurrent ? (process.env.REDIS_URL ?? '') : '',
      ATOM_LLM_BASE_URL: llm.url,
      ATOM_LLM_MODEL: 'scripted-model',
      ATOM_ALLOW_INSECURE_WEBHOOKS: 'true',
      ATOM_EXECUTION_SYNC_MS: '200',
      ATOM_EXECUTION_STALE_SECONDS: '2',
    };
    current = await start();
    ({ tenant, agent, tools } = await buyerScenario(send, secrets.ATOM_ADMIN_KEY, recvA.url, recvB.url));
    llm.always(buyerModel(tools, () => 'Ordered 3 of X1.'));
  });
  after(async () => {
    for (const p of live) await p.kill('SIGKILL');
    await Promise.all([llm.close(), recvA.close(), recvB.close()]);
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const poll = (id: string) =>
    send('GET', `/api/agents/${agent}/executions/${id}`, { key: tenant.key }).then((r) => r.body.data);
  const finished = (id: string) =>
    waitForState(
      () => poll(id),
      (e) => ['completed', 'failed', 'cancelled'].includes(e?.status),
      90_000,
    );
  const parkedRun = async () => {
    const res = await send('POST', `/api/agents/${agent}/execute`, {
      key: tenant.key,
      body: { task: 'Restock SKU X1' },
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    return waitForState(
      () => poll(res.body.data.execution_id),
      (e) => !!e.awaiting_approval,
    );
  };

  it("kill -9 during B's approval wait: approved on another process, A once, B once, quota +2", async () => {
    const before = {
      a: recvA.received.length,
      b: recvB.received.length,
      llm: llm.requests.length,
      used: await skillRunsToday(send, tenant.key),
    };
    const spare = await spareNow();
    const waiting = await parkedRun();
    await takeOver(spare);
    const approved = await send('POST', `/api/governance/approvals/${waiting.awaiting_approval}/approve`, {
      key: tenant.key,
      body: {},
    });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    const done = await finished(waiting.execution_id);
    assert.equal(done.status, 'completed', JSON.stringify(done));
    assert.equal(done.result.summary, 'Ordered 3 of X1.');
    assert.equal(recvA.received.length - before.a, 1);
    assert.equal(recvB.received.length - before.b, 1);
    assert.equal(llm.requests.length - before.llm, 3);
    assert.equal(await skillRunsToday(send, tenant.key), before.used + 2);
  });

  it("kill -9 while B's call is in flight: the new process calls B again with the same Idempotency-Key, counted once", async () => {
    const before = { a: recvA.received.length, b: recvB.received.length, used: await skillRunsToday(send, tenant.key) };
    holdCall = before.b + 1;
    const waiting = await parkedRun();
    const spare = await spareNow();
    await send('POST', `/api/governance/approvals/${waiting.awaiting_approval}/approve`, { key: tenant.key, body: {} });
    await waitForState(
      async () => recvB.received.length,
      (n) => n > before.b,
      30_000,
    );
    await takeOver(spare);
    const done = await finished(waiting.execution_id);
    assert.equal(done.status, 'completed', JSON.stringify(done));
    const calls = recvB.received.slice(before.b);
    assert.equal(calls.length, 2, 'B was called again: its answer never reached the journal');
    assert.equal(calls[0].headers['idempotency-key'], `${waiting.execution_id}:5`);
    assert.equal(
      calls[1].headers['idempotency-key'],
      calls[0].headers['idempotency-key'],
      'the same key, so B can recognise the repeat',
    );
    assert.equal(recvA.received.length - before.a, 1, 'A was not called again');
    assert.equal(await skillRunsToday(send, tenant.key), before.used + 2, 'the repeated call was not counted again');
    const steps = (
      await send('GET', `/api/agents/${agent}/executions/${waiting.execution_id}/journal`, { key: tenant.key })
    ).body.data.steps;
    assert.equal(steps[4].attempts, 2);
    assert.ok(
      done.reasoning_trace.some(
        (s: { type: string; message?: string }) =>
          s.type === 'note' && /interrupted; calling it again with the same idempotency key/.test(s.message ?? ''),
      ),
    );
  });
});
