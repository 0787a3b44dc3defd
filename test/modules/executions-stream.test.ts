import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Built } from '../../src/app.js';
import { startApp } from '../helpers/app.js';
import { call, expectError, makeTenant, type TestTenant } from '../helpers/http.js';
import { openStream } from '../helpers/sse.js';
import { standardKit } from '../helpers/tools.js';

const until = async (fn: () => boolean, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('GET /api/agents/{id}/executions/{execution_id}/stream', () => {
  let built: Built;
  let base: string;
  let t: TestTenant;
  let other: TestTenant;
  let agent: string;
  before(async () => {
    built = await startApp({ executionSyncBudgetMs: 200 });
    built.ctx.tools.register(standardKit([]));
    await built.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(built.app.server.address() as AddressInfo).port}`;
    t = await makeTenant(built.app, 'enterprise');
    other = await makeTenant(built.app, 'enterprise');
    agent = (
      await call(built.app, 'POST', '/api/agents', {
        key: t.key,
        body: { name: 'Reporter', role: 'general-assistant', maturity_level: 'student' },
      })
    ).body.data.agent.id;
  });
  after(() => built.close());

  it('streams the steps and progress of a slow execution live, then done, and ends', async () => {
    const res = await call(built.app, 'POST', `/api/agents/${agent}/execute`, {
      key: t.key,
      body: { task: 'Compile the quarterly inventory digest slowly' },
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const id = res.body.data.execution_id;
    const stream = await openStream(`${base}/api/agents/${agent}/executions/${id}/stream`, { 'x-api-key': t.key });
    assert.deepEqual([stream.status, stream.contentType], [200, 'text/event-stream; charset=utf-8']);
    await until(() => stream.events.some((e) => e.event === 'progress' && e.data.status === 'in_progress'));
    const doneSeen = () => stream.events.some((e) => e.event === 'done');
    assert.equal(doneSeen(), false, 'the run is still going when progress arrives');
    await until(doneSeen);
    const done = stream.events.find((e) => e.event === 'done')!;
    assert.equal(done.data.status, 'completed');
    const steps = stream.events.filter((e) => e.event === 'step');
    assert.ok(
      steps.some((s) => s.data.type === 'tool_call' && s.data.tool === 'slow_report'),
      JSON.stringify(steps.map((s) => s.data.type)),
    );
    assert.deepEqual(
      steps.map((s) => Number(s.id)),
      steps.map((_s, i) => i + 1),
      'one event per step, numbered',
    );
    assert.equal(steps.length, done.data.reasoning_trace.length);
    await stream.close();

    // Resuming after step 2 replays only what follows; a finished execution answers at once and ends.
    const again = await openStream(`${base}/api/agents/${agent}/executions/${id}/stream`, {
      'x-api-key': t.key,
      'last-event-id': '2',
    });
    await until(() => again.events.some((e) => e.event === 'done'));
    assert.equal(again.events.filter((e) => e.event === 'step')[0]?.id, '3');
    await again.close();
  });

  it('another tenant, an unknown execution and no credential are refused before the stream opens', async () => {
    const res = await call(built.app, 'POST', `/api/agents/${agent}/execute`, {
      key: t.key,
      body: { task: 'Search the catalogue' },
    });
    const id = res.body.data.execution_id;
    expectError(
      await call(built.app, 'GET', `/api/agents/${agent}/executions/${id}/stream`, { key: other.key }),
      404,
      'EXECUTION_NOT_FOUND',
    );
    expectError(
      await call(built.app, 'GET', `/api/agents/${agent}/executions/exe_nope/stream`, { key: t.key }),
      404,
      'EXECUTION_NOT_FOUND',
    );
    expectError(await call(built.app, 'GET', `/api/agents/${agent}/executions/${id}/stream`), 401, 'AUTH_REQUIRED');
  });
});
