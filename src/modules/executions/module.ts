import type { AppContext } from '../../platform/context.js';
import { runnerFor } from './runtime/shared.js';
import { executionsService, RUN_QUEUE } from './service.js';

/** The job queue runs executions nobody is running: after a crash, a restart, or an approval. */
export function setupExecutions(ctx: AppContext) {
  const executions = executionsService(ctx, runnerFor(ctx));
  ctx.jobs.register<{ tenantId: string; executionId: string }>(RUN_QUEUE, (job) => executions.runFromQueue(job.data.tenantId, job.data.executionId), { batchSize: 10 });
}
