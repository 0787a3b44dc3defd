import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/index.js';
import { AppError, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import type { Plan } from '../../platform/plans.js';
import {
  assertLlmTokensLeft,
  assertSkillRunsLeft,
  LLM_TOTAL_METRIC,
  llmTokensLeft,
  SKILL_METRIC,
  skillRunsLeft,
} from '../../platform/usage.js';
import * as agents from '../agents/queries.js';
import * as approvals from '../governance/approvals.js';
import { classifyTask, decide, type Maturity } from '../governance/policy.js';
import { actionTable, tableOf } from '../governance/service.js';
import { executionJournal } from './journal/journal.js';
import * as journal from './journal/repo.js';
import { stepView } from './journal/view.js';
import { recordEnd } from './record.js';
import * as repo from './repo.js';
import { TASK_APPROVED, ToolGate } from './runtime/gate.js';
import { wireName } from './runtime/llm-loop.js';
import type { ExecutionRunner, Known } from './runtime/runner.js';
import { Trace } from './runtime/trace.js';
import { executionView } from './view.js';

export const RUN_QUEUE = 'executions.run';
const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

/** The run's end if it comes within `ms`, else null (the timer does not outlive the race). */
async function within<T>(run: Promise<T | null>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((r) => (timer = setTimeout(() => r(null), ms)));
  try {
    return await Promise.race([run, late]);
  } finally {
    clearTimeout(timer);
  }
}

export interface ExecuteInput {
  task: string;
  context?: Record<string, unknown>;
  parameters?: Record<string, unknown>;
  action?: string;
  source?: string;
}

/** How a caller other than the HTTP API starts an execution (a workflow's agent node). */
export interface ExecuteOptions {
  /** The execution's id, chosen by the caller: executing again with the same id returns that execution. */
  id?: string;
  /** Answer at once instead of waiting up to the sync budget. */
  noWait?: boolean;
}

/**
 * A run that happened elsewhere (on a canvas), recorded as finished in the caller's transaction:
 * the execution, then (recordEnd) the agent's episode and `agent.executed`.
 */
export async function recordFinishedRun(
  ctx: AppContext,
  ex: Executor,
  tenantId: string,
  e: repo.NewExecution,
  o: repo.Outcome,
) {
  const row = await repo.insertExecution(ex, tenantId, e);
  const done = (await repo.finish(ex, tenantId, row.id, o))!;
  const episodeId = await recordEnd(ctx, ex, done);
  return { execution: done, episodeId };
}

export function executionsService(ctx: AppContext, runner: ExecutionRunner) {
  const jobOptions = () => ({
    retryLimit: 100,
    retryDelay: Math.ceil(ctx.config.executionStaleMs / 1000),
    retryBackoff: false,
    expireInSeconds: 3600,
  });
  const kick = (tenantId: string, id: string) =>
    runner.run(tenantId, id).catch((err) => ctx.jobs.boss.emit('error', err));

  async function loadAgent(tenantId: string, agentId: string) {
    const agent = await agents.getAgent(ctx.db.as(tenantId), tenantId, agentId);
    if (!agent) throw notFound('AGENT_NOT_FOUND', 'Agent', agentId);
    return agent;
  }

  /** Work is refused up front when today's skill runs (and, with a model, its tokens) are spent. */
  async function checkQuota(tenantId: string) {
    const [{ plan }] = await ctx.db.query<{ plan: Plan }>(tenantId, 'SELECT plan FROM tenants WHERE id = $1', [
      tenantId,
    ]);
    await assertSkillRunsLeft(ctx.db.as(tenantId), tenantId, plan);
    if (runner.llm) await assertLlmTokensLeft(ctx.db.as(tenantId), tenantId, plan);
  }

  /**
   * The agent must exist and be active, the action be known and allowed at its maturity, and today's quota not be
   * spent.
   */
  async function admit(tenantId: string, agentId: string, input: ExecuteInput) {
    const read = await repo.admission(ctx.db.as(tenantId), tenantId, agentId, [SKILL_METRIC, LLM_TOTAL_METRIC]);
    if (!read) throw notFound('AGENT_NOT_FOUND', 'Agent', agentId);
    const { agent, plan } = read;
    const table = tableOf(read.overrides);
    const maturity = agent.maturity_level as Maturity;
    if (agent.status !== 'active') {
      throw new AppError('GOVERNANCE_DENIED', `Agent is ${agent.status} and cannot act`, {
        current_maturity: maturity,
        action: input.action ?? 'respond',
        reason: `Agent status is ${agent.status}`,
      });
    }
    if (input.action && table[input.action] === undefined) {
      throw new AppError('INVALID_ENUM_VALUE', `Unknown action '${input.action}'`, {
        field: 'action',
        allowed: Object.keys(table),
      });
    }
    const { action, complexity } = input.action
      ? { action: input.action, complexity: table[input.action] }
      : classifyTask(input.task, table);
    const decision = decide(maturity, action, complexity);
    if (decision.outcome === 'deny') {
      throw new AppError('GOVERNANCE_DENIED', 'Agent maturity level insufficient for this action', {
        current_maturity: decision.current_maturity,
        required_maturity: decision.required_maturity,
        action,
        complexity: decision.complexity,
        reason: decision.reason,
      });
    }
    skillRunsLeft(read.usage[SKILL_METRIC] ?? 0, plan);
    if (runner.llm) llmTokensLeft(read.usage[LLM_TOTAL_METRIC] ?? 0, plan);
    return { agent, plan, table, decision, action, complexity };
  }

  /**
   * Runs an execution this request inserted claimed; failures reach the job queue's error handler, as a kicked run's
   * do.
   */
  const start = (e: repo.ExecutionRow, known: Known) =>
    runner.start(e, known).catch((err) => {
      ctx.jobs.boss.emit('error', err);
      return null;
    });

  return {
    /**
     * Governance first, then quota, decided on one read (agent, plan, overrides, today's usage). The
     * run is inserted already claimed by this process in one statement (its heartbeat is its lease: a
     * crash leaves it to the lease sweep of another process); when it is quick, it is answered at
     * once from its end.
     */
    async execute(
      tenantId: string,
      requestedBy: string | null,
      agentId: string,
      input: ExecuteInput,
      opts: ExecuteOptions = {},
    ) {
      const existing = opts.id ? await repo.getExecution(ctx.db.as(tenantId), tenantId, opts.id) : null;
      if (existing) return { view: executionView(existing), finished: TERMINAL.has(existing.status) };
      const known = await admit(tenantId, agentId, input);
      const { agent, table, decision: d, action, complexity } = known;
      const row = {
        id: opts.id ?? newId('exe'),
        agent_id: agentId,
        task: input.task,
        context: input.context ?? {},
        parameters: input.parameters ?? {},
        source: input.source ?? 'api',
        action,
        complexity,
        maturity_at_start: agent.maturity_level,
        requestedBy,
      };
      if (d.outcome === 'approval') {
        const parked = await ctx.db.tx(tenantId, async (ex) => {
          const e = await repo.insertExecution(ex, tenantId, row);
          const a = await approvals.insertApproval(ex, tenantId, {
            id: newId('apr'),
            agentId,
            executionId: e.id,
            action,
            tool: null,
            complexity,
            reason: d.reason,
          });
          await repo.awaitApproval(ex, tenantId, e.id, a.id, [
            { step: 1, type: 'governance', outcome: 'approval_requested', action, complexity, reason: d.reason },
          ]);
          await ctx.outbox.emit(ex, tenantId, 'governance.approval_requested', {
            approval_id: a.id,
            agent_id: agentId,
            execution_id: e.id,
            action,
            tool: null,
          });
          return e;
        });
        return {
          view: executionView((await repo.getExecution(ctx.db.as(tenantId), tenantId, parked.id))!),
          finished: false,
        };
      }
      // One statement: the run is inserted already claimed by this process; should it die, the lease sweep takes the
      // run over.
      const e = await repo.insertExecution(ctx.db.as(tenantId), tenantId, { ...row, claimed: true });
      const run = start(e, { agent, plan: known.plan, table });
      const ended =
        input.parameters?.async !== true && !opts.noWait ? await within(run, ctx.config.executionSyncBudgetMs) : null;
      const now = ended ?? (await repo.getExecution(ctx.db.as(tenantId), tenantId, e.id))!;
      return { view: executionView(now), finished: TERMINAL.has(now.status) };
    },

    /** An execution by id alone (null when there is none), for callers that hold its id. */
    async find(tenantId: string, executionId: string) {
      const e = await repo.getExecution(ctx.db.as(tenantId), tenantId, executionId);
      return e ? executionView(e) : null;
    },

    async get(tenantId: string, agentId: string, executionId: string) {
      const e = await repo.getExecution(ctx.db.as(tenantId), tenantId, executionId);
      if (!e || e.agent_id !== agentId) throw notFound('EXECUTION_NOT_FOUND', 'Execution', executionId);
      return executionView(e);
    },

    /** The run's journal, step by step, after `afterStep`. */
    async journal(tenantId: string, agentId: string, executionId: string, afterStep: number, limit: number) {
      await this.get(tenantId, agentId, executionId);
      const { rows, total } = await journal.page(ctx.db.as(tenantId), tenantId, executionId, afterStep, limit);
      const next = rows.length === limit ? rows.at(-1)!.step_no : null;
      return { steps: rows.map((r) => stepView(executionId, r)), total, next_after_step: next };
    },

    async list(tenantId: string, agentId: string, f: { status?: string; limit: number; offset: number }) {
      await loadAgent(tenantId, agentId);
      const { rows, total } = await repo.listExecutions(ctx.db.as(tenantId), tenantId, agentId, f);
      return { items: rows.map((r) => executionView(r as repo.ExecutionRow)), total };
    },

    async cancel(tenantId: string, agentId: string, executionId: string) {
      const e = await repo.getExecution(ctx.db.as(tenantId), tenantId, executionId);
      if (!e || e.agent_id !== agentId) throw notFound('EXECUTION_NOT_FOUND', 'Execution', executionId);
      if (TERMINAL.has(e.status))
        throw new AppError('CONFLICTING_OPERATION', `Execution is already ${e.status}`, { status: e.status });
      const row = await ctx.db.tx(tenantId, async (ex) => {
        const r = (await repo.requestCancel(ex, tenantId, executionId))!;
        // The approval it waited for has nothing left to decide: it leaves the reviewers' queue.
        const closed =
          e.awaiting_approval &&
          (await approvals.decideApproval(
            ex,
            tenantId,
            e.awaiting_approval,
            'rejected',
            null,
            'The execution was cancelled',
          ));
        if (closed) {
          await ctx.outbox.emit(ex, tenantId, 'governance.approval_decided', {
            approval_id: closed.id,
            execution_id: executionId,
            status: closed.status,
          });
        }
        if (r.status === 'cancelled') await recordEnd(ctx, ex, r);
        return r;
      });
      return executionView(row);
    },

    /**
     * A human decides a pending approval. Approved work resumes; a rejected tool call fails inside
     * the run, which resumes without it; a rejected task fails with the reason.
     */
    async decideApproval(
      tenantId: string,
      approvalId: string,
      decidedBy: string | null,
      approve: boolean,
      note: string | null,
    ) {
      const decided = await ctx.db.tx(tenantId, async (ex) => {
        const a = await approvals.decideApproval(
          ex,
          tenantId,
          approvalId,
          approve ? 'approved' : 'rejected',
          decidedBy,
          note,
        );
        if (!a) {
          const existing = await approvals.getApproval(ex, tenantId, approvalId);
          if (!existing) throw notFound('NOT_FOUND', 'Approval', approvalId);
          throw new AppError('CONFLICTING_OPERATION', `Approval is already ${existing.status}`, {
            status: existing.status,
          });
        }
        const rejection = `Rejected by a reviewer${note ? `: ${note}` : ''}`;
        // A tool call parked in the journal learns the decision there; the run resumes either way (a rejected call
        // fails, the run goes on).
        const parkedStep =
          a.tool !== null && (await journal.decide(ex, tenantId, a.execution_id, a.id, approve, rejection));
        await repo.approvalDecided(
          ex,
          tenantId,
          a.execution_id,
          approve && !parkedStep ? (a.tool ?? TASK_APPROVED) : null,
        );
        if (approve || parkedStep) {
          await ctx.jobs.send(
            RUN_QUEUE,
            { tenantId, executionId: a.execution_id },
            { ...jobOptions(), startAfter: 2 },
            ex,
          );
        } else {
          const parked = (await repo.getExecution(ex, tenantId, a.execution_id))!;
          const trace = [
            ...parked.reasoning_trace,
            {
              step: parked.reasoning_trace.length + 1,
              type: 'governance',
              outcome: 'rejected',
              approval_id: a.id,
              note,
            },
          ];
          const failed = await repo.finish(ex, tenantId, a.execution_id, {
            status: 'failed',
            result: null,
            confidence: null,
            error: rejection,
            trace,
            toolsUsed: parked.tools_used,
            violations: [],
          });
          if (failed) await recordEnd(ctx, ex, failed);
        }
        await ctx.outbox.emit(ex, tenantId, 'governance.approval_decided', {
          approval_id: a.id,
          execution_id: a.execution_id,
          status: a.status,
        });
        return { approval: a, resumes: approve || parkedStep };
      });
      if (decided.resumes) void kick(tenantId, decided.approval.execution_id);
      return decided.approval;
    },

    /**
     * One tool call outside a planned run (MCP, REST): governed exactly like a tool call inside
     * an execution, and recorded as an execution (and episode) of its own.
     */
    async runTool(
      tenantId: string,
      requestedBy: string | null,
      agentId: string,
      toolName: string,
      args: Record<string, unknown>,
      source = 'mcp',
    ) {
      const agent = await loadAgent(tenantId, agentId);
      if (agent.status !== 'active')
        throw new AppError('GOVERNANCE_DENIED', `Agent is ${agent.status} and cannot act`, {
          current_maturity: agent.maturity_level,
          reason: `Agent status is ${agent.status}`,
        });
      const tool = (await ctx.tools.list(tenantId, agentId)).find(
        (t) => t.name === toolName || wireName(t.name) === toolName,
      );
      if (!tool)
        throw new AppError('TOOL_NOT_FOUND', `No tool '${toolName}' is available to this agent`, { tool: toolName });
      const table = await actionTable(ctx, tenantId);
      const d = decide(agent.maturity_level as Maturity, tool.action, table[tool.action] ?? 4, tool.high_risk);
      if (d.outcome === 'deny')
        throw new AppError('GOVERNANCE_DENIED', 'Agent maturity level insufficient for this action', {
          current_maturity: d.current_maturity,
          required_maturity: d.required_maturity,
          action: tool.action,
          tool: tool.name,
          reason: d.reason,
        });
      if (d.outcome === 'approval')
        throw new AppError(
          'APPROVAL_REQUIRED',
          `${tool.name} needs a human approval; run it through POST /api/agents/{id}/execute`,
          { action: tool.action, tool: tool.name, reason: d.reason },
        );
      await checkQuota(tenantId);
      const [{ plan }] = await ctx.db.query<{ plan: Plan }>(tenantId, 'SELECT plan FROM tenants WHERE id = $1', [
        tenantId,
      ]);
      const e = await repo.insertExecution(ctx.db.as(tenantId), tenantId, {
        id: newId('exe'),
        agent_id: agentId,
        task: `${source} tool call: ${tool.name}`,
        context: {},
        parameters: args,
        source,
        action: tool.action,
        complexity: d.complexity,
        maturity_at_start: agent.maturity_level,
        requestedBy,
      });
      const trace = new Trace();
      const journal = executionJournal(ctx, e, [], trace);
      const gate = new ToolGate(
        ctx,
        {
          tenantId,
          plan,
          agentId,
          executionId: e.id,
          maturity: agent.maturity_level as Maturity,
          table,
          approved: [],
          taskComplexity: d.complexity,
        },
        trace,
        journal,
      );
      const result = await gate.call(tool, args, AbortSignal.timeout(60_000));
      await ctx.db.tx(tenantId, async (ex) => {
        const done = await repo.finish(ex, tenantId, e.id, {
          status: result.ok ? 'completed' : 'failed',
          result: { output: result.output as unknown },
          error: result.error ?? null,
          confidence: result.ok ? 1 : 0,
          trace: trace.steps,
          toolsUsed: [...gate.used],
          violations: gate.violations,
        });
        if (!done) return;
        await journal.flush(ex);
        await recordEnd(ctx, ex, done);
      });
      return { tool: tool.name, ok: result.ok, output: result.output, error: result.error ?? null, execution_id: e.id };
    },

    /**
     * The job queue's side, after an approval was decided: it starts the run unless it is finished,
     * parked, or already claimed (the claim decides, atomically). It returns once the run is claimed,
     * not when it ends: should this process die while it runs, the lease sweep takes it over.
     */
    async runFromQueue(tenantId: string, executionId: string) {
      if (runner.isRunning(executionId)) return;
      await runner.begin(tenantId, executionId);
    },
  };
}
