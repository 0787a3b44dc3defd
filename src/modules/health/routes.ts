import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../platform/context.js';
import { SYSTEM } from '../../platform/db/index.js';
import { Envelope, ok } from '../../platform/http/envelope.js';

const Check = Type.Object({ status: Type.Union([Type.Literal('ok'), Type.Literal('down')]), latency_ms: Type.Optional(Type.Number()), kind: Type.Optional(Type.String()) });
const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  version: Type.String(),
  uptime_seconds: Type.Integer(),
  database: Check,
  queue: Check,
  redis: Type.Optional(Check),
});

const startedAt = Date.now();

export const healthRoutes = (ctx: AppContext): FastifyPluginAsyncTypebox => async (app) => {
  app.get('/api/health', {
    schema: { tags: ['Health'], summary: 'Liveness with database, queue and Redis status', response: { 200: Envelope(Health), 503: Envelope(Health) } },
    config: { auth: 'public' },
  }, async (req, reply) => {
    const t0 = performance.now();
    const database = await ctx.db.query(SYSTEM, 'SELECT 1').then(
      () => ({ status: 'ok' as const, kind: ctx.db.kind, latency_ms: Math.round((performance.now() - t0) * 100) / 100 }),
      () => ({ status: 'down' as const, kind: ctx.db.kind }),
    );
    const queue = { status: (await ctx.jobs.healthy()) ? ('ok' as const) : ('down' as const) };
    const redis = ctx.redis ? { status: await ctx.redis.ping().then(() => 'ok' as const, () => 'down' as const) } : undefined;
    const healthy = database.status === 'ok' && queue.status === 'ok' && (!redis || redis.status === 'ok');
    const body = { status: healthy ? ('ok' as const) : ('degraded' as const), version: '0.1.0', uptime_seconds: Math.floor((Date.now() - startedAt) / 1000), database, queue, ...(redis ? { redis } : {}) };
    return reply.status(healthy ? 200 : 503).send(ok(req, body));
  });
};
