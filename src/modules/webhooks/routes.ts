import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { tenantOf } from '../../platform/auth/guard.js';
import type { AppContext } from '../../platform/context.js';
import { Envelope, ok } from '../../platform/http/envelope.js';
import { PageQuery, Pagination, pagination } from '../../platform/http/pagination.js';
import { Attempt, CreateWebhookBody, Delivery, UpdateWebhookBody, Webhook } from './schemas.js';
import { webhooksService } from './service.js';

const tags = ['Webhooks'];
const IdParams = Type.Object({ id: Type.String() });
const WithSecret = Envelope(
  Type.Object({ webhook: Webhook, secret: Type.String({ description: 'The signing secret; shown only now' }) }),
);
const config = { permission: 'WEBHOOK_MANAGE' as const };

export const webhookRoutes =
  (ctx: AppContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const webhooks = webhooksService(ctx);

    app.post(
      '/api/webhooks',
      {
        schema: {
          tags,
          summary: 'Subscribe a URL to events (signed deliveries)',
          body: CreateWebhookBody,
          response: { 201: WithSecret },
        },
        config,
      },
      async (req, reply) =>
        reply.status(201).send(ok(req, await webhooks.create(tenantOf(req), req.principal!.userId, req.body))),
    );

    app.get(
      '/api/webhooks',
      {
        schema: {
          tags,
          summary: 'List webhooks',
          querystring: Type.Object(PageQuery),
          response: { 200: Envelope(Type.Object({ webhooks: Type.Array(Webhook), pagination: Pagination })) },
        },
        config,
      },
      async (req) => {
        const { page, limit } = req.query;
        const { items, total } = await webhooks.list(tenantOf(req), limit, (page - 1) * limit);
        return ok(req, { webhooks: items, pagination: pagination(page, limit, total) });
      },
    );

    app.get(
      '/api/webhooks/:id',
      {
        schema: {
          tags,
          summary: 'One webhook (never its secret)',
          params: IdParams,
          response: { 200: Envelope(Type.Object({ webhook: Webhook })) },
        },
        config,
      },
      async (req) => ok(req, { webhook: await webhooks.get(tenantOf(req), req.params.id) }),
    );

    app.patch(
      '/api/webhooks/:id',
      {
        schema: {
          tags,
          summary: 'Change URL, events, description, or re-enable a disabled webhook',
          params: IdParams,
          body: UpdateWebhookBody,
          response: { 200: Envelope(Type.Object({ webhook: Webhook })) },
        },
        config,
      },
      async (req) => ok(req, { webhook: await webhooks.update(tenantOf(req), req.params.id, req.body) }),
    );

    app.delete(
      '/api/webhooks/:id',
      {
        schema: {
          tags,
          summary: 'Delete a webhook and its delivery log',
          params: IdParams,
          response: { 200: Envelope(Type.Object({ deleted: Type.Boolean(), webhook_id: Type.String() })) },
        },
        config,
      },
      async (req) => {
        await webhooks.remove(tenantOf(req), req.params.id);
        return ok(req, { deleted: true, webhook_id: req.params.id });
      },
    );

    app.post(
      '/api/webhooks/:id/rotate-secret',
      {
        schema: {
          tags,
          summary: 'New secret (shown once); the old one also signs for 24 h',
          params: IdParams,
          response: { 200: WithSecret },
        },
        config,
      },
      async (req) => ok(req, await webhooks.rotate(tenantOf(req), req.params.id)),
    );

    app.post(
      '/api/webhooks/:id/test',
      {
        schema: {
          tags,
          summary: 'Send a webhook.test event now and report the answer',
          params: IdParams,
          response: { 200: Envelope(Attempt) },
        },
        config,
      },
      async (req) => ok(req, await webhooks.ping(tenantOf(req), req.params.id)),
    );

    app.get(
      '/api/webhooks/:id/deliveries',
      {
        schema: {
          tags,
          summary: 'Delivery log, newest first',
          params: IdParams,
          querystring: Type.Object({
            ...PageQuery,
            status: Type.Optional(
              Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')]),
            ),
          }),
          response: { 200: Envelope(Type.Object({ deliveries: Type.Array(Delivery), pagination: Pagination })) },
        },
        config,
      },
      async (req) => {
        const { page, limit, status } = req.query;
        const { items, total } = await webhooks.deliveries(tenantOf(req), req.params.id, {
          status,
          limit,
          offset: (page - 1) * limit,
        });
        return ok(req, { deliveries: items, pagination: pagination(page, limit, total) });
      },
    );

    app.post(
      '/api/webhooks/:id/deliveries/:delivery_id/redeliver',
      {
        schema: {
          tags,
          summary: 'Send a finished delivery again (same webhook-id)',
          params: Type.Object({ id: Type.String(), delivery_id: Type.String() }),
          response: { 200: Envelope(Attempt) },
        },
        config,
      },
      async (req) => ok(req, await webhooks.redeliver(tenantOf(req), req.params.id, req.params.delivery_id)),
    );
  };
