import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../../src/config.js';
import { ADMIN_KEY, startApp } from '../helpers/app.js';

/** The whole server, started for one test file and listening on a loopback port. */
export async function startServer(overrides: Partial<Config> = {}) {
  const built = await startApp(overrides);
  await built.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = built.app.server.address() as AddressInfo;
  return { built, app: built.app, url: `http://127.0.0.1:${port}`, adminKey: ADMIN_KEY, close: () => built.close() };
}

export type Server = Awaited<ReturnType<typeof startServer>>;

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  delayMs?: number;
}
export interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

/**
 * A small real HTTP server on loopback whose answers a test scripts (429 with Retry-After,
 * 503, slow answers), for the transport's retry, backoff and timeout behaviour.
 */
export async function startScripted(answer: (seen: Seen, n: number) => Answer) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const s = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body, at: Date.now() };
      seen.push(s);
      const a = answer(s, seen.length);
      const timer = setTimeout(() => {
        if (res.destroyed) return;
        res
          .writeHead(a.status, { 'content-type': 'application/json', ...(a.headers ?? {}) })
          .end(a.body === undefined ? '' : JSON.stringify(a.body));
      }, a.delayMs ?? 0);
      res.on('close', () => clearTimeout(timer));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** The server's error envelope, as a scripted server sends it. */
export const envelope = (code: string, message: string, details?: Record<string, unknown>) => ({
  success: false,
  error: { code, message, ...(details ? { details } : {}) },
  code,
  message,
  meta: { timestamp: new Date().toISOString(), request_id: 'req_test' },
});
