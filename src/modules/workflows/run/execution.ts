import type { AppContext } from '../../../platform/context.js';
import type { Executor } from '../../../platform/db/index.js';
import type { Plan as PlanTier } from '../../../platform/plans.js';
import { Superseded } from '../../executions/journal/journal.js';
import * as journal from '../../executions/journal/steps.js';
import type { Scope } from '../expressions.js';
import type { WorkflowNode } from '../graph.js';
import { backoffBefore, policyOf, runnableType } from '../node-kinds.js';
import { type NodeResult, type NodeRun, PermanentNodeError } from './node-run.js';
import { execute, isPermanent, prepare } from './nodes.js';
import { edgeLive, type NodeState, nextActions, type Plan, planOf } from './plan.js';
import * as repo from './repo.js';
import { executionOf, preview, runEvent } from './run-events.js';
import { sleep, withDeadline } from './timing.js';

/** Branches of a graph that do not depend on each other run concurrently, this many at a time. */
export const MAX_PARALLEL_NODES = 4;

export class Cancelled extends Error {}
export class ShuttingDown extends Error {}

type Failure = { node_id: string | null; message: string };
export type AttemptEnd = 'ended' | 'parked' | 'stopped';

/**
 * One attempt at a workflow run, holding its lease (`attempts`). Each node is one step of the
 * run's journal (step number = its place in the topological order): written as started before it
 * acts and as finished after, in transactions that also check the lease and append the stream's
 * events. What the journal holds as finished is not run again; a node the journal shows started
 * (its process died) runs again with the same idempotency key and the same agent execution id.
 */
export class RunAttempt {
  private readonly plan: Plan;
  private readonly state = new Map<string, NodeState>();
  private readonly outputs = new Map<string, unknown>();
  private readonly branches = new Map<string, Set<string>>();
  private readonly prior: Map<string, journal.StepRow>;
  private readonly inflight = new Map<string, Promise<void>>();
  private chain: Promise<unknown> = Promise.resolve();
  private failure: Failure | null = null;
  private parkedOn: string | null = null;

  constructor(
    private readonly ctx: AppContext,
    private readonly run: repo.RunRow,
    rows: journal.StepRow[],
    private seq: number,
    private readonly tier: PlanTier,
    private readonly signal: AbortSignal,
    private readonly announce: () => void = () => undefined,
  ) {
    this.plan = planOf(run.graph.nodes, run.graph.edges);
    const byStep = new Map(rows.map((r) => [r.step_no, r]));
    this.prior = new Map();
    for (const n of this.plan.order) {
      const row = byStep.get(this.plan.stepNo.get(n.id)!);
      if (row) this.prior.set(n.id, row);
      this.restore(n, row);
    }
  }

  private restore(n: WorkflowNode, row: journal.StepRow | undefined) {
    if (!row || row.status === 'started' || row.status === 'awaiting_approval') return;
    const result = (row.result ?? {}) as { output?: unknown; branches?: string[] };
    this.state.set(n.id, row.status as NodeState);
    if (row.status === 'completed') {
      this.outputs.set(n.id, result.output ?? null);
      if (result.branches) this.branches.set(n.id, new Set(result.branches));
    }
    if (row.status === 'failed') this.failure ??= { node_id: n.id, message: row.error ?? 'failed' };
  }

  /** Every write of the attempt, one at a time, each refused once the lease is lost. */
  private write(fn: (ex: Executor) => Promise<void>): Promise<void> {
    const next = this.chain.then(() =>
      this.ctx.db.tx(this.run.tenant_id, async (ex) => {
        if (!(await repo.holds(ex, this.run.tenant_id, this.run.id, this.run.attempts)))
          throw new Superseded('another attempt holds this run');
        await fn(ex);
      }),
    );
    this.chain = next.catch(() => undefined);
    return next.then(() => this.announce());
  }

  private event(ex: Executor, type: string, data: Record<string, unknown>) {
    return repo.addEvent(ex, this.run.tenant_id, this.run.id, ++this.seq, type, data);
  }

  private nodeEvent(ex: Executor, id: string, state: NodeState, extra: Record<string, unknown> = {}) {
    return this.event(ex, 'node', { node_id: id, state, ...extra });
  }

  private scope(): Scope {
    return {
      input: this.run.input,
      nodes: Object.fromEntries(this.outputs),
      workflow: { id: this.run.workflow_id, name: this.run.graph.name },
      run: { id: this.run.id, trigger: this.run.trigger },
    };
  }

