import type { Executor } from '../../platform/db/index.js';
import { pageQuery } from '../../platform/db/paging.js';

/** SQL for `agent_template_installs`: which agent an install created, and its sealed api keys. */
export interface TemplateInstallRow {
  tenant_id: string;
  id: string;
  template_id: string;
  agent_id: string;
  source_tenant_id: string;
  version_id: string | null;
  settings: Record<string, unknown>;
  api_key_names: string[];
  created_at: string;
}

const COLUMNS =
  'tenant_id, id, template_id, agent_id, source_tenant_id, version_id, settings, api_key_names, created_at';
const toRow = (r: Record<string, unknown>): TemplateInstallRow => ({
  ...(r as unknown as TemplateInstallRow),
  created_at: new Date(r.created_at as string).toISOString(),
});

export async function findByTemplate(
  ex: Executor,
  tenantId: string,
  templateId: string,
): Promise<TemplateInstallRow | null> {
  const [row] = await ex.query(
    `SELECT ${COLUMNS} FROM agent_template_installs WHERE tenant_id = $1 AND template_id = $2`,
    [tenantId, templateId],
  );
  return row ? toRow(row) : null;
}

/** Drops an install record whose agent was deleted, so the template can be installed again. */
export async function deleteStale(ex: Executor, tenantId: string, templateId: string, agentId: string): Promise<void> {
  await ex.query('DELETE FROM agent_template_installs WHERE tenant_id = $1 AND template_id = $2 AND agent_id = $3', [
    tenantId,
    templateId,
    agentId,
  ]);
}

export async function insert(
  ex: Executor,
  tenantId: string,
  r: Omit<TemplateInstallRow, 'tenant_id' | 'created_at'> & { api_keys_sealed: string | null },
): Promise<TemplateInstallRow> {
  const [row] = await ex.query(
    `INSERT INTO agent_template_installs (tenant_id, id, template_id, agent_id, source_tenant_id, version_id,
         settings, api_key_names, api_keys_sealed)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING ${COLUMNS}`,
    [
      tenantId,
      r.id,
      r.template_id,
      r.agent_id,
      r.source_tenant_id,
      r.version_id,
      JSON.stringify(r.settings),
      r.api_key_names,
      r.api_keys_sealed,
    ],
  );
  return toRow(row);
}

/** The sealed api keys of an installed agent, for the runtime that will use them (never for responses). */
export async function sealedKeys(
  ex: Executor,
  tenantId: string,
  agentId: string,
): Promise<{ template_id: string; sealed: string } | null> {
  const [row] = await ex.query(
    'SELECT template_id, api_keys_sealed FROM agent_template_installs WHERE tenant_id = $1 AND agent_id = $2 ' +
      'AND api_keys_sealed IS NOT NULL',
    [tenantId, agentId],
  );
  return row ? { template_id: row.template_id as string, sealed: row.api_keys_sealed as string } : null;
}

/** The tenant's template installs with the published agent each came from (listing source), newest first. */
export async function listInstalls(sys: Executor, tenantId: string, limit: number, offset: number) {
  return pageQuery<Record<string, unknown>>(sys, {
    columns:
      `i.id, i.template_id, i.agent_id AS installed_agent_id, l.source_id AS agent_id, l.name, ` +
      `i.source_tenant_id, i.version_id, i.api_key_names, i.created_at`,
    from:
      'FROM agent_template_installs i LEFT JOIN marketplace_listings l ON l.id = i.template_id ' +
      'WHERE i.tenant_id = $1',
    params: [tenantId],
    orderBy: 'i.created_at DESC, i.id',
    limit,
    offset,
  });
}
