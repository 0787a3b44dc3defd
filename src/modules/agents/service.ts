import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/index.js';
import { AppError, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { PLAN_LIMITS, PLANS, type Plan, upgradeFrom } from '../../platform/plans.js';
import * as executions from '../executions/queries.js';
import type { Maturity } from '../governance/policy.js';
import * as episodes from '../graduation/episodes.js';
import { type EpisodeFacts, readiness, WINDOW } from '../graduation/readiness.js';
import * as repo from './repo.js';
import type { CreateAgentBody, ListQuery, UpdateAgentBody } from './schemas.js';

/** What graduation needs from an agent's episodes (exam runs excluded), most recent first. */
export async function episodeFacts(ctx: AppContext, tenantId: string, agentId: string): Promise<EpisodeFacts[]> {
  const rows = await episodes.recentForReadiness(ctx.db.as(tenantId), tenantId, agentId, WINDOW);
  return rows.map((r) => ({
    success: r.success,
    confidence: r.confidence,
    interventions: r.interventions,
    violations: r.violations,
    tools_used: r.skills_used,
    approvals_approved: r.approvals_approved,
    approvals_rejected: r.approvals_rejected,
  }));
}

/**
 * Graduation readiness of an agent: the score over its readiness window, the minimum number of
 * episodes counted over all its real ones (see readiness.ts for which episodes count).
 */
export async function readinessFor(ctx: AppContext, tenantId: string, agentId: string, level: Maturity) {
  const facts = await episodeFacts(ctx, tenantId, agentId);
  const realEpisodes = await episodes.countForReadiness(ctx.db.as(tenantId), tenantId, agentId);
  return { readiness: readiness(level, facts, realEpisodes), realEpisodes };
}

/** The agent's maturity level as graduation changes it, in graduation's transaction (with its record of the change). */
export function setMaturity(ex: Executor, tenantId: string, agentId: string, level: Maturity): Promise<void> {
  return repo.setMaturity(ex, tenantId, agentId, level);
}

/** Plans without an agent limit: creating an agent there needs no count and no lock. */
const UNLIMITED_AGENT_PLANS = PLANS.filter((p) => PLAN_LIMITS[p].maxAgents === null);

/** The agent quota, counted under a lock on the tenant row (parallel creates cannot overshoot it). */
async function insertWithinLimit(ex: Executor, tenantId: string, fields: repo.NewAgent): Promise<repo.AgentRow> {
  const [{ plan }] = await ex.query<{ plan: Plan }>('SELECT plan FROM tenants WHERE id = $1 FOR UPDATE', [tenantId]);
  const limit = PLAN_LIMITS[plan].maxAgents;
  const current = limit === null ? 0 : await repo.countAgents(ex, tenantId);
  if (limit !== null && current >= limit) {
    const next = upgradeFrom(plan);
    throw new AppError(
      'AGENT_LIMIT_EXCEEDED',
      `Tenant has reached maximum agent limit ` +
        `(${limit}).${next ? ` Upgrade to the ${next} plan for more agents.` : ''}`,
      { current, limit, plan, upgrade_to: next },
    );
  }
  return repo.insertAgent(ex, tenantId, fields);
}

export function agentsService(ctx: AppContext) {
  async function load(tenantId: string, id: string) {
    const agent = await repo.getAgent(ctx.db.as(tenantId), tenantId, id);
    if (!agent) throw notFound('AGENT_NOT_FOUND', 'Agent', id);
    return agent;
  }

  /**
   * The plan's agent quota is checked under a lock on the tenant row, so parallel creates cannot
   * overshoot it. A plan without an agent limit takes no lock: one insert, conditional on the
   * tenant's plan being unlimited when it runs, so a tenant's creates do not queue behind each
   * other's commits. `opts.plan` (the credential's plan) only picks which path is tried first.
   * An agent starts above student only for a caller who may graduate agents (GRADUATION_MANAGE):
   * otherwise a member could skip graduation by creating an autonomous agent.
   */
  async function createIn(
    ex: Executor,
    tenantId: string,
    createdBy: string | null,
    input: CreateAgentBody,
    opts: { mayGraduate?: boolean; plan?: Plan } = {},
  ) {
    if (input.maturity_level !== 'student' && !opts.mayGraduate) {
      throw new AppError(
        'INSUFFICIENT_PERMISSIONS',
        `Creating an agent at maturity ${input.maturity_level} requires the GRADUATION_MANAGE permission; create it ` +
          `as student and graduate it`,
        {
          required_permission: 'GRADUATION_MANAGE',
          field: 'maturity_level',
        },
      );
    }
    const fields = {
      id: newId('agt'),
      name: input.name,
      description: input.description ?? null,
      role: input.role,
      maturity_level: input.maturity_level,
      capabilities: input.capabilities ?? [],
      configuration: input.configuration ?? {},
      createdBy,
    };
    const limited = opts.plan !== undefined && PLAN_LIMITS[opts.plan].maxAgents !== null;
    const agent =
      (!limited && (await repo.insertAgentIfPlanIn(ex, tenantId, fields, UNLIMITED_AGENT_PLANS))) ||
      (await insertWithinLimit(ex, tenantId, fields));
    await ctx.outbox.emit(ex, tenantId, 'agent.created', {
      agent_id: agent.id,
      name: agent.name,
      maturity_level: agent.maturity_level,
    });
    return agent;
  }

  return {
    load,

    /** An agent of the tenant by id, or else by its name (what a workflow's agent node names). */
    async resolve(tenantId: string, ref: { id?: string; name?: string }) {
      const id = ref.id ?? (ref.name ? await repo.idByName(ctx.db.as(tenantId), tenantId, ref.name) : null);
      return id ? repo.getAgent(ctx.db.as(tenantId), tenantId, id) : null;
    },

    /** A new agent in its own transaction (quota and maturity rules: `createIn`). */
    create: (
      tenantId: string,
      createdBy: string | null,
      input: CreateAgentBody,
      opts: { mayGraduate?: boolean; plan?: Plan } = {},
    ) => ctx.db.tx(tenantId, (ex) => createIn(ex, tenantId, createdBy, input, opts)),

    /** `create` inside the caller's transaction `ex` (a change of several steps that commits as one). */
    createIn,

    list: (tenantId: string, q: ListQuery) => repo.listAgents(ctx.db.as(tenantId), tenantId, q),

    async detail(tenantId: string, id: string) {
      const agent = await load(tenantId, id);
      const s = await executions.stats(ctx.db.as(tenantId), tenantId, id);
      const { readiness: r } = await readinessFor(ctx, tenantId, id, agent.maturity_level as Maturity);
      return {
        ...agent,
        statistics: {
          total_executions: s.total_executions,
          successful_executions: s.successful_executions,
          success_rate: s.total_executions
            ? Math.round((s.successful_executions / s.total_executions) * 1000) / 1000
            : 0,
          avg_confidence: s.avg_confidence === null ? null : Math.round(s.avg_confidence * 1000) / 1000,
          last_execution: s.last_execution ? new Date(s.last_execution).toISOString() : null,
        },
        graduation: {
          current_level: r.current_level,
          readiness_score: r.readiness_score,
          eligible_levels: r.eligible_levels,
          episodes_until_exam: r.episodes_until_exam,
        },
      };
    },

    async update(tenantId: string, id: string, patch: UpdateAgentBody) {
      if (patch.role !== undefined || patch.maturity_level !== undefined) {
        const field = patch.role !== undefined ? 'role' : 'maturity_level';
        throw new AppError(
          'VALIDATION_ERROR',
          `${field} cannot be changed ` +
            `here${field === 'maturity_level' ? ': maturity changes only through graduation' : ''}`,
          { field },
        );
      }
      return ctx.db.tx(tenantId, async (ex) => {
        const agent = await repo.updateAgent(ex, tenantId, id, {
          name: patch.name,
          description: patch.description,
          capabilities: patch.capabilities,
          configuration: patch.configuration,
          status: patch.status,
        });
        if (!agent) throw notFound('AGENT_NOT_FOUND', 'Agent', id);
        await ctx.outbox.emit(ex, tenantId, 'agent.updated', { agent_id: id, changes: Object.keys(patch) });
        return agent;
      });
    },

    /** Removes the agent with its executions and approvals; refused while work is running. */
    async remove(tenantId: string, id: string) {
      await ctx.db.tx(tenantId, async (ex) => {
        const agent = await repo.getAgent(ex, tenantId, id, true);
        if (!agent) throw notFound('AGENT_NOT_FOUND', 'Agent', id);
        const open = await executions.openCount(ex, tenantId, id);
        if (open > 0)
          throw new AppError('CONFLICT', `Agent has ${open} active execution(s); cancel them or wait`, {
            active_executions: open,
          });
        await repo.deleteAgent(ex, tenantId, id);
        await ctx.outbox.emit(ex, tenantId, 'agent.deleted', { agent_id: id });
      });
    },
  };
}
