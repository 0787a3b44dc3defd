import type { Executor } from '../../platform/db/index.js';
import { pageQuery } from '../../platform/db/paging.js';
import type { Plan } from '../../platform/plans.js';
import type { Tenant } from './schemas.js';

const COLUMNS = 'id, name, slug, plan, status, rate_limit_per_minute, created_at, updated_at';

function toTenant(row: Record<string, unknown>): Tenant {
  return {
    ...(row as unknown as Tenant),
    created_at: new Date(row.created_at as string).toISOString(),
    updated_at: new Date(row.updated_at as string).toISOString(),
  };
}

export async function insertTenant(
  ex: Executor,
  t: { id: string; name: string; slug: string; plan: Plan },
): Promise<Tenant> {
  const [row] = await ex.query(
    `INSERT INTO tenants (id, name, slug, plan) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
    [t.id, t.name, t.slug, t.plan],
  );
  return toTenant(row);
}

export async function slugTaken(ex: Executor, slug: string): Promise<boolean> {
  return (await ex.query('SELECT 1 FROM tenants WHERE slug = $1', [slug])).length > 0;
}

export async function getTenant(ex: Executor, id: string): Promise<Tenant | null> {
  const [row] = await ex.query(`SELECT ${COLUMNS} FROM tenants WHERE id = $1`, [id]);
  return row ? toTenant(row) : null;
}

export async function listTenants(
  ex: Executor,
  limit: number,
  offset: number,
): Promise<{ items: Tenant[]; total: number }> {
  const { rows, total } = await pageQuery(ex, {
    columns: COLUMNS,
    from: 'FROM tenants',
    params: [],
    orderBy: 'created_at, id',
    limit,
    offset,
  });
  return { items: rows.map(toTenant), total };
}

export async function updateTenant(
  ex: Executor,
  id: string,
  patch: Partial<Pick<Tenant, 'name' | 'plan' | 'status' | 'rate_limit_per_minute'>>,
): Promise<Tenant | null> {
  const fields = Object.entries(patch).filter(([, v]) => v !== undefined);
  if (fields.length === 0) return getTenant(ex, id);
  const sets = fields.map(([k], i) => `${k} = $${i + 2}`).join(', ');
  const [row] = await ex.query(`UPDATE tenants SET ${sets}, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`, [
    id,
    ...fields.map(([, v]) => v),
  ]);
  return row ? toTenant(row) : null;
}
