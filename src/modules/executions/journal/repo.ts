import type { Executor } from '../../../platform/db/index.js';

export type StepKind = 'model' | 'tool' | 'recall' | 'node';
export type StepStatus =
  | 'started'
  | 'completed'
  | 'failed'
  | 'awaiting_approval'
  | 'approved'
  | 'rejected'
  | 'skipped'
  | 'cancelled';

export interface StepRow {
  step_no: number;
  kind: StepKind;
  name: string;
  status: StepStatus;
  request: unknown;
  digest: string | null;
  result: Record<string, unknown> | null;
  error: string | null;
  usage: Record<string, number> | null;
  approval_id: string | null;
  attempts: number;
  trace_len: number;
  duration_ms: number | null;
  started_at: Date;
  finished_at: Date | null;
}

const COLUMNS = `step_no, kind, name, status, request, digest, result, error, usage, approval_id, attempts, trace_len,
  duration_ms, started_at, finished_at`;

export async function steps(ex: Executor, tenantId: string, runId: string): Promise<StepRow[]> {
  return ex.query<StepRow>(
    `SELECT ${COLUMNS} FROM journal_steps WHERE tenant_id = $1 AND run_id = $2 ORDER BY step_no`,
    [tenantId, runId],
  );
}

/** The steps of several runs in one read, by run. */
export async function stepsOf(ex: Executor, tenantId: string, runIds: string[]): Promise<Map<string, StepRow[]>> {
  const rows = await ex.query<StepRow & { run_id: string }>(
    `SELECT run_id, ${COLUMNS} FROM journal_steps WHERE tenant_id = $1 AND run_id = ANY($2::text[])
         ORDER BY run_id, step_no`,
    [tenantId, runIds],
  );
  const out = new Map<string, StepRow[]>();
  for (const r of rows) out.set(r.run_id, [...(out.get(r.run_id) ?? []), r]);
  return out;
}

export async function page(
  ex: Executor,
  tenantId: string,
  runId: string,
  afterStep: number,
  limit: number,
): Promise<{ rows: StepRow[]; total: number }> {
  const rows = await ex.query<StepRow>(
    `SELECT ${COLUMNS} FROM journal_steps WHERE tenant_id = $1 AND run_id = $2 AND step_no > $3 ORDER BY step_no
         LIMIT $4`,
    [tenantId, runId, afterStep, limit],
  );
  const [{ n }] = await ex.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM journal_steps WHERE tenant_id = $1 AND run_id = $2',
    [tenantId, runId],
  );
  return { rows, total: n };
}

export interface NewStep {
  stepNo: number;
  kind: StepKind;
  name: string;
  status: StepStatus;
  request?: unknown;
  digest?: string | null;
  approvalId?: string | null;
  traceLen: number;
}

/**
 * A step written before it acts (or parked waiting for a human: no attempt yet). Fails if the step was already written.
 */
export async function insert(ex: Executor, tenantId: string, runId: string, s: NewStep): Promise<void> {
  await ex.query(
    `INSERT INTO journal_steps (tenant_id, run_id, step_no, kind, name, status, request, digest, approval_id,
         trace_len, attempts)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, CASE WHEN $6 = 'awaiting_approval' THEN 0 ELSE 1 END)`,
    [
      tenantId,
      runId,
      s.stepNo,
      s.kind,
      s.name,
      s.status,
      s.request === undefined ? null : JSON.stringify(s.request),
      s.digest ?? null,
      s.approvalId ?? null,
      s.traceLen,
    ],
  );
}

/** A daily quota a step counts against: today's counter of `metric`, up to `limit` (null: unlimited). */
export interface Quota {
  metric: string;
  limit: number | null;
}

/**
 * A tool call's start in one statement, for the attempt that holds the execution's lease
 * (`attempt`): the reasoning trace written, one use of the quota counted (as usage.consume does)
 * and the step inserted as started, each only if the one before it happened. `held` false: another
 * attempt took the run over and nothing was written; `started` false: the quota is spent (only the
 * trace was written). Fails with a unique violation if the step was already written.
 */
export async function startLeased(
  ex: Executor,
  tenantId: string,
  runId: string,
  attempt: number,
  trace: unknown[],
  s: Omit<NewStep, 'status' | 'digest' | 'approvalId'>,
  quota: Quota,
): Promise<{ held: boolean; started: boolean }> {
  const [row] = await ex.query<{ held: boolean; started: boolean }>(
    `WITH lease AS (
       UPDATE executions SET reasoning_trace = $4::jsonb WHERE tenant_id = $1 AND id = $2 AND attempts = $3::int
         RETURNING 1
     ), quota AS (
       INSERT INTO usage_counters (tenant_id, metric, day, count)
       SELECT $1::text, $5::text, (now() AT TIME ZONE 'UTC')::date, 1 FROM lease
       ON CONFLICT (tenant_id, metric, day) DO UPDATE SET count = usage_counters.count + 1
         WHERE $6::int IS NULL OR usage_counters.count < $6::int
       RETURNING 1
     ), step AS (
       INSERT INTO journal_steps (tenant_id, run_id, step_no, kind, name, status, request, trace_len, attempts)
       SELECT $1::text, $2::text, $7::int, $8::text, $9::text, 'started', $10::jsonb, $11::int, 1 FROM quota
       RETURNING 1
     )
     SELECT EXISTS (SELECT 1 FROM lease) AS held, EXISTS (SELECT 1 FROM step) AS started`,
    [
      tenantId,
      runId,
      attempt,
      JSON.stringify(trace),
      quota.metric,
      quota.limit,
      s.stepNo,
      s.kind,
      s.name,
      s.request === undefined ? null : JSON.stringify(s.request),
      s.traceLen,
    ],
  );
  return row!;
}

