import type { AppContext } from '../../../platform/context.js';
import type { Executor } from '../../../platform/db/index.js';
import { newId } from '../../../platform/ids.js';
import { OpenAiCompatible } from '../../../platform/llm/openai.js';
import type { LlmProvider } from '../../../platform/llm/provider.js';
import type { Plan } from '../../../platform/plans.js';
import { traceLlm } from '../../../platform/tracing/index.js';
import { assertLlmTokensLeft, recordLlmUsage } from '../../../platform/usage.js';
import * as agents from '../../agents/queries.js';
import { MAX_TURNS } from '../../agents/schemas.js';
import * as approvals from '../../governance/approvals.js';
import type { ActionTable, Maturity } from '../../governance/policy.js';
import { actionTable } from '../../governance/service.js';
import { recall as recallEpisodes } from '../../graduation/episodes.js';
import { executionChannel } from '../channel.js';
import { executionJournal, type Journal, Superseded } from '../journal/journal.js';
import { keepLease } from '../journal/lease.js';
import * as journalRepo from '../journal/repo.js';
import { recordEnd } from '../record.js';
import * as repo from '../repo.js';
import { INLINE_OUTPUT_BYTES, jsonBytes } from '../stored.js';
import { pollUrl } from '../view.js';
import { ApprovalNeeded, ToolGate } from './gate.js';
import { type LoopOutcome, type Meter, runLlm } from './llm-loop.js';
import { runPlanner } from './planner.js';
import { type TokenListener, TokenStream } from './tokens.js';
import { Trace } from './trace.js';

const HEARTBEAT_MS = 1000;
/**
 * A run whose runner keeps stopping without finishing (its process dies each time, say) is not
 * taken over for ever: this attempt ends it as failed. Each takeover and each reviewer's decision
 * counts one attempt (the per-run watchdog job this sweep replaced gave up after 100 retries too).
 */
export const MAX_ATTEMPTS = 100;

class Cancelled extends Error {}
class ShuttingDown extends Error {}

type Outcome = Pick<repo.Outcome, 'status' | 'result' | 'confidence' | 'error'>;

/** What a run needs beside its row; the request that admitted it has read it already. */
export interface Known {
  agent: agents.AgentRow;
  plan: Plan;
  table: ActionTable;
}

/** One attempt at a run: its trace, journal and abort signal, and what is known up front (null: read it). */
interface Attempt {
  trace: Trace;
  journal: Journal;
  signal: AbortSignal;
  known: Known | null;
}

/**
 * Runs executions. Whoever claims an execution (the request that created it, or the job queue
 * after a crash or an approval) runs it; a heartbeat shows it is alive, and an execution whose
 * heartbeat stops is taken over. Every step is written to the execution's journal, so the attempt
 * that resumes a run replays what finished instead of doing it again. Cancellation is checked with
 * every heartbeat.
 */
/** A large output that became the result is kept there only: its journal step refers to it (stored.ts). */
async function storeOutputOnce(ex: Executor, e: repo.ExecutionRow): Promise<void> {
  const output = e.result?.output;
  if (output === undefined || output === null) return;
  const bytes = jsonBytes(output);
  if (bytes > INLINE_OUTPUT_BYTES)
    await journalRepo.referToResult(ex, e.tenant_id, e.id, output, `${pollUrl(e)}#/result/output`, bytes);
}

export class ExecutionRunner {
  private readonly running = new Map<string, { abort: AbortController; tenantId: string }>();
  private readonly tokenListeners: TokenListener[] = [];
  private closing = false;
  readonly llm: LlmProvider | null;

  constructor(private readonly ctx: AppContext) {
    const { baseUrl, apiKey, model } = ctx.config.llm;
    this.llm = traceLlm(ctx.tracing, baseUrl ? new OpenAiCompatible(baseUrl, apiKey, model) : null);
  }

  /** Another module (chat) receives each piece of a model's answer as it streams. */
  onTokens(listener: TokenListener) {
    this.tokenListeners.push(listener);
  }

  isRunning(executionId: string): boolean {
    return this.running.has(executionId);
  }

