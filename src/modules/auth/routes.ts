import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../platform/context.js';
import { safeEqual } from '../../platform/crypto.js';
import { AppError } from '../../platform/errors.js';
import { Envelope, ok } from '../../platform/http/envelope.js';
import { LoginBody, Me, Session, SignupBody, SwitchBody } from './schemas.js';
import { authService } from './service.js';

const tags = ['Auth'];

export const authRoutes =
  (ctx: AppContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const auth = authService(ctx);

    app.post(
      '/api/auth/signup',
      {
        schema: {
          tags,
          summary: 'Sign up: a new user owning a new tenant (free plan)',
          body: SignupBody,
          response: { 201: Envelope(Session) },
        },
        config: { auth: 'optional', write: false },
      },
      async (req, reply) => reply.status(201).send(ok(req, await auth.signup(req.body))),
    );

    app.post(
      '/api/auth/login',
      {
        schema: {
          tags,
          summary: 'Log in with email and password; returns a bearer JWT',
          body: LoginBody,
          response: { 200: Envelope(Session) },
        },
        config: { auth: 'optional', write: false },
      },
      async (req) => ok(req, await auth.login(req.body)),
    );

    app.get(
      '/api/auth/me',
      {
        schema: { tags, summary: 'Who the credential is', response: { 200: Envelope(Me) } },
      },
      async (req) => {
        const p = req.principal!;
        return ok(req, {
          kind: p.kind,
          tenant_id: p.tenantId,
          user_id: p.userId,
          key_id: p.keyId,
          role: p.role,
          scope: p.scope,
          plan: p.tenant?.plan ?? null,
          permissions: [...p.permissions],
        });
      },
    );

    app.post(
      '/api/auth/switch-tenant',
      {
        schema: {
          tags,
          summary: "Exchange a user token for one on another of the user's tenants",
          body: SwitchBody,
          response: { 200: Envelope(Session) },
        },
        config: { write: false },
      },
      async (req) => {
        const p = req.principal!;
        if (p.kind !== 'user' || !p.userId)
          throw new AppError(
            'FORBIDDEN',
            'Only a signed-in user (bearer token) can switch tenants; an API key belongs to one tenant',
          );
        return ok(req, await auth.switchTenant(p.userId, req.body.tenant_id));
      },
    );

    if (ctx.config.testSecret) {
      const secret = ctx.config.testSecret;
      app.post(
        '/api/test/auth/login',
        {
          schema: {
            tags,
            summary: 'Test mode login (X-Test-Secret); only when ATOM_TEST_SECRET is set',
            body: LoginBody,
            response: { 200: Envelope(Session) },
          },
          config: { auth: 'optional', write: false },
        },
        async (req) => {
          const given = req.headers['x-test-secret'];
          if (typeof given !== 'string' || !safeEqual(given, secret))
            throw new AppError('UNAUTHORIZED', 'Invalid or missing X-Test-Secret');
          return ok(req, await auth.testLogin(req.body));
        },
      );
    }
  };
