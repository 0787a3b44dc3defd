import type { Executor } from '../../platform/db/index.js';
import { pageQuery } from '../../platform/db/paging.js';

export interface ApprovalRow {
  id: string;
  agent_id: string;
  execution_id: string;
  action: string;
  tool: string | null;
  complexity: number;
  reason: string;
  status: 'pending' | 'approved' | 'rejected';
  decided_by: string | null;
  decision_note: string | null;
  decided_at: Date | null;
  created_at: Date;
}

const COLUMNS =
  'id, agent_id, execution_id, action, tool, complexity, reason, status, decided_by, decision_note, decided_at, ' +
  'created_at';

export async function overrides(ex: Executor, tenantId: string): Promise<Record<string, number>> {
  const rows = await ex.query<{ action: string; complexity: number }>(
    'SELECT action, complexity FROM governance_overrides WHERE tenant_id = $1',
    [tenantId],
  );
  return Object.fromEntries(rows.map((r) => [r.action, r.complexity]));
}

export async function setOverride(ex: Executor, tenantId: string, action: string, complexity: number) {
  await ex.query(
    'INSERT INTO governance_overrides (tenant_id, action, complexity) VALUES ($1, $2, $3) ' +
      'ON CONFLICT (tenant_id, action) DO UPDATE SET complexity = $3',
    [tenantId, action, complexity],
  );
}

export async function deleteOverride(ex: Executor, tenantId: string, action: string): Promise<boolean> {
  return (
    (
      await ex.query('DELETE FROM governance_overrides WHERE tenant_id = $1 AND action = $2 RETURNING action', [
        tenantId,
        action,
      ])
    ).length > 0
  );
}

export async function insertApproval(
  ex: Executor,
  tenantId: string,
  a: {
    id: string;
    agentId: string;
    executionId: string;
    action: string;
    tool: string | null;
    complexity: number;
    reason: string;
  },
): Promise<ApprovalRow> {
  const [row] = await ex.query<ApprovalRow>(
    `INSERT INTO governance_approvals (tenant_id, id, agent_id, execution_id, action, tool, complexity, reason)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
    [tenantId, a.id, a.agentId, a.executionId, a.action, a.tool, a.complexity, a.reason],
  );
  return row;
}

export async function listApprovals(
  ex: Executor,
  tenantId: string,
  f: { status?: string; agentId?: string; limit: number; offset: number },
) {
  const params: unknown[] = [tenantId];
  let where = 'WHERE tenant_id = $1';
  if (f.status) where += ` AND status = $${params.push(f.status)}`;
  if (f.agentId) where += ` AND agent_id = $${params.push(f.agentId)}`;
  return pageQuery<ApprovalRow & Record<string, unknown>>(ex, {
    columns: COLUMNS,
    from: `FROM governance_approvals ${where}`,
    params,
    orderBy: 'created_at DESC, id',
    limit: f.limit,
    offset: f.offset,
  });
}

/** Decides a pending approval once; a second decision finds nothing to change. */
export async function decideApproval(
  ex: Executor,
  tenantId: string,
  id: string,
  status: 'approved' | 'rejected',
  by: string | null,
  note: string | null,
): Promise<ApprovalRow | null> {
  const [row] = await ex.query<ApprovalRow>(
    `UPDATE governance_approvals SET status = $3, decided_by = $4, decision_note = $5, decided_at = now()
      WHERE tenant_id = $1 AND id = $2 AND status = 'pending' RETURNING ${COLUMNS}`,
    [tenantId, id, status, by, note],
  );
  return row ?? null;
}

export async function getApproval(ex: Executor, tenantId: string, id: string): Promise<ApprovalRow | null> {
  const [row] = await ex.query<ApprovalRow>(
    `SELECT ${COLUMNS} FROM governance_approvals WHERE tenant_id = $1 AND id = $2`,
    [tenantId, id],
  );
  return row ?? null;
}
