import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { tenantOf } from '../../platform/auth/guard.js';
import type { AppContext } from '../../platform/context.js';
import { Envelope, ok } from '../../platform/http/envelope.js';
import { CallbackQuery, ConfigBody, Connect, ConnectBody, Integration, ProviderParams } from './schemas.js';
import { integrationsService } from './service.js';

const tags = ['Integrations'];
const one = { 200: Envelope(Type.Object({ integration: Integration })) };

export const integrationRoutes =
  (ctx: AppContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const integrations = integrationsService(ctx);

    app.get(
      '/api/integrations',
      {
        schema: {
          tags,
          summary: "All supported providers and this tenant's connection to each",
          response: { 200: Envelope(Type.Object({ integrations: Type.Array(Integration) })) },
        },
        config: { permission: 'AGENT_VIEW' },
      },
      async (req) => ok(req, { integrations: await integrations.list(tenantOf(req)) }),
    );

    app.get(
      '/api/integrations/:provider',
      {
        schema: {
          tags,
          summary: "One integration's connection state (never its tokens)",
          params: ProviderParams,
          response: one,
        },
        config: { permission: 'AGENT_VIEW' },
      },
      async (req) => ok(req, { integration: await integrations.get(tenantOf(req), req.params.provider) }),
    );

    app.get(
      '/api/integrations/:provider/status',
      {
        schema: {
          tags,
          summary: 'Connection status',
          params: ProviderParams,
          response: {
            200: Envelope(
              Type.Object({
                provider: Type.String(),
                status: Type.String(),
                connected: Type.Boolean(),
                expires_at: Type.Union([Type.String(), Type.Null()]),
              }),
            ),
          },
        },
        config: { permission: 'AGENT_VIEW' },
      },
      async (req) => {
        const i = await integrations.get(tenantOf(req), req.params.provider);
        return ok(req, { provider: i.provider, status: i.status, connected: i.connected, expires_at: i.expires_at });
      },
    );

    app.post(
      '/api/integrations/:provider/connect',
      {
        schema: {
          tags,
          summary: 'Start the OAuth 2.0 authorization-code flow with PKCE (S256)',
          params: ProviderParams,
          body: ConnectBody,
          response: { 200: Envelope(Connect) },
        },
        config: { permission: 'INTEGRATION_MANAGE' },
      },
      async (req) =>
        ok(req, await integrations.connect(tenantOf(req), req.principal!.userId, req.params.provider, req.body)),
    );

    app.get(
      '/api/integrations/:provider/callback',
      {
        schema: {
          tags,
          summary: 'OAuth redirect target: exchanges the code (the single-use state identifies the tenant)',
          params: ProviderParams,
          querystring: CallbackQuery,
          response: one,
        },
        config: { auth: 'optional', write: false },
      },
      async (req, reply) => {
        const done = await integrations.callback(req.params.provider, req.query);
        if (done.returnTo)
          return reply.redirect(
            `${done.returnTo}${done.returnTo.includes('?') ? '&' : '?'}` +
              `integration=${done.integration.provider}&status=connected`,
          );
        return ok(req, { integration: done.integration });
      },
    );

    app.post(
      '/api/integrations/:provider/disconnect',
      {
        schema: {
          tags,
          summary: 'Forget the tokens (and revoke them at the provider where it allows)',
          params: ProviderParams,
          response: {
            200: Envelope(
              Type.Object({
                provider: Type.String(),
                disconnected: Type.Boolean(),
                revoked_at_provider: Type.Boolean(),
              }),
            ),
          },
        },
        config: { permission: 'INTEGRATION_MANAGE' },
      },
      async (req) => ok(req, await integrations.disconnect(tenantOf(req), req.params.provider)),
    );

    app.post(
      '/api/integrations/:provider/test',
      {
        schema: {
          tags,
          summary: 'Call the provider with the stored token (refreshing it when needed)',
          params: ProviderParams,
          response: {
            200: Envelope(
              Type.Object({
                provider: Type.String(),
                ok: Type.Boolean(),
                status_code: Type.Integer(),
                refreshed: Type.Boolean(),
              }),
            ),
          },
        },
        config: { permission: 'INTEGRATION_MANAGE' },
      },
      async (req) => ok(req, await integrations.test(tenantOf(req), req.params.provider)),
    );

    app.get(
      '/api/integrations/:provider/config',
      {
        schema: {
          tags,
          summary: 'get_integration_config: settings and token metadata (tokens are never returned)',
          params: ProviderParams,
          response: one,
        },
        config: { permission: 'AGENT_VIEW' },
      },
      async (req) => ok(req, { integration: await integrations.getConfig(tenantOf(req), req.params.provider) }),
    );

    app.put(
      '/api/integrations/:provider/config',
      {
        schema: {
          tags,
          summary: 'set_integration_config: settings, or tokens from a client-side OAuth flow (stored encrypted)',
          params: ProviderParams,
          body: ConfigBody,
          response: one,
        },
        config: { permission: 'INTEGRATION_MANAGE' },
      },
      async (req) =>
        ok(req, {
          integration: await integrations.setConfig(
            tenantOf(req),
            req.principal!.userId,
            req.params.provider,
            req.body,
          ),
        }),
    );
  };
