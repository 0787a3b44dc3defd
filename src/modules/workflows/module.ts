import type { AppContext } from '../../platform/context.js';
import { WORKFLOW_RUN_QUEUE, workflowRunsService } from './run/service.js';

/**
 * The job queue watches workflow runs (it takes over a run whose process died, and resumes one
 * after its agent's approval); an agent execution's end wakes the run whose node waited on it.
 */
export function setupWorkflows(ctx: AppContext) {
  const runs = workflowRunsService(ctx);
  ctx.jobs.register<{ tenantId: string; runId: string }>(
    WORKFLOW_RUN_QUEUE,
    (job) => runs.fromQueue(job.data.tenantId, job.data.runId),
    { batchSize: 10 },
  );
  ctx.outbox.subscribe('workflow-runs', ['agent.executed'], async (event) => {
    const executionId = (event.data as { execution_id?: string }).execution_id;
    if (executionId) await runs.onExecutionEnded(event.tenant_id, executionId);
  });
}
