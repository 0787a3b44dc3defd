import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { tenantOf } from '../../platform/auth/guard.js';
import type { AppContext } from '../../platform/context.js';
import { Envelope, ok } from '../../platform/http/envelope.js';
import { Nullable } from '../../platform/http/schema.js';
import type { Plan } from '../../platform/plans.js';
import { usageService } from './service.js';

const Quota = Type.Object({
  metric: Type.String(),
  label: Type.String(),
  used: Type.Integer(),
  limit: Nullable(Type.Integer()),
  remaining: Nullable(Type.Integer()),
  resets_at: Type.Optional(Type.String()),
});
const Usage = Type.Object({
  plan: Type.String(),
  quotas: Type.Array(Quota, { description: 'null limit: unlimited on this plan' }),
  llm_tokens: Type.Object(
    {
      prompt: Type.Integer(),
      completion: Type.Integer(),
      total: Type.Integer(),
      limit: Nullable(Type.Integer()),
      remaining: Nullable(Type.Integer()),
      resets_at: Type.String(),
    },
    {
      description:
        "Model tokens used today (UTC) against the plan's daily cap (null: unlimited); the cap counts the total",
    },
  ),
  rate_limits: Type.Object({ requests_per_minute: Type.Integer(), requests_per_day: Nullable(Type.Integer()) }),
  rate_limit: Type.Object(
    { limit: Nullable(Type.Integer()), remaining: Nullable(Type.Integer()), reset: Nullable(Type.Integer()) },
    { description: "This credential's current window" },
  ),
  rate_limit_remaining: Nullable(Type.Integer()),
  storage_used: Type.Integer({
    description:
      "Bytes of the tenant's stored rows (agents, executions and their journals, episodes, listings, workflows and " +
      'runs, events…)',
  }),
  storage_limit: Nullable(Type.Integer({ description: 'null: no plan limits storage' })),
  features: Type.Object({ public_marketplace_publish: Type.Boolean() }),
  history: Type.Object({
    metric: Type.String(),
    days: Type.Integer(),
    points: Type.Array(Type.Object({ day: Type.String(), count: Type.Integer() })),
  }),
});

const header = (v: unknown) => (v === undefined ? null : Number(v));

/** GET /api/usage: the tenant's usage against its plan (the SDK's getUsageStats, the console's usage page). */
export const usageRoutes =
  (ctx: AppContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const usage = usageService(ctx);
    app.get(
      '/api/usage',
      {
        schema: {
          tags: ['Usage'],
          summary:
            "Usage against plan quotas (model tokens included), this credential's rate limit, and skill executions " +
            'per day',
          querystring: Type.Object({ days: Type.Integer({ minimum: 1, maximum: 90, default: 14 }) }),
          response: { 200: Envelope(Usage) },
        },
        config: { auth: 'tenant' },
      },
      async (req, reply) => {
        const s = await usage.stats(tenantOf(req), (req.principal!.tenant?.plan ?? 'free') as Plan, req.query.days);
        // The guard counted this request and set the credential's rate-limit headers already.
        const rate = {
          limit: header(reply.getHeader('x-ratelimit-limit')),
          remaining: header(reply.getHeader('x-ratelimit-remaining')),
          reset: header(reply.getHeader('x-ratelimit-reset')),
        };
        return ok(req, { ...s, rate_limit: rate, rate_limit_remaining: rate.remaining });
      },
    );
  };
