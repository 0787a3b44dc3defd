import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { tenantOf } from '../../platform/auth/guard.js';
import type { AppContext } from '../../platform/context.js';
import { callerOf } from '../skills/caller.js';
import {
  CreateDomainBody,
  DomainDetails,
  InstallBody,
  MarketDomain,
  RateBody,
  SearchQuery,
  Submission,
  SubmitBody,
  TenantDomain,
} from './schemas.js';
import { domainsService, domainView, listingView } from './service.js';

const tags = ['Domains'];
const S = Type.Boolean();
const Id = Type.Object({ id: Type.String({ maxLength: 100 }) });
const base = '/api/v1/domains/marketplace';
const viewer = (req: { principal: { tenantId: string | null } | null }) => req.principal?.tenantId ?? null;

/** Tenant domains and the domain marketplace (`/api/v1/domains/marketplace/*`, marketplace-api.txt). */
export const domainRoutes =
  (ctx: AppContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const domains = domainsService(ctx);
    const e = domains.engine;

    app.post(
      '/api/v1/domains',
      {
        schema: {
          tags,
          summary: 'Create a domain in this tenant',
          body: CreateDomainBody,
          response: { 201: Type.Object({ success: S, domain: TenantDomain }) },
        },
        config: { permission: 'AGENT_MANAGE' },
      },
      async (req, reply) =>
        reply.status(201).send({
          success: true,
          domain: domainView(await domains.create(callerOf(req), req.principal!.userId, req.body)),
        }),
    );

    app.get(
      '/api/v1/domains',
      {
        schema: {
          tags,
          summary: "This tenant's domains, authored and installed",
          querystring: Type.Object({
            installed: Type.Optional(Type.Boolean()),
            limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
            offset: Type.Integer({ minimum: 0, default: 0 }),
          }),
          response: {
            200: Type.Object({
              domains: Type.Array(TenantDomain),
              total: Type.Integer(),
              limit: Type.Integer(),
              offset: Type.Integer(),
              has_more: S,
            }),
          },
        },
        config: { permission: 'AGENT_VIEW' },
      },
      async (req) => {
        const q = req.query;
        const { rows, total } = await domains.list(tenantOf(req), q);
        return {
          domains: rows.map(domainView),
          total,
          limit: q.limit,
          offset: q.offset,
          has_more: q.offset + rows.length < total,
        };
      },
    );

    app.get(
      '/api/v1/domains/:id',
      {
        schema: {
          tags,
          summary: "One of this tenant's domains",
          params: Id,
          response: { 200: Type.Object({ success: S, domain: TenantDomain }) },
        },
        config: { permission: 'AGENT_VIEW' },
      },
      async (req) => ({ success: true, domain: domainView(await domains.get(tenantOf(req), req.params.id)) }),
    );

    app.post(
      `${base}/submit`,
      {
        schema: {
          tags,
          body: SubmitBody,
          response: {
            201: Type.Object({
              success: S,
              domain_id: Type.String(),
              status: Type.String(),
              price_usd: Type.Number(),
              license_type: Type.String(),
              marketplace_type: Type.String(),
            }),
          },
        },
        config: { permission: 'MARKETPLACE_PUBLISH' },
      },
      async (req, reply) => {
        const l = await domains.submit(callerOf(req), req.body);
        const v = listingView(l);
        return reply.status(201).send({
          success: true,
          domain_id: l.id,
          status: l.status,
          price_usd: l.price,
          license_type: v.license_type,
          marketplace_type: l.marketplace_type,
        });
      },
    );

    app.get(
      `${base}/my-submissions`,
      {
        schema: {
          tags,
          querystring: Type.Object({
            limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
            offset: Type.Integer({ minimum: 0, default: 0 }),
          }),
          response: { 200: Type.Array(Submission) },
        },
        config: {},
      },
      async (req, reply) => {
        const { items, total } = await e.submissions(tenantOf(req), req.query.limit, req.query.offset);
        reply.header('x-total-count', String(total));
        return items.map((l) => ({
          domain_id: l.id,
          domain_name: l.name,
          status: l.status,
          price_usd: l.price,
          install_count: l.installs,
          rating_average: l.rating,
          rating_count: l.rating_count,
          marketplace_type: l.marketplace_type,
          rejection_reason: l.rejection_reason,
          created_at: l.created_at,
        }));
      },
    );

    app.post(
      `${base}/:id/approve`,
      {
        schema: {
          tags,
          summary: 'Approve a submission (platform admin key)',
          params: Id,
          response: { 200: Type.Object({ success: S, domain_id: Type.String(), status: Type.String() }) },
        },
        config: { auth: 'admin' },
      },
      async (req) => {
        const l = await e.review(req.params.id, 'approved', null);
        return { success: true, domain_id: l.id, status: l.status };
      },
    );

    app.post(
      `${base}/:id/reject`,
      {
        schema: {
          tags,
          summary: 'Reject a submission (platform admin key)',
          params: Id,
          querystring: Type.Object({ reason: Type.Optional(Type.String({ maxLength: 2000 })) }),
          response: {
            200: Type.Object({ success: S, domain_id: Type.String(), status: Type.String(), reason: Type.String() }),
          },
        },
        config: { auth: 'admin' },
      },
      async (req) => {
        const reason = req.query.reason ?? 'Rejected by reviewer';
        const l = await e.review(req.params.id, 'rejected', reason);
        return { success: true, domain_id: l.id, status: l.status, reason };
      },
    );

    app.get(
      `${base}/search`,
      {
        schema: { tags, querystring: SearchQuery, response: { 200: Type.Array(MarketDomain) } },
        config: { auth: 'optional' },
      },
      async (req, reply) => {
        const q = req.query;
        const { items, total } = await e.search({
          viewer: viewer(req),
          query: q.q,
          category: q.category,
          tags: q.tags
            ?.split(',')
            .map((t) => t.trim())
            .filter(Boolean),
          maxPrice: q.max_price,
          sort: 'popularity',
          limit: q.limit,
          offset: q.offset,
        });
        reply.header('x-total-count', String(total));
        return items.map(listingView);
      },
    );

    app.get(
      `${base}/trending`,
      {
        schema: {
          tags,
          querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 50, default: 10 }) }),
          response: {
            200: Type.Array(
              Type.Object({
                id: Type.String(),
                domain_name: Type.String(),
                install_count: Type.Integer(),
                rating_average: Type.Number(),
              }),
            ),
          },
        },
        config: { auth: 'optional' },
      },
      async (req) => {
        const { items } = await e.search({ viewer: null, sort: 'installs', limit: req.query.limit, offset: 0 });
        return items.map((l) => ({
          id: l.id,
          domain_name: l.name,
          install_count: l.installs,
          rating_average: l.rating,
        }));
      },
    );

    app.get(
      `${base}/stats`,
      {
        schema: {
          tags,
          response: {
            200: Type.Object({
              total_domains: Type.Integer(),
              approved_domains: Type.Integer(),
              pending_domains: Type.Integer(),
              total_installs: Type.Integer(),
            }),
          },
        },
        config: { auth: 'optional' },
      },
      async () => {
        const s = await e.stats();
        return {
          total_domains: s.total,
          approved_domains: s.approved,
          pending_domains: s.pending,
          total_installs: s.installs,
        };
      },
    );

    app.post(
      `${base}/install`,
      {
        schema: {
          tags,
          body: InstallBody,
          response: {
            200: Type.Object({
              success: S,
              domain_id: Type.String(),
              domain_name: Type.String(),
              template_id: Type.String(),
              status: Type.String(),
            }),
          },
        },
        config: { permission: 'MARKETPLACE_INSTALL' },
      },
      async (req) => {
        const { domain, created } = await domains.install(callerOf(req), req.principal!.userId, req.body);
        return {
          success: true,
          domain_id: domain.id,
          domain_name: domain.name,
          template_id: domain.template_id!,
          status: created ? 'installed' : 'already_installed',
        };
      },
    );

    app.post(
      `${base}/:id/rate`,
      {
        schema: {
          tags,
          params: Id,
          body: RateBody,
          response: {
            200: Type.Object({
              success: S,
              domain_id: Type.String(),
              rating: Type.Number(),
              new_average: Type.Number(),
              total_ratings: Type.Integer(),
            }),
          },
        },
        config: {},
      },
      async (req) => {
        const l = await e.rate(callerOf(req), req.params.id, req.body.rating, req.body.review ?? null);
        return {
          success: true,
          domain_id: l.id,
          rating: req.body.rating,
          new_average: l.rating,
          total_ratings: l.rating_count,
        };
      },
    );

    app.get(
      `${base}/:id`,
      {
        schema: { tags, params: Id, response: { 200: DomainDetails } },
        config: { auth: 'optional' },
      },
      async (req) => listingView(await e.visible(viewer(req), req.params.id)),
    );
  };
