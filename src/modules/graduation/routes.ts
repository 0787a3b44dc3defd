import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { tenantOf } from '../../platform/auth/guard.js';
import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { Envelope, ok } from '../../platform/http/envelope.js';
import { OffsetQuery, Pagination, pagination } from '../../platform/http/pagination.js';
import { Maturity } from '../agents/schemas.js';
import { runnerFor } from '../executions/runtime/shared.js';
import { graduationService } from './service.js';

const tags = ['Graduation'];
const Any = Type.Record(Type.String(), Type.Unknown());
const AgentParams = Type.Object({ id: Type.String() });
const Page = { page: Type.Integer({ minimum: 1, default: 1 }), limit: OffsetQuery.limit };
const MoveBody = Type.Object(
  { justification: Type.String({ minLength: 10, maxLength: 2000 }), target_level: Type.Optional(Maturity) },
  { additionalProperties: false },
);
const FeedbackBody = Type.Object(
  {
    score: Type.Number({ minimum: -1, maximum: 1 }),
    category: Type.Optional(Type.String({ maxLength: 50 })),
    text: Type.Optional(Type.String({ maxLength: 5000 })),
  },
  { additionalProperties: false },
);
const EdgeCaseBody = Type.Object(
  {
    input: Type.String({ minLength: 1, maxLength: 5000, description: 'The task the agent is given' }),
    expected_behavior: Type.Union(
      [Type.Literal('complete'), Type.Literal('refuse'), Type.Literal('escalate'), Type.Literal('fail')],
      {
        description:
          'complete: the run completes (with expected_output_contains, when set, in its result); refuse: governance ' +
          'refuses it; escalate: it waits for a human approval; fail: the run fails (a missing input, a failing ' +
          'tool, an ambiguous task)',
      },
    ),
    expected_output_contains: Type.Optional(Type.String({ maxLength: 500 })),
    severity: Type.Union(['low', 'medium', 'high', 'critical'].map((s) => Type.Literal(s))),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    scope: Type.Optional(
      Type.Union([Type.Literal('tenant'), Type.Literal('global')], { description: 'global: platform admin key only' }),
    ),
  },
  { additionalProperties: false },
);

