import type { Executor } from '../../platform/db/index.js';

export interface InstallationRow {
  installation_id: string;
  component_id: string;
  component_type: string;
  name: string;
  custom_name: string | null;
  version_id: string | null;
  target_id: string | null;
  source_tenant_id: string;
  installed_at: string;
}

/**
 * The tenant's installations of every kind, with the listing's name. SYSTEM executor: the
 * listings belong to their publishers; the install rows are filtered by tenant in SQL.
 */
export async function listInstallations(sys: Executor, tenantId: string, f: { kind?: string; limit: number; offset: number }) {
  const params: unknown[] = [tenantId, f.limit, f.offset];
  let kindSql = '';
  if (f.kind) {
    params.push(f.kind);
    kindSql = ' AND i.kind = $4';
  }
  const rows = await sys.query<Record<string, any>>(
    `SELECT i.id AS installation_id, i.listing_id AS component_id, i.kind AS component_type, l.name, i.custom_name, i.version_id,
            i.target_id, l.tenant_id AS source_tenant_id, i.created_at, count(*) OVER ()::int AS total
     FROM marketplace_installs i JOIN marketplace_listings l ON l.id = i.listing_id
     WHERE i.tenant_id = $1${kindSql} ORDER BY i.created_at DESC, i.id LIMIT $2 OFFSET $3`,
    params,
  );
  return {
    items: rows.map((r): InstallationRow => ({
      installation_id: r.installation_id, component_id: r.component_id, component_type: r.component_type, name: r.name,
      custom_name: r.custom_name ?? null, version_id: r.version_id ?? null, target_id: r.target_id ?? null,
      source_tenant_id: r.source_tenant_id, installed_at: new Date(r.created_at).toISOString(),
    })),
    total: rows.length ? Number(rows[0].total) : 0,
  };
}

/** One listing the tenant published (any kind), or null. */
export async function ownListing(ex: Executor, tenantId: string, id: string) {
  const [row] = await ex.query<Record<string, any>>(
    `SELECT id, kind, name, marketplace_type, status, rejection_reason, approved_at, created_at, updated_at
     FROM marketplace_listings WHERE tenant_id = $1 AND id = $2`,
    [tenantId, id],
  );
  return row ?? null;
}

/** Counts and stored bytes for the usage view. Tenant executor. */
export async function usageCounts(ex: Executor, tenantId: string) {
  const [row] = await ex.query<Record<string, any>>(
    `SELECT (SELECT count(*)::int FROM agents WHERE tenant_id = $1) AS agents,
            (SELECT count(*)::int FROM marketplace_installs WHERE tenant_id = $1) AS installations,
            (SELECT count(*)::int FROM marketplace_installs WHERE tenant_id = $1 AND kind = 'skill') AS installed_skills,
            (SELECT count(*)::int FROM marketplace_listings WHERE tenant_id = $1 AND marketplace_type = 'public') AS listings,
            (SELECT coalesce(sum(octet_length(content::text) + coalesce(octet_length(config_schema::text), 0)), 0)::bigint
               FROM marketplace_listings WHERE tenant_id = $1) AS listing_bytes,
            (SELECT coalesce(sum(octet_length(config::text)), 0)::bigint FROM marketplace_installs WHERE tenant_id = $1) AS install_bytes`,
    [tenantId],
  );
  return {
    agents: Number(row.agents), installations: Number(row.installations), installedSkills: Number(row.installed_skills),
    listings: Number(row.listings), bytes: Number(row.listing_bytes) + Number(row.install_bytes),
  };
}
