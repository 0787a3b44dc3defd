import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { tenantOf } from '../../platform/auth/guard.js';
import type { AppContext } from '../../platform/context.js';
import { callerOf } from './caller.js';
import { declaredIntegrations } from './integrations.js';
import { CreatePrivateSkillBody, MarketplaceQuery, RateBody } from './schemas.js';
import { browseFilter, skillsService } from './service.js';

const tags = ['Public marketplace'];
const S = Type.Boolean();
const Json = Type.Record(Type.String(), Type.Unknown());
const Id = Type.Object({ id: Type.String() });
const Packages = Type.Array(Type.Object({ name: Type.String(), version: Type.Optional(Type.String()) }));
const base = '/api/public/v1/marketplace';

const PublicSkill = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  category: Type.String(),
  skill_type: Type.Union([Type.String(), Type.Null()]),
  price: Type.Number(),
  is_free: S,
  rating: Type.Number(),
  rating_count: Type.Integer(),
  installs: Type.Integer(),
  tags: Type.Array(Type.String()),
  created_at: Type.String(),
});
const Review = Type.Object({
  id: Type.String(),
  rating: Type.Integer(),
  review: Type.String(),
  created_at: Type.String(),
  helpful_count: Type.Integer(),
  not_helpful_count: Type.Integer(),
  author_response: Type.Union([Type.String(), Type.Null()]),
  author_response_at: Type.Union([Type.String(), Type.Null()]),
});
const SubmitBody = Type.Composite(
  [
    Type.Omit(CreatePrivateSkillBody, []),
    Type.Object({
      long_description: Type.Optional(Type.String({ maxLength: 20_000 })),
      price: Type.Optional(Type.Number({ minimum: 0 })),
      documentation_url: Type.Optional(Type.String({ maxLength: 2000 })),
    }),
  ],
  { additionalProperties: false },
);

const summary = (l: import('../marketplace/service.js').Listing) => ({
  id: l.id,
  name: l.name,
  description: l.description,
  category: l.category,
  skill_type: l.subtype,
  price: l.price,
  is_free: l.price === 0,
  rating: l.rating,
  rating_count: l.rating_count,
  installs: l.installs,
  tags: l.tags,
  created_at: l.created_at,
});

