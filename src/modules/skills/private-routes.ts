import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { tenantOf } from '../../platform/auth/guard.js';
import type { AppContext } from '../../platform/context.js';
import { callerOf } from './caller.js';
import { PackagesInstalled } from './schemas.js';
import { skillsService } from './service.js';

const tags = ['Private skills'];
const S = Type.Boolean();
const Id = Type.Object({ id: Type.String() });
const Json = Type.Record(Type.String(), Type.Unknown());

const PrivateSkill = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  skill_type: Type.Union([Type.String(), Type.Null()]),
  category: Type.String(),
  is_own: S,
  is_installed: S,
  rating: Type.Number(),
  created_at: Type.String(),
});

/** /api/v1/skills/private*: the tenant's own skills and the ones it installed. */
export const privateSkillRoutes =
  (ctx: AppContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const skills = skillsService(ctx);
    const e = skills.engine;

    app.get(
      '/api/v1/skills/private',
      {
        schema: {
          tags,
          querystring: Type.Object({
            query: Type.Optional(Type.String({ maxLength: 200 })),
            category: Type.Optional(Type.String()),
            skill_type: Type.Optional(Type.String()),
            is_installed: Type.Optional(Type.Boolean()),
            sort_by: Type.Optional(Type.Literal('name')),
            sort_order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
            limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
            offset: Type.Integer({ minimum: 0, default: 0 }),
          }),
          response: {
            200: Type.Object({
              success: S,
              skills: Type.Array(PrivateSkill),
              total: Type.Integer(),
              limit: Type.Integer(),
              offset: Type.Integer(),
            }),
          },
        },
        config: { permission: 'SKILL_VIEW' },
      },
      async (req) => {
        const q = req.query;
        const tenantId = tenantOf(req);
        const { items, total } = await e.mine(tenantId, {
          query: q.query,
          category: q.category,
          subtype: q.skill_type,
          installed: q.is_installed,
          desc: q.sort_order === 'desc',
          limit: q.limit,
          offset: q.offset,
        });
        const skillsOut = items.map(({ listing: l, installed, custom_name, custom_description }) => ({
          id: l.id,
          name: custom_name ?? l.name,
          description: custom_description ?? l.description,
          skill_type: l.subtype,
          category: l.category,
          is_own: l.tenant_id === tenantId,
          is_installed: installed,
          rating: l.rating,
          created_at: l.created_at,
        }));
        return { success: true, skills: skillsOut, total, limit: q.limit, offset: q.offset };
      },
    );

    app.post(
      '/api/v1/skills/private/install',
      {
        schema: {
          tags,
          body: Type.Object(
            {
              marketplace_skill_id: Type.String(),
              agent_id: Type.Optional(Type.String()),
              config_overrides: Type.Optional(Json),
            },
            { additionalProperties: false },
          ),
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
          req.body.marketplace_skill_id,
          req.body.config_overrides ?? {},
          req.body.agent_id ?? null,
        );
        return {
          success: true,
          skill_id: r.listing.id,
          status: 'installed',
          message: r.created ? 'Skill installed successfully' : 'Skill already installed',
          packages_installed: r.packages,
        };
      },
    );

    app.put(
      '/api/v1/skills/private/:id',
      {
        schema: {
          tags,
          params: Id,
          body: Type.Object(
            {
              name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
              description: Type.Optional(Type.String({ maxLength: 2000 })),
              config_overrides: Type.Optional(Json),
              environment_vars: Type.Optional(
                Type.Record(
                  Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' }),
                  Type.String({ maxLength: 4096 }),
                  {
                    maxProperties: 50,
                    description:
                      'Sealed at rest; passed to function skills as the second argument of execute(input, env); ' +
                      'never returned',
                  },
                ),
              ),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              success: S,
              skill_id: Type.String(),
              name: Type.String(),
              description: Type.String(),
              config_overrides_applied: S,
              environment_vars_set: Type.Array(Type.String()),
            }),
          },
        },
        config: { permission: 'SKILL_MANAGE' },
      },
      async (req) => {
        const b = req.body;
        const r = await skills.customize(callerOf(req), req.params.id, {
          name: b.name,
          description: b.description,
          config: b.config_overrides,
          env: b.environment_vars,
        });
        return {
          success: true,
          skill_id: req.params.id,
          name: b.name ?? r.listing.name,
          description: b.description ?? r.listing.description,
          config_overrides_applied: r.config_applied,
          environment_vars_set: r.env_names,
        };
      },
    );

    app.delete(
      '/api/v1/skills/private/:id',
      {
        schema: {
          tags,
          params: Id,
          response: {
            200: Type.Object({ success: S, skill_id: Type.String(), status: Type.String(), message: Type.String() }),
          },
        },
        config: { permission: 'SKILL_MANAGE' },
      },
      async (req) => {
        await e.uninstall(callerOf(req), req.params.id);
        return {
          success: true,
          skill_id: req.params.id,
          status: 'uninstalled',
          message: 'Skill uninstalled successfully',
        };
      },
    );
  };
