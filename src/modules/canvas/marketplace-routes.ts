import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../platform/context.js';
import { callerOf } from '../skills/caller.js';
import {
  BrowseQuery,
  ComponentDetails,
  ComponentSummary,
  Counted,
  InstallBody,
  PublishBody,
  RateBody,
  Rating,
} from './schemas.js';
import { canvasComponentsService, detailsView, summaryView } from './service.js';

const tags = ['Canvas marketplace'];
const Id = Type.Object({ id: Type.String({ maxLength: 100 }) });
const base = '/api/canvas-marketplace';
const viewer = (req: { principal: { tenantId: string | null } | null }) => req.principal?.tenantId ?? null;
const Str = Type.String();

/** `/api/canvas-marketplace/*` (marketplace-api.txt, Canvas Component Marketplace). */
export const canvasMarketplaceRoutes =
  (ctx: AppContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const components = canvasComponentsService(ctx);
    const e = components.engine;

    app.get(
      `${base}/components`,
      {
        schema: {
          tags,
          querystring: BrowseQuery,
          response: {
            200: Type.Object({
              components: Type.Array(ComponentSummary),
              total: Type.Integer(),
              limit: Type.Integer(),
              offset: Type.Integer(),
              has_more: Type.Boolean(),
            }),
          },
        },
        config: { auth: 'optional' },
      },
      async (req) => {
        const q = req.query;
        const direction = q.sort_order;
        const { items, total } = await e.search({
          viewer: viewer(req),
          query: q.query,
          category: q.category,
          tags: q.tags
            ?.split(',')
            .map((t) => t.trim())
            .filter(Boolean),
          subtype: q.component_type,
          minPrice: q.min_price,
          maxPrice: q.is_free ? 0 : q.max_price,
          featured: q.is_featured,
          sort: q.sort_by as 'created_at',
          direction,
          limit: q.limit,
          offset: q.offset,
        });
        return {
          components: items.map(summaryView),
          total,
          limit: q.limit,
          offset: q.offset,
          has_more: q.offset + items.length < total,
        };
      },
    );

    app.post(
      `${base}/components/publish`,
      {
        schema: {
          tags,
          body: PublishBody,
          response: { 201: Type.Object({ status: Str, component_id: Str, marketplace_type: Str, message: Str }) },
        },
        config: { permission: 'MARKETPLACE_PUBLISH' },
      },
      async (req, reply) => {
        const l = await components.publish(
          callerOf(req),
          req.principal!.permissions.has('GOVERNANCE_APPROVE'),
          req.body,
        );
        const pending = l.status === 'pending_approval';
        return reply.status(201).send({
          status: pending ? 'submitted_for_approval' : 'published',
          component_id: l.id,
          marketplace_type: l.marketplace_type,
          message: pending
            ? 'Component submitted for marketplace review. You will be notified once approved.'
            : 'Component published to your private marketplace.',
        });
      },
    );

    app.post(
      `${base}/components/:id/approve`,
      {
        schema: {
          tags,
          summary: 'Approve a submission (platform admin key; see docs/decisions.md)',
          params: Id,
          response: { 200: Type.Object({ status: Str, component_id: Str }) },
        },
        config: { auth: 'admin' },
      },
      async (req) => {
        const l = await e.review(req.params.id, 'approved', null);
        return { status: l.status, component_id: l.id };
      },
    );

    app.post(
      `${base}/components/:id/reject`,
      {
        schema: {
          tags,
          summary: 'Reject a submission (platform admin key)',
          params: Id,
          querystring: Type.Object({ reason: Type.Optional(Type.String({ maxLength: 2000 })) }),
          response: { 200: Type.Object({ status: Str, component_id: Str, reason: Str }) },
        },
        config: { auth: 'admin' },
      },
      async (req) => {
        const reason = req.query.reason ?? 'Rejected by reviewer';
        const l = await e.review(req.params.id, 'rejected', reason);
        return { status: l.status, component_id: l.id, reason };
      },
    );

    app.post(
      `${base}/components/install`,
      {
        schema: {
          tags,
          body: InstallBody,
          response: {
            200: Type.Object({
              status: Str,
              component_id: Str,
              canvas_id: Str,
              install_id: Str,
              skill_id: Type.Union([Str, Type.Null()]),
              message: Str,
            }),
          },
        },
        config: { permission: 'MARKETPLACE_INSTALL' },
      },
      async (req) => {
        const { installed, created } = await components.install(callerOf(req), req.body);
        return {
          status: 'installed',
          component_id: installed.listing_id,
          canvas_id: installed.canvas_id,
          install_id: installed.id,
          skill_id: installed.skill_id,
          message: created ? 'Component installed successfully' : 'Component already installed in this canvas',
        };
      },
    );

    app.post(
      `${base}/components/:id/rate`,
      {
        schema: {
          tags,
          params: Id,
          body: RateBody,
          response: {
            200: Type.Object({
              status: Str,
              component_id: Str,
              rating: Type.Integer(),
              aggregate_rating: Type.Number(),
              rating_count: Type.Integer(),
            }),
          },
        },
        config: {},
      },
      async (req) => {
        const l = await e.rate(callerOf(req), req.params.id, req.body.rating, req.body.review ?? null);
        return {
          status: 'rated',
          component_id: l.id,
          rating: req.body.rating,
          aggregate_rating: l.rating,
          rating_count: l.rating_count,
        };
      },
    );

    app.get(
      `${base}/components/:id/ratings`,
      {
        schema: {
          tags,
          params: Id,
          querystring: Type.Object({
            limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
            offset: Type.Integer({ minimum: 0, default: 0 }),
          }),
          response: {
            200: Type.Object({
              ratings: Type.Array(Rating),
              total: Type.Integer(),
              limit: Type.Integer(),
              offset: Type.Integer(),
            }),
          },
        },
        config: { auth: 'optional' },
      },
      async (req) => {
        const { items, total } = await e.reviews(viewer(req), req.params.id, req.query.limit, req.query.offset);
        return { ratings: items, total, limit: req.query.limit, offset: req.query.offset };
      },
    );

    app.get(
      `${base}/components/:id`,
      {
        schema: { tags, params: Id, response: { 200: ComponentDetails } },
        config: { auth: 'optional' },
      },
      async (req) => {
        const l = await e.visible(viewer(req), req.params.id);
        const { items } = await e.reviews(viewer(req), l.id, 5, 0);
        return {
          ...detailsView(l),
          recent_ratings: items.map(({ id, rating, review, helpful_count, created_at }) => ({
            id,
            rating,
            review,
            helpful_count,
            created_at,
          })),
        };
      },
    );

    app.get(
      `${base}/categories`,
      {
        schema: { tags, response: { 200: Type.Object({ categories: Counted }) } },
        config: { auth: 'optional' },
      },
      async () => ({ categories: await e.categoryCounts() }),
    );

    app.get(
      `${base}/tags`,
      {
        schema: { tags, response: { 200: Type.Object({ tags: Counted }) } },
        config: { auth: 'optional' },
      },
      async () => ({ tags: await e.tags() }),
    );
  };
