import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Result } from '../lib/load.js';
import type { AtomTarget } from './http.js';

const WEBHOOK_EVENTS = Number(process.env.BENCH_WEBHOOK_EVENTS ?? 500);
const SSE_SUBSCRIBERS = Number(process.env.BENCH_SSE_SUBSCRIBERS ?? 50);
const SSE_MESSAGES = Number(process.env.BENCH_SSE_MESSAGES ?? 20);

/** A loopback receiver that counts deliveries (each answered 200 at once). */
export async function startReceiver() {
  let count = 0;
  let last = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      count += 1;
      last = Date.now();
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    get count() {
      return count;
    },
    get last() {
      return last;
    },
    reset() {
      count = 0;
      last = 0;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const post = (t: AtomTarget, path: string, body: unknown) =>
  new Promise<string>((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = http.request(
      new URL(`${t.base}${path}`),
      {
        method: 'POST',
        agent: false,
        headers: { ...t.headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve(text));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });

async function until(fn: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

/** N events (agent.created) through the outbox to a signed webhook on loopback: deliveries per second, end to end. */
export async function webhookScenario(
  engine: string,
  t: AtomTarget,
  receiver: Awaited<ReturnType<typeof startReceiver>>,
): Promise<Result> {
  const created = JSON.parse(await post(t, '/api/webhooks', { url: receiver.url, events: ['agent.created'] }));
  if (!created.success) throw new Error(`webhook not created: ${JSON.stringify(created)}`);
  receiver.reset();
  const started = Date.now();
  const batch = 20;
  for (let i = 0; i < WEBHOOK_EVENTS; i += batch) {
    await Promise.all(
      Array.from({ length: Math.min(batch, WEBHOOK_EVENTS - i) }, (_, k) =>
        post(t, '/api/agents', { name: `hook ${i + k}`, role: 'custom', maturity_level: 'student' }),
      ),
    );
  }
  const done = await until(() => receiver.count >= WEBHOOK_EVENTS, 120_000);
  const seconds = ((done ? receiver.last : Date.now()) - started) / 1000;
  return {
    name: `webhook deliveries (${WEBHOOK_EVENTS} events, end to end)`,
    engine,
    rate: receiver.count / seconds,
    unit: 'deliveries/s',
    p50: null,
    p99: null,
    errors: WEBHOOK_EVENTS - receiver.count,
  };
}

/**
 * K subscribers on one chat session's SSE stream, M messages sent: events delivered per second and delay from the
 * event's creation.
 */
export async function sseScenario(engine: string, t: AtomTarget): Promise<Result> {
  const controller = new AbortController();
  const delays: number[] = [];
  let received = 0;
  let lastAt = 0;
  // Each subscriber on its own socket (node:http, no agent), so streams never queue other requests.
  const url = new URL(`${t.base}/api/chat/stream?session_id=${t.sessionId}`);
  const subscribers = await Promise.all(
    Array.from(
      { length: SSE_SUBSCRIBERS },
      () =>
        new Promise<{ closed: Promise<void> }>((opened, failed) => {
          const req = http.get(
            url,
            { agent: false, headers: { ...t.headers, accept: 'text/event-stream' }, signal: controller.signal },
            (res) => {
              let buf = '';
              res.setEncoding('utf8');
              res.on('data', (chunk: string) => {
                buf += chunk;
                for (let cut = buf.indexOf('\n\n'); cut >= 0; cut = buf.indexOf('\n\n')) {
                  const data = buf
                    .slice(0, cut)
                    .split('\n')
                    .find((l) => l.startsWith('data: '));
                  buf = buf.slice(cut + 2);
                  if (!data) continue;
                  const e = JSON.parse(data.slice(6));
                  received += 1;
                  lastAt = Date.now();
                  if (e.created_at) delays.push(lastAt - Date.parse(e.created_at));
                }
              });
              // (wrapped: resolving with a bare promise would wait for it)
              opened({
                closed: new Promise<void>((done) => {
                  res.on('close', () => done());
                  res.on('error', () => done());
                }),
              });
            },
          );
          req.on('error', (e) => (controller.signal.aborted ? opened({ closed: Promise.resolve() }) : failed(e)));
        }),
    ),
  );
  const started = Date.now();
  for (let m = 0; m < SSE_MESSAGES; m++)
    await post(t, '/api/chat', { session_id: t.sessionId, message: `Search for recent research papers ${m}` });
  let seen = -1;
  while (seen !== received) {
    seen = received;
    await new Promise((r) => setTimeout(r, 1500));
  }
  controller.abort();
  await Promise.all(subscribers.map((s) => s.closed));
  delays.sort((a, b) => a - b);
  const q = (p: number) => (delays.length ? delays[Math.min(delays.length - 1, Math.floor(p * delays.length))] : null);
  return {
    name: `SSE fan-out (${SSE_SUBSCRIBERS} subscribers, ${SSE_MESSAGES} messages)`,
    engine,
    rate: received / ((lastAt - started) / 1000),
    unit: 'events/s',
    p50: q(0.5),
    p99: q(0.99),
    errors: 0,
    note: `${received} events delivered; latency = receipt − event created_at`,
  };
}
