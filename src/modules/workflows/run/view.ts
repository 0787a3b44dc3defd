import type { StepRow } from '../../executions/journal/steps.js';
import { runnableType } from '../node-kinds.js';
import { type NodeState, planOf } from './plan.js';
import type { RunRow } from './repo.js';

const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null);
export const runUrl = (id: string) => `/api/workflow-runs/${id}`;

const STATE: Record<string, NodeState> = {
  started: 'running',
  completed: 'completed',
  failed: 'failed',
  skipped: 'skipped',
  awaiting_approval: 'awaiting_approval',
  cancelled: 'cancelled',
};

/** Each node of the run's graph with its journal step: state, attempts, input, output, error, timing. */
export function nodeViews(run: RunRow, rows: StepRow[]) {
  const plan = planOf(run.graph.nodes, run.graph.edges);
  const byStep = new Map(rows.map((r) => [r.step_no, r]));
  const finished = new Set(['completed', 'failed', 'skipped', 'cancelled']);
  return plan.order.map((n) => {
    const row = byStep.get(plan.stepNo.get(n.id)!);
    const t = runnableType(n);
    const request = (row?.request ?? {}) as { input?: unknown };
    const result = (row?.result ?? {}) as { output?: unknown; execution_id?: string };
    let state: NodeState = row ? (STATE[row.status] ?? 'pending') : 'pending';
    if (state === 'running' && run.status !== 'running') state = run.status === 'cancelled' ? 'cancelled' : 'pending';
    return {
      node_id: n.id,
      type: n.type,
      runs_as: 'type' in t ? t.type : null,
      label: n.label ?? n.id,
      state,
      attempts: row?.attempts ?? 0,
      input: request.input ?? null,
      output: row?.status === 'completed' ? (result.output ?? null) : null,
      error: row?.error ?? null,
      started_at: iso(row?.started_at),
      finished_at: row && finished.has(row.status) ? iso(row.finished_at) : null,
      duration_ms: row?.duration_ms ?? null,
      execution_id: result.execution_id ?? null,
      approval_id: row?.approval_id ?? null,
    };
  });
}

/** A run as the API shows it. */
export function runView(run: RunRow, rows: StepRow[]) {
  const nodes = nodeViews(run, rows);
  const done = nodes.filter((n) => ['completed', 'failed', 'skipped', 'cancelled'].includes(n.state)).length;
  return {
    id: run.id,
    workflow_id: run.workflow_id,
    workflow_name: run.graph.name,
    status: run.status,
    trigger: run.trigger,
    input: run.input,
    output: run.output ?? null,
    error: run.error ?? null,
    nodes,
    progress: { done, total: nodes.length },
    graph: { nodes: run.graph.nodes, edges: run.graph.edges },
    attempts: run.attempts,
    scheduled_for: iso(run.scheduled_for),
    created_at: iso(run.created_at)!,
    started_at: iso(run.started_at),
    finished_at: iso(run.finished_at),
    poll_url: runUrl(run.id),
    stream_url: `${runUrl(run.id)}/stream`,
  };
}
