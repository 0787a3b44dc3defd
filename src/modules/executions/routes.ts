import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { tenantOf } from '../../platform/auth/guard.js';
import type { AppContext } from '../../platform/context.js';
import { Envelope, ok } from '../../platform/http/envelope.js';
import { OffsetQuery, Pagination, pagination } from '../../platform/http/pagination.js';
import { endAllStreams } from '../../platform/http/sse.js';
import { JournalStep } from './journal/view.js';
import { runnerFor } from './runtime/shared.js';
import { ExecParams, ExecuteBody, Execution } from './schemas.js';
import { executionsService } from './service.js';
import { streamExecution } from './stream.js';

const tags = ['Executions'];
const AgentParams = Type.Object({ id: Type.String() });

export const executionRoutes =
  (ctx: AppContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const runner = runnerFor(ctx);
    const executions = executionsService(ctx, runner);
    app.addHook('onClose', () => runner.shutdown());
    app.addHook('preClose', async () => endAllStreams(ctx));

    app.post(
      '/api/agents/:id/execute',
      {
        schema: {
          tags,
          summary: 'Execute a task: answered at once when quick (200), else in_progress with a poll_url (202)',
          params: AgentParams,
          body: ExecuteBody,
          response: { 200: Envelope(Execution), 202: Envelope(Execution) },
        },
        config: { permission: 'AGENT_EXECUTE' },
      },
      async (req, reply) => {
        const { view, finished } = await executions.execute(
          tenantOf(req),
          req.principal!.userId,
          req.params.id,
          req.body,
        );
        if (finished) return ok(req, view);
        const message = view.awaiting_approval
          ? 'Waiting for a human approval (GOVERNANCE_APPROVE)'
          : 'Task is being processed';
        return reply
          .status(202)
          .send(ok(req, { ...view, status: view.awaiting_approval ? view.status : ('in_progress' as const), message }));
      },
    );

    app.get(
      '/api/agents/:id/executions',
      {
        schema: {
          tags,
          summary: "An agent's executions, newest first",
          params: AgentParams,
          querystring: Type.Object({
            page: Type.Integer({ minimum: 1, default: 1 }),
            limit: OffsetQuery.limit,
            status: Type.Optional(Type.String()),
          }),
          response: { 200: Envelope(Type.Object({ executions: Type.Array(Execution), pagination: Pagination })) },
        },
        config: { permission: 'AGENT_VIEW' },
      },
      async (req) => {
        const { page, limit, status } = req.query;
        const { items, total } = await executions.list(tenantOf(req), req.params.id, {
          status,
          limit,
          offset: (page - 1) * limit,
        });
        return ok(req, { executions: items, pagination: pagination(page, limit, total) });
      },
    );

    app.get(
      '/api/agents/:id/executions/:execution_id',
      {
        schema: {
          tags,
          summary: 'Execution status, progress and result',
          params: ExecParams,
          response: { 200: Envelope(Execution) },
        },
        config: { permission: 'AGENT_VIEW' },
      },
      async (req) => ok(req, await executions.get(tenantOf(req), req.params.id, req.params.execution_id)),
    );

    app.get(
      '/api/agents/:id/executions/:execution_id/stream',
      {
        schema: {
          tags,
          summary:
            'Live progress as Server-Sent Events: step (each reasoning step), progress, then done (the whole ' +
            'execution)',
          params: ExecParams,
          querystring: Type.Object({
            last_event_id: Type.Optional(
              Type.Integer({ minimum: 0, description: 'Resume after this step (or send Last-Event-ID)' }),
            ),
          }),
          produces: ['text/event-stream'],
        },
        config: { permission: 'AGENT_VIEW' },
      },
      async (req, reply) => {
        const header = Number(req.headers['last-event-id']);
        const lastStep = Number.isInteger(header) && header >= 0 ? header : (req.query.last_event_id ?? 0);
        await streamExecution(
          ctx,
          executions,
          req,
          reply,
          { tenantId: tenantOf(req), agentId: req.params.id, executionId: req.params.execution_id },
          lastStep,
        );
      },
    );

    app.get(
      '/api/agents/:id/executions/:execution_id/journal',
      {
        schema: {
          tags,
          params: ExecParams,
          summary:
            'The durable journal of a run: each model turn and tool call, written before it acted and when it finished',
          querystring: Type.Object({
            after_step: Type.Integer({
              minimum: 0,
              maximum: 1_000_000,
              default: 0,
              description: 'Steps after this number',
            }),
            limit: OffsetQuery.limit,
          }),
          response: {
            200: Envelope(
              Type.Object({
                steps: Type.Array(JournalStep),
                total: Type.Integer(),
                next_after_step: Type.Union([Type.Integer(), Type.Null()]),
              }),
            ),
          },
        },
        config: { permission: 'AGENT_VIEW' },
      },
      async (req) => {
        const { after_step: after, limit } = req.query;
        return ok(req, await executions.journal(tenantOf(req), req.params.id, req.params.execution_id, after, limit));
      },
    );

    app.post(
      '/api/agents/:id/executions/:execution_id/cancel',
      {
        schema: {
          tags,
          summary: 'Cancel a pending or running execution',
          params: ExecParams,
          response: { 200: Envelope(Execution) },
        },
        config: { permission: 'AGENT_EXECUTE' },
      },
      async (req) => ok(req, await executions.cancel(tenantOf(req), req.params.id, req.params.execution_id)),
    );
  };
