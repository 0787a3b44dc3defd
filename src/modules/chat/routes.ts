import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { tenantOf } from '../../platform/auth/guard.js';
import type { AppContext } from '../../platform/context.js';
import { Envelope, ok } from '../../platform/http/envelope.js';
import { OffsetQuery, Pagination, pagination } from '../../platform/http/pagination.js';
import { chatService } from './service.js';
import { endAllStreams, streamSession } from './stream.js';

const tags = ['Chat'];
const Time = Type.String({ format: 'date-time' });
const Session = Type.Object({
  id: Type.String(),
  agent_id: Type.String(),
  title: Type.Union([Type.String(), Type.Null()]),
  created_at: Time,
  updated_at: Time,
});
const Event = Type.Object({
  seq: Type.Integer(),
  type: Type.String(),
  execution_id: Type.Union([Type.String(), Type.Null()]),
  data: Type.Record(Type.String(), Type.Unknown()),
  created_at: Time,
});
const IdParams = Type.Object({ id: Type.String() });

export const chatRoutes =
  (ctx: AppContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const chat = chatService(ctx);
    app.addHook('preClose', async () => endAllStreams(ctx));

    app.get(
      '/api/sessions',
      {
        schema: {
          tags,
          summary: 'Chat sessions, most recently active first',
          querystring: Type.Object({
            page: Type.Integer({ minimum: 1, default: 1 }),
            limit: OffsetQuery.limit,
            agent_id: Type.Optional(Type.String()),
          }),
          response: { 200: Envelope(Type.Object({ sessions: Type.Array(Session), pagination: Pagination })) },
        },
        config: { permission: 'AGENT_VIEW' },
      },
      async (req) => {
        const { page, limit, agent_id } = req.query;
        const { items, total } = await chat.list(tenantOf(req), {
          agentId: agent_id,
          limit,
          offset: (page - 1) * limit,
        });
        return ok(req, { sessions: items, pagination: pagination(page, limit, total) });
      },
    );

    app.post(
      '/api/sessions',
      {
        schema: {
          tags,
          summary: 'Start a chat session with an agent',
          body: Type.Object(
            { agent_id: Type.String(), title: Type.Optional(Type.String({ maxLength: 200 })) },
            { additionalProperties: false },
          ),
          response: { 201: Envelope(Type.Object({ session: Session })) },
        },
        config: { permission: 'AGENT_EXECUTE' },
      },
      async (req, reply) =>
        reply
          .status(201)
          .send(ok(req, { session: await chat.createSession(tenantOf(req), req.principal!.userId, req.body) })),
    );

    app.get(
      '/api/sessions/:id',
      {
        schema: {
          tags,
          summary: 'A session with its messages',
          params: IdParams,
          response: { 200: Envelope(Type.Object({ session: Session, messages: Type.Array(Event) })) },
        },
        config: { permission: 'AGENT_VIEW' },
      },
      async (req) => ok(req, await chat.get(tenantOf(req), req.params.id)),
    );

    app.delete(
      '/api/sessions/:id',
      {
        schema: {
          tags,
          summary: 'Delete a session and its messages',
          params: IdParams,
          response: { 200: Envelope(Type.Object({ deleted: Type.Boolean(), session_id: Type.String() })) },
        },
        config: { permission: 'AGENT_EXECUTE' },
      },
      async (req) => {
        await chat.remove(tenantOf(req), req.params.id);
        return ok(req, { deleted: true, session_id: req.params.id });
      },
    );

    app.post(
      '/api/chat',
      {
        schema: {
          tags,
          summary: "Send a message to the session's agent (runs through the execution runtime and governance)",
          body: Type.Object(
            {
              session_id: Type.Optional(Type.String()),
              agent_id: Type.Optional(Type.String()),
              message: Type.String({ minLength: 1, maxLength: 10_000 }),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Envelope(
              Type.Object({
                session_id: Type.String(),
                execution_id: Type.String(),
                status: Type.String(),
                message: Type.Union([Event, Type.Null()]),
                poll_url: Type.String(),
              }),
            ),
          },
        },
        config: { permission: 'AGENT_EXECUTE' },
      },
      async (req) => ok(req, await chat.send(tenantOf(req), req.principal!.userId, req.body)),
    );

    app.get(
      '/api/chat/stream',
      {
        schema: {
          tags,
          summary:
            'Server-Sent Events for a session: message, step, token, status, error; resumable with Last-Event-ID',
          querystring: Type.Object({
            session_id: Type.String(),
            last_event_id: Type.Optional(Type.Integer({ minimum: 0 })),
          }),
        },
        config: { permission: 'AGENT_VIEW' },
      },
      async (req, reply) => {
        const header = Number(req.headers['last-event-id']);
        await streamSession(
          ctx,
          req,
          reply,
          tenantOf(req),
          req.query.session_id,
          Number.isFinite(header) && header > 0 ? header : (req.query.last_event_id ?? 0),
        );
      },
    );
  };
