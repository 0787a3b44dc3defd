import type * as repo from './repo.js';

/** The webhook payload of a finished run. */
export function runEvent(r: repo.RunRow) {
  const ms =
    r.started_at && r.finished_at ? new Date(r.finished_at).getTime() - new Date(r.started_at).getTime() : null;
  return {
    run_id: r.id,
    workflow_id: r.workflow_id,
    workflow_name: r.graph.name,
    status: r.status,
    trigger: r.trigger,
    output: r.output ?? null,
    error: r.error,
    duration_ms: ms,
    finished_at: r.finished_at ? new Date(r.finished_at).toISOString() : null,
  };
}

/** An agent node's output names its execution: the journal keeps it beside the output. */
export const executionOf = (out: unknown) =>
  out && typeof out === 'object' && typeof (out as { execution_id?: unknown }).execution_id === 'string'
    ? { execution_id: (out as { execution_id: string }).execution_id }
    : {};

/** What a stream event carries of an output: the value when small, else a note. */
export function preview(out: unknown): unknown {
  const text = JSON.stringify(out ?? null);
  return text.length <= 8192 ? out : { truncated: true, bytes: text.length };
}
