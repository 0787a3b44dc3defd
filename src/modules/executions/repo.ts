import type { Executor } from '../../platform/db/index.js';
import { pageQuery } from '../../platform/db/paging.js';
import type { Plan } from '../../platform/plans.js';
import type { AgentRow } from '../agents/queries.js';

export type ExecutionStatus = 'pending' | 'in_progress' | 'completed' | 'failed' | 'cancelled';

export interface TraceStep {
  step: number;
  type: string;
  [k: string]: unknown;
}

export interface Violation {
  action: string;
  tool: string | null;
  severity: 'low' | 'medium' | 'high';
  reason: string;
}

export interface ExecutionRow {
  tenant_id: string;
  id: string;
  agent_id: string;
  task: string;
  context: Record<string, unknown>;
  parameters: Record<string, unknown>;
  source: string;
  status: ExecutionStatus;
  progress: number;
  result: Record<string, unknown> | null;
  error: string | null;
  confidence: number | null;
  reasoning_trace: TraceStep[];
  tools_used: string[];
  action: string;
  complexity: number;
  maturity_at_start: string;
  violations: Violation[];
  interventions: number;
  approved_tools: string[];
  awaiting_approval: string | null;
  cancel_requested: boolean;
  attempts: number;
  heartbeat_at: Date | null;
  started_at: Date | null;
  completed_at: Date | null;
  duration_ms: number | null;
  created_at: Date;
}

export type NewExecution = Pick<
  ExecutionRow,
  'id' | 'agent_id' | 'task' | 'context' | 'parameters' | 'source' | 'action' | 'complexity' | 'maturity_at_start'
> & { requestedBy: string | null; claimed?: boolean };

/**
 * A new execution: pending, or with `claimed` already taken by its first attempt (in progress,
 * attempt 1, heartbeat now), which the process that inserts it then runs without claiming it again.
 */
export async function insertExecution(ex: Executor, tenantId: string, e: NewExecution): Promise<ExecutionRow> {
  const [row] = await ex.query<ExecutionRow>(
    `INSERT INTO executions (tenant_id, id, agent_id, task, context, parameters, source, status, action, complexity,
         maturity_at_start, requested_by,
                             attempts, heartbeat_at, started_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, CASE WHEN $12 THEN 'in_progress' ELSE 'pending' END, $8, $9, $10, $11,
             CASE WHEN $12 THEN 1 ELSE 0 END, CASE WHEN $12 THEN now() END, CASE WHEN $12 THEN now() END) RETURNING *`,
    [
      tenantId,
      e.id,
      e.agent_id,
      e.task,
      JSON.stringify(e.context),
      JSON.stringify(e.parameters),
      e.source,
      e.action,
      e.complexity,
      e.maturity_at_start,
      e.requestedBy,
      e.claimed === true,
    ],
  );
  return row;
}

/**
 * What deciding on a new execution needs, read at once: the agent, the tenant's plan and governance overrides, today's
 * usage.
 */
export interface Admission {
  agent: AgentRow;
  plan: Plan;
  overrides: Record<string, number>;
  /** Today's counters of the given metrics (absent: 0). */
  usage: Record<string, number>;
}

export async function admission(
  ex: Executor,
  tenantId: string,
  agentId: string,
  metrics: string[],
): Promise<Admission | null> {
  const [row] = await ex.query<
    AgentRow & { plan: Plan; overrides: Record<string, number>; usage: Record<string, number> | null }
  >(
    `SELECT a.tenant_id, a.id, a.name, a.description, a.role, a.maturity_level, a.status, a.capabilities,
         a.configuration, a.created_at, a.updated_at,
            t.plan,
            (SELECT coalesce(jsonb_object_agg(o.action, o.complexity), '{}'::jsonb) FROM governance_overrides o
              WHERE o.tenant_id = $1) AS overrides,
            (SELECT jsonb_object_agg(u.metric, u.count) FROM usage_counters u
              WHERE u.tenant_id = $1 AND u.metric = ANY($3::text[])
                AND u.day = (now() AT TIME ZONE 'UTC')::date) AS usage
       FROM agents a JOIN tenants t ON t.id = a.tenant_id WHERE a.tenant_id = $1 AND a.id = $2`,
    [tenantId, agentId, metrics],
  );
  if (!row) return null;
  const { plan, overrides, usage, ...agent } = row;
  const at = (d: unknown) => new Date(d as string).toISOString();
  return {
    agent: { ...agent, created_at: at(agent.created_at), updated_at: at(agent.updated_at) },
    plan,
    overrides,
    usage: usage ?? {},
  };
}

