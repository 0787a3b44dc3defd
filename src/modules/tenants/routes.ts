import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { tenantOf } from '../../platform/auth/guard.js';
import type { AppContext } from '../../platform/context.js';
import { Envelope, ok } from '../../platform/http/envelope.js';
import { PageQuery, Pagination, pagination } from '../../platform/http/pagination.js';
import { ApiKey } from '../api-keys/schemas.js';
import { CreateTenantBody, Tenant, UpdateTenantBody } from './schemas.js';
import { tenantsService } from './service.js';

const tags = ['Tenants'];
const Created = Type.Object({
  tenant: Tenant,
  owner: Type.Union([Type.Object({ id: Type.String(), email: Type.String() }), Type.Null()]),
  api_key: ApiKey,
  key: Type.String({ description: 'The first API key (role owner); shown only once' }),
});

export const tenantRoutes =
  (ctx: AppContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const tenants = tenantsService(ctx);

    app.post(
      '/api/tenants',
      {
        schema: {
          tags,
          summary: 'Create a tenant, its owner and a first API key (platform admin)',
          body: CreateTenantBody,
          response: { 201: Envelope(Created) },
        },
        config: { auth: 'admin' },
      },
      async (req, reply) => {
        const { name, plan, owner_email, owner_password, owner_name } = req.body;
        const owner = owner_email ? { email: owner_email, password: owner_password, name: owner_name } : undefined;
        return reply.status(201).send(ok(req, await tenants.create({ name, plan, owner })));
      },
    );

    app.get(
      '/api/tenants',
      {
        schema: {
          tags,
          summary: 'List tenants (platform admin)',
          querystring: Type.Object(PageQuery),
          response: { 200: Envelope(Type.Object({ tenants: Type.Array(Tenant), pagination: Pagination })) },
        },
        config: { auth: 'admin' },
      },
      async (req) => {
        const { page, limit } = req.query;
        const { items, total } = await tenants.list(limit, (page - 1) * limit);
        return ok(req, { tenants: items, pagination: pagination(page, limit, total) });
      },
    );

    app.get(
      '/api/tenants/current',
      {
        schema: {
          tags,
          summary: "The calling credential's tenant",
          response: { 200: Envelope(Type.Object({ tenant: Tenant })) },
        },
      },
      async (req) => ok(req, { tenant: await tenants.get(tenantOf(req)) }),
    );

    app.patch(
      '/api/tenants/:id',
      {
        schema: {
          tags,
          summary: "Change a tenant's plan, status or rate limit (platform admin)",
          params: Type.Object({ id: Type.String() }),
          body: UpdateTenantBody,
          response: { 200: Envelope(Type.Object({ tenant: Tenant })) },
        },
        config: { auth: 'admin' },
      },
      async (req) => ok(req, { tenant: await tenants.update(req.params.id, req.body) }),
    );
  };
