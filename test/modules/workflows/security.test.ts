import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { waitForState } from '../../helpers/agent-work.js';
import { startApp } from '../../helpers/app.js';
import { call, expectError, makeKey, makeTenant, type Res, type TestTenant } from '../../helpers/http.js';

/**
 * Who may use the workflow-run routes, on real workflows and runs: no credential 401, a read-only
 * key or a viewer 403 on the writes (reads allowed), another tenant 404 for everything; and hostile
 * input (NUL bytes, huge numbers) answered with a 4xx in the error envelope, never a 5xx. The shared
 * suite (test/platform/routes.test.ts) checks the same guards on every route with made-up ids.
 */
let built: Awaited<ReturnType<typeof startApp>>;
let a: TestTenant;
let b: TestTenant;
let wf: string;
let runId: string;
before(async () => {
  built = await startApp();
  a = await makeTenant(built.app, 'team');
  b = await makeTenant(built.app, 'team');
  const res = await call(built.app, 'POST', '/api/workflows', {
    key: a.key,
    body: {
      name: 'guarded',
      nodes: [
        { id: 'in', type: 'trigger' },
        { id: 'echo', type: 'transform', config: { expression: 'input' } },
      ],
      edges: [{ source: 'in', target: 'echo' }],
    },
  });
  wf = res.body.workflow.id;
  const run = await call(built.app, 'POST', `/api/workflows/${wf}/run`, { key: a.key, body: { input: { x: 1 } } });
  runId = run.body.run.id;
  await waitForState(
    () => call(built.app, 'GET', `/api/workflow-runs/${runId}`, { key: a.key }),
    (r) => r.body.run.status === 'completed',
  );
});
after(() => built.close());

const routes = () => [
  { method: 'POST', url: `/api/workflows/${wf}/run`, write: true, body: { input: {} } },
  { method: 'GET', url: `/api/workflows/${wf}/runs`, write: false },
  { method: 'GET', url: `/api/workflow-runs/${runId}`, write: false },
  { method: 'GET', url: `/api/workflow-runs/${runId}/stream`, write: false },
  { method: 'POST', url: `/api/workflow-runs/${runId}/cancel`, write: true },
  { method: 'POST', url: `/api/workflows/${wf}/activate`, write: true, body: {} },
  { method: 'POST', url: `/api/workflows/${wf}/deactivate`, write: true },
];
const envelope = (res: Res, status: number) => {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(res.body.success, false, JSON.stringify(res.body));
  assert.equal(typeof res.body.error?.code, 'string', JSON.stringify(res.body));
};

describe('workflow-run routes: authorisation', () => {
  it('no credential: 401', async () => {
    for (const r of routes()) envelope(await call(built.app, r.method, r.url, { body: r.body }), 401);
  });

  it('a read-only key and a viewer: 403 on writes; reads answer', async () => {
    const readOnly = await makeKey(built.app, a, { scope: 'read', role: 'owner' });
    const viewer = await makeKey(built.app, a, { role: 'viewer' });
    for (const r of routes().filter((x) => x.write)) {
      expectError(
        await call(built.app, r.method, r.url, { key: readOnly.key, body: r.body }),
        403,
        'INSUFFICIENT_SCOPE',
      );
      expectError(
        await call(built.app, r.method, r.url, { key: viewer.key, body: r.body }),
        403,
        'INSUFFICIENT_PERMISSIONS',
      );
    }
    for (const r of routes().filter((x) => !x.write && !x.url.endsWith('/stream'))) {
      for (const key of [readOnly.key, viewer.key])
        assert.equal((await call(built.app, r.method, r.url, { key })).status, 200, r.url);
    }
    const run = await call(built.app, 'GET', `/api/workflow-runs/${runId}`, { key: a.key });
    assert.equal(run.body.run.status, 'completed', 'refused writes changed nothing');
  });

  it("another tenant's workflow and run: 404 on every route, nothing started", async () => {
    for (const r of routes()) {
      const res = await call(built.app, r.method, r.url, { key: b.key, body: r.body });
      envelope(res, 404);
      assert.match(res.body.error.code, /^WORKFLOW(_RUN)?_NOT_FOUND$/, r.url);
    }
    const list = await call(built.app, 'GET', `/api/workflows/${wf}/runs`, { key: a.key });
    assert.equal(list.body.total, 1, "b's run request created no run");
    const w = await call(built.app, 'GET', `/api/workflows/${wf}`, { key: a.key });
    assert.equal(w.body.workflow.active, false, "b's activate changed nothing");
  });
});

