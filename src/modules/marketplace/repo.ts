import { type Executor, PLAN_PER_CALL } from '../../platform/db/index.js';

/**
 * SQL for the kind-agnostic marketplace engine. Cross-tenant reads run in the SYSTEM context and filter visibility
 * here.
 */
export type ListingKind = 'skill' | 'agent_template' | 'domain' | 'canvas_component' | 'workflow_template';
export type ListingStatus = 'draft' | 'pending_approval' | 'approved' | 'rejected' | 'unpublished';

export interface Listing {
  tenant_id: string;
  id: string;
  kind: ListingKind;
  source_id: string | null;
  name: string;
  description: string;
  long_description: string;
  category: string;
  subtype: string | null;
  tags: string[];
  price: number;
  documentation_url: string | null;
  marketplace_type: 'public' | 'private';
  status: ListingStatus;
  content: Record<string, unknown>;
  config_schema: Record<string, unknown> | null;
  dependencies: string[];
  current_version_id: string | null;
  rejection_reason: string | null;
  rating: number;
  rating_count: number;
  installs: number;
  featured: boolean;
  approved_at: string | null;
  created_at: string;
  updated_at: string;
}

export const COLUMNS = `tenant_id, id, kind, source_id, name, description, long_description, category, subtype, tags,
  price, documentation_url, marketplace_type, status, content, config_schema, dependencies, current_version_id,
  rejection_reason, rating_sum, rating_count, installs, featured, approved_at, created_at, updated_at`;
export const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);

export function toListing(r: Record<string, unknown>): Listing {
  const count = Number(r.rating_count);
  return {
    ...r,
    price: Number(r.price),
    rating: count ? Math.round((Number(r.rating_sum) / count) * 10) / 10 : 0,
    rating_count: count,
    installs: Number(r.installs),
    approved_at: iso(r.approved_at),
    created_at: iso(r.created_at)!,
    updated_at: iso(r.updated_at)!,
  } as Listing;
}

export type NewListing = Pick<
  Listing,
  | 'id'
  | 'kind'
  | 'source_id'
  | 'name'
  | 'description'
  | 'long_description'
  | 'category'
  | 'subtype'
  | 'tags'
  | 'price'
  | 'documentation_url'
  | 'marketplace_type'
  | 'status'
  | 'content'
  | 'config_schema'
  | 'dependencies'
>;

export async function insertListing(ex: Executor, tenantId: string, l: NewListing): Promise<Listing> {
  const [row] = await ex.query(
    `INSERT INTO marketplace_listings (tenant_id, id, kind, source_id, name, description, long_description, category,
         subtype, tags,
       price, documentation_url, marketplace_type, status, content, config_schema, dependencies)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17) RETURNING ${COLUMNS}`,
    [
      tenantId,
      l.id,
      l.kind,
      l.source_id,
      l.name,
      l.description,
      l.long_description,
      l.category,
      l.subtype,
      l.tags,
      l.price,
      l.documentation_url,
      l.marketplace_type,
      l.status,
      JSON.stringify(l.content),
      l.config_schema ? JSON.stringify(l.config_schema) : null,
      l.dependencies,
    ],
  );
  return toListing(row);
}

/** A listing as the viewer may see it: its own, or an approved public one. SYSTEM executor. */
export async function findVisible(
  sys: Executor,
  viewer: string | null,
  kind: ListingKind,
  id: string,
): Promise<Listing | null> {
  const [row] = await sys.query(
    `SELECT ${COLUMNS} FROM marketplace_listings WHERE id = $1 AND kind = $2
       AND ((status = 'approved' AND marketplace_type = 'public') OR tenant_id = $3)`,
    [id, kind, viewer],
  );
  return row ? toListing(row) : null;
}

/** The newest approved listing made from `sourceId` that the viewer may see (optionally from one publishing tenant). */
export async function findVisibleBySource(
  sys: Executor,
  viewer: string,
  kind: ListingKind,
  sourceId: string,
  sourceTenantId: string | null,
): Promise<Listing | null> {
  const [row] = await sys.query(
    `SELECT ${COLUMNS} FROM marketplace_listings WHERE source_id = $1 AND kind = $2 AND status = 'approved'
       AND (marketplace_type = 'public' OR tenant_id = $3) AND ($4::text IS NULL OR tenant_id = $4)
     ORDER BY (tenant_id = $3) DESC, approved_at DESC NULLS LAST, id LIMIT 1`,
    [sourceId, kind, viewer, sourceTenantId],
  );
  return row ? toListing(row) : null;
}

