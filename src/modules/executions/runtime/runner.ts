import type { AppContext } from '../../../platform/context.js';
import { newId } from '../../../platform/ids.js';
import type { LlmProvider } from '../../../platform/llm/provider.js';
import { OpenAiCompatible } from '../../../platform/llm/openai.js';
import type { Plan } from '../../../platform/plans.js';
import * as agents from '../../agents/repo.js';
import { actionTable } from '../../governance/service.js';
import * as approvals from '../../governance/repo.js';
import type { Maturity } from '../../governance/policy.js';
import * as repo from '../repo.js';
import { recordEnd } from '../record.js';
import { recall as recallEpisodes } from '../../graduation/repo.js';
import { ApprovalNeeded, ToolGate } from './gate.js';
import { runLlm } from './llm-loop.js';
import { runPlanner } from './planner.js';
import { Trace } from './trace.js';
import { executionChannel } from '../stream.js';

const HEARTBEAT_MS = 1000;

class Cancelled extends Error {}
class ShuttingDown extends Error {}

/**
 * Runs executions. Whoever claims an execution (the request that created it, or the job queue
 * after a crash) runs it; a heartbeat shows it is alive, and an execution whose heartbeat stops
 * is taken over. Cancellation is checked with every heartbeat.
 */
export class ExecutionRunner {
  private readonly running = new Map<string, { abort: AbortController; tenantId: string }>();
  readonly llm: LlmProvider | null;

  constructor(private readonly ctx: AppContext) {
    const { baseUrl, apiKey, model } = ctx.config.llm;
    this.llm = baseUrl ? new OpenAiCompatible(baseUrl, apiKey, model) : null;
  }

  /** Runs the execution if it can be claimed; resolves when it has finished or been parked. */
  async run(tenantId: string, executionId: string): Promise<void> {
    const claimed = await repo.claim(this.ctx.db.as(tenantId), tenantId, executionId, this.ctx.config.executionStaleMs);
    if (!claimed) return;
    const abort = new AbortController();
    this.running.set(executionId, { abort, tenantId });
    const trace = new Trace(claimed.reasoning_trace);
    if (claimed.attempts > 1) trace.add('note', { message: `attempt ${claimed.attempts}: the previous runner stopped; resuming` });
    let progress = claimed.progress;
    const announce = () => this.ctx.bus.publish(executionChannel(tenantId, executionId), '').catch(() => undefined);
    void announce();
    const beat = setInterval(() => {
      repo.heartbeat(this.ctx.db.as(tenantId), tenantId, executionId, progress, trace.steps).then(
        (r) => {
          if (r?.cancel_requested) abort.abort(new Cancelled('Cancelled by user'));
          void announce();
        },
        () => undefined,
      );
    }, HEARTBEAT_MS);
    try {
      await this.execute(claimed, trace, abort.signal, (n) => (progress = n));
    } finally {
      clearInterval(beat);
      this.running.delete(executionId);
      void announce();
    }
  }