  /**
   * Runs the execution if it can be claimed; resolves when it has finished (with its final row) or
   * been parked, released or taken over (null).
   */
  async run(tenantId: string, executionId: string): Promise<repo.ExecutionRow | null> {
    const claimed = await repo.claim(this.ctx.db.as(tenantId), tenantId, executionId, this.ctx.config.executionStaleMs);
    return claimed ? this.drive(claimed, null) : null;
  }

  /**
   * Claims the execution and, when the claim succeeds, runs it in the background: resolves with
   * whether it was claimed (the job queue and the lease sweep wait for the claim, not the run).
   */
  async begin(tenantId: string, executionId: string): Promise<boolean> {
    // A process shutting down takes nothing new (it would take back the runs it just released).
    if (this.closing) return false;
    const claimed = await repo.claim(this.ctx.db.as(tenantId), tenantId, executionId, this.ctx.config.executionStaleMs);
    if (!claimed) return false;
    void this.drive(claimed, null).catch((err) => this.ctx.jobs.boss.emit('error', err));
    return true;
  }

  /**
   * Runs an execution this process inserted already claimed (attempt 1, nothing journaled yet),
   * with what the request read to admit it: nothing is read again.
   */
  start(inserted: repo.ExecutionRow, known: Known): Promise<repo.ExecutionRow | null> {
    return this.drive(inserted, known);
  }

  private async drive(claimed: repo.ExecutionRow, known: Known | null): Promise<repo.ExecutionRow | null> {
    const { tenant_id: tenantId, id: executionId } = claimed;
    const abort = new AbortController();
    this.running.set(executionId, { abort, tenantId });
    try {
      const { trace, journal } = await this.resume(claimed, known !== null);
      let progress = claimed.progress;
      const announce = () => this.ctx.bus.publish(executionChannel(tenantId, executionId), '').catch(() => undefined);
      // A run inserted in progress has no change of state to announce yet.
      if (!known) void announce();
      const stopBeating = keepLease(
        () => repo.heartbeat(this.ctx.db.as(tenantId), tenantId, executionId, claimed.attempts, progress, trace.steps),
        abort,
        () => new Cancelled('Cancelled by user'),
        () => void announce(),
        HEARTBEAT_MS,
      );
      try {
        return await this.execute(claimed, { trace, journal, signal: abort.signal, known }, (n) => (progress = n));
      } finally {
        stopBeating();
        void announce();
      }
    } finally {
      this.running.delete(executionId);
    }
  }

  /**
   * The trace and journal of an attempt. The trace is cut back to what the journal's last step had
   * seen (entries after it are said again as the run goes on) and stays quiet during the replay.
   * A run inserted claimed by this process has no journal yet (`fresh`).
   */
  private async resume(e: repo.ExecutionRow, fresh: boolean): Promise<{ trace: Trace; journal: Journal }> {
    const rows = fresh ? [] : await journalRepo.steps(this.ctx.db.as(e.tenant_id), e.tenant_id, e.id);
    const last = rows.at(-1);
    const trace = new Trace(last ? e.reasoning_trace.slice(0, last.trace_len) : e.reasoning_trace);
    const journal = executionJournal(this.ctx, e, rows, trace);
    if (last && ['approved', 'rejected'].includes(last.status)) {
      const replayed = rows.length - 1;
      trace.add('note', {
        message: `resuming after the reviewer's decision: ${replayed} journaled steps are replayed, not repeated`,
      });
    } else if (e.attempts > 1) {
      const from = rows.length ? ` from the journal (${rows.length} steps replayed, not repeated)` : '';
      trace.add('note', { message: `attempt ${e.attempts}: the previous runner stopped; resuming${from}` });
    }
    trace.quietWhile(() => journal.replaying);
    return { trace, journal };
  }

  /** The agent, the plan and the governance table: given by the request that admitted the run, else read. */
  private async known(e: repo.ExecutionRow): Promise<Known | null> {
    const tenantId = e.tenant_id;
    const agent = await agents.getAgent(this.ctx.db.as(tenantId), tenantId, e.agent_id);
    const [tenant] = await this.ctx.db.query<{ plan: Plan }>(tenantId, 'SELECT plan FROM tenants WHERE id = $1', [
      tenantId,
    ]);
    if (!agent || !tenant) return null;
    return { agent, plan: tenant.plan, table: await actionTable(this.ctx, tenantId) };
  }

