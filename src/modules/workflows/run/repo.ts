import type { Executor } from '../../../platform/db/index.js';
import type { WorkflowEdge, WorkflowNode } from '../graph.js';

export type RunStatus = 'queued' | 'running' | 'awaiting_approval' | 'completed' | 'failed' | 'cancelled';
export type RunTrigger = 'manual' | 'webhook' | 'schedule';
export const TERMINAL: ReadonlySet<RunStatus> = new Set(['completed', 'failed', 'cancelled']);

export interface RunGraph {
  name: string;
  nodes: WorkflowNode[];
  edges: WorkflowEdge[];
}

export interface RunRow {
  tenant_id: string;
  id: string;
  workflow_id: string;
  status: RunStatus;
  trigger: RunTrigger;
  input: Record<string, unknown>;
  output: unknown;
  error: { node_id: string | null; message: string } | null;
  graph: RunGraph;
  attempts: number;
  heartbeat_at: Date | null;
  cancel_requested: boolean;
  requested_by: string | null;
  scheduled_for: Date | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

export interface NewRun {
  id: string;
  workflowId: string;
  trigger: RunTrigger;
  input: Record<string, unknown>;
  graph: RunGraph;
  requestedBy: string | null;
  scheduledFor?: Date | null;
}

/**
 * A new run, queued; or, given `refusal`, one already failed when it is created (its daily quota
 * was spent when its schedule fired, and nobody was there to read a 429).
 */
export async function insert(ex: Executor, tenantId: string, r: NewRun, refusal?: string): Promise<RunRow> {
  const [row] = await ex.query<RunRow>(
    `INSERT INTO workflow_runs (tenant_id, id, workflow_id, trigger, input, graph, requested_by, scheduled_for,
         status, error, finished_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, CASE WHEN $9::jsonb IS NULL THEN 'queued' ELSE 'failed' END, $9,
       CASE WHEN $9::jsonb IS NULL THEN NULL ELSE now() END) RETURNING *`,
    [
      tenantId,
      r.id,
      r.workflowId,
      r.trigger,
      JSON.stringify(r.input),
      JSON.stringify(r.graph),
      r.requestedBy,
      r.scheduledFor ?? null,
      refusal === undefined ? null : JSON.stringify({ node_id: null, message: refusal }),
    ],
  );
  return row;
}

export async function get(ex: Executor, tenantId: string, id: string): Promise<RunRow | null> {
  const [row] = await ex.query<RunRow>('SELECT * FROM workflow_runs WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
  return row ?? null;
}

export async function list(
  ex: Executor,
  tenantId: string,
  workflowId: string,
  f: { status?: RunStatus; limit: number; offset: number },
): Promise<{ rows: RunRow[]; total: number }> {
  const rows = await ex.query<RunRow & { total: number }>(
    `SELECT *, count(*) OVER ()::int AS total FROM workflow_runs
      WHERE tenant_id = $1 AND workflow_id = $2 AND ($3::text IS NULL OR status = $3)
      ORDER BY created_at DESC, id DESC LIMIT $4 OFFSET $5`,
    [tenantId, workflowId, f.status ?? null, f.limit, f.offset],
  );
  return { rows, total: rows.length ? Number(rows[0].total) : 0 };
}

/**
 * Takes a run to work on: a queued one, or a running one whose runner stopped beating. `attempts`
 * moves on and is the new runner's lease.
 */
export async function claim(ex: Executor, tenantId: string, id: string, staleMs: number): Promise<RunRow | null> {
  const [row] = await ex.query<RunRow>(
    `UPDATE workflow_runs SET status = 'running', attempts = attempts + 1, heartbeat_at = now(), started_at =
         coalesce(started_at, now())
      WHERE tenant_id = $1 AND id = $2 AND NOT cancel_requested
        AND (status = 'queued' OR (status = 'running' AND heartbeat_at < now() - make_interval(secs => $3::double
          precision / 1000)))
      RETURNING *`,
    [tenantId, id, staleMs],
  );
  return row ?? null;
}

/** The lease holder's heartbeat; null once another runner holds the run (or it ended). */
export async function heartbeat(
  ex: Executor,
  tenantId: string,
  id: string,
  attempt: number,
): Promise<{ cancel_requested: boolean } | null> {
  const [row] = await ex.query<{ cancel_requested: boolean }>(
    `UPDATE workflow_runs SET heartbeat_at = now() WHERE tenant_id = $1 AND id = $2 AND attempts = $3
         AND status = 'running'
      RETURNING cancel_requested`,
    [tenantId, id, attempt],
  );
  return row ?? null;
}

/** True while `attempt` still holds the run: every journal write checks it in its transaction. */
export async function holds(ex: Executor, tenantId: string, id: string, attempt: number): Promise<boolean> {
  const rows = await ex.query(
    `SELECT 1 FROM workflow_runs WHERE tenant_id = $1 AND id = $2 AND attempts = $3 AND status = 'running' FOR UPDATE`,
    [tenantId, id, attempt],
  );
  return rows.length > 0;
}

export async function finish(
  ex: Executor,
  tenantId: string,
  id: string,
  attempt: number,
  o: { status: 'completed' | 'failed' | 'cancelled'; output: unknown; error: RunRow['error'] },
): Promise<RunRow | null> {
  const [row] = await ex.query<RunRow>(
    `UPDATE workflow_runs SET status = $4, output = $5, error = $6, finished_at = now(), heartbeat_at = NULL
      WHERE tenant_id = $1 AND id = $2 AND attempts = $3 AND status = 'running' RETURNING *`,
    [
      tenantId,
      id,
      attempt,
      o.status,
      o.output === undefined ? null : JSON.stringify(o.output),
      o.error ? JSON.stringify(o.error) : null,
    ],
  );
  return row ?? null;
}

/** Parks a run whose agent waits for a human; the decision's end wakes it (status back to queued). */
export async function park(ex: Executor, tenantId: string, id: string, attempt: number): Promise<boolean> {
  const rows = await ex.query(
    `UPDATE workflow_runs SET status = 'awaiting_approval', heartbeat_at = NULL
      WHERE tenant_id = $1 AND id = $2 AND attempts = $3 AND status = 'running' RETURNING id`,
    [tenantId, id, attempt],
  );
  return rows.length > 0;
}

export async function wake(ex: Executor, tenantId: string, id: string): Promise<boolean> {
  const rows = await ex.query(
    `UPDATE workflow_runs SET status = 'queued' WHERE tenant_id = $1 AND id = $2 AND status = 'awaiting_approval'
         RETURNING id`,
    [tenantId, id],
  );
  return rows.length > 0;
}

/** Lets another process take the run at once (graceful shutdown). */
export async function release(ex: Executor, tenantId: string, id: string, attempt: number): Promise<void> {
  await ex.query(
    `UPDATE workflow_runs SET status = 'queued', heartbeat_at = NULL WHERE tenant_id = $1 AND id = $2
         AND attempts = $3 AND status = 'running'`,
    [tenantId, id, attempt],
  );
}

/**
 * Asks a run to stop. A queued or parked run is cancelled at once (nobody is running it); a
 * running one is stopped by its runner at its next heartbeat.
 */
export async function requestCancel(ex: Executor, tenantId: string, id: string): Promise<RunRow | null> {
  const [row] = await ex.query<RunRow>(
    `UPDATE workflow_runs SET cancel_requested = true,
        status = CASE WHEN status IN ('queued', 'awaiting_approval') THEN 'cancelled' ELSE status END,
        error = CASE WHEN status IN ('queued', 'awaiting_approval') THEN
          '{"node_id":null,"message":"Cancelled by user"}'::jsonb ELSE error END,
        finished_at = CASE WHEN status IN ('queued', 'awaiting_approval') THEN now() ELSE finished_at END
      WHERE tenant_id = $1 AND id = $2 RETURNING *`,
    [tenantId, id],
  );
  return row ?? null;
}

// ---- the run's event log (what its SSE stream sends)

export interface RunEvent {
  seq: number;
  type: string;
  data: Record<string, unknown>;
  created_at: Date;
}

export async function lastSeq(ex: Executor, tenantId: string, runId: string): Promise<number> {
  const [row] = await ex.query<{ n: number }>(
    'SELECT coalesce(max(seq), 0)::int AS n FROM workflow_run_events WHERE tenant_id = $1 AND run_id = $2',
    [tenantId, runId],
  );
  return Number(row.n);
}

export async function addEvent(
  ex: Executor,
  tenantId: string,
  runId: string,
  seq: number,
  type: string,
  data: unknown,
): Promise<void> {
  await ex.query('INSERT INTO workflow_run_events (tenant_id, run_id, seq, type, data) VALUES ($1, $2, $3, $4, $5)', [
    tenantId,
    runId,
    seq,
    type,
    JSON.stringify(data),
  ]);
}

export async function eventsAfter(
  ex: Executor,
  tenantId: string,
  runId: string,
  after: number,
  limit = 500,
): Promise<RunEvent[]> {
  return ex.query<RunEvent>(
    `SELECT seq, type, data, created_at FROM workflow_run_events WHERE tenant_id = $1 AND run_id = $2 AND seq > $3
         ORDER BY seq LIMIT $4`,
    [tenantId, runId, after, limit],
  );
}
