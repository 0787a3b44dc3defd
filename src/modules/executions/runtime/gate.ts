import type { AppContext } from '../../../platform/context.js';
import type { Executor } from '../../../platform/db/index.js';
import type { Plan } from '../../../platform/plans.js';
import type { ToolDef, ToolResult } from '../../../platform/tools.js';
import { consumeSkillRun, skillRunQuota } from '../../../platform/usage.js';
import { type ActionTable, type Decision, decide, type Maturity } from '../../governance/policy.js';
import type { Journal } from '../journal/journal.js';
import type { StepRow } from '../journal/repo.js';
import type { Violation } from '../repo.js';
import { inlineOrRef } from '../stored.js';
import type { Trace } from './trace.js';

/** Thrown by a tool call that must wait for a human: the runner parks the execution at this step. */
export class ApprovalNeeded extends Error {
  constructor(
    readonly tool: ToolDef,
    readonly decision: Decision,
    readonly stepNo: number,
    readonly args: Record<string, unknown>,
  ) {
    super(`approval needed for ${tool.name}`);
  }
}

/** Marker in approved_tools: the whole task was approved by a human. */
export const TASK_APPROVED = '*task*';

export interface GateScope {
  tenantId: string;
  plan: Plan;
  agentId: string;
  executionId: string;
  maturity: Maturity;
  table: ActionTable;
  /** TASK_APPROVED when a human approved the whole task; tool names approved before the journal existed. */
  approved: string[];
  taskComplexity: number;
}

/**
 * Every tool call an agent makes passes here, as one step of the run's journal: governance first
 * (deny, ask a human, or allow), then the plan's daily skill quota (counted once, when the call is
 * written as started), then the registry, with the step's idempotency key. A step the journal
 * holds as finished is answered from it: a resumed run never calls a finished tool again.
 */
export class ToolGate {
  readonly used = new Set<string>();
  readonly violations: Violation[] = [];
  calls = 0;
  successes = 0;

  constructor(
    private readonly ctx: AppContext,
    private readonly scope: GateScope,
    private readonly trace: Trace,
    private readonly journal: Journal,
  ) {}

  /** The tenant's governance action table the gate decides with. */
  get actions(): ActionTable {
    return this.scope.table;
  }

  complexityOf(tool: ToolDef): number {
    return this.scope.table[tool.action] ?? 4;
  }

  async call(tool: ToolDef, args: Record<string, unknown>, signal: AbortSignal): Promise<ToolResult> {
    const { no, prior } = this.journal.next('tool', tool.name);
    if (prior && ['completed', 'failed', 'rejected'].includes(prior.status)) return this.replay(prior, tool);
    if (prior?.status === 'started') {
      const message = `step ${no} (${tool.title}) was interrupted; calling it again with the same idempotency key`;
      this.trace.add('note', { tool: tool.name, message });
      await this.journal.retryTool(no);
      return this.run(no, tool, args, signal);
    }
    if (prior?.status === 'approved') {
      this.trace.add('governance', {
        tool: tool.name,
        outcome: 'approved_by_human',
        approval_id: prior.approval_id,
        action: tool.action,
      });
    } else {
      const decision = decide(this.scope.maturity, tool.action, this.complexityOf(tool), tool.high_risk);
      if (decision.outcome === 'deny') return this.deny(no, tool, args, decision);
      const preApproved = this.preApproved(tool, decision);
      if (decision.outcome === 'approval' && !preApproved) throw new ApprovalNeeded(tool, decision, no, args);
      const outcome = preApproved ? 'approved_by_human' : 'allowed';
      this.trace.add('governance', { tool: tool.name, outcome, action: tool.action, complexity: decision.complexity });
    }
    const admit = async (ex: Executor) =>
      (await consumeSkillRun(ex, this.scope.tenantId, this.scope.plan))?.message ?? null;
    const refusal = await this.journal.startTool(no, tool.name, args, prior, admit, skillRunQuota(this.scope.plan));
    if (refusal) {
      this.trace.add('quota', { tool: tool.name, outcome: 'refused', reason: refusal });
      return { ok: false, output: null, error: `SKILL_LIMIT_EXCEEDED: ${refusal}` };
    }
    return this.run(no, tool, args, signal);
  }

  /** A human who approved the task approved the ordinary tools it needs, not high-risk ones. */
  private preApproved(tool: ToolDef, decision: Decision): boolean {
    const { approved, taskComplexity } = this.scope;
    return (
      approved.includes(tool.name) ||
      (approved.includes(TASK_APPROVED) && !tool.high_risk && decision.complexity <= taskComplexity)
    );
  }

  private async run(
    no: number,
    tool: ToolDef,
    args: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<ToolResult> {
    this.calls += 1;
    this.used.add(tool.name);
    const started = Date.now();
    const { tenantId, agentId, executionId } = this.scope;
    const { plan } = this.scope;
    // The provider's record of the call (a skill run) is written with the call's end, not on its own.
    const { record, ...result } = await this.ctx.tools.call({
      tenantId,
      plan,
      agentId,
      executionId,
      tool,
      args,
      signal,
      idempotencyKey: this.journal.key(no),
      deferRecord: true,
    });
    if (result.ok) this.successes += 1;
    const duration = Date.now() - started;
    this.trace.add('tool_call', {
      tool: tool.name,
      title: tool.title,
      step_no: no,
      args,
      // A large output stays in the journal step only (the trace is rewritten with every step).
      ok: result.ok,
      output: inlineOrRef(result.output, `journal/${no}/result/output`),
      error: result.error ?? null,
      duration_ms: duration,
    });
    this.journal.finishTool(no, result, duration, record);
    return result;
  }

  private async deny(
    no: number,
    tool: ToolDef,
    args: Record<string, unknown>,
    decision: Decision,
  ): Promise<ToolResult> {
    const severity = decision.complexity >= 4 ? 'high' : 'medium';
    const violation: Violation = { action: tool.action, tool: tool.name, severity, reason: decision.reason };
    this.violations.push(violation);
    this.trace.add('governance', { tool: tool.name, ...decision, outcome: 'denied' });
    const error = `GOVERNANCE_DENIED: ${decision.reason}`;
    await this.journal.recordRefusal(no, tool.name, args, { refused: 'governance', violation }, error);
    return { ok: false, output: null, error };
  }

  /** What a finished step returned the first time; the counters move as they did then. */
  private replay(prior: StepRow, tool: ToolDef): ToolResult {
    const result = prior.result ?? {};
    if (prior.status === 'rejected') {
      // The decision was taken outside the run: the trace learns of it here (quiet if later steps follow).
      this.trace.add('governance', {
        tool: tool.name,
        outcome: 'rejected',
        approval_id: prior.approval_id,
        reason: prior.error,
      });
      return { ok: false, output: null, error: `APPROVAL_REJECTED: ${prior.error ?? 'Rejected by a reviewer'}` };
    }
    if (result.refused === 'governance') {
      this.violations.push(result.violation as Violation);
      return { ok: false, output: null, error: prior.error ?? 'GOVERNANCE_DENIED' };
    }
    if (result.refused === 'quota') return { ok: false, output: null, error: `SKILL_LIMIT_EXCEEDED: ${prior.error}` };
    this.calls += 1;
    this.used.add(tool.name);
    if (prior.status === 'completed') this.successes += 1;
    return {
      ok: prior.status === 'completed',
      output: result.output ?? null,
      ...(prior.error ? { error: prior.error } : {}),
    };
  }
}