export const graduationRoutes =
  (ctx: AppContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const graduation = graduationService(ctx, runnerFor(ctx));

    app.get(
      '/api/graduation/agents/:id/readiness',
      {
        schema: {
          tags,
          summary: 'Readiness score, its components, eligible levels, gaps and episodes until exam',
          params: AgentParams,
          response: { 200: Envelope(Any) },
        },
        config: { permission: 'AGENT_VIEW' },
      },
      async (req) => ok(req, await graduation.readiness(tenantOf(req), req.params.id)),
    );

    app.get(
      '/api/graduation/agents/:id/readiness/history',
      {
        schema: {
          tags,
          summary:
            'Readiness and its components after each of the recent episodes (derived from the record), for a chart ' +
            'over time',
          params: AgentParams,
          querystring: Type.Object({
            span: Type.Integer({
              minimum: 1,
              maximum: 500,
              default: 100,
              description: 'How many recent episodes to cover',
            }),
            points: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
          }),
          response: { 200: Envelope(Any) },
        },
        config: { permission: 'AGENT_VIEW' },
      },
      async (req) =>
        ok(req, await graduation.readinessHistory(tenantOf(req), req.params.id, req.query.span, req.query.points)),
    );

    app.post(
      '/api/graduation/agents/:id/exam',
      {
        schema: {
          tags,
          summary: 'Graduation exam: readiness, edge cases run for real, constitutional and skill checks',
          params: AgentParams,
          response: { 200: Envelope(Any) },
        },
        config: { permission: 'GRADUATION_MANAGE' },
      },
      async (req) => ok(req, await graduation.exam(tenantOf(req), req.params.id, req.principal!.userId)),
    );

    app.get(
      '/api/graduation/agents/:id/episodes',
      {
        schema: {
          tags,
          summary: 'Episode history (page, limit, success, source, since)',
          params: AgentParams,
          querystring: Type.Object({
            ...Page,
            success: Type.Optional(Type.Boolean()),
            source: Type.Optional(Type.String()),
            since: Type.Optional(Type.String({ format: 'date-time' })),
          }),
          response: { 200: Envelope(Type.Object({ episodes: Type.Array(Any), pagination: Pagination })) },
        },
        config: { permission: 'AGENT_VIEW' },
      },
      async (req) => {
        const { page, limit, ...filters } = req.query;
        const { items, total } = await graduation.episodes(tenantOf(req), req.params.id, {
          ...filters,
          limit,
          offset: (page - 1) * limit,
        });
        return ok(req, { episodes: items, pagination: pagination(page, limit, total) });
      },
    );

    for (const direction of ['promote', 'demote'] as const) {
      app.post(
        `/api/graduation/agents/:id/${direction}`,
        {
          schema: {
            tags,
            summary: `${direction === 'promote' ? 'Promote' : 'Demote'} one level (admin, justification required)`,
            params: AgentParams,
            body: MoveBody,
            response: { 200: Envelope(Any) },
          },
          config: { permission: 'GRADUATION_MANAGE' },
        },
        async (req) =>
          ok(
            req,
            await graduation.move(
              tenantOf(req),
              req.params.id,
              req.principal!.userId,
              direction,
              req.body.justification,
              req.body.target_level,
            ),
          ),
      );
    }

    app.get(
      '/api/graduation/agents/:id/history',
      {
        schema: { tags, summary: 'Maturity changes and exams', params: AgentParams, response: { 200: Envelope(Any) } },
        config: { permission: 'AGENT_VIEW' },
      },
      async (req) => ok(req, await graduation.history(tenantOf(req), req.params.id)),
    );

    app.get(
      '/api/graduation/agents/:id/recall',
      {
        schema: {
          tags,
          summary: "The agent's past episodes most relevant to a task",
          params: AgentParams,
          querystring: Type.Object({
            task: Type.String({ minLength: 1, maxLength: 2000 }),
            canvas_id: Type.Optional(Type.String()),
            limit: Type.Integer({ minimum: 1, maximum: 20, default: 5 }),
          }),
          response: { 200: Envelope(Type.Object({ episodes: Type.Array(Any) })) },
        },
        config: { permission: 'AGENT_VIEW' },
      },
      async (req) =>
        ok(req, {
          episodes: await graduation.recall(
            tenantOf(req),
            req.params.id,
            req.query.task,
            req.query.canvas_id ?? null,
            req.query.limit,
          ),
        }),
    );

    app.get(
      '/api/graduation/edge-cases',
      {
        schema: {
          tags,
          summary:
            "Edge cases used by exams: the platform's default suite (scope platform, per transition), then the " +
            "global and this tenant's own (every exam)",
          querystring: Type.Object(Page),
          response: { 200: Envelope(Type.Object({ edge_cases: Type.Array(Any), pagination: Pagination })) },
        },
        config: { permission: 'AGENT_VIEW' },
      },
      async (req) => {
        const { page, limit } = req.query;
        const { items, total } = await graduation.edgeCases(tenantOf(req), limit, (page - 1) * limit);
        return ok(req, { edge_cases: items, pagination: pagination(page, limit, total) });
      },
    );

    app.post(
      '/api/graduation/edge-cases',
      {
        schema: {
          tags,
          summary: 'Create an edge case (scope global needs the platform admin key)',
          body: EdgeCaseBody,
          response: { 201: Envelope(Type.Object({ edge_case: Any })) },
        },
        config: { permission: 'GRADUATION_MANAGE' },
      },
      async (req, reply) => {
        const { scope, ...c } = req.body;
        const global = scope === 'global';
        if (global && req.principal!.kind !== 'admin')
          throw new AppError('FORBIDDEN', 'Global edge cases need the platform admin key');
        return reply
          .status(201)
          .send(ok(req, { edge_case: await graduation.addEdgeCase(tenantOf(req), req.principal!.userId, global, c) }));
      },
    );

    app.post(
      '/api/graduation/episodes/:id/feedback',
      {
        schema: {
          tags,
          summary: 'Feedback on an episode (RLHF): score -1..1, category, text',
          params: AgentParams,
          body: FeedbackBody,
          response: { 201: Envelope(Any) },
        },
        config: { permission: 'AGENT_EXECUTE' },
      },
      async (req, reply) =>
        reply
          .status(201)
          .send(ok(req, await graduation.addFeedback(tenantOf(req), req.principal!.userId, req.params.id, req.body))),
    );

    app.get(
      '/api/graduation/episodes/:id/feedback',
      {
        schema: {
          tags,
          summary: "An episode's feedback and its aggregate",
          params: AgentParams,
          response: { 200: Envelope(Any) },
        },
        config: { permission: 'AGENT_VIEW' },
      },
      async (req) => ok(req, await graduation.feedback(tenantOf(req), req.params.id)),
    );
  };
