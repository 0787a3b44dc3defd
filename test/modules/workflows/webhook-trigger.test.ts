import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { SYSTEM } from '../../../src/platform/db/index.js';
import { waitForState } from '../../helpers/agent-work.js';
import { startApp } from '../../helpers/app.js';
import { roomInThisMinute } from '../../helpers/clock.js';
import { call, expectError, makeTenant, type Res, type TestTenant } from '../../helpers/http.js';
import { startReceiver, waitUntil } from '../../helpers/receiver.js';

/**
 * The webhook trigger over real loopback HTTP (the signature is over the exact bytes on the wire):
 * activation hands out the URL and a secret once, a call signed in either of our outgoing schemes
 * starts a run whose input is the body, anything unsigned, mis-signed, stale, malformed or aimed at
 * an inactive workflow is refused without a run, the per-workflow limiter and the plan's daily runs
 * answer 429, and a finished run is announced to subscribed outgoing webhooks.
 */
let built: Awaited<ReturnType<typeof startApp>>;
let base: string;
let team: TestTenant;
const receivers: Awaited<ReturnType<typeof startReceiver>>[] = [];

before(async () => {
  built = await startApp({ allowInsecureWebhooks: true, webhookRetryScheduleMs: [0, 300, 300] });
  base = await built.app.listen({ port: 0, host: '127.0.0.1' });
  team = await makeTenant(built.app, 'team');
});
after(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await built.close();
});

const GRAPH = {
  nodes: [
    { id: 'in', type: 'trigger' },
    {
      id: 'shape',
      type: 'transform',
      config: { expression: '{"greeting": "hello " & input.name, "count": $count(input.items)}' },
    },
    { id: 'out', type: 'output', config: { expression: 'nodes.shape' } },
  ],
  edges: [
    { source: 'in', target: 'shape' },
    { source: 'shape', target: 'out' },
  ],
};