  /** Runs what is left of the graph; returns how the attempt ended. */
  async go(): Promise<{
    end: AttemptEnd;
    failure: Failure | null;
    output: unknown;
    status?: 'completed' | 'failed' | 'cancelled';
  }> {
    while (!this.failure && !this.signal.aborted) {
      const { run, skip } = nextActions(this.plan, this.state, this.branches);
      if (skip.length) {
        await this.skip(skip);
        continue;
      }
      const startable = this.parkedOn ? [] : run.filter((n) => !this.inflight.has(n.id));
      for (const n of startable.slice(0, MAX_PARALLEL_NODES - this.inflight.size)) this.launch(n);
      if (!this.inflight.size) break;
      await Promise.race(this.inflight.values());
    }
    await Promise.allSettled(this.inflight.values());
    await this.chain;
    return this.conclude();
  }

  private conclude() {
    const reason = this.signal.reason;
    if (reason instanceof Superseded || reason instanceof ShuttingDown)
      return { end: 'stopped' as const, failure: null, output: null };
    if (reason instanceof Cancelled)
      return {
        end: 'ended' as const,
        status: 'cancelled' as const,
        failure: { node_id: null, message: 'Cancelled by user' },
        output: null,
      };
    if (this.failure) return { end: 'ended' as const, status: 'failed' as const, failure: this.failure, output: null };
    if (this.parkedOn) return { end: 'parked' as const, failure: null, output: null };
    return { end: 'ended' as const, status: 'completed' as const, failure: null, output: this.output() };
  }

  /** One output node: its value; several: by node id; none in the graph: what the last nodes gave. */
  private output(): unknown {
    const outs = this.plan.order.filter((n) => {
      const t = runnableType(n);
      return 'type' in t && t.type === 'output';
    });
    const pick = outs.length ? outs : this.plan.order.filter((n) => this.plan.outgoing.get(n.id)!.length === 0);
    const done = pick.filter((n) => this.state.get(n.id) === 'completed');
    if (done.length === 1) return this.outputs.get(done[0].id);
    return done.length ? Object.fromEntries(done.map((n) => [n.id, this.outputs.get(n.id)])) : null;
  }

  private async skip(nodes: WorkflowNode[]) {
    for (const n of nodes) this.state.set(n.id, 'skipped');
    await this.write(async (ex) => {
      for (const n of nodes) {
        const no = this.plan.stepNo.get(n.id)!;
        if (!this.prior.has(n.id))
          await journal.insert(ex, this.run.tenant_id, this.run.id, {
            stepNo: no,
            kind: 'node',
            name: n.id,
            status: 'started',
            traceLen: 0,
          });
        await journal.finish(ex, this.run.tenant_id, this.run.id, no, {
          status: 'skipped',
          result: null,
          error: null,
          durationMs: 0,
          traceLen: 0,
        });
        await this.nodeEvent(ex, n.id, 'skipped');
      }
    });
  }

  private launch(n: WorkflowNode) {
    this.state.set(n.id, 'running');
    const p = this.runNode(n)
      .catch((err) => this.onNodeError(n, err))
      .finally(() => this.inflight.delete(n.id));
    this.inflight.set(n.id, p);
  }

  private onNodeError(n: WorkflowNode, err: unknown) {
    if (err instanceof Superseded || this.signal.aborted) {
      this.state.set(n.id, 'cancelled');
      return;
    }
    this.failure ??= { node_id: n.id, message: (err as Error).message };
  }

  /** The live predecessors' outputs, by node id. */
  private upstream(n: WorkflowNode): Record<string, unknown> {
    const live = this.plan.incoming.get(n.id)!.filter((e) => edgeLive(e, this.state, this.branches));
    return Object.fromEntries(live.map((e) => [e.source, this.outputs.get(e.source)]));
  }