/** The read-only public API (reads need no credential) plus authenticated submit, rate and flag. */
export const publicMarketplaceRoutes =
  (ctx: AppContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const skills = skillsService(ctx);
    const e = skills.engine;

    app.get(
      `${base}/skills`,
      {
        schema: {
          tags,
          querystring: MarketplaceQuery,
          response: {
            200: Type.Object({
              skills: Type.Array(PublicSkill),
              total: Type.Integer(),
              limit: Type.Integer(),
              offset: Type.Integer(),
              has_more: S,
            }),
          },
        },
        config: { auth: 'optional' },
      },
      async (req) => {
        const q = req.query;
        const { items, total } = await e.search(browseFilter(q, null, 'created_at'));
        return {
          skills: items.map(summary),
          total,
          limit: q.limit,
          offset: q.offset,
          has_more: q.offset + items.length < total,
        };
      },
    );

    app.get(
      `${base}/skills/:id`,
      {
        schema: {
          tags,
          params: Id,
          response: {
            200: Type.Composite([
              PublicSkill,
              Type.Object({
                long_description: Type.String(),
                input_schema: Json,
                output_schema: Json,
                config: Json,
                documentation_url: Type.Union([Type.String(), Type.Null()]),
                license: Type.Union([Type.String(), Type.Null()]),
                repository_url: Type.Union([Type.String(), Type.Null()]),
                python_packages: Packages,
                npm_packages: Packages,
                high_risk: S,
                integrations: Type.Array(Type.String(), {
                  description: 'OAuth integrations whose tokens the skill receives when it runs in a tenant',
                }),
                recent_reviews: Type.Array(
                  Type.Object({ rating: Type.Integer(), review: Type.String(), created_at: Type.String() }),
                ),
              }),
            ]),
          },
        },
        config: { auth: 'optional' },
      },
      async (req) => {
        const l = await e.visible(null, req.params.id);
        type Pkg = { name: string; version?: string };
        const c = l.content as {
          input_schema?: Record<string, unknown>;
          output_schema?: Record<string, unknown>;
          config?: Record<string, unknown>;
          python_packages?: Pkg[];
          npm_packages?: Pkg[];
          license?: string | null;
          repository_url?: string | null;
          high_risk?: boolean;
        };
        const integrations = declaredIntegrations(l.content);
        const recent = await e.reviews(null, l.id, 5, 0);
        return {
          ...summary(l),
          long_description: l.long_description,
          input_schema: c.input_schema ?? {},
          output_schema: c.output_schema ?? {},
          config: c.config ?? {},
          documentation_url: l.documentation_url,
          license: c.license ?? null,
          repository_url: c.repository_url ?? null,
          python_packages: c.python_packages ?? [],
          npm_packages: c.npm_packages ?? [],
          high_risk: c.high_risk === true,
          integrations,
          recent_reviews: recent.items,
        };
      },
    );

    app.get(
      `${base}/categories`,
      {
        schema: { tags, response: { 200: Type.Object({ categories: Type.Array(Type.String()) }) } },
        config: { auth: 'optional' },
      },
      async () => ({ categories: await e.categories() }),
    );

    app.get(
      `${base}/tags`,
      {
        schema: {
          tags,
          response: {
            200: Type.Object({ tags: Type.Array(Type.Object({ name: Type.String(), count: Type.Integer() })) }),
          },
        },
        config: { auth: 'optional' },
      },
      async () => ({ tags: await e.tags() }),
    );

    app.post(
      `${base}/submit`,
      {
        schema: {
          tags,
          body: SubmitBody,
          response: {
            201: Type.Object({ success: S, skill_id: Type.String(), status: Type.String(), message: Type.String() }),
          },
        },
        config: { permission: 'SKILL_MANAGE' },
      },
      async (req, reply) => {
        const l = await skills.submit(callerOf(req), req.body);
        return reply
          .status(201)
          .send({ success: true, skill_id: l.id, status: l.status, message: 'Skill submitted for marketplace review' });
      },
    );

    app.post(
      `${base}/skills/:id/rate`,
      {
        schema: {
          tags,
          params: Id,
          body: RateBody,
          response: {
            200: Type.Object({
              success: S,
              rating: Type.Integer(),
              new_average: Type.Number(),
              total_ratings: Type.Integer(),
            }),
          },
        },
        config: { permission: 'SKILL_VIEW' },
      },
      async (req) => {
        const l = await e.rate(callerOf(req), req.params.id, req.body.rating, req.body.review ?? null);
        return { success: true, rating: req.body.rating, new_average: l.rating, total_ratings: l.rating_count };
      },
    );

    app.get(
      `${base}/skills/:id/reviews`,
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
        const { items, total } = await e.reviews(null, req.params.id, req.query.limit, req.query.offset);
        return { reviews: items, total, limit: req.query.limit, offset: req.query.offset };
      },
    );

    app.post(
      `${base}/reviews/:id/flag`,
      {
        schema: {
          tags,
          params: Id,
          querystring: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) }),
          response: { 200: Type.Object({ success: S, review_id: Type.String(), status: Type.String() }) },
        },
        config: { permission: 'SKILL_VIEW' },
      },
      async (req) => {
        await e.flag(tenantOf(req), req.params.id);
        return { success: true, review_id: req.params.id, status: 'flagged' };
      },
    );

    app.post(
      `${base}/reviews/:id/helpful`,
      {
        schema: {
          tags,
          summary: 'Vote a review helpful or not (one vote per user; voting again replaces it)',
          params: Id,
          body: Type.Object({ helpful: S }, { additionalProperties: false }),
          response: { 200: Type.Object({ success: S, review: Review }) },
        },
        config: { permission: 'SKILL_VIEW' },
      },
      async (req) => ({ success: true, review: await e.voteReview(callerOf(req), req.params.id, req.body.helpful) }),
    );

    app.post(
      `${base}/reviews/:id/response`,
      {
        schema: {
          tags,
          summary: "The publisher's answer to a review of its listing",
          params: Id,
          body: Type.Object(
            { response: Type.String({ minLength: 1, maxLength: 5000 }) },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ success: S, review: Review }) },
        },
        config: { permission: 'SKILL_MANAGE' },
      },
      async (req) => ({ success: true, review: await e.respond(callerOf(req), req.params.id, req.body.response) }),
    );
  };
