import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { tenantOf } from '../../platform/auth/guard.js';
import type { AppContext } from '../../platform/context.js';
import { Envelope, ok } from '../../platform/http/envelope.js';
import { PageQuery, Pagination, pagination } from '../../platform/http/pagination.js';
import { ApiKey, CreateApiKeyBody, IssuedKey } from './schemas.js';
import { apiKeysService } from './service.js';

const tags = ['API keys'];

export const apiKeyRoutes =
  (ctx: AppContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const keys = apiKeysService(ctx);

    app.post(
      '/api/api-keys',
      {
        schema: {
          tags,
          summary: 'Create an API key (the secret is shown once)',
          body: CreateApiKeyBody,
          response: { 201: Envelope(IssuedKey) },
        },
        config: { permission: 'API_KEY_MANAGE' },
      },
      async (req, reply) => {
        const p = req.principal!;
        const issued = await keys.create(tenantOf(req), { userId: p.userId, role: p.role! }, req.body);
        return reply.status(201).send(ok(req, issued));
      },
    );

    app.get(
      '/api/api-keys',
      {
        schema: {
          tags,
          summary: 'List API keys (prefix only)',
          querystring: Type.Object(PageQuery),
          response: { 200: Envelope(Type.Object({ api_keys: Type.Array(ApiKey), pagination: Pagination })) },
        },
        config: { permission: 'API_KEY_MANAGE' },
      },
      async (req) => {
        const { page, limit } = req.query;
        const { items, total } = await keys.list(tenantOf(req), limit, (page - 1) * limit);
        return ok(req, { api_keys: items, pagination: pagination(page, limit, total) });
      },
    );

    app.delete(
      '/api/api-keys/:id',
      {
        schema: {
          tags,
          summary: 'Revoke an API key',
          params: Type.Object({ id: Type.String() }),
          response: { 200: Envelope(Type.Object({ api_key: ApiKey })) },
        },
        config: { permission: 'API_KEY_MANAGE' },
      },
      async (req) => ok(req, { api_key: await keys.revoke(tenantOf(req), req.params.id) }),
    );
  };