  private async execute(
    e: repo.ExecutionRow,
    a: Attempt,
    progress: (n: number) => void,
  ): Promise<repo.ExecutionRow | null> {
    const { trace, journal, signal } = a;
    const tenantId = e.tenant_id;
    if (e.attempts > MAX_ATTEMPTS) {
      const error =
        `Stopped after ${MAX_ATTEMPTS} attempts: each runner stopped before the run finished (its ` +
        `process died or was stopped), so it is not taken over again`;
      return this.end(e, a, { status: 'failed', error, result: null, confidence: null }, null);
    }
    const known = a.known ?? (await this.known(e));
    if (!known) {
      return this.end(
        e,
        a,
        { status: 'failed', error: 'The agent no longer exists', result: null, confidence: null },
        null,
      );
    }
    const { agent, plan, table } = known;
    const scope = {
      tenantId,
      plan,
      agentId: agent.id,
      executionId: e.id,
      maturity: agent.maturity_level as Maturity,
      table,
      approved: e.approved_tools,
      taskComplexity: e.complexity,
    };
    const gate = new ToolGate(this.ctx, scope, trace, journal);
    const tokens = new TokenStream((chunk) => this.publishTokens(e, chunk));
    try {
      const tools = await this.ctx.tools.list(tenantId, agent.id, { source: e.source });
      const request = { task: e.task, context: e.context, parameters: e.parameters, tools, signal, progress };
      // A model reads the recalled episodes, so they are journaled (later they may differ); the planner only shows
      // them.
      const recall = this.llm
        ? await journal.remember('recall', () => this.recall(e, trace))
        : await this.recall(e, trace);
      const out: LoopOutcome = this.llm
        ? await runLlm(
            this.llm,
            {
              ...request,
              system: this.systemPrompt(agent),
              recall,
              tokens,
              maxTurns: Number(agent.configuration.max_turns ?? MAX_TURNS.default),
              historyTokens: this.ctx.config.llm.historyTokens,
            },
            { gate, trace, journal, meter: this.meter(tenantId, plan) },
          )
        : await runPlanner(request, gate, trace);
      await tokens.drain();
      if (signal.aborted) throw signal.reason;
      const error = out.success ? null : (out.error ?? String(out.result.summary));
      const status = out.success ? 'completed' : 'failed';
      return await this.end(e, a, { status, result: out.result, confidence: out.confidence, error }, gate);
    } catch (err) {
      await tokens.drain();
      return this.fail(e, a, gate, err);
    }
  }

  /** The tenant's model tokens: refused once the plan's daily cap is spent, counted with each turn's journal step. */
  private meter(tenantId: string, plan: Plan): Meter {
    return {
      check: async () => void (await assertLlmTokensLeft(this.ctx.db.as(tenantId), tenantId, plan)),
      record: async (ex, usage) => void (await recordLlmUsage(ex, tenantId, usage)),
    };
  }

  private systemPrompt(agent: agents.AgentRow): string {
    const fallback =
      `You are ${agent.name}, a ${agent.role} agent at maturity ${agent.maturity_level}. ` +
      'Use the tools when they help; answer concisely.';
    return String(agent.configuration.system_prompt ?? fallback);
  }

  private async fail(
    e: repo.ExecutionRow,
    a: Attempt,
    gate: ToolGate,
    err: unknown,
  ): Promise<repo.ExecutionRow | null> {
    const { trace, journal, signal } = a;
    if (err instanceof ApprovalNeeded) return this.park(e, trace, journal, err);
    // Released for another process to take over: a tool call's end still held is written first, so it is not repeated.
    if (signal.reason instanceof ShuttingDown)
      return journal.flushAlone().then(
        () => null,
        () => null,
      );
    // Taken over already: nothing is written here.
    if (signal.reason instanceof Superseded || err instanceof Superseded) return null;
    if (err instanceof Cancelled || signal.aborted) {
      trace.add('final', { outcome: 'cancelled' });
      return this.end(e, a, { status: 'cancelled', result: null, confidence: null, error: 'Cancelled by user' }, gate);
    }
    trace.add('final', { outcome: 'failed', error: (err as Error).message });
    return this.end(e, a, { status: 'failed', result: null, confidence: 0, error: (err as Error).message }, gate);
  }

