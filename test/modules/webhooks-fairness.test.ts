import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Built } from '../../src/app.js';
import { startApp } from '../helpers/app.js';
import { call, makeTenant, type TestTenant } from '../helpers/http.js';
import { startReceiver, waitUntil } from '../helpers/receiver.js';

/** A receiver that holds every request open until `release()`, counting how many it holds at once. */
async function holdingReceiver() {
  const open = new Set<http.ServerResponse>();
  let maxOpen = 0;
  let released = false;
  let received = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received += 1;
      if (released) return void res.writeHead(200).end('ok');
      open.add(res);
      maxOpen = Math.max(maxOpen, open.size);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slow`,
    get open() {
      return open.size;
    },
    get maxOpen() {
      return maxOpen;
    },
    get received() {
      return received;
    },
    release() {
      released = true;
      for (const res of open) res.writeHead(200).end('ok');
      open.clear();
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('webhook deliveries: one slow receiver does not hold the others back', () => {
  let built: Built;
  let t: TestTenant;
  before(async () => {
    built = await startApp({ allowInsecureWebhooks: true, webhookRetryScheduleMs: [0, 300, 300] });
    t = await makeTenant(built.app);
  });
  after(() => built.close());

  it('the fast endpoint gets all its deliveries while the slow one holds its own, with a bounded number in flight', async () => {
    const slow = await holdingReceiver();
    const fast = await startReceiver();
    try {
      const hook = async (url: string) =>
        (await call(built.app, 'POST', '/api/webhooks', { key: t.key, body: { url, events: ['agent.created'] } })).body
          .data.webhook.id as string;
      const slowId = await hook(slow.url);
      const fastId = await hook(fast.url);
      const n = 60;
      await built.ctx.db.tx(t.id, async (ex) => {
        for (let i = 0; i < n; i++)
          await built.ctx.outbox.emit(ex, t.id, 'agent.created', { agent: { id: `agt_fair_${i}` } });
      });
      const succeeded = async (id: string) =>
        (await call(built.app, 'GET', `/api/webhooks/${id}/deliveries?status=succeeded&limit=1`, { key: t.key })).body
          .data.pagination.total as number;
      await waitUntil(async () => (await succeeded(fastId)) === n, 60_000);
      assert.ok(slow.open > 0, 'the slow receiver still holds requests when the fast one has everything');
      assert.equal(await succeeded(slowId), 0);
      assert.ok(slow.maxOpen <= 16, `at most 16 deliveries in flight to one endpoint (saw ${slow.maxOpen})`);
      slow.release();
      await waitUntil(async () => (await succeeded(slowId)) === n, 60_000);
      assert.equal(new Set(fast.received.map((r) => r.headers['webhook-id'])).size, n);
    } finally {
      slow.release();
      await Promise.all([slow.close(), fast.close()]);
    }
  });
});