export async function findAny(sys: Executor, kind: ListingKind, id: string): Promise<Listing | null> {
  const [row] = await sys.query(`SELECT ${COLUMNS} FROM marketplace_listings WHERE id = $1 AND kind = $2`, [id, kind]);
  return row ? toListing(row) : null;
}

export async function setStatus(
  ex: Executor,
  id: string,
  status: ListingStatus,
  reason: string | null,
): Promise<Listing> {
  const [row] = await ex.query(
    `UPDATE marketplace_listings SET status = $2, rejection_reason = $3, updated_at = now(),
       approved_at = CASE WHEN $2 = 'approved' THEN now() ELSE approved_at END
     WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, status, reason],
  );
  return toListing(row);
}

export async function setContent(
  ex: Executor,
  tenantId: string,
  id: string,
  content: unknown,
  schema: unknown,
  versionId: string | null,
): Promise<Listing> {
  const [row] = await ex.query(
    `UPDATE marketplace_listings SET content = $3, config_schema = $4, current_version_id = coalesce($5,
         current_version_id), updated_at = now()
     WHERE tenant_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
    [tenantId, id, JSON.stringify(content), schema ? JSON.stringify(schema) : null, versionId],
  );
  return toListing(row);
}

export async function insertVersion(
  ex: Executor,
  tenantId: string,
  v: { id: string; listingId: string; name: string; description: string; content: unknown; schema: unknown },
) {
  const [row] = await ex.query(
    `INSERT INTO marketplace_versions (tenant_id, id, listing_id, version_name, description, content, config_schema)
     VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id, version_name, description, created_at`,
    [
      tenantId,
      v.id,
      v.listingId,
      v.name,
      v.description,
      JSON.stringify(v.content),
      v.schema ? JSON.stringify(v.schema) : null,
    ],
  );
  return {
    version_id: row.id as string,
    version_name: row.version_name as string,
    description: row.description as string,
    created_at: iso(row.created_at)!,
  };
}

export async function listVersions(ex: Executor, tenantId: string, listingId: string) {
  const rows = await ex.query(
    `SELECT id, version_name, description, created_at FROM marketplace_versions WHERE tenant_id = $1
         AND listing_id = $2 ORDER BY created_at, id`,
    [tenantId, listingId],
  );
  return rows.map((r) => ({
    version_id: r.id as string,
    version_name: r.version_name as string,
    description: r.description as string,
    created_at: iso(r.created_at)!,
  }));
}

export async function findVersion(ex: Executor, tenantId: string, listingId: string, id: string) {
  const [row] = await ex.query(
    `SELECT id, content, config_schema FROM marketplace_versions WHERE tenant_id = $1 AND listing_id = $2 AND id = $3`,
    [tenantId, listingId, id],
  );
  return row ? { id: row.id as string, content: row.content, config_schema: row.config_schema } : null;
}

export async function findInstall(ex: Executor, tenantId: string, listingId: string) {
  const [row] = await ex.query(
    `SELECT id, version_id FROM marketplace_installs WHERE tenant_id = $1 AND listing_id = $2`,
    [tenantId, listingId],
  );
  return row ? { id: row.id as string, version_id: row.version_id as string | null } : null;
}

/** The listing an install (`ins_…`) of this tenant is of, or null. */
export async function listingOfInstall(ex: Executor, tenantId: string, installId: string): Promise<string | null> {
  const [row] = await ex.query(`SELECT listing_id FROM marketplace_installs WHERE tenant_id = $1 AND id = $2`, [
    tenantId,
    installId,
  ]);
  return row ? (row.listing_id as string) : null;
}

/** Listings of a kind installed for one target (e.g. the skills installed for an agent). */
export async function installedForTarget(
  ex: Executor,
  tenantId: string,
  kind: ListingKind,
  targetId: string,
): Promise<string[]> {
  const rows = await ex.query(
    `SELECT listing_id FROM marketplace_installs WHERE tenant_id = $1 AND kind = $2 AND target_id = $3
         ORDER BY created_at, id`,
    [tenantId, kind, targetId],
  );
  return rows.map((r) => r.listing_id as string);
}

