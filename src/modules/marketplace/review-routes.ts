import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../platform/context.js';
import { OffsetQuery } from '../../platform/http/pagination.js';
import { Nullable } from '../../platform/http/schema.js';
import { callerOf } from '../skills/caller.js';
import { type ListingKind, marketplaceEngine } from './service.js';

const Review = Type.Object({
  id: Type.String(),
  rating: Type.Number(),
  review: Type.String(),
  created_at: Type.String(),
  helpful_count: Type.Integer(),
  not_helpful_count: Type.Integer(),
  author_response: Nullable(Type.String()),
  author_response_at: Nullable(Type.String()),
});

/**
 * Rating and reviews for a marketplace whose seeds name no such routes (agent and workflow
 * templates): `POST {base}/rate` (one rating per tenant, a second one replaces it; never the
 * publisher's own listing) and
 * `GET {base}/reviews` (no credential needed). `resolve` maps the path id to the listing id.
 */
export function reviewRoutes(
  ctx: AppContext,
  o: {
    kind: ListingKind;
    base: string;
    tags: string[];
    notFoundCode?: string;
    resolve?: (viewer: string | null, id: string) => Promise<string>;
  },
): FastifyPluginAsyncTypebox {
  const engine = marketplaceEngine(ctx, o.kind, { notFoundCode: o.notFoundCode });
  const resolve = o.resolve ?? (async (_v: string | null, id: string) => id);
  const Id = Type.Object({ id: Type.String({ maxLength: 200 }) });
  return async (app) => {
    app.post(
      `${o.base}/rate`,
      {
        schema: {
          tags: o.tags,
          summary: 'Rate and review (1-5; one rating per tenant, rating again replaces it; not your own listing)',
          params: Id,
          body: Type.Object(
            {
              rating: Type.Integer({ minimum: 1, maximum: 5 }),
              review: Type.Optional(Type.String({ maxLength: 5000 })),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              success: Type.Boolean(),
              id: Type.String(),
              rating: Type.Integer(),
              new_average: Type.Number(),
              total_ratings: Type.Integer(),
            }),
          },
        },
        config: { permission: 'MARKETPLACE_INSTALL' },
      },
      async (req) => {
        const caller = callerOf(req);
        const l = await engine.rate(
          caller,
          await resolve(caller.tenantId, req.params.id),
          req.body.rating,
          req.body.review ?? null,
        );
        return {
          success: true,
          id: l.id,
          rating: req.body.rating,
          new_average: l.rating,
          total_ratings: l.rating_count,
        };
      },
    );

    app.get(
      `${o.base}/reviews`,
      {
        schema: {
          tags: o.tags,
          summary: 'Reviews, newest first (no credential needed)',
          params: Id,
          querystring: Type.Object(OffsetQuery),
          response: {
            200: Type.Object({
              reviews: Type.Array(Review),
              total: Type.Integer(),
              limit: Type.Integer(),
              offset: Type.Integer(),
            }),
          },
        },
        config: { auth: 'optional' },
      },
      async (req) => {
        const viewer = req.principal?.tenantId ?? null;
        const { items, total } = await engine.reviews(
          viewer,
          await resolve(viewer, req.params.id),
          req.query.limit,
          req.query.offset,
        );
        return { reviews: items, total, limit: req.query.limit, offset: req.query.offset };
      },
    );
  };
}
