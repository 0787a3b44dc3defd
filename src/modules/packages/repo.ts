import type { Executor } from '../../platform/db/index.js';
import { pageQuery } from '../../platform/db/paging.js';

/** SQL for package requests, the whitelist, advisories and the packages recorded per tenant. */
export type PackageType = 'python' | 'npm';
export const PLATFORM = '*';

const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);

export interface PackageRequest {
  id: string;
  tenant_id: string;
  package_type: PackageType;
  name: string;
  version: string | null;
  reason: string;
  requested_by: string | null;
  status: 'pending' | 'approved' | 'rejected';
  scope: 'tenant' | 'platform' | null;
  review_reason: string | null;
  reviewed_at: string | null;
  created_at: string;
}
const toRequest = (r: Record<string, unknown>): PackageRequest =>
  ({ ...r, reviewed_at: iso(r.reviewed_at), created_at: iso(r.created_at)! }) as PackageRequest;
const REQUEST_COLUMNS =
  'id, tenant_id, package_type, name, version, reason, requested_by, status, scope, review_reason, reviewed_at, ' +
  'created_at';

export async function insertRequest(
  ex: Executor,
  tenantId: string,
  r: { id: string; type: PackageType; name: string; version: string | null; reason: string; by: string | null },
) {
  const [row] = await ex.query(
    `INSERT INTO package_requests (tenant_id, id, package_type, name, version, reason, requested_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (tenant_id, package_type, name) WHERE status = 'pending' DO NOTHING RETURNING ${REQUEST_COLUMNS}`,
    [tenantId, r.id, r.type, r.name, r.version, r.reason, r.by],
  );
  return row ? toRequest(row) : null;
}

export async function findPendingRequest(ex: Executor, tenantId: string, type: PackageType, name: string) {
  const [row] = await ex.query(
    `SELECT ${REQUEST_COLUMNS} FROM package_requests WHERE tenant_id = $1 AND package_type = $2 AND name = $3
         AND status = 'pending'`,
    [tenantId, type, name],
  );
  return row ? toRequest(row) : null;
}

export async function findRequest(ex: Executor, id: string) {
  const [row] = await ex.query(`SELECT ${REQUEST_COLUMNS} FROM package_requests WHERE id = $1`, [id]);
  return row ? toRequest(row) : null;
}

/** A tenant's own requests (tenantId set) or the platform queue (tenantId null, SYSTEM context). */
export async function listRequests(
  ex: Executor,
  tenantId: string | null,
  status: string | undefined,
  limit: number,
  offset: number,
) {
  const params: unknown[] = [];
  const where: string[] = [];
  if (tenantId) {
    params.push(tenantId);
    where.push(`tenant_id = $${params.length}`);
  }
  if (status) {
    params.push(status);
    where.push(`status = $${params.length}`);
  }
  const { rows, total } = await pageQuery(ex, {
    columns: REQUEST_COLUMNS,
    from: `FROM package_requests ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`,
    params,
    orderBy: 'created_at, id',
    limit,
    offset,
  });
  return { items: rows.map(toRequest), total };
}

export async function decideRequest(
  ex: Executor,
  id: string,
  d: { status: 'approved' | 'rejected'; scope: 'tenant' | 'platform' | null; reason: string | null },
) {
  const [row] = await ex.query(
    `UPDATE package_requests SET status = $2, scope = $3, review_reason = $4, reviewed_at = now() WHERE id = $1
         AND status = 'pending' RETURNING ${REQUEST_COLUMNS}`,
    [id, d.status, d.scope, d.reason],
  );
  return row ? toRequest(row) : null;
}

export interface WhitelistEntry {
  tenant_id: string;
  package_type: PackageType;
  name: string;
  version_range: string;
  reason: string | null;
  created_at: string;
}

export async function upsertWhitelist(
  ex: Executor,
  e: { tenantId: string; type: PackageType; name: string; range: string; reason: string | null; by: string | null },
) {
  await ex.query(
    `INSERT INTO package_whitelist (tenant_id, package_type, name, version_range, reason, approved_by)
         VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (tenant_id, package_type, name) DO UPDATE SET version_range = EXCLUDED.version_range, reason =
       EXCLUDED.reason, approved_by = EXCLUDED.approved_by`,
    [e.tenantId, e.type, e.name, e.range, e.reason, e.by],
  );
}

export async function deleteWhitelist(
  ex: Executor,
  tenantId: string,
  type: PackageType,
  name: string,
): Promise<boolean> {
  return (
    (
      await ex.query(
        'DELETE FROM package_whitelist WHERE tenant_id = $1 AND package_type = $2 AND name = $3 RETURNING name',
        [tenantId, type, name],
      )
    ).length > 0
  );
}

