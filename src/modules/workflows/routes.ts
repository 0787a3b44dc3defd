import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { tenantOf } from '../../platform/auth/guard.js';
import type { AppContext } from '../../platform/context.js';
import { OffsetQuery } from '../../platform/http/pagination.js';
import { StringEnum } from '../../platform/http/schema.js';
import { NODE_TYPES } from './graph.js';
import { STEP_TYPES } from './node-kinds.js';
import { CreateWorkflowBody, UpdateWorkflowBody, WorkflowView } from './schemas.js';
import { type Workflow, workflowsService } from './service.js';
import { activationService, webhookPath } from './triggers/activation.js';

const tags = ['Workflows'];
const Id = Type.Object({ id: Type.String({ maxLength: 200 }) });
const S = Type.Boolean();
const One = Type.Object({ success: S, workflow: WorkflowView });

const view = (w: Workflow) => {
  const { document_name: _omit, ...rest } = w;
  return rest;
};

/** A workflow as the API shows it: with its webhook URL when active, and its schedules when asked. */
export async function workflowView(ctx: AppContext, tenantId: string, w: Workflow, withSchedules = false) {
  const activation = activationService(ctx);
  const t = withSchedules ? await activation.triggers(tenantId, w) : null;
  return {
    ...view(w),
    webhook_url: w.active ? `${ctx.config.publicUrl}${webhookPath(w.id)}` : null,
    ...(t ? { schedules: t.schedules } : {}),
  };
}

/** The tenant's workflows: created here, from a template, or from an imported file. */
export const workflowRoutes =
  (ctx: AppContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const workflows = workflowsService(ctx);

    app.get(
      '/api/workflows',
      {
        schema: {
          tags,
          querystring: Type.Object({
            ...OffsetQuery,
            source: Type.Optional(StringEnum(['api', 'template', 'file'] as const)),
            template_id: Type.Optional(Type.String({ maxLength: 200 })),
          }),
          response: {
            200: Type.Object({
              success: S,
              workflows: Type.Array(WorkflowView),
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
        const q = req.query;
        const { items, total } = await workflows.list(tenantOf(req), q);
        return {
          success: true,
          workflows: await Promise.all(items.map((w) => workflowView(ctx, tenantOf(req), w))),
          total,
          limit: q.limit,
          offset: q.offset,
          has_more: q.offset + items.length < total,
        };
      },
    );

    app.get(
      '/api/workflows/node-types',
      {
        schema: {
          tags,
          summary: 'The node types a workflow may use, and the block each template step_type runs as',
          response: {
            200: Type.Object({
              node_types: Type.Array(Type.String()),
              step_types: Type.Record(Type.String(), Type.String()),
            }),
          },
        },
        config: { auth: 'optional' },
      },
      async () => ({ node_types: [...NODE_TYPES], step_types: { ...STEP_TYPES } }),
    );

    app.post(
      '/api/workflows',
      {
        schema: { tags, body: CreateWorkflowBody, response: { 201: One } },
        config: { permission: 'AGENT_MANAGE' },
      },
      async (req, reply) => {
        const b = req.body;
        const w = await workflows.create(tenantOf(req), {
          name: b.name,
          description: b.description ?? '',
          category: b.category ?? null,
          nodes: b.nodes,
          edges: b.edges,
          version: '1.0.0',
          source: 'api',
          template_id: null,
          document_name: null,
          input_schema: null,
          steps: null,
          user_inputs: null,
        });
        return reply.status(201).send({ success: true, workflow: await workflowView(ctx, tenantOf(req), w) });
      },
    );

    app.get(
      '/api/workflows/:id',
      {
        schema: { tags, params: Id, response: { 200: One } },
        config: { permission: 'AGENT_VIEW' },
      },
      async (req) => ({
        success: true,
        workflow: await workflowView(ctx, tenantOf(req), await workflows.get(tenantOf(req), req.params.id), true),
      }),
    );

    app.put(
      '/api/workflows/:id',
      {
        schema: { tags, params: Id, body: UpdateWorkflowBody, response: { 200: One } },
        config: { permission: 'AGENT_MANAGE' },
      },
      async (req) => ({
        success: true,
        workflow: await workflowView(
          ctx,
          tenantOf(req),
          await workflows.update(tenantOf(req), req.params.id, req.body),
          true,
        ),
      }),
    );

    app.delete(
      '/api/workflows/:id',
      {
        schema: { tags, params: Id, response: { 200: Type.Object({ success: S, message: Type.String() }) } },
        config: { permission: 'AGENT_MANAGE' },
      },
      async (req) => {
        await workflows.remove(tenantOf(req), req.params.id);
        return { success: true, message: `Workflow ${req.params.id} deleted` };
      },
    );
  };
