import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Metrics } from './index.js';

declare module 'fastify' {
  interface FastifyReply {
    /** The envelope's error code when the error handler answered (error-handler.ts `sendError`); null otherwise. */
    errorCode: string | null;
  }
}

/**
 * One `onResponse` hook per request: the route pattern (bounded: never the raw URL), method, status
 * and Fastify's own elapsed time into one histogram, and the error code into a counter.
 */
export function registerHttpMetrics(app: FastifyInstance, metrics: Metrics | null) {
  app.decorateReply('errorCode', null);
  if (!metrics) return;
  app.addHook('onResponse', (req, reply, done) => {
    metrics.request(req.routeOptions.url, req.method, reply.statusCode, reply.elapsedTime / 1000, reply.errorCode);
    done();
  });
}

export interface MetricsServer {
  /** `http://host:port` */
  url: string;
  close(): Promise<void>;
}

/**
 * A second listener that serves only `GET /metrics`, without a credential: for a scraper on a
 * private network, with the port kept off the public one (ATOM_METRICS_PORT, ATOM_METRICS_HOST).
 */
export async function serveMetrics(metrics: Metrics, port: number, host: string): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      const status = path === '/metrics' ? 405 : 404;
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end('Only GET /metrics is served here\n');
      return;
    }
    metrics.render().then(
      (text) =>
        res.writeHead(200, { 'content-type': metrics.contentType }).end(req.method === 'HEAD' ? undefined : text),
      () => res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('metrics unavailable\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { address, port: bound } = server.address() as AddressInfo;
  const shown = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${shown}:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
