import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { tenantOf } from '../../platform/auth/guard.js';
import type { AppContext } from '../../platform/context.js';
import { callerOf } from './caller.js';
import {
  CreatePrivateSkillBody,
  ExecuteBody,
  ExecuteResult,
  InstallBody,
  MarketplaceQuery,
  PackagesInstalled,
  PublishBody,
  RateBody,
  SkillSummary,
} from './schemas.js';
import { browseFilter, skillsService, toSummary } from './service.js';

const ConfigSchema = Type.Unsafe<Record<string, unknown> | null>({
  type: 'object',
  additionalProperties: true,
  nullable: true,
  description: 'JSON Schema of the install config; null when the skill takes none',
});
const SkillDetail = Type.Intersect([SkillSummary, Type.Object({ config_schema: ConfigSchema })]);

const tags = ['Skills'];
const Id = Type.Object({ id: Type.String() });
const S = Type.Boolean();

export const skillRoutes =
  (ctx: AppContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const skills = skillsService(ctx);
    const e = skills.engine;

    app.post(
      '/api/v1/skills/private',
      {
        schema: {
          tags,
          body: CreatePrivateSkillBody,
          response: {
            201: Type.Object({
              success: S,
              skill_id: Type.String(),
              name: Type.String(),
              status: Type.String(),
              is_public: S,
            }),
          },
        },
        config: { permission: 'SKILL_MANAGE' },
      },
      async (req, reply) => {
        const l = await skills.createPrivate(callerOf(req), req.body);
        return reply
          .status(201)
          .send({ success: true, skill_id: l.id, name: l.name, status: 'created', is_public: false });
      },
    );

    // /api/skill-marketplace/skills is the integration guide's name for the same browse.
    for (const path of ['/api/skills/marketplace', '/api/skill-marketplace/skills']) {
      app.get(
        path,
        {
          schema: {
            tags,
            querystring: MarketplaceQuery,
            response: {
              200: Type.Object({ success: S, skills: Type.Array(SkillSummary), total: Type.Integer(), has_more: S }),
            },
          },
          config: { permission: 'SKILL_VIEW' },
        },
        async (req) => {
          const { items, total } = await e.search(browseFilter(req.query, tenantOf(req), 'popularity'));
          return {
            success: true,
            skills: items.map(toSummary),
            total,
            has_more: req.query.offset + items.length < total,
          };
        },
      );
    }

    app.post(
      '/api/skills/publish',
      {
        schema: {
          tags,
          body: PublishBody,
          response: {
            201: Type.Object({
              success: S,
              marketplace_id: Type.String(),
              status: Type.String(),
              message: Type.String(),
            }),
          },
        },
        config: { permission: 'SKILL_MANAGE' },
      },
      async (req, reply) => {
        const l = await skills.publish(callerOf(req), req.body);
        return reply.status(201).send({
          success: true,
          marketplace_id: l.id,
          status: l.status,
          message: 'Skill submitted for marketplace review',
        });
      },
    );

    app.post(
      '/api/skills/approve/:id',
      {
        schema: {
          tags,
          params: Id,
          response: {
            200: Type.Object({
              success: S,
              marketplace_id: Type.String(),
              status: Type.String(),
              approved_at: Type.String(),
            }),
          },
        },
        config: { auth: 'admin' },
      },
      async (req) => {
        const l = await e.review(req.params.id, 'approved', null);
        return { success: true, marketplace_id: l.id, status: l.status, approved_at: l.approved_at! };
      },
    );

    app.post(
      '/api/skills/reject/:id',
      {
        schema: {
          tags,
          params: Id,
          querystring: Type.Object({ reason: Type.Optional(Type.String({ maxLength: 2000 })) }),
          response: {
            200: Type.Object({
              success: S,
              marketplace_id: Type.String(),
              status: Type.String(),
              reason: Type.String(),
            }),
          },
        },
        config: { auth: 'admin' },
      },
      async (req) => {
        const reason = req.query.reason ?? 'Rejected by reviewer';
        const l = await e.review(req.params.id, 'rejected', reason);
        return { success: true, marketplace_id: l.id, status: l.status, reason };
      },
    );

    app.post(
      '/api/skills/install',
      {
        schema: {
          tags,
          body: InstallBody,
          response: {
            200: Type.Object({
              success: S,
              skill_id: Type.String(),
              status: Type.String(),
              message: Type.String(),
              packages_installed: PackagesInstalled,
            }),
          },
        },
        config: { permission: 'SKILL_MANAGE' },
      },
      async (req) => {
        const r = await skills.install(
          callerOf(req),
          req.body.skill_id,
          req.body.config_overrides ?? {},
          req.body.agent_id ?? null,
        );
        return {
          success: true,
          skill_id: r.install_id,
          status: 'installed',
          message: r.created ? 'Skill installed successfully' : 'Skill already installed',
          packages_installed: r.packages,
        };
      },
    );

    app.post(
      '/api/skills/rate/:id',
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

    app.post(
      '/api/skills/version',
      {
        schema: {
          tags,
          querystring: Type.Object({
            skill_id: Type.String(),
            version_name: Type.String({ minLength: 1, maxLength: 100 }),
            description: Type.Optional(Type.String({ maxLength: 2000 })),
          }),
          response: { 201: Type.Object({ success: S, version_id: Type.String(), version_name: Type.String() }) },
        },
        config: { permission: 'SKILL_MANAGE' },
      },
      async (req, reply) => {
        const v = await e.version(
          tenantOf(req),
          req.query.skill_id,
          req.query.version_name,
          req.query.description ?? '',
        );
        return reply.status(201).send({ success: true, version_id: v.version_id, version_name: v.version_name });
      },
    );

    app.get(
      '/api/skills/history/:id',
      {
        schema: {
          tags,
          params: Id,
          response: {
            200: Type.Object({
              success: S,
              history: Type.Array(
                Type.Object({
                  version_id: Type.String(),
                  version_name: Type.String(),
                  description: Type.String(),
                  created_at: Type.String(),
                }),
              ),
            }),
          },
        },
        config: { permission: 'SKILL_VIEW' },
      },
      async (req) => ({ success: true, history: await e.history(tenantOf(req), req.params.id) }),
    );

    app.post(
      '/api/skills/rollback/:id',
      {
        schema: {
          tags,
          params: Id,
          querystring: Type.Object({ version_id: Type.String() }),
          response: { 200: Type.Object({ success: S, message: Type.String() }) },
        },
        config: { permission: 'SKILL_MANAGE' },
      },
      async (req) => {
        await e.rollback(tenantOf(req), req.params.id, req.query.version_id);
        return { success: true, message: `Skill ${req.params.id} rolled back to version ${req.query.version_id}` };
      },
    );

    for (const [verb, summary] of [
      ['unpublish', 'Take an own listing off the marketplace (installs keep working)'],
      ['submit', 'Submit a draft, or resubmit an unpublished or rejected listing'],
    ] as const) {
      app.post(
        `/api/skills/:id/${verb}`,
        {
          schema: {
            tags,
            summary,
            params: Id,
            response: { 200: Type.Object({ success: S, marketplace_id: Type.String(), status: Type.String() }) },
          },
          config: { permission: 'SKILL_MANAGE' },
        },
        async (req) => {
          const l = await e[verb](tenantOf(req), req.params.id);
          return { success: true, marketplace_id: l.id, status: l.status };
        },
      );
    }

    app.post(
      '/api/skills/:id/execute',
      {
        schema: {
          tags,
          summary: 'Run an installed skill now (counts against dailySkillExecutions)',
          params: Id,
          body: ExecuteBody,
          response: { 200: ExecuteResult },
        },
        config: { permission: 'AGENT_EXECUTE' },
      },
      async (req) => ({ success: true, ...(await skills.execute(callerOf(req), req.params.id, req.body.input ?? {})) }),
    );

    for (const path of ['/api/skills/:id', '/api/skill-marketplace/skills/:id']) {
      app.get(
        path,
        {
          schema: {
            tags,
            summary: 'One skill listing with its config_schema (also at the top level, as the seed reads it)',
            params: Id,
            response: { 200: Type.Object({ success: S, skill: SkillDetail, config_schema: ConfigSchema }) },
          },
          config: { permission: 'SKILL_VIEW' },
        },
        async (req) => {
          const l = await e.visible(tenantOf(req), req.params.id);
          return {
            success: true,
            skill: { ...toSummary(l), config_schema: l.config_schema },
            config_schema: l.config_schema,
          };
        },
      );
    }
  };
