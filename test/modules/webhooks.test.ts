import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import type { Built } from '../../src/app.js';
import { nextDelay, parseRetryAfter, RETRY_SCHEDULE_MS } from '../../src/modules/webhooks/schedule.js';
import { startApp } from '../helpers/app.js';
import { call, expectError, makeKey, makeTenant, type TestTenant } from '../helpers/http.js';
import { eventHandled } from '../helpers/jobs.js';
import { startReceiver, waitUntil } from '../helpers/receiver.js';
import { standardKit } from '../helpers/tools.js';

/** The seed's own TypeScript verification snippet (developer-integration-guide), unchanged. */
function verifyWebhook(payload: string, signature: string, secret: string): boolean {
  const expectedSignature = crypto.createHmac('sha256', secret).update(payload).digest('hex');
  return crypto.timingSafeEqual(Buffer.from(expectedSignature), Buffer.from(signature));
}

/** The seed's Python snippet, run by python3 when the machine has it. */
function verifyWithPython(payload: string, signature: string, secret: string): boolean | null {
  const script = `import hmac, hashlib, sys
def verify_webhook(payload, signature, secret):
    expected_signature = hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected_signature, signature)
print(verify_webhook(sys.stdin.read(), sys.argv[1], sys.argv[2]))`;
  try {
    return execFileSync('python3', ['-c', script, signature, secret], { input: payload }).toString().trim() === 'True';
  } catch {
    return null;
  }
}

describe('retry schedule (pure, fake clock)', () => {
  it('follows the documented schedule with bounded jitter and honours Retry-After', () => {
    assert.deepEqual(
      RETRY_SCHEDULE_MS.map((_, i) => nextDelay(i, null, RETRY_SCHEDULE_MS, () => 0)),
      [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000],
    );
    assert.equal(
      nextDelay(1, null, RETRY_SCHEDULE_MS, () => 1),
      5_500,
      'at most 10% jitter',
    );
    assert.equal(nextDelay(RETRY_SCHEDULE_MS.length, null), null, 'gives up after the last attempt');
    assert.equal(
      nextDelay(1, 120_000, RETRY_SCHEDULE_MS, () => 0),
      120_000,
      'a longer Retry-After wins',
    );
    assert.equal(
      nextDelay(3, 1_000, RETRY_SCHEDULE_MS, () => 0),
      1_800_000,
      'a shorter one does not',
    );
    assert.equal(
      nextDelay(1, 10 * 86_400_000, RETRY_SCHEDULE_MS, () => 0),
      86_400_000,
      'capped at a day',
    );
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('120', now), 120_000);
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:01:00 GMT', now), 60_000);
    assert.equal(parseRetryAfter('soon', now), null);
  });
});

