import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { tenantOf } from '../../platform/auth/guard.js';
import type { AppContext } from '../../platform/context.js';
import { Envelope, ok } from '../../platform/http/envelope.js';
import { OffsetPage, OffsetQuery, offsetPage } from '../../platform/http/pagination.js';
import type { Plan } from '../../platform/plans.js';
import { marketplaceAccountService } from './service.js';

const tags = ['Marketplace account'];
const Nullable = <T extends ReturnType<typeof Type.Integer>>(t: T) => Type.Union([t, Type.Null()]);
const Quota = Type.Object({ used: Type.Integer(), limit: Nullable(Type.Integer()) });

const Installation = Type.Object({
  installation_id: Type.String(), component_id: Type.String(), component_type: Type.String(), name: Type.String(),
  custom_name: Type.Union([Type.String(), Type.Null()]), version_id: Type.Union([Type.String(), Type.Null()]),
  target_id: Type.Union([Type.String(), Type.Null()]), source_tenant_id: Type.String(), installed_at: Type.String({ format: 'date-time' }),
});
const Publication = Type.Object({
  component_id: Type.String(), component_type: Type.String(), name: Type.String(), marketplace_type: Type.String(),
  status: Type.String({ description: 'pending_approval, approved, rejected, draft or unpublished' }),
  published: Type.Boolean({ description: 'true once approved' }), rejection_reason: Type.Union([Type.String(), Type.Null()]),
  approved_at: Type.Union([Type.String(), Type.Null()]), created_at: Type.String(), updated_at: Type.String(),
});
const Usage = Type.Object({
  plan: Type.String(),
  rate_limit_limit: Nullable(Type.Integer()), rate_limit_remaining: Nullable(Type.Integer()), rate_limit_reset: Nullable(Type.Integer({ description: 'Seconds since epoch' })),
  agents: Quota, installed_skills: Quota, skill_executions_today: Quota,
  installations: Type.Integer(), listings_published: Type.Integer({ description: 'Listings this tenant submitted to the public marketplace' }),
  storage_used: Type.Integer({ description: 'Bytes of listing content, config schemas and install configs' }),
  storage_limit: Type.Null({ description: 'No plan limits marketplace storage' }),
});
const KINDS = ['skill', 'agent_template', 'domain', 'canvas_component', 'workflow_template'];

function headerNumber(reply: FastifyReply, name: string): number | null {
  const v = Number(reply.getHeader(name));
  return Number.isFinite(v) && reply.hasHeader(name) ? v : null;
}

/** /api/marketplace/installations|publications/{id}|usage: the SDK's listInstallations, getPublicationStatus, getUsageStats. */
export const marketplaceAccountRoutes = (ctx: AppContext): FastifyPluginAsyncTypebox => async (app) => {
  const account = marketplaceAccountService(ctx);

  app.get('/api/marketplace/installations', {
    schema: {
      tags, summary: 'The tenant\'s installations across every marketplace, newest first',
      querystring: Type.Object({ ...OffsetQuery, kind: Type.Optional(Type.Union(KINDS.map((k) => Type.Literal(k)))) }),
      response: { 200: Envelope(OffsetPage(Installation)) },
    },
    config: { permission: 'SKILL_VIEW' },
  }, async (req) => {
    const { limit, offset, kind } = req.query;
    const { items, total } = await account.installations(tenantOf(req), { kind, limit, offset });
    return ok(req, offsetPage(items, total, limit, offset));
  });

  app.get('/api/marketplace/publications/:id', {
    schema: { tags, summary: 'Review status of a listing this tenant published (any kind)', params: Type.Object({ id: Type.String() }), response: { 200: Envelope(Publication) } },
    config: { permission: 'MARKETPLACE_PUBLISH' },
  }, async (req) => ok(req, await account.publication(tenantOf(req), req.params.id)));

  app.get('/api/marketplace/usage', {
    schema: { tags, summary: 'Rate-limit headroom (this request counted), plan quotas and marketplace storage', response: { 200: Envelope(Usage) } },
    config: { permission: 'SKILL_VIEW' },
  }, async (req, reply) => {
    const rate = { limit: headerNumber(reply, 'x-ratelimit-limit'), remaining: headerNumber(reply, 'x-ratelimit-remaining'), reset: headerNumber(reply, 'x-ratelimit-reset') };
    return ok(req, await account.usage(tenantOf(req), (req.principal!.tenant?.plan ?? 'free') as Plan, rate));
  });
};
