import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { tenantOf } from '../../platform/auth/guard.js';
import type { AppContext } from '../../platform/context.js';
import { Envelope, ok } from '../../platform/http/envelope.js';
import { OffsetQuery, Pagination, pagination } from '../../platform/http/pagination.js';
import { runnerFor } from '../executions/runtime/shared.js';
import { executionsService } from '../executions/service.js';
import { approvalView, governanceService } from './service.js';

const tags = ['Governance'];
const Time = Type.String({ format: 'date-time' });
const ActionRule = Type.Object({
  action: Type.String(),
  complexity: Type.Integer(),
  required_maturity: Type.String(),
  overridden: Type.Boolean(),
});
const Approval = Type.Object({
  id: Type.String(),
  agent_id: Type.String(),
  execution_id: Type.String(),
  action: Type.String(),
  tool: Type.Union([Type.String(), Type.Null()]),
  complexity: Type.Integer(),
  reason: Type.String(),
  status: Type.String(),
  decided_by: Type.Union([Type.String(), Type.Null()]),
  decision_note: Type.Union([Type.String(), Type.Null()]),
  decided_at: Type.Union([Time, Type.Null()]),
  created_at: Time,
});
const Decision = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 2000 })) },
  { additionalProperties: false },
);
const IdParams = Type.Object({ id: Type.String() });
const ActionParams = Type.Object({ action: Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$' }) });

export const governanceRoutes =
  (ctx: AppContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const governance = governanceService(ctx);
    const executions = executionsService(ctx, runnerFor(ctx));

    app.get(
      '/api/governance/actions',
      {
        schema: {
          tags,
          summary: "The action complexity table (platform defaults with this tenant's overrides)",
          response: { 200: Envelope(Type.Object({ actions: Type.Array(ActionRule) })) },
        },
        config: { permission: 'AGENT_VIEW' },
      },
      async (req) => ok(req, { actions: await governance.actions(tenantOf(req)) }),
    );

    app.put(
      '/api/governance/actions/:action',
      {
        schema: {
          tags,
          summary: "Set an action's complexity (1-4) for this tenant",
          params: ActionParams,
          body: Type.Object({ complexity: Type.Integer({ minimum: 1, maximum: 4 }) }, { additionalProperties: false }),
          response: { 200: Envelope(ActionRule) },
        },
        config: { permission: 'GOVERNANCE_APPROVE' },
      },
      async (req) => ok(req, await governance.setAction(tenantOf(req), req.params.action, req.body.complexity)),
    );

    app.delete(
      '/api/governance/actions/:action',
      {
        schema: {
          tags,
          summary: 'Back to the platform default for an action',
          params: ActionParams,
          response: { 200: Envelope(Type.Object({ reset: Type.Boolean(), action: Type.String() })) },
        },
        config: { permission: 'GOVERNANCE_APPROVE' },
      },
      async (req) => {
        await governance.resetAction(tenantOf(req), req.params.action);
        return ok(req, { reset: true, action: req.params.action });
      },
    );

    app.get(
      '/api/governance/approvals',
      {
        schema: {
          tags,
          summary: 'Approval requests (status: pending | approved | rejected)',
          querystring: Type.Object({
            page: Type.Integer({ minimum: 1, default: 1 }),
            limit: OffsetQuery.limit,
            status: Type.Optional(Type.Union(['pending', 'approved', 'rejected'].map((s) => Type.Literal(s)))),
            agent_id: Type.Optional(Type.String()),
          }),
          response: { 200: Envelope(Type.Object({ approvals: Type.Array(Approval), pagination: Pagination })) },
        },
        config: { permission: 'AGENT_VIEW' },
      },
      async (req) => {
        const { page, limit, status, agent_id } = req.query;
        const { items, total } = await governance.approvals(tenantOf(req), {
          status,
          agentId: agent_id,
          limit,
          offset: (page - 1) * limit,
        });
        return ok(req, { approvals: items, pagination: pagination(page, limit, total) });
      },
    );

    for (const [verb, approve] of [
      ['approve', true],
      ['reject', false],
    ] as const) {
      app.post(
        `/api/governance/approvals/:id/${verb}`,
        {
          schema: {
            tags,
            summary: approve ? 'Approve: the execution resumes' : 'Reject: the execution fails with the note',
            params: IdParams,
            body: Decision,
            response: { 200: Envelope(Type.Object({ approval: Approval })) },
          },
          config: { permission: 'GOVERNANCE_APPROVE' },
        },
        async (req) =>
          ok(req, {
            approval: approvalView(
              await executions.decideApproval(
                tenantOf(req),
                req.params.id,
                req.principal!.userId,
                approve,
                req.body.note ?? null,
              ),
            ),
          }),
      );
    }
  };
