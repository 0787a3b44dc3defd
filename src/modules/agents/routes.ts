import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { tenantOf } from '../../platform/auth/guard.js';
import type { AppContext } from '../../platform/context.js';
import { Envelope, ok } from '../../platform/http/envelope.js';
import { pagination } from '../../platform/http/pagination.js';
import { runnerFor } from '../executions/runtime/shared.js';
import { executionsService } from '../executions/service.js';
import {
  AgentDetail,
  AgentList,
  AgentSummary,
  AgentWithConfiguration,
  CreateAgentBody,
  ListQuery,
  UpdateAgentBody,
} from './schemas.js';
import { agentsService } from './service.js';
import { trainingStatus } from './training.js';

const tags = ['Agents'];
const IdParams = Type.Object({ id: Type.String() });

const Training = Type.Object({
  agent_id: Type.String(),
  learning_statistics: Type.Object({
    total_experiences: Type.Integer(),
    successful_experiences: Type.Integer(),
    success_rate: Type.Number(),
    avg_confidence: Type.Union([Type.Number(), Type.Null()]),
  }),
  patterns_detected: Type.Array(
    Type.Object({ pattern: Type.String(), success_rate: Type.Number(), sample_size: Type.Integer() }),
  ),
  adaptations_available: Type.Array(
    Type.Object({
      id: Type.String(),
      type: Type.String(),
      pattern: Type.String(),
      description: Type.String(),
      expected_improvement: Type.Number(),
    }),
  ),
  graduation_readiness: Type.Object({
    current_level: Type.String(),
    readiness_score: Type.Number(),
    eligible_levels: Type.Array(Type.String()),
    episodes_until_exam: Type.Integer(),
  }),
});

const TrainBody = Type.Object(
  {
    tasks: Type.Array(Type.String({ minLength: 1, maxLength: 10_000 }), {
      minItems: 1,
      maxItems: 20,
      description: 'Practice tasks, run as executions (source "training") through governance like any other',
    }),
  },
  { additionalProperties: false },
);

export const agentRoutes =
  (ctx: AppContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const agents = agentsService(ctx);
    const executions = executionsService(ctx, runnerFor(ctx));

    app.get(
      '/api/agents',
      {
        schema: {
          tags,
          summary: 'List agents (page, limit, maturity_level, status, sort, order, q)',
          querystring: ListQuery,
          response: { 200: Envelope(AgentList) },
        },
        config: { permission: 'AGENT_VIEW' },
      },
      async (req) => {
        const { items, total } = await agents.list(tenantOf(req), req.query);
        return ok(req, { agents: items, pagination: pagination(req.query.page, req.query.limit, total) });
      },
    );

    app.post(
      '/api/agents',
      {
        schema: {
          tags,
          summary: "Create an agent (counts against the plan's agent limit; above student needs GRADUATION_MANAGE)",
          body: CreateAgentBody,
          response: { 201: Envelope(Type.Object({ agent: AgentSummary })) },
        },
        config: { permission: 'AGENT_MANAGE' },
      },
      async (req, reply) => {
        const mayGraduate = req.principal!.permissions.has('GRADUATION_MANAGE');
        return reply.status(201).send(
          ok(req, {
            agent: await agents.create(tenantOf(req), req.principal!.userId, req.body, {
              mayGraduate,
              plan: req.principal!.tenant?.plan,
            }),
          }),
        );
      },
    );

    app.get(
      '/api/agents/:id',
      {
        schema: {
          tags,
          summary: 'Agent details with statistics and graduation summary',
          params: IdParams,
          response: { 200: Envelope(Type.Object({ agent: AgentDetail })) },
        },
        config: { permission: 'AGENT_VIEW' },
      },
      async (req) => ok(req, { agent: await agents.detail(tenantOf(req), req.params.id) }),
    );

    app.put(
      '/api/agents/:id',
      {
        schema: {
          tags,
          summary: 'Update name, description, capabilities, configuration (merged) or status; never role or maturity',
          params: IdParams,
          body: UpdateAgentBody,
          response: { 200: Envelope(Type.Object({ agent: AgentWithConfiguration })) },
        },
        config: { permission: 'AGENT_MANAGE' },
      },
      async (req) => ok(req, { agent: await agents.update(tenantOf(req), req.params.id, req.body) }),
    );

    app.delete(
      '/api/agents/:id',
      {
        schema: {
          tags,
          summary: 'Delete an agent and its executions (409 while executions run)',
          params: IdParams,
          response: { 200: Envelope(Type.Object({ deleted: Type.Boolean(), agent_id: Type.String() })) },
        },
        config: { permission: 'AGENT_MANAGE' },
      },
      async (req) => {
        await agents.remove(tenantOf(req), req.params.id);
        return ok(req, { deleted: true, agent_id: req.params.id });
      },
    );

    app.get(
      '/api/agents/:id/training',
      {
        schema: {
          tags,
          summary: "Learning statistics, detected patterns, adaptations and readiness, from the agent's record",
          params: IdParams,
          response: { 200: Envelope(Training) },
        },
        config: { permission: 'AGENT_VIEW' },
      },
      async (req) => ok(req, await trainingStatus(ctx, tenantOf(req), await agents.load(tenantOf(req), req.params.id))),
    );

    app.post(
      '/api/agents/:id/train',
      {
        schema: {
          tags,
          summary: 'Run practice tasks as executions; their results feed training status and graduation',
          params: IdParams,
          body: TrainBody,
          response: {
            202: Envelope(
              Type.Object({
                agent_id: Type.String(),
                executions: Type.Array(
                  Type.Object({ execution_id: Type.String(), status: Type.String(), poll_url: Type.String() }),
                ),
              }),
            ),
          },
        },
        config: { permission: 'AGENT_EXECUTE' },
      },
      async (req, reply) => {
        const tenantId = tenantOf(req);
        await agents.load(tenantId, req.params.id);
        const started = [];
        for (const task of req.body.tasks) {
          const { view } = await executions.execute(tenantId, req.principal!.userId, req.params.id, {
            task,
            source: 'training',
            parameters: { async: true },
          });
          started.push({ execution_id: view.execution_id, status: view.status, poll_url: view.poll_url });
        }
        return reply.status(202).send(ok(req, { agent_id: req.params.id, executions: started }));
      },
    );
  };
