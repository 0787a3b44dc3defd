import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../platform/context.js';
import { Envelope, ok } from '../../platform/http/envelope.js';
import { OffsetQuery } from '../../platform/http/pagination.js';
import type { ListingKind } from '../marketplace/service.js';
import { consoleService } from './service.js';

const Kind = Type.Union(
  ['skill', 'agent_template', 'domain', 'canvas_component', 'workflow_template'].map((k) => Type.Literal(k)),
);
const Pending = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.String(),
      kind: Type.String(),
      tenant_id: Type.String(),
      tenant_name: Type.Union([Type.String(), Type.Null()]),
      name: Type.String(),
      description: Type.String(),
      category: Type.String(),
      subtype: Type.Union([Type.String(), Type.Null()]),
      tags: Type.Array(Type.String()),
      marketplace_type: Type.String(),
      status: Type.String(),
      created_at: Type.String(),
    }),
  ),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
  has_more: Type.Boolean(),
});

/** The platform reviewer's queue across every marketplace kind, for the web console. */
export const consoleRoutes =
  (ctx: AppContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const svc = consoleService(ctx);

    app.get(
      '/api/admin/marketplace/pending',
      {
        schema: {
          tags: ['Marketplace'],
          summary: 'Listings waiting for review, oldest first (platform admin)',
          querystring: Type.Object({ kind: Type.Optional(Kind), ...OffsetQuery }),
          response: { 200: Envelope(Pending) },
        },
        config: { auth: 'admin' },
      },
      async (req) =>
        ok(req, await svc.pending((req.query.kind ?? null) as ListingKind | null, req.query.limit, req.query.offset)),
    );
  };