/** A step acting again: approved work starting, or an interrupted call called once more. */
export async function restart(
  ex: Executor,
  tenantId: string,
  runId: string,
  stepNo: number,
  traceLen: number,
): Promise<void> {
  await ex.query(
    `UPDATE journal_steps SET status = 'started', attempts = attempts + 1, started_at = now(), trace_len = $4
      WHERE tenant_id = $1 AND run_id = $2 AND step_no = $3`,
    [tenantId, runId, stepNo, traceLen],
  );
}

export interface StepEnd {
  status: 'completed' | 'failed' | 'skipped' | 'cancelled';
  result: Record<string, unknown> | null;
  error: string | null;
  usage?: Record<string, number> | null;
  durationMs: number | null;
  traceLen: number;
}

export async function finish(ex: Executor, tenantId: string, runId: string, stepNo: number, e: StepEnd): Promise<void> {
  await ex.query(
    `UPDATE journal_steps SET status = $4, result = $5, error = $6, usage = $7, duration_ms = $8, trace_len = $9,
         finished_at = now()
      WHERE tenant_id = $1 AND run_id = $2 AND step_no = $3`,
    [
      tenantId,
      runId,
      stepNo,
      e.status,
      e.result === null ? null : JSON.stringify(e.result),
      e.error,
      e.usage ? JSON.stringify(e.usage) : null,
      e.durationMs,
      e.traceLen,
    ],
  );
}

/** A human's decision on a parked tool call; returns false when no journal step waits for this approval. */
export async function decide(
  ex: Executor,
  tenantId: string,
  runId: string,
  approvalId: string,
  approved: boolean,
  error: string | null,
): Promise<boolean> {
  const rows = await ex.query(
    `UPDATE journal_steps SET status = $4, error = $5, finished_at = CASE WHEN $4 = 'rejected' THEN now() ELSE NULL END
      WHERE tenant_id = $1 AND run_id = $2 AND approval_id = $3 AND status = 'awaiting_approval' RETURNING step_no`,
    [tenantId, runId, approvalId, approved ? 'approved' : 'rejected', approved ? null : error],
  );
  return rows.length > 0;
}

/** A step tried again after it failed (a workflow node's retry policy): its attempt number moves on. */
export async function retry(ex: Executor, tenantId: string, runId: string, stepNo: number): Promise<void> {
  await ex.query(
    `UPDATE journal_steps SET status = 'started', attempts = attempts + 1, error = NULL, started_at = now(),
         finished_at = NULL
      WHERE tenant_id = $1 AND run_id = $2 AND step_no = $3`,
    [tenantId, runId, stepNo],
  );
}

/** A step taken up again in the same attempt (after a crash, or a human's decision): the attempt stays. */
export async function resume(ex: Executor, tenantId: string, runId: string, stepNo: number): Promise<void> {
  await ex.query(
    `UPDATE journal_steps SET status = 'started', finished_at = NULL WHERE tenant_id = $1 AND run_id = $2
         AND step_no = $3`,
    [tenantId, runId, stepNo],
  );
}

/** A step waiting for a human (a workflow's agent node whose execution needs an approval). */
export async function await_(
  ex: Executor,
  tenantId: string,
  runId: string,
  stepNo: number,
  approvalId: string | null,
  result: unknown,
): Promise<void> {
  await ex.query(
    `UPDATE journal_steps SET status = 'awaiting_approval', approval_id = $4, result = $5 WHERE tenant_id = $1
         AND run_id = $2 AND step_no = $3`,
    [tenantId, runId, stepNo, approvalId, JSON.stringify(result)],
  );
}

/** Marks that a step's quota use was counted (a crash-resumed step does not count it again). */
export async function setUsage(
  ex: Executor,
  tenantId: string,
  runId: string,
  stepNo: number,
  usage: Record<string, number>,
): Promise<void> {
  await ex.query('UPDATE journal_steps SET usage = $4 WHERE tenant_id = $1 AND run_id = $2 AND step_no = $3', [
    tenantId,
    runId,
    stepNo,
    JSON.stringify(usage),
  ]);
}

/** The run waiting on an execution through one of its node steps, if any. */
export async function runAwaiting(ex: Executor, tenantId: string, executionId: string): Promise<string | null> {
  const [row] = await ex.query<{ run_id: string }>(
    `SELECT run_id FROM journal_steps WHERE tenant_id = $1 AND kind = 'node'
         AND status IN ('awaiting_approval', 'started')
       AND result->>'execution_id' = $2 LIMIT 1`,
    [tenantId, executionId],
  );
  return row?.run_id ?? null;
}

/**
 * A run that ended with a tool's large output as its result: the tool's journal step now refers to
 * the execution's result instead of holding a second copy (a finished run never replays).
 */
export async function referToResult(
  ex: Executor,
  tenantId: string,
  runId: string,
  output: unknown,
  ref: string,
  bytes: number,
): Promise<void> {
  await ex.query(
    `UPDATE journal_steps SET result = jsonb_build_object('output', jsonb_build_object('$ref', $4::text, 'bytes',
         $5::int))
      WHERE tenant_id = $1 AND run_id = $2 AND kind = 'tool' AND status = 'completed' AND result->'output' = $3::jsonb`,
    [tenantId, runId, JSON.stringify(output), ref, bytes],
  );
}