/** Entries that apply to a tenant: the platform's and its own. */
export async function whitelistFor(
  ex: Executor,
  tenantId: string,
  names?: { type: PackageType; name: string }[],
): Promise<WhitelistEntry[]> {
  const rows = names
    ? await ex.query<WhitelistEntry>(
        `SELECT * FROM package_whitelist WHERE tenant_id IN ('*', $1)
             AND (package_type || ':' || name) = ANY($2::text[])`,
        [tenantId, names.map((n) => `${n.type}:${n.name}`)],
      )
    : await ex.query<WhitelistEntry>(
        `SELECT * FROM package_whitelist WHERE tenant_id IN ('*', $1) ORDER BY package_type, name`,
        [tenantId],
      );
  return rows.map((r) => ({
    tenant_id: r.tenant_id,
    package_type: r.package_type,
    name: r.name,
    version_range: r.version_range,
    reason: r.reason,
    created_at: iso(r.created_at)!,
  }));
}

export interface Advisory {
  id: string;
  package_type: PackageType;
  name: string;
  cve: string;
  severity: string;
  description: string;
  affected: string;
  safe_version: string | null;
  source: string;
  updated_at: string;
}

/**
 * Inserts an advisory; on an existing (type, name, cve) it overwrites only when `overwrite`. Returns null when kept.
 */
export async function upsertAdvisory(
  ex: Executor,
  a: Omit<Advisory, 'updated_at'>,
  overwrite: boolean,
): Promise<Advisory | null> {
  const onConflict = overwrite
    ? `DO UPDATE SET severity = EXCLUDED.severity, description = EXCLUDED.description, affected = EXCLUDED.affected,
         safe_version = EXCLUDED.safe_version, source = EXCLUDED.source, updated_at = now()`
    : 'DO NOTHING';
  const [row] = await ex.query(
    `INSERT INTO package_advisories (id, package_type, name, cve, severity, description, affected, safe_version,
         source) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (package_type, name, cve) ${onConflict} RETURNING *`,
    [a.id, a.package_type, a.name, a.cve, a.severity, a.description, a.affected, a.safe_version, a.source],
  );
  return row ? ({ ...row, updated_at: iso(row.updated_at)! } as Advisory) : null;
}

export async function listAdvisories(ex: Executor, limit: number, offset: number, name?: string) {
  const { rows, total } = await pageQuery(ex, {
    columns: '*',
    from: `FROM package_advisories ${name ? 'WHERE name = $1' : ''}`,
    params: name ? [name] : [],
    orderBy: 'package_type, name, cve',
    limit,
    offset,
  });
  return { items: rows.map((r) => ({ ...r, updated_at: iso(r.updated_at)! }) as Advisory), total };
}

export async function deleteAdvisory(ex: Executor, id: string): Promise<boolean> {
  return (await ex.query('DELETE FROM package_advisories WHERE id = $1 RETURNING id', [id])).length > 0;
}

export async function advisoriesFor(ex: Executor, name: string, type?: PackageType): Promise<Advisory[]> {
  const rows = await ex.query(
    `SELECT * FROM package_advisories WHERE name = $1 AND ($2::text IS NULL OR package_type = $2)
         ORDER BY package_type, cve`,
    [name, type ?? null],
  );
  return rows.map((r) => ({ ...r, updated_at: iso(r.updated_at)! }) as Advisory);
}

export async function recordTenantPackages(
  ex: Executor,
  tenantId: string,
  pkgs: { type: PackageType; name: string; version: string | null }[],
  requiredBy: string,
) {
  for (const p of pkgs) {
    await ex.query(
      `INSERT INTO tenant_packages (tenant_id, package_type, name, version, required_by) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tenant_id, package_type, name) DO UPDATE SET version = EXCLUDED.version, required_by =
         EXCLUDED.required_by`,
      [tenantId, p.type, p.name, p.version, requiredBy],
    );
  }
}

export async function tenantPackages(ex: Executor, tenantId: string) {
  const rows = await ex.query(
    'SELECT package_type, name, version, required_by, created_at FROM tenant_packages WHERE tenant_id = $1 ' +
      'ORDER BY package_type, name',
    [tenantId],
  );
  return rows.map((r) => ({
    package_type: r.package_type as PackageType,
    name: r.name as string,
    version: r.version as string | null,
    required_by: r.required_by as string,
    created_at: iso(r.created_at)!,
  }));
}
