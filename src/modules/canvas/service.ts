import type { AppContext } from '../../platform/context.js';
import { AppError, isUniqueViolation, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { alreadyListed } from '../domains/service.js';
import {
  type Caller,
  type Listing,
  marketplaceEngine,
  type PublishInput,
  validateConfig,
} from '../marketplace/service.js';
import { type NewSkill, skillsService } from '../skills/service.js';
import type { ComponentRow } from './repo.js';
import * as repo from './repo.js';

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

export interface ComponentContent {
  code?: string;
  version?: string;
  dependencies?: string[];
  css_dependencies?: string[];
  thumbnail_url?: string | null;
  preview_url?: string | null;
  demo_url?: string | null;
  license?: string;
  skill?: NewSkill | null;
}

/** Browse shape (marketplace-api.txt, Browse Components). */
export function summaryView(l: Listing) {
  const c = l.content as ComponentContent;
  return {
    id: l.id,
    name: l.name,
    description: l.description,
    category: l.category,
    component_type: l.subtype ?? 'component',
    tags: l.tags,
    version: c.version ?? '1.0.0',
    thumbnail_url: c.thumbnail_url ?? null,
    price: l.price,
    is_free: l.price === 0,
    is_featured: l.featured,
    license: c.license ?? 'MIT',
    installs: l.installs,
    rating: l.rating,
    rating_count: l.rating_count,
    created_at: l.created_at,
    updated_at: l.updated_at,
  };
}

/** Details shape: the summary plus code, config schema, dependencies and links. */
export function detailsView(l: Listing) {
  const c = l.content as ComponentContent;
  return {
    ...summaryView(l),
    code: c.code ?? '',
    config_schema: l.config_schema,
    dependencies: c.dependencies ?? [],
    css_dependencies: c.css_dependencies ?? [],
    requires_components: l.dependencies,
    preview_url: c.preview_url ?? null,
    demo_url: c.demo_url ?? null,
    has_skill: !!c.skill,
    status: l.status,
  };
}

export function componentView(c: ComponentRow) {
  return {
    component_id: c.id,
    name: c.name,
    description: c.description,
    category: c.category,
    component_type: c.component_type,
    version: c.version,
    config_schema: c.config_schema,
    dependencies: c.dependencies,
    css_dependencies: c.css_dependencies,
    requires_components: c.requires_components,
    tags: c.tags,
    license: c.license,
    skill_id: c.skill_id,
    marketplace_permission: c.marketplace_allowed,
    marketplace_granted_at: iso(c.marketplace_granted_at),
    created_at: iso(c.created_at)!,
  };
}

export interface NewComponentInput {
  name: string;
  description?: string;
  category?: string;
  component_type?: string;
  version?: string;
  code?: string;
  config_schema?: Record<string, unknown>;
  dependencies?: string[];
  css_dependencies?: string[];
  requires_components?: string[];
  tags?: string[];
  thumbnail_url?: string;
  preview_url?: string;
  demo_url?: string;
  license?: string;
  skill?: Omit<NewSkill, 'name'> & { name?: string };
}

/** Canvas components over the generic engine: authored here, listed under their own id, installed into canvases. */
export function canvasComponentsService(ctx: AppContext) {
  const engine = marketplaceEngine(ctx, 'canvas_component');
  const skills = skillsService(ctx);
  const loadOwn = async (tenantId: string, id: string) => {
    const c = await repo.getComponent(ctx.db.as(tenantId), tenantId, id);
    if (!c) throw notFound('COMPONENT_NOT_FOUND', 'Component', id);
    return c;
  };
  const loadCanvas = async (tenantId: string, id: string) => {
    const c = await repo.getCanvas(ctx.db.as(tenantId), tenantId, id);
    if (!c) throw notFound('CANVAS_NOT_FOUND', 'Canvas', id);
    return c;
  };

  return {
    engine,
    loadCanvas,

    /** A component, and with `skill` also a private skill of this tenant bound to it. */
    async create(caller: Caller, createdBy: string | null, b: NewComponentInput) {
      if (b.config_schema) checkSchema(b.config_schema);
      const spec: NewSkill | null = b.skill ? { ...b.skill, name: b.skill.name ?? b.name } : null;
      const skill = spec ? await skills.createPrivate(caller, spec) : null;
      const c = await ctx.db.tx(caller.tenantId, async (ex) => {
        const row = await repo.insertComponent(ex, caller.tenantId, {
          id: newId('cmp'),
          name: b.name,
          description: b.description ?? '',
          category: b.category ?? 'ui',
          component_type: b.component_type ?? 'component',
          version: b.version ?? '1.0.0',
          code: b.code ?? '',
          config_schema: b.config_schema ?? null,
          dependencies: b.dependencies ?? [],
          css_dependencies: b.css_dependencies ?? [],
          requires_components: b.requires_components ?? [],
          tags: b.tags ?? [],
          thumbnail_url: b.thumbnail_url ?? null,
          preview_url: b.preview_url ?? null,
          demo_url: b.demo_url ?? null,
          license: b.license ?? 'MIT',
          skill_id: skill?.id ?? null,
          skill: spec as Record<string, unknown> | null,
          createdBy,
        });
        await ctx.outbox.emit(ex, caller.tenantId, 'canvas.component_created', {
          component_id: row.id,
          skill_id: row.skill_id,
        });
        return row;
      });
      return c;
    },

    /** A tenant admin allows a member's component to go to the marketplace. */
    async grant(tenantId: string, grantedBy: string, componentId: string) {
      await loadOwn(tenantId, componentId);
      return ctx.db.tx(tenantId, async (ex) => (await repo.grantMarketplace(ex, tenantId, componentId, grantedBy))!);
    },

    /** Lists the component under its own id; callers without GOVERNANCE_APPROVE need a tenant admin's grant first. */
    async publish(
      caller: Caller,
      mayGrant: boolean,
      b: {
        component_id: string;
        price?: number;
        license?: string;
        tags?: string[];
        marketplace_type?: 'public' | 'private';
      },
    ) {
      const c = await loadOwn(caller.tenantId, b.component_id);
      if (!mayGrant && !c.marketplace_allowed) {
        throw new AppError(
          'APPROVAL_REQUIRED',
          'A tenant admin must grant marketplace permission for this component first (POST ' +
            '/api/canvas-skills/marketplace/permission)',
          { component_id: c.id },
        );
      }
      const existing = await engine.owned(caller.tenantId, c.id).catch(() => null);
      const content: ComponentContent = {
        code: c.code,
        version: c.version,
        dependencies: c.dependencies,
        css_dependencies: c.css_dependencies,
        thumbnail_url: c.thumbnail_url,
        preview_url: c.preview_url,
        demo_url: c.demo_url,
        license: b.license ?? c.license,
        skill: c.skill as NewSkill | null,
      };
      const input: PublishInput = {
        id: c.id,
        source_id: c.id,
        name: c.name,
        description: c.description,
        long_description: '',
        category: c.category,
        subtype: c.component_type,
        tags: b.tags ?? c.tags,
        price: b.price ?? 0,
        documentation_url: null,
        marketplace_type: b.marketplace_type ?? 'public',
        content: content as Record<string, unknown>,
        config_schema: c.config_schema,
        dependencies: c.requires_components,
      };
      return existing ? engine.resubmit(caller, c.id, input) : alreadyListed(c.id, engine.publish(caller, input));
    },

    /**
     * Installs an approved component into a canvas: required components must already be in that canvas,
     * the config must match the schema; a bundled skill becomes a private skill of the installing tenant.
     */
    async install(caller: Caller, b: { component_id: string; canvas_id: string; config?: Record<string, unknown> }) {
      const canvas = await loadCanvas(caller.tenantId, b.canvas_id);
      const l = await engine.visible(caller.tenantId, b.component_id);
      if (l.status !== 'approved') throw notFound('COMPONENT_NOT_FOUND', 'Component', b.component_id);
      const db = ctx.db.as(caller.tenantId);
      const present = await repo.installedIn(db, caller.tenantId, canvas.id);
      const already = present.find((i) => i.listing_id === l.id);
      if (already) return { installed: already, created: false };
      const missing = l.dependencies.filter((d) => !present.some((i) => i.listing_id === d));
      if (missing.length)
        throw new AppError('DEPENDENCY_MISSING', 'Install the required components into this canvas first', {
          missing_dependencies: missing,
          canvas_id: canvas.id,
        });
      const config = b.config ?? {};
      validateConfig(l.config_schema, config);
      const spec = (l.content as ComponentContent).skill;
      const reused = spec ? await repo.skillOfListing(db, caller.tenantId, l.id) : null;
      const newSkill = spec && !reused ? await skills.privateInput(caller, spec) : null;
      // The marketplace install, the bundled skill's private copy and the canvas row commit together (issue 22).
      return ctx.db
        .tx(caller.tenantId, async (ex) => {
          const r = await engine.installIn(ex, caller, l, config, canvas.id);
          const skillId = reused ?? (newSkill ? (await skills.engine.publishIn(ex, caller, newSkill)).id : null);
          const row = await repo.insertInstalled(ex, caller.tenantId, {
            id: newId('cci'),
            canvas_id: canvas.id,
            listing_id: l.id,
            component_name: l.name,
            version_id: r.version_id,
            config,
            skill_id: skillId,
          });
          await ctx.outbox.emit(ex, caller.tenantId, 'canvas.component_installed', {
            canvas_id: canvas.id,
            component_id: l.id,
            install_id: row.id,
            skill_id: skillId,
          });
          return { installed: row, created: true };
        })
        .catch(async (err) => {
          // A concurrent install of the same component into the same canvas won: answer with its row.
          if (!isUniqueViolation(err)) throw err;
          return {
            installed: (await repo.installedIn(db, caller.tenantId, canvas.id)).find((i) => i.listing_id === l.id)!,
            created: false,
          };
        });
    },
  };
}

function checkSchema(schema: Record<string, unknown>) {
  try {
    validateConfig(schema, {});
  } catch (err) {
    if (err instanceof AppError) return; // compiles; {} just does not satisfy it
    throw new AppError('CONFIG_SCHEMA_INVALID', 'config_schema is not a valid JSON Schema', {
      errors: [{ path: '/', message: (err as Error).message }],
    });
  }
}
