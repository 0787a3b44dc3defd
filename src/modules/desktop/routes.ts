import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { tenantOf } from '../../platform/auth/guard.js';
import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { Envelope, ok } from '../../platform/http/envelope.js';
import { Action, ActionBody, Device, DockerBody, RegisterBody, ResultBody, TerminalBody } from './schemas.js';
import { desktopService } from './service.js';

const tags = ['Desktop relay'];
const Queued = { 202: Envelope(Type.Object({ action: Action })) };
const IdParams = Type.Object({ id: Type.String() });
const deviceToken = (h: Record<string, unknown>) =>
  typeof h['x-device-token'] === 'string' ? (h['x-device-token'] as string) : undefined;

export const desktopRoutes =
  (ctx: AppContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const desktop = desktopService(ctx);

    app.post(
      '/api/desktop/devices',
      {
        schema: {
          tags,
          summary: 'Register a desktop companion; its token is shown once',
          body: RegisterBody,
          response: { 201: Envelope(Type.Object({ device: Device, device_token: Type.String() })) },
        },
        config: { permission: 'INTEGRATION_MANAGE' },
      },
      async (req, reply) =>
        reply.status(201).send(ok(req, await desktop.register(tenantOf(req), req.principal!.userId, req.body))),
    );

    app.delete(
      '/api/desktop/devices/:id',
      {
        schema: {
          tags,
          summary: 'Revoke a companion device',
          params: IdParams,
          response: { 200: Envelope(Type.Object({ revoked: Type.Boolean(), device_id: Type.String() })) },
        },
        config: { permission: 'INTEGRATION_MANAGE' },
      },
      async (req) => {
        await desktop.revoke(tenantOf(req), req.params.id);
        return ok(req, { revoked: true, device_id: req.params.id });
      },
    );

    app.get(
      '/api/desktop/status',
      {
        schema: {
          tags,
          summary: 'Registered devices, whether they are online, and queued work',
          response: {
            200: Envelope(
              Type.Object({
                relay: Type.Boolean(),
                executes_on_server: Type.Boolean(),
                online: Type.Boolean(),
                devices: Type.Array(Device),
                actions: Type.Record(Type.String(), Type.Integer()),
              }),
            ),
          },
        },
        config: { permission: 'AGENT_VIEW' },
      },
      async (req) => ok(req, await desktop.status(tenantOf(req))),
    );

    app.post(
      '/api/desktop/actions',
      {
        schema: {
          tags,
          summary: 'Queue a desktop action for a device (never run on the server)',
          body: ActionBody,
          response: Queued,
        },
        config: { permission: 'AGENT_EXECUTE' },
      },
      async (req, reply) => {
        const { device_id, action, params } = req.body;
        return reply.status(202).send(
          ok(req, {
            action: await desktop.enqueue(tenantOf(req), req.principal!.userId, device_id, 'action', {
              action,
              params: params ?? {},
            }),
          }),
        );
      },
    );

    app.post(
      '/api/desktop/terminal',
      {
        schema: {
          tags,
          summary: 'Queue a terminal command for a device (never run on the server)',
          body: TerminalBody,
          response: Queued,
        },
        config: { permission: 'INTEGRATION_MANAGE' },
      },
      async (req, reply) => {
        const { device_id, ...payload } = req.body;
        return reply.status(202).send(
          ok(req, {
            action: await desktop.enqueue(tenantOf(req), req.principal!.userId, device_id, 'terminal', payload),
          }),
        );
      },
    );

    app.post(
      '/api/desktop/docker',
      {
        schema: {
          tags,
          summary: 'Queue a Docker operation for a device (never run on the server)',
          body: DockerBody,
          response: Queued,
        },
        config: { permission: 'INTEGRATION_MANAGE' },
      },
      async (req, reply) => {
        const { device_id, ...payload } = req.body;
        if (payload.operation !== 'list' && !payload.container)
          throw new AppError('MISSING_REQUIRED_FIELD', `container is required for ${payload.operation}`, {
            field: 'container',
          });
        return reply.status(202).send(
          ok(req, {
            action: await desktop.enqueue(tenantOf(req), req.principal!.userId, device_id, 'docker', payload),
          }),
        );
      },
    );

    app.get(
      '/api/desktop/actions/:id',
      {
        schema: {
          tags,
          summary: "A queued action's status and the device's result",
          params: IdParams,
          response: { 200: Envelope(Type.Object({ action: Action })) },
        },
        config: { permission: 'AGENT_VIEW' },
      },
      async (req) => ok(req, { action: await desktop.getAction(tenantOf(req), req.params.id) }),
    );

    // The companion's side, authenticated by its X-Device-Token.
    app.get(
      '/api/desktop/device/actions',
      {
        schema: {
          tags,
          summary: 'Companion: take queued work (X-Device-Token)',
          querystring: Type.Object({ max: Type.Integer({ minimum: 1, maximum: 50, default: 10 }) }),
          response: { 200: Envelope(Type.Object({ device_id: Type.String(), actions: Type.Array(Action) })) },
        },
        config: { auth: 'public' },
      },
      async (req) => ok(req, await desktop.pull(deviceToken(req.headers), req.query.max)),
    );

    app.post(
      '/api/desktop/device/actions/:id/result',
      {
        schema: {
          tags,
          summary: 'Companion: report the result of delivered work (X-Device-Token)',
          params: IdParams,
          body: ResultBody,
          response: { 200: Envelope(Type.Object({ action: Action })) },
        },
        config: { auth: 'public' },
      },
      async (req) => ok(req, { action: await desktop.report(deviceToken(req.headers), req.params.id, req.body) }),
    );
  };
