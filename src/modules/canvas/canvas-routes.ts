import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { tenantOf } from '../../platform/auth/guard.js';
import type { AppContext } from '../../platform/context.js';
import { canvasesService, canvasView } from './canvases.js';
import { Canvas, CreateCanvasBody, ExecutionBody } from './schemas.js';

const tags = ['Canvases'];
const S = Type.Boolean();
const Id = Type.Object({ id: Type.String({ maxLength: 100 }) });

/** Canvases as tenant objects, and recording an agent's run of one. */
export const canvasRoutes =
  (ctx: AppContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const canvases = canvasesService(ctx);

    app.post(
      '/api/canvases',
      {
        schema: { tags, body: CreateCanvasBody, response: { 201: Type.Object({ success: S, canvas: Canvas }) } },
        config: { permission: 'AGENT_MANAGE' },
      },
      async (req, reply) => {
        const c = await canvases.create(tenantOf(req), req.principal!.userId, req.body);
        return reply.status(201).send({ success: true, canvas: canvasView(c, []) });
      },
    );

    app.get(
      '/api/canvases',
      {
        schema: {
          tags,
          querystring: Type.Object({
            limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
            offset: Type.Integer({ minimum: 0, default: 0 }),
          }),
          response: {
            200: Type.Object({
              canvases: Type.Array(
                Type.Object({
                  id: Type.String(),
                  name: Type.String(),
                  description: Type.String(),
                  created_at: Type.String(),
                  updated_at: Type.String(),
                }),
              ),
              total: Type.Integer(),
              limit: Type.Integer(),
              offset: Type.Integer(),
              has_more: S,
            }),
          },
        },
        config: { permission: 'AGENT_VIEW' },
      },
      async (req) => {
        const { limit, offset } = req.query;
        const { rows, total } = await canvases.list(tenantOf(req), limit, offset);
        const canvasesOut = rows.map((c) => ({
          id: c.id,
          name: c.name,
          description: c.description,
          created_at: new Date(c.created_at).toISOString(),
          updated_at: new Date(c.updated_at).toISOString(),
        }));
        return { canvases: canvasesOut, total, limit, offset, has_more: offset + rows.length < total };
      },
    );

    app.get(
      '/api/canvases/:id',
      {
        schema: { tags, params: Id, response: { 200: Type.Object({ success: S, canvas: Canvas }) } },
        config: { permission: 'AGENT_VIEW' },
      },
      async (req) => {
        const { canvas, installed } = await canvases.load(tenantOf(req), req.params.id);
        return { success: true, canvas: canvasView(canvas, installed) };
      },
    );

    app.post(
      '/api/canvases/:id/executions',
      {
        schema: {
          tags,
          summary: "Record an agent's run of this canvas: an execution (source canvas) and the agent's episode",
          params: Id,
          body: ExecutionBody,
          response: {
            201: Type.Object({
              success: S,
              execution_id: Type.String(),
              episode_id: Type.String(),
              canvas_id: Type.String(),
              agent_id: Type.String(),
              status: Type.String(),
              components_used: Type.Array(Type.String()),
            }),
          },
        },
        config: { permission: 'AGENT_EXECUTE' },
      },
      async (req, reply) => {
        const { execution, episodeId } = await canvases.recordExecution(
          tenantOf(req),
          req.principal!.userId,
          req.params.id,
          req.body,
        );
        return reply.status(201).send({
          success: true,
          execution_id: execution.id,
          episode_id: episodeId,
          canvas_id: req.params.id,
          agent_id: execution.agent_id,
          status: execution.status,
          components_used: execution.tools_used,
        });
      },
    );
  };
