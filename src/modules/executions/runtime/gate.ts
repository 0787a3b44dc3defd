import type { AppContext } from '../../../platform/context.js';
import type { ToolDef, ToolResult } from '../../../platform/tools.js';
import { PLAN_LIMITS, type Plan } from '../../../platform/plans.js';
import { decide, type ActionTable, type Decision, type Maturity } from '../../governance/policy.js';
import type { Violation } from '../repo.js';
import { consume, SKILL_METRIC } from '../../../platform/usage.js';
import type { Trace } from './trace.js';

/** Thrown by a tool call that must wait for a human: the runner parks the execution. */
export class ApprovalNeeded extends Error {
  constructor(readonly tool: ToolDef, readonly decision: Decision) {
    super(`approval needed for ${tool.name}`);
  }
}

export { SKILL_METRIC };
/** Marker in approved_tools: the whole task was approved by a human. */
export const TASK_APPROVED = '*task*';

/**
 * Every tool call an agent makes passes here: governance first (deny, ask, or allow), then the
 * plan's daily skill quota, then the registry. Denials become violations on the record.
 */
export class ToolGate {
  readonly used = new Set<string>();
  readonly violations: Violation[] = [];
  calls = 0;
  successes = 0;

  constructor(
    private readonly ctx: AppContext,
    private readonly scope: { tenantId: string; plan: Plan; agentId: string; executionId: string; maturity: Maturity; table: ActionTable; approved: string[]; taskComplexity: number },
    private readonly trace: Trace,
  ) {}

  complexityOf(tool: ToolDef): number {
    return this.scope.table[tool.action] ?? 4;
  }

  async call(tool: ToolDef, args: Record<string, unknown>, signal: AbortSignal): Promise<ToolResult> {
    const decision = decide(this.scope.maturity, tool.action, this.complexityOf(tool), tool.high_risk);
    // A human who approved the task approved the ordinary tools it needs, not high-risk ones.
    const approved = this.scope.approved.includes(tool.name) || (this.scope.approved.includes(TASK_APPROVED) && !tool.high_risk && decision.complexity <= this.scope.taskComplexity);
    if (decision.outcome === 'deny') {
      this.violations.push({ action: tool.action, tool: tool.name, severity: decision.complexity >= 4 ? 'high' : 'medium', reason: decision.reason });
      this.trace.add('governance', { tool: tool.name, ...decision, outcome: 'denied' });
      return { ok: false, output: null, error: `GOVERNANCE_DENIED: ${decision.reason}` };
    }
    if (decision.outcome === 'approval' && !approved) throw new ApprovalNeeded(tool, decision);
    this.trace.add('governance', { tool: tool.name, outcome: approved ? 'approved_by_human' : 'allowed', action: tool.action, complexity: decision.complexity });
    const limit = PLAN_LIMITS[this.scope.plan].dailySkillExecutions;
    if (!(await consume(this.ctx.db.as(this.scope.tenantId), this.scope.tenantId, SKILL_METRIC, limit))) {
      this.trace.add('quota', { tool: tool.name, outcome: 'refused', reason: `daily skill execution limit (${limit}) reached` });
      return { ok: false, output: null, error: `SKILL_LIMIT_EXCEEDED: daily limit of ${limit} skill executions reached` };
    }
    this.calls += 1;
    this.used.add(tool.name);
    const started = Date.now();
    const result = await this.ctx.tools.call({ tenantId: this.scope.tenantId, agentId: this.scope.agentId, executionId: this.scope.executionId, tool, args, signal });
    if (result.ok) this.successes += 1;
    this.trace.add('tool_call', { tool: tool.name, args, ok: result.ok, output: result.output, error: result.error ?? null, duration_ms: Date.now() - started });
    return result;
  }
}