const create = async (t: TestTenant, graph: { nodes: unknown[]; edges: unknown[] } = GRAPH, name = 'hooked') => {
  const res = await call(built.app, 'POST', '/api/workflows', { key: t.key, body: { name, ...graph } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.workflow.id as string;
};
const activate = (t: TestTenant, id: string, body?: unknown) =>
  call(built.app, 'POST', `/api/workflows/${id}/activate`, { key: t.key, body });
const secretOf = async (t: TestTenant, id: string) => {
  const res = await activate(t, id);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.match(res.body.triggers.webhook.secret, /^whsec_/);
  return res.body.triggers.webhook.secret as string;
};

/** The two schemes our outgoing webhooks sign with, computed here independently of the server. */
const standardHeaders = (secret: string, body: string, at = new Date()) => {
  const id = `msg_${randomUUID()}`;
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new StandardWebhook(secret).sign(id, at, body),
  };
};
const seedHeaders = (secret: string, body: string) => ({
  'x-webhook-signature': createHmac('sha256', secret).update(body).digest('hex'),
});

/** A POST to the webhook URL over loopback, with the raw body exactly as given. */
async function hook(id: string, body: string, headers: Record<string, string> = {}): Promise<Res> {
  const res = await fetch(`${base}/api/workflows/${id}/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed as any, headers: Object.fromEntries(res.headers) };
}
const signed = (id: string, secret: string, payload: unknown) => {
  const body = JSON.stringify(payload);
  return hook(id, body, standardHeaders(secret, body));
};

/** Reads through the admin key with the tenant named: no plan request limit gets in the way of polling. */
const asAdmin = (t: TestTenant) => ({ admin: true, headers: { 'x-tenant-id': t.id } });
const getRun = (t: TestTenant, runId: string) => call(built.app, 'GET', `/api/workflow-runs/${runId}`, asAdmin(t));
const finished = (t: TestTenant, runId: string) =>
  waitForState(
    () => getRun(t, runId),
    (r) => ['completed', 'failed', 'cancelled'].includes(r.body.run?.status),
  ).then((r) => r.body.run);
const runCount = async (t: TestTenant, id: string) =>
  (await call(built.app, 'GET', `/api/workflows/${id}/runs?limit=1`, asAdmin(t))).body.total as number;

describe('webhook trigger: activation', () => {
  it(
    'gives the URL and a secret once; activating again keeps the secret; rotating replaces it and the old one ' +
      'stops working',
    async () => {
      const id = await create(team);
      const listedBefore = await call(built.app, 'GET', `/api/workflows/${id}`, { key: team.key });
      assert.equal(listedBefore.body.workflow.webhook_url, null, 'an inactive workflow has no webhook URL');

      const first = await activate(team, id);
      assert.equal(first.status, 200, JSON.stringify(first.body));
      const { url, secret } = first.body.triggers.webhook;
      assert.ok(url.endsWith(`/api/workflows/${id}/webhook`), url);
      assert.match(secret, /^whsec_/);
      assert.equal(first.body.workflow.active, true);
      assert.ok(
        !JSON.stringify((await call(built.app, 'GET', `/api/workflows/${id}`, { key: team.key })).body).includes(
          secret,
        ),
        'the secret is never shown again',
      );

      const again = await activate(team, id);
      assert.equal(again.status, 200);
      assert.equal(again.body.triggers.webhook.url, url);
      assert.equal(again.body.triggers.webhook.secret, null, 'the secret is shown only when it is created');
      assert.equal((await signed(id, secret, { name: 'a', items: [] })).status, 202, 'the first secret still signs');

      const rotated = await activate(team, id, { rotate_secret: true });
      assert.equal(rotated.status, 200);
      const fresh = rotated.body.triggers.webhook.secret;
      assert.match(fresh, /^whsec_/);
      assert.notEqual(fresh, secret);
      expectError(await signed(id, secret, { name: 'a', items: [] }), 401, 'INVALID_SIGNATURE');
      assert.equal((await signed(id, fresh, { name: 'a', items: [] })).status, 202);
    },
  );
});

describe('webhook trigger: signed calls', () => {
  let id: string;
  let secret: string;
  before(async () => {
    id = await create(team);
    secret = await secretOf(team, id);
  });

  it('Standard Webhooks headers → 202 with the run, which completes with the body as its input', async () => {
    const payload = { name: 'ada', items: [1, 2, 3], nested: { ok: true } };
    const res = await signed(id, secret, payload);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.equal(res.body.success, true);
    assert.match(res.body.run_id, /^wfr_/);
    assert.equal(res.body.poll_url, `/api/workflow-runs/${res.body.run_id}`);
    assert.equal(res.body.stream_url, `/api/workflow-runs/${res.body.run_id}/stream`);
    const run = await finished(team, res.body.run_id);
    assert.equal(run.status, 'completed', JSON.stringify(run));
    assert.equal(run.trigger, 'webhook');
    assert.equal(run.workflow_id, id);
    assert.deepEqual(run.input, payload);
    assert.deepEqual(run.output, { greeting: 'hello ada', count: 3 });
    assert.deepEqual(
      run.nodes.map((n: any) => n.state),
      ['completed', 'completed', 'completed'],
    );
  });

  it('X-Webhook-Signature (hex HMAC of the raw body, bare or sha256=-prefixed) → 202, and the run completes', async () => {
    // Spacing and key order as the sender wrote them: the signature is over these bytes, not a re-serialisation.
    const body = '{ "items": ["x"],   "name": "grace" }';
    const res = await hook(id, body, seedHeaders(secret, body));
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const run = await finished(team, res.body.run_id);
    assert.equal(run.status, 'completed', JSON.stringify(run));
    assert.deepEqual(run.input, { items: ['x'], name: 'grace' });
    assert.deepEqual(run.output, { greeting: 'hello grace', count: 1 });

    const prefixed = await hook(id, body, {
      'x-webhook-signature': `sha256=${seedHeaders(secret, body)['x-webhook-signature']}`,
    });
    assert.equal(prefixed.status, 202, JSON.stringify(prefixed.body));
  });

  it(
    'refuses a bad signature, a signature over other bytes, a stale or future timestamp and an unsigned call: 401, ' +
      'no run',
    async () => {
      const before = await runCount(team, id);
      const body = JSON.stringify({ name: 'mallory', items: [] });

      const wrongKey = await hook(
        id,
        body,
        standardHeaders(`whsec_${Buffer.from('not the secret at all, 24b').toString('base64')}`, body),
      );
      expectError(wrongKey, 401, 'INVALID_SIGNATURE');
      assert.equal(wrongKey.body.success, false);
      assert.match(wrongKey.body.error.message, /webhook-signature does not match/);

      const otherBytes = { ...standardHeaders(secret, body) };
      expectError(await hook(id, body.replace('mallory', 'mallorx'), otherBytes), 401, 'INVALID_SIGNATURE');
      expectError(await hook(id, body, { 'x-webhook-signature': 'ab'.repeat(32) }), 401, 'INVALID_SIGNATURE');
      expectError(
        await hook(id, body.replace('mallory', 'mallorx'), seedHeaders(secret, body)),
        401,
        'INVALID_SIGNATURE',
      );

      // Correctly signed, but outside the five minutes Standard Webhooks allows: a replay.
      const stale = await hook(id, body, standardHeaders(secret, body, new Date(Date.now() - 6 * 60_000)));
      expectError(stale, 401, 'INVALID_SIGNATURE');
      assert.match(stale.body.error.message, /timestamp/);
      expectError(
        await hook(id, body, standardHeaders(secret, body, new Date(Date.now() + 6 * 60_000))),
        401,
        'INVALID_SIGNATURE',
      );

      const unsigned = await hook(id, body);
      expectError(unsigned, 401, 'INVALID_SIGNATURE');
      assert.match(unsigned.body.error.message, /not signed/);

      assert.equal(await runCount(team, id), before, 'no refused call started a run');
    },
  );

  it('a signed body that is not JSON, or is not an object, is 400 and starts nothing', async () => {
    const before = await runCount(team, id);
    for (const body of ['name=ada&items=1', '[1, 2, 3]', '"just a string"', '42', 'null']) {
      const res = await hook(id, body, standardHeaders(secret, body));
      expectError(res, 400, 'VALIDATION_ERROR');
      assert.equal(res.body.error.details.field, 'body', body);
    }
    // Whatever the content type says: the body is read raw and parsed by the trigger.
    const form = 'a=1';
    expectError(
      await hook(id, form, { ...standardHeaders(secret, form), 'content-type': 'application/x-www-form-urlencoded' }),
      400,
      'VALIDATION_ERROR',
    );
    assert.equal(await runCount(team, id), before);
  });

  it('an inactive workflow (never activated, or deactivated) and an unknown id are 404, even correctly signed', async () => {
    const never = await create(team, GRAPH, 'never activated');
    const body = JSON.stringify({ name: 'x', items: [] });
    expectError(await hook(never, body, standardHeaders(secret, body)), 404, 'WORKFLOW_NOT_FOUND');
    expectError(await hook(never, body), 404, 'WORKFLOW_NOT_FOUND');
    expectError(await hook('wf_does_not_exist', body, standardHeaders(secret, body)), 404, 'WORKFLOW_NOT_FOUND');

    const other = await create(team, GRAPH, 'switched off');
    const otherSecret = await secretOf(team, other);
    assert.equal((await signed(other, otherSecret, { name: 'x', items: [] })).status, 202);
    const off = await call(built.app, 'POST', `/api/workflows/${other}/deactivate`, { key: team.key });
    assert.equal(off.status, 200, JSON.stringify(off.body));
    assert.equal(off.body.workflow.active, false);
    assert.equal(off.body.workflow.webhook_url, null);
    const before = await runCount(team, other);
    expectError(await signed(other, otherSecret, { name: 'x', items: [] }), 404, 'WORKFLOW_NOT_FOUND');
    assert.equal(await runCount(team, other), before);

    // Back on: the same secret (it was not shown again, so it was kept), and it fires again.
    const on = await activate(team, other);
    assert.equal(on.body.triggers.webhook.secret, null);
    assert.equal((await signed(other, otherSecret, { name: 'x', items: [] })).status, 202);
    // Another workflow's secret does not open this one.
    expectError(await signed(other, secret, { name: 'x', items: [] }), 401, 'INVALID_SIGNATURE');
  });
});

describe('webhook trigger: limits and events', () => {
  it("rate limits calls per workflow at the tenant's per-minute limit: 429 RATE_LIMIT_EXCEEDED with Retry-After", async () => {
    const t = await makeTenant(built.app, 'enterprise');
    const id = await create(t);
    const secret = await secretOf(t, id);
    const second = await create(t, GRAPH, 'second');
    const secondSecret = await secretOf(t, second);
    const patched = await call(built.app, 'PATCH', `/api/tenants/${t.id}`, {
      admin: true,
      body: { rate_limit_per_minute: 3 },
    });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    // Refused calls are turned away before the limiter: they do not spend the workflow's budget.
    expectError(await hook(id, '{}'), 401, 'INVALID_SIGNATURE');
    await roomInThisMinute();
    for (let i = 0; i < 3; i++)
      assert.equal((await signed(id, secret, { name: `n${i}`, items: [] })).status, 202, `call ${i + 1}`);
    const limited = await signed(id, secret, { name: 'too many', items: [] });
    expectError(limited, 429, 'RATE_LIMIT_EXCEEDED');
    const retryAfter = Number(limited.headers['retry-after']);
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${limited.headers['retry-after']}`);
    assert.equal(limited.body.retry_after, retryAfter);
    assert.equal(limited.body.error.details.limit, 3);
    assert.equal(limited.body.error.details.window, 'minute');
    assert.equal(await runCount(t, id), 3, 'the limited call started no run');

    // The budget is the workflow's: another workflow of the same tenant still fires.
    assert.equal((await signed(second, secondSecret, { name: 'x', items: [] })).status, 202);
  });

  it('announces workflow.run.completed and workflow.run.failed to a subscribed outgoing webhook', async () => {
    const rx = await startReceiver();
    receivers.push(rx);
    const sub = await call(built.app, 'POST', '/api/webhooks', {
      key: team.key,
      body: { url: rx.url, events: ['workflow.run.completed', 'workflow.run.failed'] },
    });
    assert.equal(sub.status, 201, JSON.stringify(sub.body));
    const endpointSecret = sub.body.data.secret as string;

    const good = await create(team, GRAPH, 'announced');
    const goodSecret = await secretOf(team, good);
    const bad = await create(
      team,
      {
        nodes: [
          { id: 'in', type: 'trigger' },
          { id: 'boom', type: 'transform', config: { expression: '$error("no " & input.what)' } },
          { id: 'out', type: 'output', config: { expression: 'nodes.boom' } },
        ],
        edges: [
          { source: 'in', target: 'boom' },
          { source: 'boom', target: 'out' },
        ],
      },
      'fails',
    );
    const badSecret = await secretOf(team, bad);

    const ok = await signed(good, goodSecret, { name: 'ev', items: [1] });
    const ko = await signed(bad, badSecret, { what: 'luck' });
    assert.equal(ok.status, 202, JSON.stringify(ok.body));
    assert.equal(ko.status, 202, JSON.stringify(ko.body));

    const events = () => rx.received.map((r) => ({ ...r, event: JSON.parse(r.body) }));
    await waitUntil(
      () =>
        events().some((e) => e.event.data?.run_id === ok.body.run_id) &&
        events().some((e) => e.event.data?.run_id === ko.body.run_id),
      30_000,
    );
    const completed = events().find((e) => e.event.data.run_id === ok.body.run_id)!;
    assert.equal(completed.event.event, 'workflow.run.completed');
    assert.equal(completed.event.data.workflow_id, good);
    assert.equal(completed.event.data.status, 'completed');
    assert.equal(completed.event.data.trigger, 'webhook');
    assert.deepEqual(completed.event.data.output, { greeting: 'hello ev', count: 1 });
    // Signed like every outgoing delivery.
    assert.equal(
      completed.headers['x-webhook-signature'],
      createHmac('sha256', endpointSecret).update(completed.body).digest('hex'),
    );

    const failed = events().find((e) => e.event.data.run_id === ko.body.run_id)!;
    assert.equal(failed.event.event, 'workflow.run.failed');
    assert.equal(failed.event.data.workflow_id, bad);
    assert.equal(failed.event.data.status, 'failed');
    assert.equal(failed.event.data.error.node_id, 'boom');
    assert.match(failed.event.data.error.message, /no luck/);
    const run = await finished(team, ko.body.run_id);
    assert.equal(run.status, 'failed');
    assert.equal(run.error.node_id, 'boom');
  });

  it("a free tenant's 101st run of the day is 429 WORKFLOW_RUN_LIMIT_EXCEEDED; GET /api/usage shows the quota", async () => {
    const free = await makeTenant(built.app, 'free');
    const id = await create(free);
    const secret = await secretOf(free, id);
    // 99 runs already today (a hundred real runs would only make the test slow): the next is the 100th.
    await built.ctx.db.query(
      SYSTEM,
      `INSERT INTO usage_counters (tenant_id, metric, day, count)
           VALUES ($1, 'workflow_runs', (now() AT TIME ZONE 'UTC')::date, 99)
       ON CONFLICT (tenant_id, metric, day) DO UPDATE SET count = 99`,
      [free.id],
    );
    const hundredth = await signed(id, secret, { name: 'last', items: [] });
    assert.equal(hundredth.status, 202, JSON.stringify(hundredth.body));
    assert.equal((await finished(free, hundredth.body.run_id)).status, 'completed');

    const refused = await signed(id, secret, { name: 'one too many', items: [] });
    expectError(refused, 429, 'WORKFLOW_RUN_LIMIT_EXCEEDED');
    assert.equal(refused.body.error.details.limit, 100);
    assert.equal(refused.body.error.details.used, 100);
    assert.equal(refused.body.error.details.plan, 'free');
    const retryAfter = Number(refused.headers['retry-after']);
    assert.ok(retryAfter >= 1 && retryAfter <= 86_400, `Retry-After ${refused.headers['retry-after']}`);
    // Whatever fires it: a manual run is refused the same way.
    expectError(
      await call(built.app, 'POST', `/api/workflows/${id}/run`, {
        key: free.key,
        body: { input: { name: 'm', items: [] } },
      }),
      429,
      'WORKFLOW_RUN_LIMIT_EXCEEDED',
    );
    assert.equal(await runCount(free, id), 1, 'refused calls leave no run behind');

    const usage = await call(built.app, 'GET', '/api/usage', { key: free.key });
    assert.equal(usage.status, 200, JSON.stringify(usage.body));
    const quota = usage.body.data.quotas.find((q: { metric: string }) => q.metric === 'workflow_runs');
    assert.deepEqual(
      { used: quota.used, limit: quota.limit, remaining: quota.remaining },
      { used: 100, limit: 100, remaining: 0 },
    );
    assert.ok(Date.parse(quota.resets_at) > Date.now());
  });
});
