import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../platform/context.js';

/**
 * `GET /metrics`: Prometheus's text format, for the platform admin key (a tenant's credential gets
 * 403: the numbers span every tenant). ATOM_METRICS_PORT serves the same without a credential on a
 * port of its own (platform/metrics/http.ts). Not served when ATOM_METRICS=false.
 */
export const metricsRoutes =
  (ctx: AppContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const metrics = ctx.metrics;
    if (!metrics) return;
    app.get(
      '/metrics',
      {
        schema: {
          tags: ['Metrics'],
          summary: 'Prometheus metrics of this process (text exposition format)',
          description:
            'Requests by route, errors by code, job queues, webhook deliveries, executions, sandbox and database ' +
            'pool. Admin key only.',
          produces: ['text/plain'],
          response: { 200: Type.String({ description: 'Prometheus text format 0.0.4' }) },
        },
        config: { auth: 'admin' },
      },
      async (_req, reply) => reply.type(metrics.contentType).send(await metrics.render()),
    );
  };
