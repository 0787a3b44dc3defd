import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { tenantOf } from '../../platform/auth/guard.js';
import type { AppContext } from '../../platform/context.js';
import { callerOf } from '../skills/caller.js';
import { Component, CreateComponentBody, InstallBody, PublishBody } from './schemas.js';
import { canvasComponentsService, componentView } from './service.js';

const tags = ['Canvas skills'];
const S = Type.Boolean();
const Str = Type.String();
const base = '/api/canvas-skills';

/** `/api/canvas-skills/*` (api-overview.txt): components bundled with a skill, and the tenant's marketplace gate. */
export const canvasSkillRoutes =
  (ctx: AppContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const components = canvasComponentsService(ctx);

    app.post(
      `${base}/create`,
      {
        schema: {
          tags,
          summary: 'Create a canvas component and, with `skill`, its private skill',
          body: CreateComponentBody,
          response: {
            201: Type.Object({
              success: S,
              component_id: Str,
              skill_id: Type.Union([Str, Type.Null()]),
              component: Component,
            }),
          },
        },
        config: { permission: 'SKILL_MANAGE' },
      },
      async (req, reply) => {
        const c = await components.create(callerOf(req), req.principal!.userId, req.body);
        return reply
          .status(201)
          .send({ success: true, component_id: c.id, skill_id: c.skill_id, component: componentView(c) });
      },
    );

    app.post(
      `${base}/install`,
      {
        schema: {
          tags,
          summary: 'Install a marketplace component (and its skill) into a canvas',
          body: InstallBody,
          response: {
            200: Type.Object({
              success: S,
              status: Str,
              component_id: Str,
              canvas_id: Str,
              install_id: Str,
              skill_id: Type.Union([Str, Type.Null()]),
            }),
          },
        },
        config: { permission: 'MARKETPLACE_INSTALL' },
      },
      async (req) => {
        const { installed, created } = await components.install(callerOf(req), req.body);
        return {
          success: true,
          status: created ? 'installed' : 'already_installed',
          component_id: installed.listing_id,
          canvas_id: installed.canvas_id,
          install_id: installed.id,
          skill_id: installed.skill_id,
        };
      },
    );

    app.post(
      `${base}/marketplace/permission`,
      {
        schema: {
          tags,
          summary: 'A tenant admin allows a component to be submitted to the marketplace',
          body: Type.Object(
            { component_id: Type.String({ minLength: 1, maxLength: 100 }) },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              success: S,
              component_id: Str,
              marketplace_permission: S,
              granted_by: Str,
              granted_at: Str,
            }),
          },
        },
        config: { permission: 'GOVERNANCE_APPROVE' },
      },
      async (req) => {
        const p = req.principal!;
        const c = await components.grant(tenantOf(req), p.userId ?? p.keyId ?? 'admin', req.body.component_id);
        return {
          success: true,
          component_id: c.id,
          marketplace_permission: c.marketplace_allowed,
          granted_by: c.marketplace_granted_by!,
          granted_at: new Date(c.marketplace_granted_at!).toISOString(),
        };
      },
    );

    app.post(
      `${base}/marketplace/submit`,
      {
        schema: {
          tags,
          summary: 'Submit a component to the marketplace (same rules as components/publish)',
          body: PublishBody,
          response: { 201: Type.Object({ success: S, component_id: Str, status: Str, marketplace_type: Str }) },
        },
        config: { permission: 'MARKETPLACE_PUBLISH' },
      },
      async (req, reply) => {
        const l = await components.publish(
          callerOf(req),
          req.principal!.permissions.has('GOVERNANCE_APPROVE'),
          req.body,
        );
        return reply
          .status(201)
          .send({ success: true, component_id: l.id, status: l.status, marketplace_type: l.marketplace_type });
      },
    );
  };
