import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Built } from '../../src/app.js';

/** The webhooks subscriber's queue: each event is fanned out to its deliveries by a job of it. */
const FAN_OUT_QUEUE = 'event.webhooks';

import { serveMetrics } from '../../src/platform/metrics/http.js';
import { Metrics } from '../../src/platform/metrics/index.js';
import { startApp } from '../helpers/app.js';
import { call, expectError, makeTenant, type TestTenant } from '../helpers/http.js';
import { startReceiver, waitUntil } from '../helpers/receiver.js';
import { standardKit } from '../helpers/tools.js';

/** The value of one sample in Prometheus text (0 when absent); `labels` must match exactly as rendered. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const rendered = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',');
  const head = rendered ? `${name}{${rendered}} ` : `${name} `;
  const line = text.split('\n').find((l) => l.startsWith(head));
  return line ? Number(line.slice(head.length)) : 0;
}

describe('GET /metrics', () => {
  let built: Built;
  let t: TestTenant;
  let agent: string;
  const receivers: Awaited<ReturnType<typeof startReceiver>>[] = [];
  const scrape = async () => {
    const res = await call(built.app, 'GET', '/metrics', { admin: true });
    assert.equal(res.status, 200);
    return String(res.body);
  };

  before(async () => {
    built = await startApp({
      allowInsecureWebhooks: true,
      webhookRetryScheduleMs: [0, 50],
      executionSyncBudgetMs: 5000,
    });
    built.ctx.tools.register(standardKit());
    t = await makeTenant(built.app);
    const body = { name: 'A', role: 'custom', maturity_level: 'student' };
    agent = (await call(built.app, 'POST', '/api/agents', { key: t.key, body })).body.data.agent.id;
  });
  after(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await built.close();
  });

  it('needs the platform admin key: none 401, a tenant key 403, the admin key 200 in Prometheus text', async () => {
    expectError(await call(built.app, 'GET', '/metrics'), 401, 'AUTH_REQUIRED');
    expectError(await call(built.app, 'GET', '/metrics', { key: t.key }), 403, 'FORBIDDEN');
    const res = await call(built.app, 'GET', '/metrics', { admin: true });
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    assert.match(res.body, /# TYPE atom_http_request_duration_seconds histogram/);
    assert.match(res.body, /# TYPE process_cpu_user_seconds_total counter/, 'process default metrics');
    assert.match(res.body, /# TYPE nodejs_eventloop_lag_seconds gauge/);
    const doc = await call(built.app, 'GET', '/api/openapi.json');
    assert.ok(doc.body.paths['/metrics']?.get, 'documented in OpenAPI');
  });

  it('counts requests by route pattern, never the raw URL; unmatched paths share one label', async () => {
    const labels = { route: '/api/agents/:id', method: 'GET', status: '200' };
    const before = sample(await scrape(), 'atom_http_request_duration_seconds_count', labels);
    for (let i = 0; i < 3; i++)
      assert.equal((await call(built.app, 'GET', `/api/agents/${agent}`, { key: t.key })).status, 200);
    // GET of an unknown path is the console's wildcard route (`/*`: 404 under /api); other methods match no route.
    for (const path of ['/api/no/such/path/1', '/api/no/such/path/2'])
      await call(built.app, 'GET', path, { key: t.key });
    for (const path of ['/no/such/path/1', '/no/such/path/2']) await call(built.app, 'POST', path, { body: {} });
    const text = await scrape();
    assert.equal(sample(text, 'atom_http_request_duration_seconds_count', labels), before + 3);
    assert.ok(sample(text, 'atom_http_request_duration_seconds_bucket', { le: '+Inf', ...labels }) >= 3);
    assert.ok(sample(text, 'atom_http_request_duration_seconds_sum', labels) > 0);
    assert.ok(!text.includes(agent), 'no raw id in any label');
    assert.ok(!text.includes('/no/such/path'));
    assert.ok(
      sample(text, 'atom_http_request_duration_seconds_count', { route: '/*', method: 'GET', status: '404' }) >= 2,
    );
    assert.ok(
      sample(text, 'atom_http_request_duration_seconds_count', { route: 'unmatched', method: 'POST', status: '404' }) >=
        2,
    );
  });

  it("counts error responses by the envelope's code", async () => {
    const before = await scrape();
    expectError(await call(built.app, 'GET', '/api/agents/agt_missing', { key: t.key }), 404, 'AGENT_NOT_FOUND');
    expectError(
      await call(built.app, 'POST', '/api/agents', { key: t.key, body: { role: 'custom' } }),
      400,
      'VALIDATION_ERROR',
    );
    const text = await scrape();
    for (const code of ['AGENT_NOT_FOUND', 'VALIDATION_ERROR']) {
      assert.equal(
        sample(text, 'atom_http_errors_total', { code }),
        sample(before, 'atom_http_errors_total', { code }) + 1,
        code,
      );
    }
    assert.ok(sample(text, 'atom_http_errors_total', { code: 'NOT_FOUND' }) >= 2, 'the unmatched paths above');
  });

  it('counts an agent execution and a real webhook delivery to a loopback receiver, and the fan-out job', async () => {
    const rx = await startReceiver();
    receivers.push(rx);
    const created = await call(built.app, 'POST', '/api/webhooks', {
      key: t.key,
      body: { url: rx.url, events: ['agent.executed'] },
    });
    assert.equal(created.status, 201);
    const before = await scrape();
    const exec = await call(built.app, 'POST', `/api/agents/${agent}/execute`, {
      key: t.key,
      body: { task: 'search research papers' },
    });
    assert.equal(exec.body.data.status, 'completed', JSON.stringify(exec.body));
    await waitUntil(() => rx.received.length === 1);
    const delivered = (text: string) => sample(text, 'atom_webhook_deliveries_total', { outcome: 'delivered' });
    // The receiver has the body before the delivery's job finishes: wait for the counters, not a time.
    await waitUntil(async () => delivered(await scrape()) === delivered(before) + 1);
    const text = await scrape();
    const completed = (s: string) => sample(s, 'atom_agent_executions_total', { status: 'completed' });
    assert.equal(completed(text), completed(before) + 1);
    assert.ok(sample(text, 'atom_events_emitted_total', { type: 'agent.executed' }) >= 1);
    // Deliveries are not jobs (the delivery log is their queue); the event's fan-out to them is.
    const jobs = (s: string) => sample(s, 'atom_jobs_total', { queue: FAN_OUT_QUEUE, outcome: 'completed' });
    await waitUntil(async () => jobs(await scrape()) >= 1);
    assert.ok(sample(await scrape(), 'atom_job_duration_seconds_count', { queue: FAN_OUT_QUEUE }) >= 1);
  });

  it('counts a failing delivery as retry_scheduled, then failed when the schedule runs out', async () => {
    const rx = await startReceiver(() => ({ status: 500 }));
    receivers.push(rx);
    const hook = await call(built.app, 'POST', '/api/webhooks', {
      key: t.key,
      body: { url: rx.url, events: ['agent.graduated'] },
    });
    const before = await scrape();
    const outcome = (text: string, o: string) => sample(text, 'atom_webhook_deliveries_total', { outcome: o });
    // Ping attempts at once (500: the retry is scheduled 50 ms later); the queued retry fails for good.
    const ping = await call(built.app, 'POST', `/api/webhooks/${hook.body.data.webhook.id}/test`, { key: t.key });
    assert.equal(ping.body.data.status, 'pending', JSON.stringify(ping.body));
    await waitUntil(async () => outcome(await scrape(), 'failed') === outcome(before, 'failed') + 1);
    assert.equal(outcome(await scrape(), 'retry_scheduled'), outcome(before, 'retry_scheduled') + 1);
    assert.equal(rx.received.length, 2);
  });

  it('counts workflow runs by how they ended', async () => {
    const nodes = [
      { id: 'in', type: 'trigger' },
      { id: 'out', type: 'transform', config: { expression: 'input' } },
    ];
    const edges = [{ source: 'in', target: 'out' }];
    const wf = await call(built.app, 'POST', '/api/workflows', { key: t.key, body: { name: 'wf', nodes, edges } });
    assert.equal(wf.status, 201, JSON.stringify(wf.body));
    const completed = (text: string) => sample(text, 'atom_workflow_runs_total', { status: 'completed' });
    const before = completed(await scrape());
    const run = await call(built.app, 'POST', `/api/workflows/${wf.body.workflow.id}/run`, {
      key: t.key,
      body: { input: { a: 1 } },
    });
    assert.ok([200, 202].includes(run.status), JSON.stringify(run.body));
    await waitUntil(async () => completed(await scrape()) === before + 1);
  });

  it('reports sandbox and queue state, and reads the job table at most once per cache period', async () => {
    const text = await scrape();
    assert.equal(sample(text, 'atom_sandbox_pool_size'), built.ctx.config.sandboxWorkers);
    assert.match(text, /^atom_sandbox_queue_length \d+$/m);
    for (const queue of built.ctx.jobs.queues()) {
      assert.match(text, new RegExp(`^atom_job_queue_depth\\{queue="${queue}",state="ready"\\} \\d+$`, 'm'));
    }
    if (built.ctx.db.kind === 'postgres') {
      assert.ok(sample(text, 'atom_db_pool_connections', { state: 'total' }) >= 1);
      assert.match(text, /^atom_db_pool_waiting \d+$/m);
    } else {
      assert.ok(!text.includes('atom_db_pool_'), 'the embedded database has no pool');
    }
    // A registry of its own on the same database (a second app in this process would do the same).
    const fresh = new Metrics({ db: built.ctx.db, queues: () => built.ctx.jobs.queues() });
    const scheduled = async () =>
      sample(await fresh.render(), 'atom_job_queue_depth', { queue: FAN_OUT_QUEUE, state: 'scheduled' });
    // An empty batch of events, due in an hour: counted as scheduled, never run while the test lives.
    const send = () => built.ctx.jobs.send(FAN_OUT_QUEUE, { events: [] }, { startAfter: 3600 });
    await send();
    const first = await scheduled();
    assert.ok(first >= 1, 'a job due in an hour is scheduled');
    await send();
    assert.equal(await scheduled(), first, 'the next scrape within the cache period reads no table');
  });

  it('serves /metrics without a credential on its own port, and nothing else there', async () => {
    const server = await serveMetrics(built.ctx.metrics!, 0, '127.0.0.1');
    try {
      const res = await fetch(`${server.url}/metrics`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      assert.match(await res.text(), /atom_http_request_duration_seconds_count\{route="\/api\/agents\/:id"/);
      assert.equal((await fetch(`${server.url}/api/agents`)).status, 404);
      assert.equal((await fetch(`${server.url}/metrics`, { method: 'POST' })).status, 405);
    } finally {
      await server.close();
    }
  });
});

describe('ATOM_METRICS=false', () => {
  it('serves no /metrics and records nothing', async () => {
    const built = await startApp({ metricsEnabled: false });
    try {
      assert.equal(built.ctx.metrics, null);
      // The path is then the console's, like any other unknown one outside /api.
      const res = await call(built.app, 'GET', '/metrics', { admin: true });
      assert.match(String(res.headers['content-type']), /^text\/html/);
      assert.ok(!String(res.body).includes('atom_http'));
      assert.equal(built.ctx.tracing, null, 'no OTLP endpoint: no tracing either');
    } finally {
      await built.close();
    }
  });
});