  private async runNode(n: WorkflowNode) {
    const type = runnableType(n);
    if ('error' in type) throw new Error(type.error);
    const no = this.plan.stepNo.get(n.id)!;
    const prior = this.prior.get(n.id);
    const policy = policyOf(n, type.type);
    const base: Omit<NodeRun, 'attempt' | 'signal' | 'key'> = {
      ctx: this.ctx,
      tenantId: this.run.tenant_id,
      plan: this.tier,
      runId: this.run.id,
      node: n,
      type: type.type,
      scope: this.scope(),
      upstream: this.upstream(n),
      outgoing: this.plan.outgoing.get(n.id)!,
      requestedBy: this.run.requested_by,
    };
    let attempt = prior ? prior.attempts : 1;
    let counted = Boolean(prior?.usage?.skill_runs);
    const input = await prepare({ ...base, attempt, key: '', signal: this.signal });
    await this.write(async (ex) => {
      if (prior) await journal.resume(ex, this.run.tenant_id, this.run.id, no);
      else
        await journal.insert(ex, this.run.tenant_id, this.run.id, {
          stepNo: no,
          kind: 'node',
          name: n.id,
          status: 'started',
          request: { runs_as: type.type, input },
          traceLen: 0,
        });
      await this.nodeEvent(ex, n.id, 'running', { attempt });
    });
    for (;;) {
      const started = Date.now();
      try {
        const admit = async (count: (ex: Executor) => Promise<string | null>) => {
          if (counted) return;
          let refusal: string | null = null;
          await this.write(async (ex) => {
            refusal = await count(ex);
            if (!refusal) await journal.setUsage(ex, this.run.tenant_id, this.run.id, no, { skill_runs: 1 });
          });
          if (refusal) throw new PermanentNodeError(refusal);
          counted = true;
        };
        const result = await withDeadline(this.signal, policy.timeoutMs, `node '${n.id}'`, (signal) =>
          execute({ ...base, attempt, key: `${this.run.id}:${no}:${attempt}`, signal }, input, admit),
        );
        await this.settle(n, no, result, Date.now() - started);
        return;
      } catch (err) {
        if (this.signal.aborted || err instanceof Superseded || isPermanent(err) || attempt >= policy.attempts) {
          await this.failNode(n, no, err, Date.now() - started);
          throw err;
        }
        const delay = backoffBefore(policy, attempt + 1);
        attempt += 1;
        counted = false;
        await this.write(async (ex) => {
          await journal.retry(ex, this.run.tenant_id, this.run.id, no);
          await this.nodeEvent(ex, n.id, 'running', {
            attempt,
            retrying_after: (err as Error).message,
            delay_ms: delay,
          });
        });
        await sleep(delay, this.signal);
      }
    }
  }

  private async settle(n: WorkflowNode, no: number, r: NodeResult, durationMs: number) {
    if (r.kind === 'parked') {
      this.parkedOn = n.id;
      this.state.set(n.id, 'awaiting_approval');
      await this.write(async (ex) => {
        await journal.await_(ex, this.run.tenant_id, this.run.id, no, r.approvalId, { execution_id: r.executionId });
        await this.nodeEvent(ex, n.id, 'awaiting_approval', { execution_id: r.executionId, approval_id: r.approvalId });
      });
      return;
    }
    const result = { output: r.output, ...(r.branches ? { branches: r.branches } : {}), ...executionOf(r.output) };
    await this.write(async (ex) => {
      await journal.finish(ex, this.run.tenant_id, this.run.id, no, {
        status: 'completed',
        result,
        error: null,
        durationMs,
        traceLen: 0,
      });
      await this.nodeEvent(ex, n.id, 'completed', {
        output: preview(r.output),
        ...(r.branches ? { branches: r.branches } : {}),
      });
    });
    this.outputs.set(n.id, r.output);
    if (r.branches) this.branches.set(n.id, new Set(r.branches));
    this.state.set(n.id, 'completed');
  }

  private async failNode(n: WorkflowNode, no: number, err: unknown, durationMs: number) {
    if (
      err instanceof Superseded ||
      this.signal.reason instanceof Superseded ||
      this.signal.reason instanceof ShuttingDown
    )
      return;
    const cancelled = this.signal.reason instanceof Cancelled;
    const message = cancelled ? 'Cancelled by user' : (err as Error).message;
    this.state.set(n.id, cancelled ? 'cancelled' : 'failed');
    await this.write(async (ex) => {
      await journal.finish(ex, this.run.tenant_id, this.run.id, no, {
        status: cancelled ? 'cancelled' : 'failed',
        result: null,
        error: message,
        durationMs,
        traceLen: 0,
      });
      await this.nodeEvent(ex, n.id, cancelled ? 'cancelled' : 'failed', { error: message });
    }).catch(() => undefined);
  }

  /**
   * The attempt's last write: the run's end (with its stream events and the outbox event that
   * webhooks deliver), or its parking while an agent waits for a human. False when the lease was lost.
   */
  async record(c: Awaited<ReturnType<RunAttempt['go']>>): Promise<repo.RunRow | null> {
    if (c.end === 'stopped') return null;
    const { tenant_id: tenantId, id } = this.run;
    let out: repo.RunRow | null = null;
    await this.write(async (ex) => {
      if (c.end === 'parked') {
        if (await repo.park(ex, tenantId, id, this.run.attempts))
          await this.event(ex, 'run', { status: 'awaiting_approval' });
        return;
      }
      out = await repo.finish(ex, tenantId, id, this.run.attempts, {
        status: c.status!,
        output: c.output,
        error: c.failure,
      });
      if (!out) return;
      await this.event(ex, 'run', { status: out.status });
      await this.event(ex, 'done', { status: out.status });
      const type =
        out.status === 'completed'
          ? 'workflow.run.completed'
          : out.status === 'failed'
            ? 'workflow.run.failed'
            : 'workflow.run.cancelled';
      await this.ctx.outbox.emit(ex, tenantId, type, runEvent(out));
    }).catch((err) => {
      if (!(err instanceof Superseded)) throw err;
    });
    return out;
  }
}
