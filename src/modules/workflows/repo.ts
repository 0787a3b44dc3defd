import type { Executor } from '../../platform/db/index.js';
import type { Listing } from '../marketplace/service.js';
import type { WorkflowEdge, WorkflowNode } from './graph.js';
import type { InputField } from './inputs.js';
import type { Step } from './schemas.js';

export type WorkflowSource = 'api' | 'template' | 'file';

export interface Workflow {
  id: string;
  name: string;
  description: string;
  category: string | null;
  nodes: WorkflowNode[];
  edges: WorkflowEdge[];
  version: string;
  source: WorkflowSource;
  template_id: string | null;
  document_name: string | null;
  input_schema: InputField[] | null;
  steps: Step[] | null;
  user_inputs: Record<string, unknown> | null;
  imported_at: string | null;
  /** Only an active workflow fires its webhook and schedule triggers. */
  active: boolean;
  activated_at: string | null;
  created_at: string;
  updated_at: string;
}
export type NewWorkflow = Omit<Workflow, 'created_at' | 'updated_at' | 'imported_at' | 'active' | 'activated_at'> & {
  imported: boolean;
};

const COLUMNS =
  `id, name, description, category, nodes, edges, version, source, template_id, document_name, ` +
  `input_schema, steps, user_inputs, imported_at, active, activated_at, created_at, updated_at`;
const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);
const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));

function toWorkflow(r: Record<string, unknown>): Workflow {
  return {
    ...r,
    imported_at: iso(r.imported_at),
    activated_at: iso(r.activated_at),
    created_at: iso(r.created_at)!,
    updated_at: iso(r.updated_at)!,
  } as Workflow;
}

export async function insert(ex: Executor, tenantId: string, w: NewWorkflow): Promise<Workflow> {
  const [row] = await ex.query(
    `INSERT INTO workflows (tenant_id, id, name, description, category, nodes, edges, version, source, template_id,
         document_name, input_schema, steps, user_inputs, imported_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14, CASE WHEN $15 THEN now() END) RETURNING ${COLUMNS}`,
    [
      tenantId,
      w.id,
      w.name,
      w.description,
      w.category,
      JSON.stringify(w.nodes),
      JSON.stringify(w.edges),
      w.version,
      w.source,
      w.template_id,
      w.document_name,
      json(w.input_schema),
      json(w.steps),
      json(w.user_inputs),
      w.imported,
    ],
  );
  return toWorkflow(row);
}

export async function find(ex: Executor, tenantId: string, id: string): Promise<Workflow | null> {
  const [row] = await ex.query(`SELECT ${COLUMNS} FROM workflows WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
  return row ? toWorkflow(row) : null;
}

export async function list(
  ex: Executor,
  tenantId: string,
  f: { source?: WorkflowSource; template_id?: string; limit: number; offset: number },
) {
  const where = ['tenant_id = $1'];
  const params: unknown[] = [tenantId];
  if (f.source) {
    params.push(f.source);
    where.push(`source = $${params.length}`);
  }
  if (f.template_id) {
    params.push(f.template_id);
    where.push(`template_id = $${params.length}`);
  }
  params.push(f.limit, f.offset);
  const rows = await ex.query(
    `SELECT ${COLUMNS}, count(*) OVER ()::int AS total FROM workflows WHERE ${where.join(' AND ')}
     ORDER BY created_at DESC, id LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  return { items: rows.map(toWorkflow), total: rows.length ? Number(rows[0].total) : 0 };
}

export async function update(
  ex: Executor,
  tenantId: string,
  id: string,
  p: { name?: string; description?: string; category?: string; nodes: WorkflowNode[]; edges: WorkflowEdge[] },
): Promise<Workflow | null> {
  const [row] = await ex.query(
    `UPDATE workflows SET name = coalesce($3, name), description = coalesce($4, description), category = coalesce($5,
         category),
       nodes = $6, edges = $7, document_name = CASE WHEN $3::text IS NULL THEN document_name END, updated_at = now()
     WHERE tenant_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
    [
      tenantId,
      id,
      p.name ?? null,
      p.description ?? null,
      p.category ?? null,
      JSON.stringify(p.nodes),
      JSON.stringify(p.edges),
    ],
  );
  return row ? toWorkflow(row) : null;
}

export async function remove(ex: Executor, tenantId: string, id: string): Promise<boolean> {
  return (
    (await ex.query(`DELETE FROM workflows WHERE tenant_id = $1 AND id = $2 RETURNING id`, [tenantId, id])).length > 0
  );
}

// ---- reads over workflow template listings (SYSTEM executor, visibility rule in SQL, as the engine does)

const KIND = `kind = 'workflow_template'`;
const PUBLIC = `status = 'approved' AND marketplace_type = 'public'`;
const VISIBLE = `(${PUBLIC} OR (tenant_id = $1 AND status <> 'unpublished'))`;

/** Listing ids of featured templates: flagged ones first, then the best rated and most downloaded public ones. */
export async function featuredIds(sys: Executor, limit: number): Promise<string[]> {
  const rows = await sys.query(
    `SELECT id FROM marketplace_catalogue WHERE ${KIND}
     ORDER BY featured DESC, rating_avg DESC, installs DESC, created_at DESC, id
     LIMIT $1`,
    [limit],
  );
  return rows.map((r) => r.id as string);
}

/** A template by the author's own key (`id` in the create body): the viewer's own first, then the oldest public one. */
export async function idByKey(sys: Executor, viewer: string | null, key: string): Promise<string | null> {
  const [row] = await sys.query(
    `SELECT id FROM marketplace_listings WHERE ${KIND} AND ${VISIBLE} AND content->>'key' = $2
     ORDER BY (tenant_id = $1) DESC NULLS LAST, created_at, id LIMIT 1`,
    [viewer, key],
  );
  return row ? (row.id as string) : null;
}

export async function keyTaken(sys: Executor, tenantId: string, key: string): Promise<string | null> {
  const [row] = await sys.query(
    `SELECT id FROM marketplace_listings WHERE ${KIND} AND tenant_id = $1 AND content->>'key' = $2 LIMIT 1`,
    [tenantId, key],
  );
  return row ? (row.id as string) : null;
}

export interface Bucket {
  count: number;
  downloads: number;
}

/** Totals over the templates the viewer can see, grouped by category, template type and complexity. */
export async function statistics(sys: Executor, viewer: string | null) {
  const rows = await sys.query(
    `SELECT category, coalesce(subtype, 'legacy') AS template_type, coalesce(content->>'complexity', 'Unspecified')
         AS complexity,
       count(*)::int AS count, sum(installs)::int AS downloads, sum(rating_sum)::int AS rating_sum,
         sum(rating_count)::int AS rating_count
     FROM marketplace_listings WHERE ${KIND} AND ${VISIBLE} GROUP BY 1, 2, 3`,
    [viewer],
  );
  const group = (key: string) => {
    const out: Record<string, Bucket> = {};
    for (const r of rows) {
      const k = r[key] as string;
      out[k] ??= { count: 0, downloads: 0 };
      const b = out[k];
      b.count += Number(r.count);
      b.downloads += Number(r.downloads);
    }
    return out;
  };
  const sum = (k: string) => rows.reduce((n, r) => n + Number(r[k]), 0);
  const ratings = sum('rating_count');
  return {
    total_templates: sum('count'),
    total_downloads: sum('downloads'),
    average_rating: ratings ? Math.round((sum('rating_sum') / ratings) * 10) / 10 : 0,
    categories: group('category'),
    template_types: group('template_type'),
    complexity_levels: group('complexity'),
  };
}

export type { Listing };