/** The tenant's live listing (not rejected or unpublished) made from one source object, if any. */
export async function findLiveBySource(
  ex: Executor,
  tenantId: string,
  kind: ListingKind,
  sourceId: string,
  marketplaceType: string,
): Promise<Listing | null> {
  const [row] = await ex.query(
    `SELECT ${COLUMNS} FROM marketplace_listings WHERE tenant_id = $1 AND kind = $2 AND source_id = $3
         AND marketplace_type = $4
       AND status IN ('draft', 'pending_approval', 'approved') ORDER BY created_at DESC LIMIT 1`,
    [tenantId, kind, sourceId, marketplaceType],
  );
  return row ? toListing(row) : null;
}

export async function countInstalls(ex: Executor, tenantId: string, kind: ListingKind): Promise<number> {
  const [row] = await ex.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM marketplace_installs WHERE tenant_id = $1 AND kind = $2`,
    [tenantId, kind],
  );
  return row.n;
}

export async function installedListingIds(ex: Executor, tenantId: string): Promise<Set<string>> {
  const rows = await ex.query(`SELECT listing_id FROM marketplace_installs WHERE tenant_id = $1`, [tenantId]);
  return new Set(rows.map((r) => r.listing_id as string));
}

export async function insertInstall(
  ex: Executor,
  tenantId: string,
  i: {
    id: string;
    listingId: string;
    kind: ListingKind;
    versionId: string | null;
    targetId: string | null;
    config: unknown;
  },
) {
  await ex.query(
    `INSERT INTO marketplace_installs (tenant_id, id, listing_id, kind, version_id, target_id, config)
         VALUES ($1,$2,$3,$4,$5,$6,$7)`,
    [tenantId, i.id, i.listingId, i.kind, i.versionId, i.targetId, JSON.stringify(i.config)],
  );
}

export async function deleteInstall(ex: Executor, tenantId: string, listingId: string): Promise<boolean> {
  return (
    (
      await ex.query(`DELETE FROM marketplace_installs WHERE tenant_id = $1 AND listing_id = $2 RETURNING id`, [
        tenantId,
        listingId,
      ])
    ).length > 0
  );
}

/**
 * Moves a listing's install counter inside the install's own transaction `ex` (tenant context). The
 * listing is usually another tenant's row, which the tenant context may not update: the counter
 * alone is written in the platform context, set for these statements and restored right after
 * (both transaction-local: an error aborts the transaction, whose rollback drops the setting).
 */
export async function bumpInstalls(ex: Executor, ids: string[], delta: number) {
  if (!ids.length) return;
  const [{ ctx }] = await ex.query<{ ctx: string }>(`SELECT current_setting('app.tenant_id', true) AS ctx`);
  await ex.query(`SELECT set_config('app.tenant_id', '*', true)`);
  // Rows locked in id order (the sort runs below the lock): concurrent transactions lock shared
  // listings in the same order, so they wait for each other instead of deadlocking.
  await ex.query(
    `WITH locked AS (SELECT id FROM marketplace_listings WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE)
     UPDATE marketplace_listings l SET installs = greatest(l.installs + $2, 0) FROM locked WHERE l.id = locked.id`,
    [ids, delta],
  );
  await ex.query(`SELECT set_config('app.tenant_id', $1, true)`, [ctx]);
}

/**
 * One rating per tenant and listing: a second rating from the same tenant (any of its members)
 * replaces the first. The listing row is locked first, so ratings of one listing apply one after
 * another, and its sum and count are recomputed from the ratings rather than moved by a delta.
 */
export async function upsertRating(
  sys: Executor,
  tenantId: string,
  r: { id: string; listingId: string; rater: string; rating: number; review: string | null },
) {
  await sys.query('SELECT 1 FROM marketplace_listings WHERE id = $1 FOR UPDATE', [r.listingId]);
  await sys.query(
    `INSERT INTO marketplace_ratings (tenant_id, id, listing_id, rater, rating, review) VALUES ($1,$2,$3,$4,$5,$6)
     ON CONFLICT (listing_id, tenant_id) DO UPDATE SET rater = EXCLUDED.rater, rating = EXCLUDED.rating, review =
       EXCLUDED.review, updated_at = now()`,
    [tenantId, r.id, r.listingId, r.rater, r.rating, r.review],
  );
  const [row] = await sys.query(
    `UPDATE marketplace_listings l SET rating_sum = s.total, rating_count = s.n
       FROM (SELECT coalesce(sum(rating), 0) AS total, count(*)::int AS n FROM marketplace_ratings
         WHERE listing_id = $1) s
      WHERE l.id = $1 RETURNING ${COLUMNS}`,
    [r.listingId],
  );
  return toListing(row);
}

/** The tenant's own listings plus the ones it installed, for "my items" views. SYSTEM executor. */
export async function ownedOrInstalled(
  sys: Executor,
  tenantId: string,
  kind: ListingKind,
  f: {
    query?: string;
    category?: string;
    subtype?: string;
    installed?: boolean;
    desc: boolean;
    limit: number;
    offset: number;
  },
) {
  // The tenant's own and installed listings are found by equalities on indexed columns, which row
  // level security lets the planner use, before the text is matched on them (no LEAKPROOF needed).
  const mine = `l.id IN (SELECT o.id FROM marketplace_listings o WHERE o.tenant_id = $2 AND o.kind = $1
    UNION ALL SELECT x.listing_id FROM marketplace_installs x WHERE x.tenant_id = $2)`;
  const where = [`l.kind = $1`, `l.status <> 'unpublished'`, mine];
  const params: unknown[] = [kind, tenantId];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (f.query) add(`l.search @@ plainto_tsquery('english', ?)`, f.query);
  if (f.category) add('l.category = ?', f.category);
  if (f.subtype) add('l.subtype = ?', f.subtype);
  if (f.installed !== undefined) where.push(f.installed ? 'i.id IS NOT NULL' : 'i.id IS NULL');
  params.push(f.limit, f.offset);
  const rows = await sys.query(
    `${PLAN_PER_CALL} SELECT ${COLUMNS.split(',')
      .map((c) => `l.${c.trim()}`)
      .join(', ')}, i.id AS install_id, i.custom_name, i.custom_description, count(*) OVER ()::int AS total
     FROM marketplace_listings l LEFT JOIN marketplace_installs i ON i.listing_id = l.id AND i.tenant_id = $2
     WHERE ${where.join(' AND ')} ORDER BY coalesce(i.custom_name, l.name) ${f.desc ? 'DESC' : 'ASC'}, l.id
       LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  return {
    items: rows.map((r) => ({
      listing: toListing(r),
      installed: r.install_id !== null,
      custom_name: r.custom_name as string | null,
      custom_description: r.custom_description as string | null,
    })),
    total: rows.length ? Number(rows[0].total) : 0,
  };
}

