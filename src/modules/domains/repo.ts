import type { Executor } from '../../platform/db/index.js';
import { pageQuery } from '../../platform/db/paging.js';

/** Tenant domains: authored by the tenant or installed from the domain marketplace (`template_id`). */
export interface DomainRow {
  id: string;
  name: string;
  slug: string;
  description: string;
  category: string;
  topics: string[];
  knowledge: Record<string, unknown>;
  config: Record<string, unknown>;
  config_schema: Record<string, unknown> | null;
  requires_domains: string[];
  template_id: string | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS =
  'id, name, slug, description, category, topics, knowledge, config, config_schema, requires_domains, template_id, ' +
  'created_at, updated_at';

export type NewDomain = Omit<DomainRow, 'created_at' | 'updated_at'> & { createdBy: string | null };

export async function insertDomain(ex: Executor, tenantId: string, d: NewDomain): Promise<DomainRow> {
  const [row] = await ex.query<DomainRow>(
    `INSERT INTO domains (tenant_id, id, name, slug, description, category, topics, knowledge, config, config_schema,
         requires_domains, template_id, created_by)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) RETURNING ${COLUMNS}`,
    [
      tenantId,
      d.id,
      d.name,
      d.slug,
      d.description,
      d.category,
      d.topics,
      JSON.stringify(d.knowledge),
      JSON.stringify(d.config),
      d.config_schema ? JSON.stringify(d.config_schema) : null,
      d.requires_domains,
      d.template_id,
      d.createdBy,
    ],
  );
  return row;
}

export async function getDomain(ex: Executor, tenantId: string, id: string): Promise<DomainRow | null> {
  const [row] = await ex.query<DomainRow>(`SELECT ${COLUMNS} FROM domains WHERE tenant_id = $1 AND id = $2`, [
    tenantId,
    id,
  ]);
  return row ?? null;
}

export async function findByTemplate(ex: Executor, tenantId: string, templateId: string): Promise<DomainRow | null> {
  const [row] = await ex.query<DomainRow>(
    `SELECT ${COLUMNS} FROM domains WHERE tenant_id = $1 AND template_id = $2 ORDER BY created_at, id LIMIT 1`,
    [tenantId, templateId],
  );
  return row ?? null;
}

export async function listDomains(
  ex: Executor,
  tenantId: string,
  f: { installed?: boolean; limit: number; offset: number },
) {
  const where = ['tenant_id = $1'];
  if (f.installed !== undefined) where.push(f.installed ? 'template_id IS NOT NULL' : 'template_id IS NULL');
  return pageQuery<DomainRow & Record<string, unknown>>(ex, {
    columns: COLUMNS,
    from: `FROM domains WHERE ${where.join(' AND ')}`,
    params: [tenantId],
    orderBy: 'created_at DESC, id',
    limit: f.limit,
    offset: f.offset,
  });
}