describe('workflow-run routes: hostile input', () => {
  it('NUL bytes in ids: 4xx in the error envelope', async () => {
    for (const url of [
      '/api/workflows/wfl_%00x/run',
      '/api/workflows/%00/runs',
      '/api/workflow-runs/wfr_%00',
      '/api/workflow-runs/%00/stream',
      '/api/workflow-runs/%00/cancel',
      '/api/workflows/%00/activate',
      '/api/workflows/%00/deactivate',
    ]) {
      const method =
        url.endsWith('runs') || url.endsWith('stream') || /workflow-runs\/wfr_%00$/.test(url) ? 'GET' : 'POST';
      const res = await call(built.app, method, url, { key: a.key, ...(method === 'POST' ? { body: {} } : {}) });
      assert.ok(res.status >= 400 && res.status < 500, `${method} ${url} → ${res.status} ${JSON.stringify(res.body)}`);
      assert.equal(res.body.success, false, url);
    }
  });

  it(
    'NUL bytes in the run input: 400 VALIDATION_ERROR (refused at the edge, hostile.ts), no run created, nothing ' +
      'counted',
    async () => {
      const runs = async () =>
        (await call(built.app, 'GET', `/api/workflows/${wf}/runs`, { key: a.key })).body.total as number;
      const before = await runs();
      const usage = async () =>
        JSON.stringify((await call(built.app, 'GET', '/api/usage', { key: a.key })).body.data.quotas);
      const used = await usage();
      for (const input of [{ text: 'va\u0000lue' }, { 'k\u0000ey': 1 }, { nested: [{ deep: '\u0000' }] }]) {
        expectError(
          await call(built.app, 'POST', `/api/workflows/${wf}/run`, { key: a.key, body: { input } }),
          400,
          'VALIDATION_ERROR',
        );
      }
      assert.equal(await runs(), before);
      assert.equal(await usage(), used, 'the refused runs were not counted against the quota');
    },
  );

  it('a 20-digit limit or offset, and junk bodies: 4xx in the error envelope', async () => {
    for (const q of [
      'limit=99999999999999999999',
      'offset=99999999999999999999',
      'limit=-1',
      'offset=abc',
      'status=%00',
    ]) {
      envelope(await call(built.app, 'GET', `/api/workflows/${wf}/runs?${q}`, { key: a.key }), 400);
    }
    envelope(
      await call(built.app, 'GET', `/api/workflow-runs/${runId}/stream?last_event_id=99999999999999999999`, {
        key: a.key,
      }),
      400,
    );
    envelope(
      await call(built.app, 'POST', `/api/workflows/${wf}/run`, { key: a.key, body: { input: 'not an object' } }),
      400,
    );
    envelope(
      await call(built.app, 'POST', `/api/workflows/${wf}/activate`, {
        key: a.key,
        body: { rotate_secret: 'yes please' },
      }),
      400,
    );
    const big = await call(built.app, 'POST', `/api/workflows/${wf}/run`, {
      key: a.key,
      body: { input: { blob: 'x'.repeat(300 * 1024) } },
    });
    assert.ok(big.status >= 400 && big.status < 500, `${big.status}`);
    assert.equal(big.body.success, false);
  });

  it('a Last-Event-ID header that is not a number is ignored, not an error', async () => {
    const res = await built.app.inject({
      method: 'GET',
      url: `/api/workflow-runs/${runId}/stream`,
      headers: { 'x-api-key': a.key, 'last-event-id': '\u0001junk' },
    });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /event: done/);
  });
});