export async function customizeInstall(
  ex: Executor,
  tenantId: string,
  listingId: string,
  p: { name?: string; description?: string; config?: unknown },
): Promise<boolean> {
  const rows = await ex.query(
    `UPDATE marketplace_installs SET custom_name = coalesce($3, custom_name), custom_description = coalesce($4,
         custom_description),
       config = coalesce($5, config) WHERE tenant_id = $1 AND listing_id = $2 RETURNING id`,
    [
      tenantId,
      listingId,
      p.name ?? null,
      p.description ?? null,
      p.config === undefined ? null : JSON.stringify(p.config),
    ],
  );
  return rows.length > 0;
}

export async function renameListing(
  ex: Executor,
  tenantId: string,
  id: string,
  p: { name?: string; description?: string },
): Promise<void> {
  await ex.query(
    `UPDATE marketplace_listings SET name = coalesce($3, name), description = coalesce($4, description), updated_at =
         now() WHERE tenant_id = $1 AND id = $2`,
    [tenantId, id, p.name ?? null, p.description ?? null],
  );
}

export const PUBLIC = `status = 'approved' AND marketplace_type = 'public'`;

// Category and tag statistics of the public marketplace read its narrow catalogue (search.ts).
export async function categories(sys: Executor, kind: ListingKind): Promise<string[]> {
  const rows = await sys.query(
    `SELECT DISTINCT category FROM marketplace_catalogue WHERE kind = $1 ORDER BY category`,
    [kind],
  );
  return rows.map((r) => r.category as string);
}

export async function tagCounts(sys: Executor, kind: ListingKind): Promise<{ name: string; count: number }[]> {
  const rows = await sys.query(
    `SELECT t AS name, count(*)::int AS count FROM marketplace_catalogue, unnest(tags) AS t WHERE kind = $1
         GROUP BY t ORDER BY count DESC, t LIMIT 100`,
    [kind],
  );
  return rows.map((r) => ({ name: r.name as string, count: Number(r.count) }));
}

