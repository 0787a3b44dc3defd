import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Built } from '../../src/app.js';
import { startApp } from '../helpers/app.js';
import { fakeLlm, text } from '../helpers/fake-llm.js';
import { call, makeTenant, type TestTenant } from '../helpers/http.js';
import { eventHandled } from '../helpers/jobs.js';
import { startReceiver, waitUntil } from '../helpers/receiver.js';
import { standardKit } from '../helpers/tools.js';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: Record<string, unknown> }[];
  status?: { code?: number };
}

const SERVER = 2;
const attr = (s: OtlpSpan, key: string) => {
  const v = s.attributes.find((a) => a.key === key)?.value;
  return v ? Object.values(v)[0] : undefined;
};

describe('OpenTelemetry tracing to an OTLP/HTTP receiver', () => {
  let built: Built;
  let t: TestTenant;
  let llm: Awaited<ReturnType<typeof fakeLlm>>;
  // A real OTLP/HTTP receiver on loopback: the exporter POSTs JSON to /v1/traces.
  let otlp: Awaited<ReturnType<typeof startReceiver>>;
  const spans = (): OtlpSpan[] =>
    otlp.received.flatMap((r) => {
      assert.equal(r.headers['content-type'], 'application/json');
      const req = JSON.parse(r.body) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] };
      return req.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
    });
  const flushed = async () => {
    const before = otlp.received.length;
    await built.ctx.tracing!.flush();
    if (otlp.received.length === before) await waitUntil(() => otlp.received.length >= before);
    return spans();
  };
  const serverSpan = (all: OtlpSpan[], name: string) => {
    const found = all.filter((s) => s.name === name && s.kind === SERVER);
    assert.equal(found.length, 1, `one ${name} span: ${all.map((s) => s.name).join(', ')}`);
    return found[0];
  };
  const childrenOf = (all: OtlpSpan[], parent: OtlpSpan) => all.filter((s) => s.parentSpanId === parent.spanId);

  before(async () => {
    otlp = await startReceiver();
    llm = await fakeLlm();
    built = await startApp({
      otlpTracesUrl: otlp.url.replace(/\/hook$/, '/v1/traces'),
      executionSyncBudgetMs: 5000,
      llm: { baseUrl: llm.url, apiKey: 'sk-llm-test', model: 'test-model', historyTokens: 4000 },
    });
    built.ctx.tools.register(standardKit());
    t = await makeTenant(built.app);
  });
  after(async () => {
    await built.close();
    await llm.close();
    await otlp.close();
  });

  it('a request is a server span named by its route; its SQL and its skill run are children in one trace', async () => {
    const code = 'function execute(i) { return { doubled: i.n * 2 }; }';
    const body = { name: 'S', description: 'd', skill_type: 'function', code };
    const skill = await call(built.app, 'POST', '/api/v1/skills/private', { key: t.key, body });
    assert.equal(skill.status, 201, JSON.stringify(skill.body));
    const res = await call(built.app, 'POST', `/api/skills/${skill.body.skill_id}/execute`, {
      key: t.key,
      body: { input: { n: 21 } },
    });
    assert.deepEqual(res.body.output, { doubled: 42 });
    const all = await flushed();
    const http = serverSpan(all, 'POST /api/skills/:id/execute');
    assert.equal(attr(http, 'http.route'), '/api/skills/:id/execute');
    assert.equal(attr(http, 'http.response.status_code'), 200);
    assert.equal(http.parentSpanId || undefined, undefined, 'a root');
    const children = childrenOf(all, http);
    const sql = children.filter((s) => attr(s, 'db.system.name') === 'postgresql' && attr(s, 'db.query.text'));
    assert.ok(sql.length >= 2, `the guard's and the handler's statements: ${children.map((s) => s.name).join(', ')}`);
    assert.ok(sql.some((s) => s.name === 'SELECT'));
    assert.ok(sql.every((s) => s.traceId === http.traceId));
    const run = children.filter((s) => s.name === 'skill.run');
    assert.equal(run.length, 1, 'the sandbox run');
    assert.equal(attr(run[0], 'atom.skill.id'), skill.body.skill_id);
    // A transaction (the skill's creation writes one) is a span under its request, its statements its children.
    const create = serverSpan(all, 'POST /api/v1/skills/private');
    const tx = childrenOf(all, create).filter((s) => s.name === 'transaction');
    assert.ok(
      tx.length >= 1,
      childrenOf(all, create)
        .map((s) => s.name)
        .join(', '),
    );
    assert.ok(
      childrenOf(all, tx[0]).some((s) => s.name === 'INSERT'),
      'statements inside the transaction',
    );
  });

  it("continues the caller's trace from a traceparent header", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parent = '00f067aa0ba902b7';
    const res = await call(built.app, 'GET', '/api/agents', {
      key: t.key,
      headers: { traceparent: `00-${traceId}-${parent}-01` },
    });
    assert.equal(res.status, 200);
    const http = serverSpan(await flushed(), 'GET /api/agents');
    assert.equal(http.traceId, traceId);
    assert.equal(http.parentSpanId, parent);
  });

  it("a model call is a client span inside the execution's request, with its token usage", async () => {
    llm.script(text('All ', 'done.'));
    const body = { name: 'A', role: 'general-assistant', maturity_level: 'student' };
    const agent = (await call(built.app, 'POST', '/api/agents', { key: t.key, body })).body.data.agent.id;
    const exec = await call(built.app, 'POST', `/api/agents/${agent}/execute`, {
      key: t.key,
      body: { task: 'say something' },
    });
    assert.equal(exec.body.data.status, 'completed', JSON.stringify(exec.body));
    const all = await flushed();
    const http = serverSpan(all, 'POST /api/agents/:id/execute');
    const chat = all.filter((s) => s.name === 'chat test-model');
    assert.equal(chat.length, 1);
    assert.equal(chat[0].traceId, http.traceId, "in the request's trace");
    assert.equal(attr(chat[0], 'gen_ai.usage.input_tokens'), 10);
    assert.equal(attr(chat[0], 'gen_ai.usage.output_tokens'), 5);
  });

  it('a queue job is a trace of its own, its statements its children', async () => {
    await eventHandled(built, 'webhooks', t.id, 'tenant.created');
    const all = await flushed();
    const jobs = all.filter((s) => s.name === 'job event.webhooks');
    assert.ok(jobs.length >= 1, all.map((s) => s.name).join(', '));
    for (const job of jobs) assert.equal(job.parentSpanId || undefined, undefined, 'a root');
    assert.ok(
      jobs.some((j) => childrenOf(all, j).some((s) => attr(s, 'db.system.name') === 'postgresql')),
      "the subscriber's SQL",
    );
  });

  it("a client error (404) leaves the server span's status unset", async () => {
    const res = await call(built.app, 'GET', '/api/agents/agt_missing', { key: t.key });
    assert.equal(res.status, 404);
    const http = serverSpan(await flushed(), 'GET /api/agents/:id');
    assert.notEqual(http.status?.code, 2);
  });
});
