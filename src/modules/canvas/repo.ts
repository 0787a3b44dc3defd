import type { Executor } from '../../platform/db/index.js';
import { pageQuery } from '../../platform/db/paging.js';

/** A canvas component authored in this tenant (optionally bundled with a skill), before or after it is listed. */
export interface ComponentRow {
  id: string;
  name: string;
  description: string;
  category: string;
  component_type: string;
  version: string;
  code: string;
  config_schema: Record<string, unknown> | null;
  dependencies: string[];
  css_dependencies: string[];
  requires_components: string[];
  tags: string[];
  thumbnail_url: string | null;
  preview_url: string | null;
  demo_url: string | null;
  license: string;
  skill_id: string | null;
  skill: Record<string, unknown> | null;
  marketplace_allowed: boolean;
  marketplace_granted_by: string | null;
  marketplace_granted_at: Date | null;
  created_at: Date;
}

const COMPONENT = `id, name, description, category, component_type, version, code, config_schema, dependencies,
  css_dependencies, requires_components, tags, thumbnail_url, preview_url, demo_url, license, skill_id, skill,
  marketplace_allowed, marketplace_granted_by, marketplace_granted_at, created_at`;

export type NewComponent = Omit<
  ComponentRow,
  'marketplace_allowed' | 'marketplace_granted_by' | 'marketplace_granted_at' | 'created_at'
> & { createdBy: string | null };

export async function insertComponent(ex: Executor, tenantId: string, c: NewComponent): Promise<ComponentRow> {
  const [row] = await ex.query<ComponentRow>(
    `INSERT INTO canvas_components (tenant_id, id, name, description, category, component_type, version, code,
         config_schema, dependencies,
       css_dependencies, requires_components, tags, thumbnail_url, preview_url, demo_url, license, skill_id, skill,
         created_by)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20) RETURNING ${COMPONENT}`,
    [
      tenantId,
      c.id,
      c.name,
      c.description,
      c.category,
      c.component_type,
      c.version,
      c.code,
      c.config_schema ? JSON.stringify(c.config_schema) : null,
      c.dependencies,
      c.css_dependencies,
      c.requires_components,
      c.tags,
      c.thumbnail_url,
      c.preview_url,
      c.demo_url,
      c.license,
      c.skill_id,
      c.skill ? JSON.stringify(c.skill) : null,
      c.createdBy,
    ],
  );
  return row;
}

export async function getComponent(ex: Executor, tenantId: string, id: string): Promise<ComponentRow | null> {
  const [row] = await ex.query<ComponentRow>(
    `SELECT ${COMPONENT} FROM canvas_components WHERE tenant_id = $1 AND id = $2`,
    [tenantId, id],
  );
  return row ?? null;
}

export async function grantMarketplace(
  ex: Executor,
  tenantId: string,
  id: string,
  grantedBy: string,
): Promise<ComponentRow | null> {
  const [row] = await ex.query<ComponentRow>(
    `UPDATE canvas_components SET marketplace_allowed = true, marketplace_granted_by = $3, marketplace_granted_at =
         now(), updated_at = now()
     WHERE tenant_id = $1 AND id = $2 RETURNING ${COMPONENT}`,
    [tenantId, id, grantedBy],
  );
  return row ?? null;
}

export interface CanvasRow {
  id: string;
  name: string;
  description: string;
  layout: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}
const CANVAS = 'id, name, description, layout, created_at, updated_at';

export async function insertCanvas(
  ex: Executor,
  tenantId: string,
  c: { id: string; name: string; description: string; layout: Record<string, unknown>; createdBy: string | null },
): Promise<CanvasRow> {
  const [row] = await ex.query<CanvasRow>(
    `INSERT INTO canvases (tenant_id, id, name, description, layout, created_by) VALUES ($1,$2,$3,$4,$5,$6)
         RETURNING ${CANVAS}`,
    [tenantId, c.id, c.name, c.description, JSON.stringify(c.layout), c.createdBy],
  );
  return row;
}

export async function getCanvas(ex: Executor, tenantId: string, id: string): Promise<CanvasRow | null> {
  const [row] = await ex.query<CanvasRow>(`SELECT ${CANVAS} FROM canvases WHERE tenant_id = $1 AND id = $2`, [
    tenantId,
    id,
  ]);
  return row ?? null;
}

export async function listCanvases(ex: Executor, tenantId: string, limit: number, offset: number) {
  return pageQuery<CanvasRow & Record<string, unknown>>(ex, {
    columns: CANVAS,
    from: 'FROM canvases WHERE tenant_id = $1',
    params: [tenantId],
    orderBy: 'created_at DESC, id',
    limit,
    offset,
  });
}

export interface InstalledRow {
  id: string;
  canvas_id: string;
  listing_id: string;
  component_name: string;
  version_id: string | null;
  config: Record<string, unknown>;
  skill_id: string | null;
  created_at: Date;
}
const INSTALLED = 'id, canvas_id, listing_id, component_name, version_id, config, skill_id, created_at';

export async function installedIn(ex: Executor, tenantId: string, canvasId: string): Promise<InstalledRow[]> {
  return ex.query<InstalledRow>(
    `SELECT ${INSTALLED} FROM canvas_installed_components WHERE tenant_id = $1 AND canvas_id = $2
         ORDER BY created_at, id`,
    [tenantId, canvasId],
  );
}

/** The skill an earlier install of this component created in the tenant, so a second canvas reuses it. */
export async function skillOfListing(ex: Executor, tenantId: string, listingId: string): Promise<string | null> {
  const [row] = await ex.query<{ skill_id: string }>(
    'SELECT skill_id FROM canvas_installed_components WHERE tenant_id = $1 AND listing_id = $2 ' +
      'AND skill_id IS NOT NULL ORDER BY created_at LIMIT 1',
    [tenantId, listingId],
  );
  return row?.skill_id ?? null;
}

export async function insertInstalled(
  ex: Executor,
  tenantId: string,
  i: Omit<InstalledRow, 'created_at'>,
): Promise<InstalledRow> {
  const [row] = await ex.query<InstalledRow>(
    `INSERT INTO canvas_installed_components (tenant_id, id, canvas_id, listing_id, component_name, version_id,
         config, skill_id)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING ${INSTALLED}`,
    [tenantId, i.id, i.canvas_id, i.listing_id, i.component_name, i.version_id, JSON.stringify(i.config), i.skill_id],
  );
  return row;
}
