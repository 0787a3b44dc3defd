import type { AppContext } from '../../../platform/context.js';
import type { Executor } from '../../../platform/db/index.js';
import { AppError, notFound } from '../../../platform/errors.js';
import { newId } from '../../../platform/ids.js';
import type { Plan as PlanTier } from '../../../platform/plans.js';
import { consumeWorkflowRun } from '../../../platform/usage.js';
import * as journal from '../../executions/journal/steps.js';
import { runnerFor } from '../../executions/runtime/shared.js';
import { executionsService } from '../../executions/service.js';
import { assertNoIssues, runIssues } from '../checks.js';
import { validateParameters } from '../inputs.js';
import { type Workflow, workflowsService } from '../service.js';
import * as repo from './repo.js';
import { runEvent } from './run-events.js';
import { runChannel, workflowRunnerFor } from './runner.js';
import { runView } from './view.js';

export const WORKFLOW_RUN_QUEUE = 'workflows.run';
const MAX_INPUT_BYTES = 256 * 1024;

export interface StartOptions {
  trigger: repo.RunTrigger;
  input: Record<string, unknown>;
  requestedBy: string | null;
  /** Answer at once instead of waiting up to the sync budget. */
  async?: boolean;
}

const missingRun = (id: string) => notFound('WORKFLOW_RUN_NOT_FOUND', 'Workflow run', id);

/**
 * Workflow runs: started by hand, by a signed webhook or by a schedule; counted against the plan's
 * daily runs in the transaction that creates them; run by the runner (runner.ts) and watched by a
 * job that takes a run over when its runner died.
 */
