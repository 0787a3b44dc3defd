import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { tenantOf } from '../../platform/auth/guard.js';
import type { AppContext } from '../../platform/context.js';
import { endAllStreams } from '../../platform/http/sse.js';
import { workflowView } from './routes.js';
import { workflowRunnerFor } from './run/runner.js';
import { RunBody, RunsQuery, RunView, Schedule } from './run/schemas.js';
import { workflowRunsService } from './run/service.js';
import { streamRun } from './run/stream.js';
import { WorkflowView } from './schemas.js';
import { activationService } from './triggers/activation.js';
import { startScheduler } from './triggers/scheduler.js';
import { webhookTrigger } from './triggers/webhook.js';

const tags = ['Workflow runs'];
const Id = Type.Object({ id: Type.String({ maxLength: 200 }) });
const S = Type.Boolean();
const OneRun = Type.Object({ success: S, run: RunView });

/** Running workflows: by hand, by signed webhook, by schedule; their runs, live streams and cancellation. */
export const workflowRunRoutes =
  (ctx: AppContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const runs = workflowRunsService(ctx);
    const activation = activationService(ctx);
    const stopScheduler = ctx.config.runWorkers ? startScheduler(ctx, ctx.config.schedulerIntervalMs) : null;
    app.addHook('preClose', async () => {
      await stopScheduler?.();
      endAllStreams(ctx);
    });
    app.addHook('onClose', () => workflowRunnerFor(ctx).shutdown());

    app.post(
      '/api/workflows/:id/run',
      {
        schema: {
          tags,
          params: Id,
          body: Type.Optional(RunBody),
          summary:
            'Run a workflow: 200 with the run when it finishes within a short budget, else 202 (poll poll_url or ' +
            'stream stream_url)',
          response: { 200: OneRun, 202: OneRun },
        },
        config: { permission: 'AGENT_EXECUTE' },
      },
      async (req, reply) => {
        const b = req.body ?? {};
        const principal = req.principal!;
        const r = await runs.start(tenantOf(req), req.params.id, {
          trigger: 'manual',
          input: b.input ?? {},
          requestedBy: principal.userId ?? principal.keyId ?? null,
          async: b.async,
        });
        return reply.status(r.finished ? 200 : 202).send({ success: true, run: r.run });
      },
    );

    app.get(
      '/api/workflows/:id/runs',
      {
        schema: {
          tags,
          params: Id,
          querystring: RunsQuery,
          summary: "A workflow's runs, newest first",
          response: {
            200: Type.Object({
              success: S,
              runs: Type.Array(RunView),
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
        const { runs: items, total } = await runs.list(tenantOf(req), req.params.id, q);
        return {
          success: true,
          runs: items,
          total,
          limit: q.limit,
          offset: q.offset,
          has_more: q.offset + items.length < total,
        };
      },
    );

    app.get(
      '/api/workflow-runs/:id',
      {
        schema: {
          tags,
          params: Id,
          summary: 'A run with every node: state, attempts, input, output, error, timing',
          response: { 200: OneRun },
        },
        config: { permission: 'AGENT_VIEW' },
      },
      async (req) => ({ success: true, run: await runs.get(tenantOf(req), req.params.id) }),
    );

    app.get(
      '/api/workflow-runs/:id/stream',
      {
        schema: {
          tags,
          params: Id,
          produces: ['text/event-stream'],
          summary:
            'Live progress as Server-Sent Events: node (each node change), run (status), then done (the whole run)',
          querystring: Type.Object({
            last_event_id: Type.Optional(
              Type.Integer({
                minimum: 0,
                maximum: 1_000_000_000,
                description: 'Resume after this event (or send Last-Event-ID)',
              }),
            ),
          }),
        },
        config: { permission: 'AGENT_VIEW' },
      },
      async (req, reply) => {
        const header = Number(req.headers['last-event-id']);
        const last = Number.isInteger(header) && header >= 0 ? header : (req.query.last_event_id ?? 0);
        await streamRun(ctx, runs, req, reply, tenantOf(req), req.params.id, last);
      },
    );

    app.post(
      '/api/workflow-runs/:id/cancel',
      {
        schema: { tags, params: Id, summary: 'Cancel a queued, running or waiting run', response: { 200: OneRun } },
        config: { permission: 'AGENT_EXECUTE' },
      },
      async (req) => ({ success: true, run: await runs.cancel(tenantOf(req), req.params.id) }),
    );

    app.post(
      '/api/workflows/:id/activate',
      {
        schema: {
          tags,
          params: Id,
          summary:
            'Activate: the webhook URL and schedules start firing (the webhook secret is shown when it is created)',
          body: Type.Optional(
            Type.Object({ rotate_secret: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
          ),
          response: {
            200: Type.Object({
              success: S,
              workflow: WorkflowView,
              triggers: Type.Object({
                webhook: Type.Object({
                  url: Type.Union([Type.String(), Type.Null()]),
                  secret: Type.Union([Type.String(), Type.Null()]),
                }),
                schedules: Type.Array(Schedule),
              }),
            }),
          },
        },
        config: { permission: 'AGENT_MANAGE' },
      },
      async (req) => {
        const tenantId = tenantOf(req);
        const r = await activation.activate(tenantId, req.params.id, req.body?.rotate_secret === true);
        return { success: true, workflow: await workflowView(ctx, tenantId, r.workflow, true), triggers: r.triggers };
      },
    );

    app.post(
      '/api/workflows/:id/deactivate',
      {
        schema: {
          tags,
          params: Id,
          summary: 'Deactivate: webhook calls and schedules stop firing',
          response: { 200: Type.Object({ success: S, workflow: WorkflowView }) },
        },
        config: { permission: 'AGENT_MANAGE' },
      },
      async (req) => ({
        success: true,
        workflow: await workflowView(
          ctx,
          tenantOf(req),
          await activation.deactivate(tenantOf(req), req.params.id),
          true,
        ),
      }),
    );

    // The webhook trigger reads its body raw: the signature is over the exact bytes sent.
    await app.register(async (hook) => {
      const trigger = webhookTrigger(ctx);
      hook.removeAllContentTypeParsers();
      hook.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 256 * 1024 }, (_req, body, done) =>
        done(null, body),
      );
      hook.post(
        '/api/workflows/:id/webhook',
        {
          schema: {
            tags,
            params: Id,
            summary: "An active workflow's webhook trigger: a signed JSON body starts a run (202)",
            response: {
              202: Type.Object({
                success: S,
                run_id: Type.String(),
                status: Type.String(),
                poll_url: Type.String(),
                stream_url: Type.String(),
              }),
            },
          },
          config: { auth: 'public' },
        },
        async (req, reply) => {
          const { id } = req.params as { id: string };
          const r = await trigger(id, req.headers, typeof req.body === 'string' ? req.body : '');
          return reply.status(202).send({
            success: true,
            run_id: r.run.id,
            status: r.run.status,
            poll_url: r.run.poll_url,
            stream_url: r.run.stream_url,
          });
        },
      );
    });
  };