describe('webhooks', () => {
  let built: Built;
  let t: TestTenant;
  let agent: string;
  const receivers: Awaited<ReturnType<typeof startReceiver>>[] = [];
  const receiver = async (...args: Parameters<typeof startReceiver>) => {
    const rx = await startReceiver(...args);
    receivers.push(rx);
    return rx;
  };
  before(async () => {
    built = await startApp({ allowInsecureWebhooks: true, webhookRetryScheduleMs: [0, 300, 300] });
    built.ctx.tools.register(standardKit());
    t = await makeTenant(built.app);
    agent = (
      await call(built.app, 'POST', '/api/agents', {
        key: t.key,
        body: { name: 'A', role: 'custom', maturity_level: 'student' },
      })
    ).body.data.agent.id;
  });
  after(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await built.close();
  });

  it(
    "delivers agent.executed signed in both schemes, verifiable by the seeds' snippets and the Standard Webhooks " +
      'library',
    async () => {
      const rx = await receiver();
      const created = await call(built.app, 'POST', '/api/webhooks', {
        key: t.key,
        body: { url: rx.url, events: ['agent.executed', 'agent.graduated'] },
      });
      assert.equal(created.status, 201);
      const secret = created.body.data.secret;
      assert.match(secret, /^whsec_/);
      assert.ok(
        !JSON.stringify(
          (await call(built.app, 'GET', `/api/webhooks/${created.body.data.webhook.id}`, { key: t.key })).body,
        ).includes(secret),
      );
      const exec = await call(built.app, 'POST', `/api/agents/${agent}/execute`, {
        key: t.key,
        body: { task: 'search research papers' },
      });
      await waitUntil(() => rx.received.length === 1);
      const { headers, body } = rx.received[0];
      const event = JSON.parse(body);
      assert.equal(event.event, 'agent.executed');
      assert.equal(event.type, 'agent.executed');
      assert.equal(event.data.execution_id, exec.body.data.execution_id);
      assert.equal(event.data.status, 'completed');
      assert.equal(event.agent_id, agent, 'payload fields also at the top level');
      assert.ok(Date.parse(event.timestamp));
      assert.equal(verifyWebhook(body, String(headers['x-webhook-signature']), secret), true);
      const py = verifyWithPython(body, String(headers['x-webhook-signature']), secret);
      if (py !== null) assert.equal(py, true);
      const verified = new StandardWebhook(secret).verify(body, {
        'webhook-id': String(headers['webhook-id']),
        'webhook-timestamp': String(headers['webhook-timestamp']),
        'webhook-signature': String(headers['webhook-signature']),
      });
      assert.equal((verified as { id: string }).id, event.id);
      assert.equal(headers['webhook-id'], event.id);
    },
  );

  it('a user-given secret signs X-Webhook-Signature as the seeds show; events are filtered by subscription', async () => {
    const graduated = await receiver();
    const everything = await receiver();
    const graduatedHook = await call(built.app, 'POST', '/api/webhooks', {
      key: t.key,
      body: { url: graduated.url, events: ['agent.graduated'], secret: 'webhook_secret_from_the_seed' },
    });
    const wh = await call(built.app, 'POST', '/api/webhooks', {
      key: t.key,
      body: { url: everything.url, events: ['*'], secret: 'my-own-webhook-secret' },
    });
    await call(built.app, 'POST', '/api/agents', {
      key: t.key,
      body: { name: 'B', role: 'custom', maturity_level: 'student' },
    });
    await waitUntil(() => everything.received.some((r) => JSON.parse(r.body).event === 'agent.created'));
    // Every delivery of agent.created was queued once its fan-out completed: none is the graduated one's.
    await eventHandled(built, 'webhooks', t.id, 'agent.created');
    const graduatedDeliveries = await call(
      built.app,
      'GET',
      `/api/webhooks/${graduatedHook.body.data.webhook.id}/deliveries`,
      { key: t.key },
    );
    assert.equal(graduatedDeliveries.body.data.pagination.total, 0, 'no delivery for the agent.graduated subscriber');
    assert.equal(graduated.received.length, 0, 'the agent.graduated subscriber got nothing');
    const created = everything.received.find((r) => JSON.parse(r.body).event === 'agent.created')!;
    assert.equal(
      verifyWebhook(created.body, String(created.headers['x-webhook-signature']), 'my-own-webhook-secret'),
      true,
    );
    await call(built.app, 'DELETE', `/api/webhooks/${wh.body.data.webhook.id}`, { key: t.key });
  });

  it('retries failures on the schedule with the same webhook-id, then succeeds', async () => {
    const rx = await receiver((_r, n) => ({ status: n < 3 ? 500 : 200 }));
    const wh = (
      await call(built.app, 'POST', '/api/webhooks', { key: t.key, body: { url: rx.url, events: ['webhook.test'] } })
    ).body.data.webhook;
    const first = await call(built.app, 'POST', `/api/webhooks/${wh.id}/test`, { key: t.key });
    assert.equal(first.body.data.status, 'pending');
    assert.equal(first.body.data.status_code, 500);
    await waitUntil(() => rx.received.length === 3);
    assert.equal(new Set(rx.received.map((r) => r.headers['webhook-id'])).size, 1);
    assert.ok(rx.received[1].at - rx.received[0].at >= 250, 'waited for the schedule');
    await waitUntil(
      async () =>
        (await call(built.app, 'GET', `/api/webhooks/${wh.id}/deliveries`, { key: t.key })).body.data.deliveries[0]
          .status === 'succeeded',
    );
    const log = (await call(built.app, 'GET', `/api/webhooks/${wh.id}/deliveries`, { key: t.key })).body.data;
    assert.equal(log.deliveries[0].attempts, 3);
    assert.equal(log.deliveries[0].last_status_code, 200);
    assert.ok(!JSON.stringify(log).includes('must not echo'), 'response bodies are not stored or shown');
  });

  it('honours Retry-After and gives up after the schedule; redeliver sends it again', async () => {
    const rx = await receiver((_r, n) => (n <= 3 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 }));
    const wh = (
      await call(built.app, 'POST', '/api/webhooks', { key: t.key, body: { url: rx.url, events: ['webhook.test'] } })
    ).body.data.webhook;
    await call(built.app, 'POST', `/api/webhooks/${wh.id}/test`, { key: t.key });
    await waitUntil(() => rx.received.length === 3);
    assert.ok(rx.received[1].at - rx.received[0].at >= 950, 'Retry-After: 1 beat the 300 ms schedule');
    await waitUntil(
      async () =>
        (await call(built.app, 'GET', `/api/webhooks/${wh.id}/deliveries?status=failed`, { key: t.key })).body.data
          .deliveries.length === 1,
    );
    const d = (await call(built.app, 'GET', `/api/webhooks/${wh.id}/deliveries`, { key: t.key })).body.data
      .deliveries[0];
    assert.equal(d.attempts, 3);
    const again = await call(built.app, 'POST', `/api/webhooks/${wh.id}/deliveries/${d.id}/redeliver`, { key: t.key });
    assert.equal(again.body.data.status, 'succeeded');
    assert.equal(rx.received[3].headers['webhook-id'], rx.received[0].headers['webhook-id']);
  });

  it('410 Gone disables the endpoint and says why', async () => {
    const rx = await receiver(() => ({ status: 410 }));
    const wh = (
      await call(built.app, 'POST', '/api/webhooks', { key: t.key, body: { url: rx.url, events: ['webhook.test'] } })
    ).body.data.webhook;
    const res = await call(built.app, 'POST', `/api/webhooks/${wh.id}/test`, { key: t.key });
    assert.equal(res.body.data.status, 'failed');
    const got = (await call(built.app, 'GET', `/api/webhooks/${wh.id}`, { key: t.key })).body.data.webhook;
    assert.equal(got.status, 'disabled');
    assert.match(got.disabled_reason, /410/);
    const re = await call(built.app, 'PATCH', `/api/webhooks/${wh.id}`, { key: t.key, body: { status: 'active' } });
    assert.equal(re.body.data.webhook.status, 'active');
  });

  it('rotation: a new secret, and the old one still signs during the grace period', async () => {
    const rx = await receiver();
    const created = (
      await call(built.app, 'POST', '/api/webhooks', { key: t.key, body: { url: rx.url, events: ['webhook.test'] } })
    ).body.data;
    const rotated = await call(built.app, 'POST', `/api/webhooks/${created.webhook.id}/rotate-secret`, { key: t.key });
    const fresh = rotated.body.data.secret;
    assert.notEqual(fresh, created.secret);
    await call(built.app, 'POST', `/api/webhooks/${created.webhook.id}/test`, { key: t.key });
    const { headers, body } = rx.received[0];
    assert.equal(verifyWebhook(body, String(headers['x-webhook-signature']), fresh), true);
    assert.equal(verifyWebhook(body, String(headers['x-webhook-signature-previous']), created.secret), true);
    const std = {
      'webhook-id': String(headers['webhook-id']),
      'webhook-timestamp': String(headers['webhook-timestamp']),
      'webhook-signature': String(headers['webhook-signature']),
    };
    assert.ok(new StandardWebhook(fresh).verify(body, std));
    assert.ok(new StandardWebhook(created.secret).verify(body, std));
  });

  it('security: tenants, permissions and bad input', async () => {
    const other = await makeTenant(built.app);
    const wh = (
      await call(built.app, 'POST', '/api/webhooks', {
        key: t.key,
        body: { url: 'https://example.com/hook', events: ['agent.executed'] },
      })
    ).body.data.webhook;
    for (const [method, url] of [
      ['GET', `/api/webhooks/${wh.id}`],
      ['DELETE', `/api/webhooks/${wh.id}`],
      ['POST', `/api/webhooks/${wh.id}/test`],
      ['GET', `/api/webhooks/${wh.id}/deliveries`],
      ['POST', `/api/webhooks/${wh.id}/rotate-secret`],
    ] as const) {
      expectError(await call(built.app, method, url, { key: other.key }), 404, 'WEBHOOK_NOT_FOUND');
    }
    const member = await makeKey(built.app, t, { role: 'member' });
    expectError(await call(built.app, 'GET', '/api/webhooks', { key: member.key }), 403, 'INSUFFICIENT_PERMISSIONS');
    expectError(
      await call(built.app, 'POST', '/api/webhooks', {
        key: t.key,
        body: { url: 'https://example.com', events: ['Not An Event'] },
      }),
      400,
      'VALIDATION_ERROR',
    );
    expectError(
      await call(built.app, 'POST', '/api/webhooks', { key: t.key, body: { url: 'ftp://example.com', events: ['*'] } }),
      400,
      'VALIDATION_ERROR',
    );
    expectError(
      await call(built.app, 'POST', '/api/webhooks', { key: t.key, body: { url: 'https://example.com', events: [] } }),
      400,
      'VALIDATION_ERROR',
    );
    const list = await call(built.app, 'GET', '/api/webhooks?limit=2', { key: t.key });
    assert.equal(list.body.data.pagination.limit, 2);
    assert.equal((await call(built.app, 'DELETE', `/api/webhooks/${wh.id}`, { key: t.key })).body.data.deleted, true);
  });
});

describe('webhook SSRF guard (production settings)', () => {
  it('refuses private, metadata and loopback targets, at creation and at send time', async () => {
    const built = await startApp({ allowInsecureWebhooks: false });
    const t = await makeTenant(built.app);
    for (const url of [
      'http://example.com/hook',
      'https://169.254.169.254/latest/meta-data',
      'https://10.0.0.5/hook',
      'https://[::ffff:127.0.0.1]/hook',
      'https://127.0.0.1/hook',
      'https://100.64.1.1/',
    ]) {
      const res = await call(built.app, 'POST', '/api/webhooks', { key: t.key, body: { url, events: ['*'] } });
      expectError(res, 400, 'VALIDATION_ERROR');
    }
    const sneaky = (
      await call(built.app, 'POST', '/api/webhooks', {
        key: t.key,
        body: { url: 'https://localhost:9/hook', events: ['*'] },
      })
    ).body.data.webhook;
    const ping = await call(built.app, 'POST', `/api/webhooks/${sneaky.id}/test`, { key: t.key });
    assert.match(ping.body.data.error, /blocked/);
    await built.close();
  });
});