  /** Each piece of the answer: announced on the execution's channel (SSE in any process), then to listeners. */
  private async publishTokens(e: repo.ExecutionRow, chunk: { turn: number; seq: number; text: string }) {
    await this.ctx.bus
      .publish(executionChannel(e.tenant_id, e.id), JSON.stringify({ type: 'token', ...chunk }))
      .catch(() => undefined);
    for (const listener of this.tokenListeners) await listener(e, chunk).catch(() => undefined);
  }

  /** Episodic memory as context: the agent's most relevant past episodes for this task. */
  private async recall(e: repo.ExecutionRow, trace: Trace): Promise<string[]> {
    const canvas = typeof e.context.canvas_id === 'string' ? e.context.canvas_id : null;
    const found = await recallEpisodes(this.ctx.db.as(e.tenant_id), e.tenant_id, e.agent_id, e.task, canvas, 3);
    if (found.length === 0) return [];
    const episodes = found.map((x) => ({
      episode_id: x.id,
      task: x.task,
      outcome: x.outcome,
      feedback_score: x.feedback_score,
      score: Math.round(x.score * 1000) / 1000,
    }));
    trace.add('recall', { episodes });
    return found.map(
      (x) => `- "${x.task}" → ${x.outcome}${x.feedback_score !== null ? ` (feedback ${x.feedback_score})` : ''}`,
    );
  }

  /**
   * The end of a run, in one transaction: the execution's row (only while this attempt holds it),
   * the last tool call's journal end, the episode and the agent.executed event. Null when the run
   * was no longer this attempt's.
   */
  private async end(
    e: repo.ExecutionRow,
    a: Attempt,
    o: Outcome,
    gate: ToolGate | null,
  ): Promise<repo.ExecutionRow | null> {
    return this.ctx.db.tx(e.tenant_id, async (ex) => {
      const done = await repo.finish(ex, e.tenant_id, e.id, {
        ...o,
        trace: a.trace.steps,
        toolsUsed: gate ? [...gate.used] : [],
        violations: gate?.violations ?? [],
        attempt: e.attempts,
      });
      if (!done) return null;
      await a.journal.flush(ex);
      await storeOutputOnce(ex, done);
      await recordEnd(this.ctx, ex, done);
      return done;
    });
  }

  /**
   * A tool needs a human: record the request and the waiting journal step, park the execution; the decision resumes it.
   */
  private async park(e: repo.ExecutionRow, trace: Trace, journal: Journal, need: ApprovalNeeded): Promise<null> {
    const d = need.decision;
    const { tool, stepNo } = need;
    trace.add('governance', {
      tool: tool.name,
      title: tool.title,
      step_no: stepNo,
      outcome: 'approval_requested',
      action: d.action,
      complexity: d.complexity,
      reason: d.reason,
    });
    await this.ctx.db.tx(e.tenant_id, async (ex) => {
      const approval = await approvals.insertApproval(ex, e.tenant_id, {
        id: newId('apr'),
        agentId: e.agent_id,
        executionId: e.id,
        action: d.action,
        tool: tool.name,
        complexity: d.complexity,
        reason: d.reason,
      });
      await journal.park(ex, stepNo, tool.name, need.args, approval.id);
      if (!(await repo.awaitApproval(ex, e.tenant_id, e.id, approval.id, trace.steps, e.attempts))) {
        throw new Superseded('another attempt took this run over');
      }
      await this.ctx.outbox.emit(ex, e.tenant_id, 'governance.approval_requested', {
        approval_id: approval.id,
        agent_id: e.agent_id,
        execution_id: e.id,
        action: d.action,
        tool: tool.name,
        step_no: stepNo,
      });
    });
    return null;
  }

  /** Graceful shutdown: stop our runs and let another process take them over at once. */
  async shutdown() {
    this.closing = true;
    for (const [id, r] of this.running) {
      r.abort.abort(new ShuttingDown('server shutting down'));
      await repo.release(this.ctx.db.as(r.tenantId), r.tenantId, id).catch(() => undefined);
    }
  }
}
