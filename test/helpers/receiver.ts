import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

/** A real HTTP receiver on loopback. `respond` decides each answer (status, headers, delay). */
export async function startReceiver(
  respond: (r: Received, n: number) => { status: number; headers?: Record<string, string>; delayMs?: number } = () => ({
    status: 200,
  }),
) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const r = { headers: req.headers, body, at: Date.now() };
      received.push(r);
      const answer = respond(r, received.length);
      setTimeout(
        () => res.writeHead(answer.status, answer.headers ?? {}).end('ok, and some body the sender must not echo'),
        answer.delayMs ?? 0,
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export async function waitUntil(pred: () => boolean | Promise<boolean>, ms = 20_000) {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A loopback receiver that holds every request open until `release()`; after that it answers at
 * once (held requests too). `received` records each request as it arrives, so a test can wait
 * until a call is in flight.
 */
export async function startHeldReceiver(
  answer: { status: number; body?: unknown } = { status: 200, body: { ok: true } },
) {
  const received: Received[] = [];
  let open = false;
  const held: http.ServerResponse[] = [];
  const reply = (res: http.ServerResponse) => {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body ?? null));
  };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body, at: Date.now() });
      if (open) reply(res);
      else held.push(res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hold`,
    received,
    release() {
      open = true;
      for (const res of held.splice(0)) reply(res);
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