  private async execute(e: repo.ExecutionRow, trace: Trace, signal: AbortSignal, progress: (n: number) => void) {
    const tenantId = e.tenant_id;
    const agent = await agents.getAgent(this.ctx.db.as(tenantId), tenantId, e.agent_id);
    const [tenant] = await this.ctx.db.query<{ plan: Plan }>(tenantId, 'SELECT plan FROM tenants WHERE id = $1', [tenantId]);
    if (!agent || !tenant) return this.end(e, trace, { status: 'failed', error: 'The agent no longer exists', result: null, confidence: null }, null);
    const table = await actionTable(this.ctx, tenantId);
    const gate = new ToolGate(this.ctx, { tenantId, plan: tenant.plan, agentId: agent.id, executionId: e.id, maturity: agent.maturity_level as Maturity, table, approved: e.approved_tools, taskComplexity: e.complexity }, trace);
    try {
      const tools = await this.ctx.tools.list(tenantId, agent.id, { source: e.source });
      const request = { task: e.task, context: e.context, parameters: e.parameters, tools, signal, progress };
      const system = String(agent.configuration.system_prompt ?? `You are ${agent.name}, a ${agent.role} agent at maturity ${agent.maturity_level}. Use the tools when they help; answer concisely.`);
      const recall = await this.recall(e, trace);
      const out = this.llm ? await runLlm(this.llm, { ...request, system, recall }, gate, trace) : await runPlanner(request, gate, trace);
      if (signal.aborted) throw signal.reason;
      await this.end(e, trace, { status: out.success ? 'completed' : 'failed', result: out.result, confidence: out.confidence, error: out.success ? null : String(out.result.summary) }, gate);
    } catch (err) {
      if (err instanceof ApprovalNeeded) return this.park(e, trace, err);
      // Released for another process to take over: nothing is written here.
      if (signal.reason instanceof ShuttingDown) return;
      if (err instanceof Cancelled || signal.aborted) {
        trace.add('final', { outcome: 'cancelled' });
        return this.end(e, trace, { status: 'cancelled', result: null, confidence: null, error: 'Cancelled by user' }, gate);
      }
      trace.add('final', { outcome: 'failed', error: (err as Error).message });
      await this.end(e, trace, { status: 'failed', result: null, confidence: 0, error: (err as Error).message }, gate);
    }
  }

  /** Episodic memory as context: the agent's most relevant past episodes for this task. */
  private async recall(e: repo.ExecutionRow, trace: Trace): Promise<string[]> {
    const canvas = typeof e.context.canvas_id === 'string' ? e.context.canvas_id : null;
    const found = await recallEpisodes(this.ctx.db.as(e.tenant_id), e.tenant_id, e.agent_id, e.task, canvas, 3);
    if (found.length === 0) return [];
    trace.add('recall', { episodes: found.map((x) => ({ episode_id: x.id, task: x.task, outcome: x.outcome, feedback_score: x.feedback_score, score: Math.round(x.score * 1000) / 1000 })) });
    return found.map((x) => `- "${x.task}" → ${x.outcome}${x.feedback_score !== null ? ` (feedback ${x.feedback_score})` : ''}`);
  }

  private async end(e: repo.ExecutionRow, trace: Trace, o: Pick<repo.Outcome, 'status' | 'result' | 'confidence' | 'error'>, gate: ToolGate | null) {
    await this.ctx.db.tx(e.tenant_id, async (ex) => {
      const done = await repo.finish(ex, e.tenant_id, e.id, { ...o, trace: trace.steps, toolsUsed: gate ? [...gate.used] : [], violations: gate?.violations ?? [] });
      if (done) await recordEnd(this.ctx, ex, done);
    });
  }

  /** A tool needs a human: record the request, park the execution; the decision resumes or fails it. */
  private async park(e: repo.ExecutionRow, trace: Trace, need: ApprovalNeeded) {
    const d = need.decision;
    trace.add('governance', { tool: need.tool.name, outcome: 'approval_requested', action: d.action, complexity: d.complexity, reason: d.reason });
    await this.ctx.db.tx(e.tenant_id, async (ex) => {
      const approval = await approvals.insertApproval(ex, e.tenant_id, { id: newId('apr'), agentId: e.agent_id, executionId: e.id, action: d.action, tool: need.tool.name, complexity: d.complexity, reason: d.reason });
      await repo.awaitApproval(ex, e.tenant_id, e.id, approval.id, trace.steps);
      await this.ctx.outbox.emit(ex, e.tenant_id, 'governance.approval_requested', { approval_id: approval.id, agent_id: e.agent_id, execution_id: e.id, action: d.action, tool: need.tool.name });
    });
  }

  /** Graceful shutdown: stop our runs and let another process take them over at once. */
  async shutdown() {
    for (const [id, r] of this.running) {
      r.abort.abort(new ShuttingDown('server shutting down'));
      await repo.release(this.ctx.db.as(r.tenantId), r.tenantId, id).catch(() => undefined);
    }
  }
}
