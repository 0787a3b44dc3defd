import type { AppContext } from '../../platform/context.js';
import { runnerFor } from './runtime/shared.js';
import { executionsService, RUN_QUEUE } from './service.js';
import { LEASE_SWEEP, leaseSweep } from './sweep.js';

/**
 * The job queue starts executions nobody is running after an approval; the lease sweep takes over
 * runs whose process died.
 */
export function setupExecutions(ctx: AppContext) {
  const runner = runnerFor(ctx);
  const executions = executionsService(ctx, runner);
  ctx.jobs.register<{ tenantId: string; executionId: string }>(
    RUN_QUEUE,
    (job) => executions.runFromQueue(job.data.tenantId, job.data.executionId),
    { batchSize: 10 },
  );
  ctx.jobs.addLoop(LEASE_SWEEP, leaseSweep(ctx, runner));
}