export async function getExecution(ex: Executor, tenantId: string, id: string): Promise<ExecutionRow | null> {
  const [row] = await ex.query<ExecutionRow>('SELECT * FROM executions WHERE tenant_id = $1 AND id = $2', [
    tenantId,
    id,
  ]);
  return row ?? null;
}

export async function listExecutions(
  ex: Executor,
  tenantId: string,
  agentId: string,
  f: { status?: string; limit: number; offset: number },
) {
  const params: unknown[] = [tenantId, agentId];
  let where = 'WHERE tenant_id = $1 AND agent_id = $2';
  if (f.status) where += ` AND status = $${params.push(f.status)}`;
  return pageQuery<ExecutionRow & Record<string, unknown>>(ex, {
    columns: '*',
    from: `FROM executions ${where}`,
    params,
    orderBy: 'created_at DESC, id',
    limit: f.limit,
    offset: f.offset,
  });
}

/**
 * Takes an execution to run: a pending one, or one whose runner stopped sending heartbeats
 * (its process died). Returns null when someone else is running it or it is finished.
 */
export async function claim(ex: Executor, tenantId: string, id: string, staleMs: number): Promise<ExecutionRow | null> {
  const [row] = await ex.query<ExecutionRow>(
    `UPDATE executions SET status = 'in_progress', attempts = attempts + 1, heartbeat_at = now(), started_at =
         coalesce(started_at, now())
      WHERE tenant_id = $1 AND id = $2 AND awaiting_approval IS NULL AND NOT cancel_requested
        AND (status = 'pending' OR (status = 'in_progress' AND heartbeat_at < now() - make_interval(secs =>
          $3::double precision / 1000)))
      RETURNING *`,
    [tenantId, id, staleMs],
  );
  return row ?? null;
}

/**
 * Runs whose lease expired: in progress, with no heartbeat for `staleMs` (their process died or was
 * released at shutdown), oldest first. SYSTEM executor: the sweep looks across tenants.
 */
export async function expiredLeases(
  sys: Executor,
  staleMs: number,
  limit: number,
): Promise<{ tenant_id: string; id: string }[]> {
  return sys.query<{ tenant_id: string; id: string }>(
    `SELECT tenant_id, id FROM executions
      WHERE status = 'in_progress' AND heartbeat_at < now() - make_interval(secs => $1::double precision / 1000)
        AND awaiting_approval IS NULL AND NOT cancel_requested
      ORDER BY heartbeat_at LIMIT $2`,
    [staleMs, limit],
  );
}

/**
 * A runner's heartbeat. `attempt` is its lease: once another runner has claimed the execution
 * (attempts moved on), the heartbeat finds nothing and the old runner stops.
 */
export async function heartbeat(
  ex: Executor,
  tenantId: string,
  id: string,
  attempt: number,
  progress: number,
  trace: TraceStep[],
): Promise<{ cancel_requested: boolean } | null> {
  const [row] = await ex.query<{ cancel_requested: boolean }>(
    `UPDATE executions SET heartbeat_at = now(), progress = $4, reasoning_trace = $5
      WHERE tenant_id = $1 AND id = $2 AND attempts = $3 AND status = 'in_progress' RETURNING cancel_requested`,
    [tenantId, id, attempt, progress, JSON.stringify(trace)],
  );
  return row ?? null;
}

/**
 * The trace as it stands, written with each journal step so the two never disagree; false when the attempt lost its
 * lease.
 */
export async function saveTrace(
  ex: Executor,
  tenantId: string,
  id: string,
  attempt: number,
  trace: TraceStep[],
): Promise<boolean> {
  const rows = await ex.query(
    'UPDATE executions SET reasoning_trace = $4 WHERE tenant_id = $1 AND id = $2 AND attempts = $3 RETURNING 1',
    [tenantId, id, attempt, JSON.stringify(trace)],
  );
  return rows.length > 0;
}

/** Gives up a running execution so another process may take it at once (graceful shutdown). */
export async function release(ex: Executor, tenantId: string, id: string): Promise<void> {
  await ex.query(
    "UPDATE executions SET heartbeat_at = 'epoch' WHERE tenant_id = $1 AND id = $2 AND status = 'in_progress'",
    [tenantId, id],
  );
}

export interface Outcome {
  status: 'completed' | 'failed' | 'cancelled';
  result: Record<string, unknown> | null;
  error: string | null;
  confidence: number | null;
  trace: TraceStep[];
  toolsUsed: string[];
  violations: Violation[];
  /** The runner's lease: only the attempt that holds it may end the run. */
  attempt?: number;
}

