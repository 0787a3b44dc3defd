import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Built } from '../../src/app.js';
import {
  ADMIN_KEY,
  buyerModel,
  buyerScenario,
  injectSend,
  makeTenantVia,
  type Send,
  skillRunsToday,
  waitForState,
} from '../helpers/agent-work.js';
import { startApp } from '../helpers/app.js';
import { type FakeLlm, fakeLlm } from '../helpers/fake-llm.js';
import { startReceiver } from '../helpers/receiver.js';

/**
 * The durable journal, through the path a user takes: two `api` skills installed from the
 * marketplace (their endpoints are real HTTP receivers on loopback), a supervised agent, and a
 * model (a scripted OpenAI-compatible server on loopback: no real model can run here) whose plan
 * is tool A (read) then tool B (create: a supervised agent needs a human for it).
 */
describe('execution journal: a resumed run never repeats a finished step', () => {
  let built: Built;
  let send: Send;
  let llm: FakeLlm;
  let recvA: Awaited<ReturnType<typeof startReceiver>>;
  let recvB: Awaited<ReturnType<typeof startReceiver>>;
  let t: { id: string; key: string };
  let agent: string;
  let tools: { a: string; b: string };

  before(async () => {
    llm = await fakeLlm();
    recvA = await startReceiver();
    recvB = await startReceiver();
    built = await startApp({
      allowInsecureWebhooks: true,
      executionSyncBudgetMs: 5000,
      llm: { baseUrl: llm.url, apiKey: null, model: 'scripted-model', historyTokens: 4000 },
    });
    send = injectSend(built.app);
    ({ tenant: t, agent, tools } = await buyerScenario(send, ADMIN_KEY, recvA.url, recvB.url));
  });
  after(async () => {
    await built.close();
    await Promise.all([llm.close(), recvA.close(), recvB.close()]);
  });
  beforeEach(() => {
    llm.reset();
    llm.always(buyerModel(tools, (answers) => `Done: ${answers[1].slice(0, 60)}`));
  });

  const poll = (id: string) =>
    send('GET', `/api/agents/${agent}/executions/${id}`, { key: t.key }).then((r) => r.body.data);
  const parked = async () => {
    const res = await send('POST', `/api/agents/${agent}/execute`, { key: t.key, body: { task: 'Restock SKU X1' } });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    return waitForState(
      () => poll(res.body.data.execution_id),
      (e) => !!e.awaiting_approval,
    );
  };

  it('after the approval, A was called once, B once, the model asked once per turn, quota counted twice', async () => {
    const [a0, b0, used0] = [recvA.received.length, recvB.received.length, await skillRunsToday(send, t.key)];
    const waiting = await parked();
    assert.equal(recvA.received.length - a0, 1, 'A ran before the wait');
    assert.equal(recvB.received.length - b0, 0, 'B waits for the human');
    assert.equal(llm.requests.length, 2);
    assert.equal(await skillRunsToday(send, t.key), used0 + 1);

    const approved = await send('POST', `/api/governance/approvals/${waiting.awaiting_approval}/approve`, {
      key: t.key,
      body: { note: 'go' },
    });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    const done = await waitForState(
      () => poll(waiting.execution_id),
      (e) => ['completed', 'failed', 'cancelled'].includes(e.status),
    );
    assert.equal(done.status, 'completed', JSON.stringify(done));
    assert.equal(recvA.received.length - a0, 1, 'A was not called again after the approval');
    assert.equal(recvB.received.length - b0, 1);
    assert.equal(llm.requests.length, 3, 'finished model turns were replayed, not asked again');
    assert.equal(await skillRunsToday(send, t.key), used0 + 2, 'each tool call counted once');

    // Each call carried its step's idempotency key; the journal shows the steps in order.
    const steps = (await send('GET', `/api/agents/${agent}/executions/${done.execution_id}/journal`, { key: t.key }))
      .body.data.steps;
    assert.deepEqual(
      steps.map((s: { kind: string }) => s.kind),
      ['recall', 'model', 'tool', 'model', 'tool', 'model'],
    );
    assert.ok(
      steps.every((s: { status: string }) => s.status === 'completed'),
      JSON.stringify(steps),
    );
    assert.equal(recvA.received.at(-1)!.headers['idempotency-key'], `${done.execution_id}:3`);
    assert.equal(recvB.received.at(-1)!.headers['idempotency-key'], `${done.execution_id}:5`);
    assert.equal(steps[4].idempotency_key, `${done.execution_id}:5`);
    assert.equal(steps[4].approval_id, waiting.awaiting_approval);
    assert.deepEqual(steps[4].request, { sku: 'X1', quantity: 3 });
    assert.equal(steps[1].usage.total_tokens, 15);

    // The trace tells each step once, and the resumption.
    const calls = done.reasoning_trace
      .filter((s: { type: string }) => s.type === 'tool_call')
      .map((s: { tool: string }) => s.tool);
    assert.deepEqual(calls, [tools.a, tools.b]);
    assert.equal(done.reasoning_trace.filter((s: { type: string }) => s.type === 'plan').length, 1);
    assert.ok(
      done.reasoning_trace.some(
        (s: { type: string; message?: string }) => s.type === 'note' && /reviewer's decision/.test(s.message ?? ''),
      ),
    );
    assert.equal(done.human_interventions, 1);
  });

  it('after a rejection, the run goes on without B: the model is told, B never runs', async () => {
    const [b0, used0] = [recvB.received.length, await skillRunsToday(send, t.key)];
    const waiting = await parked();
    const rejected = await send('POST', `/api/governance/approvals/${waiting.awaiting_approval}/reject`, {
      key: t.key,
      body: { note: 'not this week' },
    });
    assert.equal(rejected.status, 200, JSON.stringify(rejected.body));
    const done = await waitForState(
      () => poll(waiting.execution_id),
      (e) => ['completed', 'failed', 'cancelled'].includes(e.status),
    );
    assert.equal(recvB.received.length - b0, 0, 'B never ran');
    assert.equal(llm.requests.length, 3);
    assert.match(String(llm.requests[2].last?.content), /APPROVAL_REJECTED: Rejected by a reviewer: not this week/);
    assert.equal(await skillRunsToday(send, t.key), used0 + 1, 'only A counted');
    assert.equal(done.status, 'completed');
    const steps = (await send('GET', `/api/agents/${agent}/executions/${done.execution_id}/journal`, { key: t.key }))
      .body.data.steps;
    assert.equal(steps[4].status, 'rejected');
    assert.ok(
      done.reasoning_trace.some(
        (s: { type: string; outcome?: string }) => s.type === 'governance' && s.outcome === 'rejected',
      ),
    );
  });

  it("the journal is the tenant's own: another tenant gets 404, paging by step works", async () => {
    const waiting = await parked();
    const other = await makeTenantVia(send, ADMIN_KEY, 'Other', 'team');
    const foreign = await send('GET', `/api/agents/${agent}/executions/${waiting.execution_id}/journal`, {
      key: other.key,
    });
    assert.equal(foreign.status, 404);
    const none = await send('GET', `/api/agents/${agent}/executions/${waiting.execution_id}/journal`, {});
    assert.equal(none.status, 401);
    const first = (
      await send('GET', `/api/agents/${agent}/executions/${waiting.execution_id}/journal?limit=2`, { key: t.key })
    ).body.data;
    assert.deepEqual([first.steps.length, first.total, first.next_after_step], [2, 5, 2]);
    const rest = (
      await send('GET', `/api/agents/${agent}/executions/${waiting.execution_id}/journal?after_step=2&limit=100`, {
        key: t.key,
      })
    ).body.data;
    assert.deepEqual(
      rest.steps.map((s: { step_no: number }) => s.step_no),
      [3, 4, 5],
    );
    assert.equal(rest.steps[2].status, 'awaiting_approval');
    const bad = await send(
      'GET',
      `/api/agents/${agent}/executions/${waiting.execution_id}/journal?after_step=99999999999999999999`,
      { key: t.key },
    );
    assert.equal(bad.status, 400);
    const cancelled = await send('POST', `/api/agents/${agent}/executions/${waiting.execution_id}/cancel`, {
      key: t.key,
    });
    assert.equal(cancelled.body.data.status, 'cancelled');
    // The approval it waited for left the reviewers' queue.
    const pending = (await send('GET', '/api/governance/approvals?status=pending', { key: t.key })).body.data.approvals;
    assert.ok(!pending.some((a: { id: string }) => a.id === waiting.awaiting_approval));
  });
});
