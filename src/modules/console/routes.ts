import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { tenantOf } from '../../platform/auth/guard.js';
import type { AppContext } from '../../platform/context.js';
import { Envelope, ok } from '../../platform/http/envelope.js';
import { OffsetQuery } from '../../platform/http/pagination.js';
import type { ListingKind } from '../marketplace/repo.js';
import { consoleService } from './service.js';

const Limit = Type.Union([Type.Integer(), Type.Null()], { description: 'null: unlimited on this plan' });
const Usage = Type.Object({
  plan: Type.String(),
  quotas: Type.Array(Type.Object({ metric: Type.String(), label: Type.String(), used: Type.Integer(), limit: Limit })),
  rate_limits: Type.Object({ requests_per_minute: Type.Integer(), requests_per_day: Limit }),
  history: Type.Object({ metric: Type.String(), days: Type.Integer(), points: Type.Array(Type.Object({ day: Type.String(), count: Type.Integer() })) }),
});
const Kind = Type.Union(['skill', 'agent_template', 'domain', 'canvas_component', 'workflow_template'].map((k) => Type.Literal(k)));
const Pending = Type.Object({
  items: Type.Array(Type.Object({
    id: Type.String(), kind: Type.String(), tenant_id: Type.String(), tenant_name: Type.Union([Type.String(), Type.Null()]), name: Type.String(), description: Type.String(), category: Type.String(),
    subtype: Type.Union([Type.String(), Type.Null()]), tags: Type.Array(Type.String()), marketplace_type: Type.String(), status: Type.String(), created_at: Type.String(),
  })),
  total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer(), has_more: Type.Boolean(),
});

/** Read-only routes the web console needs: plan usage for a tenant, the review queue for the platform admin. */
export const consoleRoutes = (ctx: AppContext): FastifyPluginAsyncTypebox => async (app) => {
  const svc = consoleService(ctx);

  app.get('/api/usage', {
    schema: { tags: ['Tenants'], summary: 'Usage against the plan\'s quotas, with skill executions per day for two weeks', response: { 200: Envelope(Usage) } },
    config: { permission: 'AGENT_VIEW' },
  }, async (req) => ok(req, await svc.usage(tenantOf(req))));

  app.get('/api/admin/marketplace/pending', {
    schema: { tags: ['Marketplace'], summary: 'Listings waiting for review, oldest first (platform admin)', querystring: Type.Object({ kind: Type.Optional(Kind), ...OffsetQuery }), response: { 200: Envelope(Pending) } },
    config: { auth: 'admin' },
  }, async (req) => ok(req, await svc.pending((req.query.kind ?? null) as ListingKind | null, req.query.limit, req.query.offset)));
};
