import type { Executor } from '../../../platform/db/index.js';

export interface ScheduleRow {
  tenant_id: string;
  workflow_id: string;
  node_id: string;
  cron: string;
  timezone: string;
  next_at: Date;
  last_fired_at: Date | null;
}

export async function schedulesOf(ex: Executor, tenantId: string, workflowId: string): Promise<ScheduleRow[]> {
  return ex.query<ScheduleRow>(
    'SELECT * FROM workflow_schedules WHERE tenant_id = $1 AND workflow_id = $2 ORDER BY node_id',
    [tenantId, workflowId],
  );
}

export async function replaceSchedules(
  ex: Executor,
  tenantId: string,
  workflowId: string,
  rows: { node_id: string; cron: string; timezone: string; next_at: Date }[],
): Promise<void> {
  await ex.query('DELETE FROM workflow_schedules WHERE tenant_id = $1 AND workflow_id = $2', [tenantId, workflowId]);
  for (const r of rows) {
    await ex.query(
      'INSERT INTO workflow_schedules (tenant_id, workflow_id, node_id, cron, timezone, next_at) ' +
        'VALUES ($1, $2, $3, $4, $5, $6)',
      [tenantId, workflowId, r.node_id, r.cron, r.timezone, r.next_at],
    );
  }
}

/**
 * Due schedule rows, locked for this transaction; rows another process holds are skipped, so each
 * tick is taken by exactly one process (it moves next_at on before it commits).
 */
export async function claimDue(sys: Executor, limit: number): Promise<ScheduleRow[]> {
  return sys.query<ScheduleRow>(
    `SELECT * FROM workflow_schedules WHERE next_at <= now() ORDER BY next_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
    [limit],
  );
}

export async function advance(sys: Executor, s: ScheduleRow, nextAt: Date): Promise<void> {
  await sys.query(
    `UPDATE workflow_schedules SET next_at = $4, last_fired_at = now() WHERE tenant_id = $1 AND workflow_id = $2
         AND node_id = $3`,
    [s.tenant_id, s.workflow_id, s.node_id, nextAt],
  );
}

export async function setActive(ex: Executor, tenantId: string, id: string, active: boolean): Promise<boolean> {
  const rows = await ex.query(
    `UPDATE workflows SET active = $3, activated_at = CASE WHEN $3 THEN now() ELSE activated_at END, updated_at = now()
      WHERE tenant_id = $1 AND id = $2 RETURNING id`,
    [tenantId, id, active],
  );
  return rows.length > 0;
}

export async function sealedSecret(
  ex: Executor,
  tenantId: string,
  id: string,
): Promise<{ secret: string | null; active: boolean } | null> {
  const [row] = await ex.query<{ webhook_secret: string | null; active: boolean }>(
    'SELECT webhook_secret, active FROM workflows WHERE tenant_id = $1 AND id = $2',
    [tenantId, id],
  );
  return row ? { secret: row.webhook_secret, active: row.active } : null;
}

export async function setSecret(ex: Executor, tenantId: string, id: string, sealed: string): Promise<void> {
  await ex.query('UPDATE workflows SET webhook_secret = $3 WHERE tenant_id = $1 AND id = $2', [tenantId, id, sealed]);
}

/** The tenant owning a workflow id (webhook calls carry no credential: the workflow id names the tenant). */
export async function tenantOfWorkflow(sys: Executor, id: string): Promise<string | null> {
  const [row] = await sys.query<{ tenant_id: string }>('SELECT tenant_id FROM workflows WHERE id = $1 LIMIT 1', [id]);
  return row?.tenant_id ?? null;
}
