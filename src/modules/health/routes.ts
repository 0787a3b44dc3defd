import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../platform/context.js';
import { SYSTEM } from '../../platform/db/index.js';
import { Meta, ok } from '../../platform/http/envelope.js';
import { StringEnum } from '../../platform/http/schema.js';

const Check = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('down')]),
  latency_ms: Type.Optional(Type.Number()),
  kind: Type.Optional(Type.String()),
});
const ServiceState = StringEnum(['healthy', 'unavailable', 'not_configured'] as const);
/** The seed's `services` object (marketplace API, Monitoring and Alerting). */
const Services = Type.Object({ database: ServiceState, redis: ServiceState, marketplace: ServiceState });
const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  version: Type.String(),
  uptime_seconds: Type.Integer(),
  database: Check,
  queue: Check,
  redis: Type.Optional(Check),
  services: Services,
});
/**
 * Today's envelope plus the seed's top-level `status` (`healthy` | `degraded`), `version`, `timestamp` and `services`.
 */
const HealthBody = Type.Object({
  success: Type.Literal(true),
  status: StringEnum(['healthy', 'degraded'] as const),
  version: Type.String(),
  timestamp: Type.String({ format: 'date-time' }),
  services: Services,
  data: Health,
  meta: Meta,
});

const startedAt = Date.now();
const state = (check: { status: 'ok' | 'down' } | undefined) =>
  !check ? ('not_configured' as const) : check.status === 'ok' ? ('healthy' as const) : ('unavailable' as const);

export const healthRoutes =
  (ctx: AppContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/api/health',
      {
        schema: {
          tags: ['Health'],
          summary: 'Liveness with database, queue and Redis status',
          response: { 200: HealthBody, 503: HealthBody },
        },
        config: { auth: 'public' },
      },
      async (req, reply) => {
        const t0 = performance.now();
        const database = await ctx.db.query(SYSTEM, 'SELECT 1').then(
          () => ({
            status: 'ok' as const,
            kind: ctx.db.kind,
            latency_ms: Math.round((performance.now() - t0) * 100) / 100,
          }),
          () => ({ status: 'down' as const, kind: ctx.db.kind }),
        );
        const queue = { status: (await ctx.jobs.healthy()) ? ('ok' as const) : ('down' as const) };
        const redis = ctx.redis
          ? {
              status: await ctx.redis.ping().then(
                () => 'ok' as const,
                () => 'down' as const,
              ),
            }
          : undefined;
        const healthy = database.status === 'ok' && queue.status === 'ok' && (!redis || redis.status === 'ok');
        // The marketplaces live in the database: they are served exactly when it answers.
        const services = { database: state(database), redis: state(redis), marketplace: state(database) };
        const version = '0.1.0';
        const data = {
          status: healthy ? ('ok' as const) : ('degraded' as const),
          version,
          uptime_seconds: Math.floor((Date.now() - startedAt) / 1000),
          database,
          queue,
          ...(redis ? { redis } : {}),
          services,
        };
        const { success, meta } = ok(req, data);
        return reply.status(healthy ? 200 : 503).send({
          success,
          status: healthy ? 'healthy' : 'degraded',
          version,
          timestamp: meta.timestamp,
          services,
          data,
          meta,
        });
      },
    );
  };
