import type { AppContext } from '../../../platform/context.js';
import type { Plan as PlanTier } from '../../../platform/plans.js';
import { keepLease } from '../../executions/journal/lease.js';
import * as journal from '../../executions/journal/steps.js';
import { Cancelled, RunAttempt, ShuttingDown } from './execution.js';
import * as repo from './repo.js';

const HEARTBEAT_MS = 1000;

/** The bus channel on which a run's writes are announced (its SSE stream, in any process, listens). */
export const runChannel = (tenantId: string, runId: string) => `wfrun:${tenantId}:${runId}`;

/**
 * Runs workflow runs. Whoever claims a run (the request or trigger that created it, or the job
 * queue after a crash or an approval) runs it; a heartbeat shows it is alive and carries a cancel
 * request; a run whose heartbeat stops is taken over, and its journal decides what is left to do.
 */
export class WorkflowRunner {
  private readonly running = new Map<string, { abort: AbortController; tenantId: string; attempt: number }>();

  constructor(private readonly ctx: AppContext) {}

  isRunning(runId: string): boolean {
    return this.running.has(runId);
  }

  /** Runs the run if it can be claimed; resolves when it has ended, parked or stopped. */
  async run(tenantId: string, runId: string): Promise<void> {
    const db = this.ctx.db.as(tenantId);
    const claimed = await repo.claim(db, tenantId, runId, this.ctx.config.executionStaleMs);
    if (!claimed) return;
    const abort = new AbortController();
    this.running.set(runId, { abort, tenantId, attempt: claimed.attempts });
    const announce = () => this.ctx.bus.publish(runChannel(tenantId, runId), '').catch(() => undefined);
    const stopBeating = keepLease(
      () => repo.heartbeat(db, tenantId, runId, claimed.attempts),
      abort,
      () => new Cancelled('Cancelled by user'),
      () => void announce(),
      HEARTBEAT_MS,
    );
    try {
      const [rows, seq, [tenant]] = await Promise.all([
        journal.steps(db, tenantId, runId),
        repo.lastSeq(db, tenantId, runId),
        this.ctx.db.query<{ plan: PlanTier }>(tenantId, 'SELECT plan FROM tenants WHERE id = $1', [tenantId]),
      ]);
      const attempt = new RunAttempt(this.ctx, claimed, rows, seq, tenant?.plan ?? 'free', abort.signal, announce);
      await attempt.record(await attempt.go());
    } finally {
      stopBeating();
      this.running.delete(runId);
      void announce();
    }
  }

  /** Graceful shutdown: stop our runs and let another process take them over at once. */
  async shutdown() {
    for (const [id, r] of this.running) {
      r.abort.abort(new ShuttingDown('server shutting down'));
      await repo.release(this.ctx.db.as(r.tenantId), r.tenantId, id, r.attempt).catch(() => undefined);
    }
  }
}

const runners = new WeakMap<AppContext, WorkflowRunner>();

/** One runner per app: routes, triggers and the job queue hand it the same runs. */
export function workflowRunnerFor(ctx: AppContext): WorkflowRunner {
  let r = runners.get(ctx);
  if (!r) {
    r = new WorkflowRunner(ctx);
    runners.set(ctx, r);
  }
  return r;
}
