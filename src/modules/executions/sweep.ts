import type { AppContext } from '../../platform/context.js';
import { SYSTEM } from '../../platform/db/index.js';
import type { Loop } from '../../platform/jobs.js';
import { expiredLeases } from './repo.js';
import type { ExecutionRunner } from './runtime/runner.js';

export const LEASE_SWEEP = 'executions.sweep';
const BATCH = 50;

/**
 * Takes over runs whose lease expired (no heartbeat for `executionStaleMs`: their process died, or
 * released them at shutdown). Every process that runs workers sweeps every `executionSweepMs`, one
 * query across tenants, instead of a watchdog job per execution; the claim is atomic, so a run
 * found by several processes is taken by one. A crashed run is taken over at most
 * staleMs + sweepMs after its last heartbeat.
 */
export function leaseSweep(ctx: AppContext, runner: ExecutionRunner): Loop {
  let timer: NodeJS.Timeout | null = null;
  let busy: Promise<void> | null = null;
  let stopped = true;

  async function sweep(): Promise<void> {
    for (;;) {
      const due = (await expiredLeases(ctx.db.as(SYSTEM), ctx.config.executionStaleMs, BATCH)).filter(
        (r) => !runner.isRunning(r.id),
      );
      // Awaits the claims (not the runs): the next query no longer sees what was just taken.
      await Promise.all(
        due.map((r) => runner.begin(r.tenant_id, r.id).catch((err) => void ctx.jobs.boss.emit('error', err))),
      );
      if (due.length < BATCH || stopped) return;
    }
  }

  const tick = () => {
    if (busy || stopped) return;
    busy = sweep()
      .catch((err) => void ctx.jobs.boss.emit('error', err))
      .finally(() => {
        busy = null;
      });
  };
  return {
    start() {
      stopped = false;
      tick();
      timer = setInterval(tick, ctx.config.executionSweepMs);
      timer.unref();
    },
    wake: tick,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await busy;
    },
  };
}
