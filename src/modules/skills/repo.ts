import type { Executor } from '../../platform/db/index.js';

export async function insertExecution(
  ex: Executor,
  tenantId: string,
  e: { id: string; listingId: string; status: 'completed' | 'failed'; durationMs: number; error: string | null },
) {
  await ex.query(
    `INSERT INTO skill_executions (tenant_id, id, listing_id, status, duration_ms, error) VALUES ($1,$2,$3,$4,$5,$6)`,
    [tenantId, e.id, e.listingId, e.status, e.durationMs, e.error],
  );
}

/**
 * The tenant's runnable skills, or just `id` among them: installed ones (even if unpublished since)
 * and its own live private ones. SYSTEM executor, filtered by tenant here. The candidates come from
 * the tenant's installs and own listings (index lookups), never from a pass over the whole catalogue.
 */
export async function runnableSkills(sys: Executor, tenantId: string, id?: string) {
  return sys.query(
    `SELECT l.id, l.name, l.description, l.tags, l.subtype, l.content ${runnable(!!id)}`,
    id ? [tenantId, id] : [tenantId],
  );
}

/**
 * One runnable skill with the tenant's sealed environment for it (null when none is set): what running it as a tool
 * needs.
 */
export async function runnableSkillWithEnv(sys: Executor, tenantId: string, id: string) {
  const [row] = await sys.query<{
    id: string;
    name: string;
    subtype: string;
    content: Record<string, unknown>;
    sealed: string | null;
  }>(
    `SELECT l.id, l.name, l.subtype, l.content,
            (SELECT e.sealed FROM skill_environments e WHERE e.tenant_id = $1
              AND e.listing_id = l.id) AS sealed ${runnable(true)}`,
    [tenantId, id],
  );
  return row ?? null;
}

const runnable = (byId: boolean) => `FROM marketplace_listings l
     WHERE l.id IN (SELECT i.listing_id FROM marketplace_installs i WHERE i.tenant_id = $1 AND i.kind = 'skill'
                    UNION ALL SELECT p.id FROM marketplace_listings p WHERE p.tenant_id = $1 AND p.kind = 'skill')
       AND l.kind = 'skill' ${byId ? 'AND l.id = $2' : ''}
       AND ((l.status IN ('approved', 'unpublished') AND EXISTS (SELECT 1 FROM marketplace_installs i
         WHERE i.tenant_id = $1 AND i.listing_id = l.id))
            OR (l.status = 'approved' AND l.tenant_id = $1 AND l.marketplace_type = 'private'))
     ORDER BY l.name, l.id`;

export async function setEnvironment(
  ex: Executor,
  tenantId: string,
  listingId: string,
  sealed: string,
  names: string[],
) {
  await ex.query(
    `INSERT INTO skill_environments (tenant_id, listing_id, sealed, names) VALUES ($1, $2, $3, $4)
     ON CONFLICT (tenant_id, listing_id) DO UPDATE SET sealed = EXCLUDED.sealed, names = EXCLUDED.names, updated_at =
       now()`,
    [tenantId, listingId, sealed, names],
  );
}

export async function getEnvironment(ex: Executor, tenantId: string, listingId: string): Promise<string | null> {
  const [row] = await ex.query<{ sealed: string }>(
    'SELECT sealed FROM skill_environments WHERE tenant_id = $1 AND listing_id = $2',
    [tenantId, listingId],
  );
  return row?.sealed ?? null;
}