export function workflowRunsService(ctx: AppContext) {
  const runner = workflowRunnerFor(ctx);
  const workflows = workflowsService(ctx);
  const kick = (tenantId: string, id: string) =>
    runner.run(tenantId, id).catch((err) => ctx.jobs.boss.emit('error', err));
  const jobOptions = () => ({
    retryLimit: 1000,
    retryDelay: Math.ceil(ctx.config.executionStaleMs / 1000),
    retryBackoff: false,
    expireInSeconds: 3600,
  });
  const watch = (ex: Executor, tenantId: string, runId: string, startAfter: number) =>
    ctx.jobs.send(WORKFLOW_RUN_QUEUE, { tenantId, runId }, { ...jobOptions(), startAfter }, ex);

  async function view(tenantId: string, run: repo.RunRow) {
    return runView(run, await journal.steps(ctx.db.as(tenantId), tenantId, run.id));
  }

  /** The run's input: the template's saved inputs under the caller's, checked against the input schema. */
  function inputFor(w: Workflow, input: Record<string, unknown>): Record<string, unknown> {
    if (Buffer.byteLength(JSON.stringify(input)) > MAX_INPUT_BYTES) {
      throw new AppError('VALIDATION_ERROR', `The run's input is larger than ${MAX_INPUT_BYTES} bytes`, {
        field: 'input',
      });
    }
    const merged = { ...(w.user_inputs ?? {}), ...input };
    return w.input_schema?.length ? validateParameters(w.input_schema, merged) : merged;
  }

  /**
   * Creates a run in the caller's transaction (the quota counted with it) and the job that watches
   * it. A spent quota refuses the run; `recordRefusal` keeps a failed run instead (a schedule's
   * tick, where nobody is there to read a 429).
   */
  async function create(
    ex: Executor,
    tenantId: string,
    w: Workflow,
    o: StartOptions & { scheduledFor?: Date; recordRefusal?: boolean },
  ) {
    const [{ plan }] = await ex.query<{ plan: PlanTier }>('SELECT plan FROM tenants WHERE id = $1', [tenantId]);
    const draft = {
      id: newId('wfr'),
      workflowId: w.id,
      trigger: o.trigger,
      input: o.input,
      requestedBy: o.requestedBy,
      graph: { name: w.name, nodes: w.nodes, edges: w.edges },
      scheduledFor: o.scheduledFor ?? null,
    };
    const refusal = await consumeWorkflowRun(ex, tenantId, plan);
    if (refusal && !o.recordRefusal) throw refusal;
    if (refusal) {
      const failed = await repo.insert(ex, tenantId, draft, `${refusal.code}: ${refusal.message}`);
      await ctx.outbox.emit(ex, tenantId, 'workflow.run.failed', runEvent(failed));
      return failed;
    }
    const run = await repo.insert(ex, tenantId, draft);
    await watch(ex, tenantId, run.id, Math.ceil(ctx.config.executionSyncBudgetMs / 1000) + 2);
    return run;
  }

  /**
   * A run cancelled while its agent waited for a human: the execution is cancelled too (its approval leaves the queue).
   */
  async function cancelParkedExecution(tenantId: string, runId: string) {
    const steps = await journal.steps(ctx.db.as(tenantId), tenantId, runId);
    const parked = steps.find((s) => s.status === 'awaiting_approval');
    const executionId = (parked?.result as { execution_id?: string } | null)?.execution_id;
    if (!executionId) return;
    const executions = executionsService(ctx, runnerFor(ctx));
    const e = await executions.find(tenantId, executionId);
    if (e && !['completed', 'failed', 'cancelled'].includes(e.status)) {
      await executions.cancel(tenantId, e.agent_id, executionId).catch(() => undefined);
    }
  }

  return {
    create,

    /** Checks the workflow can run and its input, creates the run, and answers within the sync budget. */
    async start(tenantId: string, workflowId: string, o: StartOptions) {
      const w = await workflows.get(tenantId, workflowId);
      assertNoIssues(runIssues(w.nodes, w.edges), 'The workflow cannot run');
      const input = inputFor(w, o.input);
      const run = await ctx.db.tx(tenantId, (ex) => create(ex, tenantId, w, { ...o, input }));
      const running = kick(tenantId, run.id);
      if (!o.async) await Promise.race([running, new Promise((r) => setTimeout(r, ctx.config.executionSyncBudgetMs))]);
      const now = (await repo.get(ctx.db.as(tenantId), tenantId, run.id))!;
      return { run: await view(tenantId, now), finished: repo.TERMINAL.has(now.status) };
    },

    kick,

    async get(tenantId: string, runId: string) {
      const run = await repo.get(ctx.db.as(tenantId), tenantId, runId);
      if (!run) throw missingRun(runId);
      return view(tenantId, run);
    },

    async list(tenantId: string, workflowId: string, f: { status?: repo.RunStatus; limit: number; offset: number }) {
      await workflows.get(tenantId, workflowId);
      const db = ctx.db.as(tenantId);
      const { rows, total } = await repo.list(db, tenantId, workflowId, f);
      const steps = await journal.stepsOf(
        db,
        tenantId,
        rows.map((r) => r.id),
      );
      return { runs: rows.map((r) => runView(r, steps.get(r.id) ?? [])), total };
    },

    /** A queued or parked run ends at once; a running one stops at its runner's next heartbeat. */
    async cancel(tenantId: string, runId: string) {
      const current = await repo.get(ctx.db.as(tenantId), tenantId, runId);
      if (!current) throw missingRun(runId);
      if (repo.TERMINAL.has(current.status)) {
        throw new AppError('CONFLICTING_OPERATION', `Workflow run is already ${current.status}`, {
          status: current.status,
        });
      }
      const run = await ctx.db.tx(tenantId, async (ex) => {
        const r = (await repo.requestCancel(ex, tenantId, runId))!;
        if (r.status === 'cancelled') {
          const seq = await repo.lastSeq(ex, tenantId, runId);
          await repo.addEvent(ex, tenantId, runId, seq + 1, 'run', { status: 'cancelled' });
          await repo.addEvent(ex, tenantId, runId, seq + 2, 'done', { status: 'cancelled' });
          await ctx.outbox.emit(ex, tenantId, 'workflow.run.cancelled', runEvent(r));
        }
        return r;
      });
      await ctx.bus.publish(runChannel(tenantId, runId), '').catch(() => undefined);
      if (current.status === 'awaiting_approval') await cancelParkedExecution(tenantId, runId);
      return view(tenantId, run);
    },

    /**
     * The job queue's side, a watchdog until the run ends: it starts the run unless it is finished,
     * parked, or alive; then asks to be called again. The job is never held while the run works.
     */
    async fromQueue(tenantId: string, runId: string) {
      const run = await repo.get(ctx.db.as(tenantId), tenantId, runId);
      if (!run || repo.TERMINAL.has(run.status) || run.status === 'awaiting_approval') return;
      const fresh = run.heartbeat_at && Date.now() - new Date(run.heartbeat_at).getTime() < ctx.config.executionStaleMs;
      if ((run.status === 'running' && fresh) || runner.isRunning(runId))
        throw new Error(`workflow run ${runId} is running; checking again later`);
      void kick(tenantId, runId);
      throw new Error(`workflow run ${runId} started here; checking again later that it ends`);
    },

    /** An agent execution ended: the run whose node waited on it (for a human's decision) goes on. */
    async onExecutionEnded(tenantId: string, executionId: string) {
      const runId = await journal.runAwaiting(ctx.db.as(tenantId), tenantId, executionId);
      if (!runId) return;
      const woke = await ctx.db.tx(tenantId, async (ex) => {
        if (!(await repo.wake(ex, tenantId, runId))) return false;
        await watch(ex, tenantId, runId, 2);
        return true;
      });
      if (woke) void kick(tenantId, runId);
    },
  };
}
