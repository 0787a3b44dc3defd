import type { AppContext } from '../../../platform/context.js';
import { SYSTEM } from '../../../platform/db/index.js';
import { find as findWorkflow } from '../repo.js';
import { workflowRunsService } from '../run/service.js';
import * as repo from './repo.js';
import { nextTick } from './schedules.js';

const BATCH = 20;

/**
 * Fires schedule triggers. Every process ticks (ATOM_SCHEDULER_INTERVAL_MS); a due row is locked
 * with SKIP LOCKED, its run created and its next_at moved on in one transaction, so each tick
 * fires once across all processes. A process that was down does not replay the ticks it missed:
 * the overdue tick fires once and the next one is computed from now.
 */
export function startScheduler(ctx: AppContext, intervalMs: number): () => Promise<void> {
  const runs = workflowRunsService(ctx);
  let busy: Promise<void> | null = null;
  let stopped = false;

  async function fireDue(): Promise<number> {
    const started: { tenantId: string; runId: string }[] = [];
    await ctx.db.tx(SYSTEM, async (sys) => {
      for (const s of await repo.claimDue(sys, BATCH)) {
        await repo.advance(sys, s, nextTick(s.cron, s.timezone, new Date()));
        // Read in this transaction: on the embedded database a read outside it waits for it to end.
        const w = await findWorkflow(sys, s.tenant_id, s.workflow_id);
        if (!w?.active) continue;
        const run = await runs.create(sys, s.tenant_id, w, {
          trigger: 'schedule',
          input: { ...(w.user_inputs ?? {}) },
          requestedBy: null,
          scheduledFor: new Date(s.next_at),
          recordRefusal: true,
        });
        if (run.status === 'queued') started.push({ tenantId: s.tenant_id, runId: run.id });
      }
    });
    for (const r of started) void runs.kick(r.tenantId, r.runId);
    return started.length;
  }

  const tick = () => {
    if (busy || stopped) return;
    busy = fireDue()
      .then(
        () => undefined,
        (err) => {
          ctx.jobs.boss.emit('error', err);
        },
      )
      .finally(() => {
        busy = null;
      });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await busy;
  };
}