/** Writes the end of a run, only if it is still running here (a cancelled or finished one stays as it is). */
export async function finish(ex: Executor, tenantId: string, id: string, o: Outcome): Promise<ExecutionRow | null> {
  const [row] = await ex.query<ExecutionRow>(
    `UPDATE executions SET status = $3, result = $4, error = $5, confidence = $6, reasoning_trace = $7, tools_used = $8,
            violations = violations || $9::jsonb, progress = CASE WHEN $3 = 'completed' THEN 100 ELSE progress END,
            completed_at = now(), duration_ms = (extract(epoch FROM now() - coalesce(started_at, created_at)) *
              1000)::int
      WHERE tenant_id = $1 AND id = $2 AND status IN ('pending', 'in_progress') AND ($10::int IS NULL
        OR attempts = $10) RETURNING *`,
    [
      tenantId,
      id,
      o.status,
      o.result ? JSON.stringify(o.result) : null,
      o.error,
      o.confidence,
      JSON.stringify(o.trace),
      o.toolsUsed,
      JSON.stringify(o.violations),
      o.attempt ?? null,
    ],
  );
  return row ?? null;
}

/** Parks a run until a human decides; it goes back to pending for whoever resumes it. */
export async function awaitApproval(
  ex: Executor,
  tenantId: string,
  id: string,
  approvalId: string,
  trace: TraceStep[],
  attempt: number | null = null,
): Promise<boolean> {
  const rows = await ex.query(
    `UPDATE executions SET status = 'pending', awaiting_approval = $3, interventions = interventions + 1,
         reasoning_trace = $4, heartbeat_at = NULL
      WHERE tenant_id = $1 AND id = $2 AND ($5::int IS NULL OR attempts = $5) RETURNING 1`,
    [tenantId, id, approvalId, JSON.stringify(trace), attempt],
  );
  return rows.length > 0;
}

export async function approvalDecided(
  ex: Executor,
  tenantId: string,
  id: string,
  approvedTool: string | null,
): Promise<void> {
  await ex.query(
    `UPDATE executions SET awaiting_approval = NULL, approved_tools = CASE WHEN $3::text IS NULL THEN approved_tools
         ELSE array_append(approved_tools, $3::text) END
      WHERE tenant_id = $1 AND id = $2`,
    [tenantId, id, approvedTool],
  );
}

export async function requestCancel(ex: Executor, tenantId: string, id: string): Promise<ExecutionRow | null> {
  const [row] = await ex.query<ExecutionRow>(
    `UPDATE executions SET cancel_requested = true,
            status = CASE WHEN status = 'pending' THEN 'cancelled' ELSE status END,
            completed_at = CASE WHEN status = 'pending' THEN now() ELSE completed_at END,
            error = CASE WHEN status = 'pending' THEN 'Cancelled by user' ELSE error END
      WHERE tenant_id = $1 AND id = $2 RETURNING *`,
    [tenantId, id],
  );
  return row ?? null;
}

export async function openCount(ex: Executor, tenantId: string, agentId: string): Promise<number> {
  const [{ n }] = await ex.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM executions WHERE tenant_id = $1 AND agent_id = $2 ' +
      "AND status IN ('pending', 'in_progress')",
    [tenantId, agentId],
  );
  return n;
}

export interface Stats {
  total_executions: number;
  successful_executions: number;
  avg_confidence: number | null;
  last_execution: Date | null;
}

export async function stats(ex: Executor, tenantId: string, agentId: string): Promise<Stats> {
  const [row] = await ex.query<Stats>(
    `SELECT count(*) FILTER (WHERE status IN ('completed', 'failed'))::int AS total_executions,
            count(*) FILTER (WHERE status = 'completed')::int AS successful_executions,
            avg(confidence) FILTER (WHERE status IN ('completed', 'failed')) AS avg_confidence,
            max(completed_at) AS last_execution
       FROM executions WHERE tenant_id = $1 AND agent_id = $2`,
    [tenantId, agentId],
  );
  return row;
}

/** Tool combinations the agent used, with how often they worked. */
export async function patterns(ex: Executor, tenantId: string, agentId: string) {
  return ex.query<{ pattern: string; sample_size: number; success_rate: number }>(
    `SELECT array_to_string(ARRAY(SELECT t FROM unnest(tools_used) t ORDER BY t), ' + ') AS pattern,
            count(*)::int AS sample_size, avg(CASE WHEN status = 'completed' THEN 1.0 ELSE 0.0 END)::float8 AS
              success_rate
       FROM executions WHERE tenant_id = $1 AND agent_id = $2 AND status IN ('completed', 'failed')
         AND cardinality(tools_used) > 0
      GROUP BY 1 ORDER BY 2 DESC, 1`,
    [tenantId, agentId],
  );
}
