import type { Executor } from '../../platform/db/index.js';
import { pageQuery } from '../../platform/db/paging.js';
import type { Maturity } from '../governance/policy.js';
import type { ListQuery } from './schemas.js';

export interface AgentRow {
  tenant_id: string;
  id: string;
  name: string;
  description: string | null;
  role: string;
  maturity_level: Maturity;
  status: 'active' | 'inactive' | 'paused';
  capabilities: string[];
  configuration: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

const COLUMNS =
  'tenant_id, id, name, description, role, maturity_level, status, capabilities, configuration, created_at, updated_at';
// Qualified: the list's output columns of the same names are the times as text.
const SORTS: Record<string, string> = {
  created_at: 'agents.created_at',
  name: 'lower(agents.name)',
  updated_at: 'agents.updated_at',
};
const EDITABLE = ['name', 'description', 'capabilities', 'configuration', 'status'] as const;

function toAgent(r: Record<string, unknown>): AgentRow {
  return {
    ...(r as unknown as AgentRow),
    created_at: new Date(r.created_at as string).toISOString(),
    updated_at: new Date(r.updated_at as string).toISOString(),
  };
}

export type NewAgent = Omit<AgentRow, 'tenant_id' | 'created_at' | 'updated_at' | 'status'> & {
  createdBy: string | null;
};

const INSERT =
  'INSERT INTO agents (tenant_id, id, name, description, role, maturity_level, capabilities, configuration, ' +
  'created_by)';
const values = (tenantId: string, a: NewAgent) => [
  tenantId,
  a.id,
  a.name,
  a.description,
  a.role,
  a.maturity_level,
  JSON.stringify(a.capabilities),
  JSON.stringify(a.configuration),
  a.createdBy,
];

export async function insertAgent(ex: Executor, tenantId: string, a: NewAgent): Promise<AgentRow> {
  const [row] = await ex.query(
    `${INSERT} VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
    values(tenantId, a),
  );
  return toAgent(row);
}

/** Inserts the agent only if the tenant's plan is one of `plans` as the statement runs; null when it is not. */
export async function insertAgentIfPlanIn(
  ex: Executor,
  tenantId: string,
  a: NewAgent,
  plans: readonly string[],
): Promise<AgentRow | null> {
  const [row] = await ex.query(
    `${INSERT} SELECT $1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9 WHERE (SELECT plan FROM tenants ` +
      `WHERE id = $1) = ANY($10::text[]) RETURNING ${COLUMNS}`,
    [...values(tenantId, a), plans],
  );
  return row ? toAgent(row) : null;
}

/**
 * A time as JavaScript's toISOString() writes it (milliseconds, UTC), made by the database instead of parsed and
 * re-written here.
 */
const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${column}`;
/** What a list shows (AgentSummary): no configuration, times already as text. */
const SUMMARY =
  `tenant_id, id, name, description, role, maturity_level, status, ` +
  `capabilities, ${iso('created_at')}, ${iso('updated_at')}`;
export type AgentListRow = Omit<AgentRow, 'configuration'>;

export async function listAgents(
  ex: Executor,
  tenantId: string,
  q: ListQuery,
): Promise<{ items: AgentListRow[]; total: number }> {
  const params: unknown[] = [tenantId];
  let where = 'WHERE tenant_id = $1';
  if (q.maturity_level) where += ` AND maturity_level = $${params.push(q.maturity_level)}`;
  if (q.status) where += ` AND status = $${params.push(q.status)}`;
  if (q.q)
    where +=
      ` AND (name ILIKE $${params.push(`%${q.q.replace(/[%_\\]/g, '\\$&')}%`)} OR coalesce(description, '') ` +
      `ILIKE $${params.length})`;
  const orderBy = `${SORTS[q.sort]} ${q.order === 'asc' ? 'ASC' : 'DESC'}, agents.id`;
  const { rows, total } = await pageQuery<AgentListRow>(ex, {
    columns: SUMMARY,
    from: `FROM agents ${where}`,
    params,
    orderBy,
    limit: q.limit,
    offset: (q.page - 1) * q.limit,
  });
  return { items: rows, total };
}

export async function getAgent(ex: Executor, tenantId: string, id: string, lock = false): Promise<AgentRow | null> {
  const [row] = await ex.query(
    `SELECT ${COLUMNS} FROM agents WHERE tenant_id = $1 AND id = $2${lock ? ' FOR UPDATE' : ''}`,
    [tenantId, id],
  );
  return row ? toAgent(row) : null;
}

export async function countAgents(ex: Executor, tenantId: string): Promise<number> {
  const [{ n }] = await ex.query<{ n: number }>('SELECT count(*)::int AS n FROM agents WHERE tenant_id = $1', [
    tenantId,
  ]);
  return n;
}

export async function updateAgent(
  ex: Executor,
  tenantId: string,
  id: string,
  patch: Partial<Pick<AgentRow, (typeof EDITABLE)[number]>>,
): Promise<AgentRow | null> {
  const fields = EDITABLE.filter((k) => patch[k] !== undefined);
  if (fields.length === 0) return getAgent(ex, tenantId, id);
  const values = fields.map((k) =>
    k === 'capabilities' || k === 'configuration' ? JSON.stringify(patch[k]) : patch[k],
  );
  // configuration merges key by key, as the agent API's update example shows.
  const sets = fields
    .map((k, i) => (k === 'configuration' ? `configuration = configuration || $${i + 3}::jsonb` : `${k} = $${i + 3}`))
    .join(', ');
  const [row] = await ex.query(
    `UPDATE agents SET ${sets}, updated_at = now() WHERE tenant_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
    [tenantId, id, ...values],
  );
  return row ? toAgent(row) : null;
}

/** The graduation path is the only caller: maturity changes nowhere else. */
export async function setMaturity(ex: Executor, tenantId: string, id: string, level: Maturity): Promise<void> {
  await ex.query('UPDATE agents SET maturity_level = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2', [
    tenantId,
    id,
    level,
  ]);
}

export async function deleteAgent(ex: Executor, tenantId: string, id: string): Promise<void> {
  await ex.query('DELETE FROM agents WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
}

/** The id of the tenant's agent with this name (case-insensitive; the oldest when several share it). */
export async function idByName(ex: Executor, tenantId: string, name: string): Promise<string | null> {
  const [row] = await ex.query<{ id: string }>(
    'SELECT id FROM agents WHERE tenant_id = $1 AND lower(name) = lower($2) ORDER BY created_at, id LIMIT 1',
    [tenantId, name],
  );
  return row?.id ?? null;
}