/** Owner-driven lifecycle moves (unpublish, submit a draft); only from the given statuses. */
export async function moveStatus(
  ex: Executor,
  tenantId: string,
  id: string,
  from: ListingStatus[],
  to: ListingStatus,
): Promise<Listing | null> {
  const [row] = await ex.query(
    `UPDATE marketplace_listings SET status = $4, updated_at = now() WHERE tenant_id = $1 AND id = $2
         AND status = ANY($3::text[]) RETURNING ${COLUMNS}`,
    [tenantId, id, from, to],
  );
  return row ? toListing(row) : null;
}

export async function categoryCounts(sys: Executor, kind: ListingKind): Promise<{ name: string; count: number }[]> {
  const rows = await sys.query(
    `SELECT category AS name, count(*)::int AS count FROM marketplace_catalogue WHERE kind = $1 GROUP BY category
         ORDER BY count DESC, category`,
    [kind],
  );
  return rows.map((r) => ({ name: r.name as string, count: Number(r.count) }));
}

/**
 * Public-marketplace totals of one kind: every public submission, approved and pending ones, and installs of approved
 * ones.
 */
export async function stats(sys: Executor, kind: ListingKind) {
  const [r] = await sys.query(
    `SELECT count(*)::int AS total, count(*) FILTER (WHERE status = 'approved')::int AS approved,
            count(*) FILTER (WHERE status = 'pending_approval')::int AS pending,
            coalesce(sum(installs) FILTER (WHERE status = 'approved'), 0)::int AS installs
       FROM marketplace_listings WHERE kind = $1 AND marketplace_type = 'public'`,
    [kind],
  );
  return {
    total: Number(r.total),
    approved: Number(r.approved),
    pending: Number(r.pending),
    installs: Number(r.installs),
  };
}

/** Listings the tenant itself submitted (any status but unpublished), newest first. SYSTEM executor. */
export async function submissions(
  sys: Executor,
  tenantId: string,
  kind: ListingKind,
  limit: number,
  offset: number,
): Promise<{ items: Listing[]; total: number }> {
  const rows = await sys.query(
    `SELECT ${COLUMNS}, count(*) OVER ()::int AS total FROM marketplace_listings
     WHERE tenant_id = $1 AND kind = $2 AND status <> 'unpublished' ORDER BY created_at DESC, id LIMIT $3 OFFSET $4`,
    [tenantId, kind, limit, offset],
  );
  return { items: rows.map(toListing), total: rows.length ? Number(rows[0].total) : 0 };
}

/** A rejected or unpublished listing submitted again: fresh fields and content, the review starts over. */
export async function resubmitListing(
  ex: Executor,
  tenantId: string,
  id: string,
  l: Omit<NewListing, 'id' | 'kind' | 'source_id'>,
  versionId: string,
): Promise<Listing> {
  const [row] = await ex.query(
    `UPDATE marketplace_listings SET name = $3, description = $4, long_description = $5, category = $6, subtype = $7,
         tags = $8, price = $9,
       documentation_url = $10, marketplace_type = $11, status = $12, content = $13, config_schema = $14,
         dependencies = $15,
       current_version_id = $16, rejection_reason = NULL, updated_at = now(), approved_at = CASE WHEN $12 =
         'approved' THEN now() ELSE NULL END
     WHERE tenant_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
    [
      tenantId,
      id,
      l.name,
      l.description,
      l.long_description,
      l.category,
      l.subtype,
      l.tags,
      l.price,
      l.documentation_url,
      l.marketplace_type,
      l.status,
      JSON.stringify(l.content),
      l.config_schema ? JSON.stringify(l.config_schema) : null,
      l.dependencies,
      versionId,
    ],
  );
  return toListing(row);
}

/**
 * Listings waiting for the platform reviewer (with the publisher's name), oldest first; `kind` null means every kind.
 */
export async function pendingListings(
  sys: Executor,
  kind: ListingKind | null,
  limit: number,
  offset: number,
): Promise<{ items: (Listing & { tenant_name: string | null })[]; total: number }> {
  const rows = await sys.query(
    `SELECT ${COLUMNS}, (SELECT t.name FROM tenants t WHERE t.id = marketplace_listings.tenant_id) AS tenant_name,
       count(*) OVER ()::int AS total FROM marketplace_listings
     WHERE status = 'pending_approval' AND ($1::text IS NULL OR kind = $1) ORDER BY created_at, id LIMIT $2 OFFSET $3`,
    [kind, limit, offset],
  );
  return {
    items: rows.map((r) => ({ ...toListing(r), tenant_name: (r.tenant_name as string | null) ?? null })),
    total: rows.length ? Number(rows[0].total) : 0,
  };
}
