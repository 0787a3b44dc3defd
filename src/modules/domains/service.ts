import type { AppContext } from '../../platform/context.js';
import { AppError, isUniqueViolation, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import {
  type Caller,
  type Listing,
  marketplaceEngine,
  type PublishInput,
  validateConfig,
} from '../marketplace/service.js';
import type { DomainRow } from './repo.js';
import * as repo from './repo.js';

const iso = (d: Date | string) => new Date(d).toISOString();

export function slugify(name: string): string {
  return (
    name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || 'domain'
  );
}

/** A marketplace domain as the seed's search and details documents show it. */
export function listingView(l: Listing) {
  const c = l.content as { slug?: string; license_type?: string; topics?: string[] };
  return {
    id: l.id,
    domain_name: l.name,
    domain_slug: c.slug ?? slugify(l.name),
    description: l.description,
    category: l.category,
    price_usd: l.price,
    license_type: c.license_type ?? 'proprietary',
    tags: l.tags,
    install_count: l.installs,
    rating_average: l.rating,
    rating_count: l.rating_count,
    publisher_tenant_id: l.tenant_id,
    status: l.status,
    topics: c.topics ?? [],
    config_schema: l.config_schema,
    dependencies: l.dependencies,
    created_at: l.created_at,
  };
}

export function domainView(d: DomainRow) {
  return {
    domain_id: d.id,
    domain_name: d.name,
    domain_slug: d.slug,
    description: d.description,
    category: d.category,
    topics: d.topics,
    knowledge: d.knowledge,
    config: d.config,
    config_schema: d.config_schema,
    requires_domains: d.requires_domains,
    template_id: d.template_id,
    created_at: iso(d.created_at),
    updated_at: iso(d.updated_at),
  };
}

export interface NewDomainInput {
  name: string;
  description?: string;
  category?: string;
  topics?: string[];
  knowledge?: Record<string, unknown>;
  config?: Record<string, unknown>;
  config_schema?: Record<string, unknown>;
  requires_domains?: string[];
}

/**
 * Domain rules over the generic engine: a tenant domain is listed under its own id; installing copies it into the
 * tenant.
 */
export function domainsService(ctx: AppContext) {
  const engine = marketplaceEngine(ctx, 'domain');
  const load = async (tenantId: string, id: string) => {
    const d = await repo.getDomain(ctx.db.as(tenantId), tenantId, id);
    if (!d) throw notFound('DOMAIN_NOT_FOUND', 'Domain', id);
    return d;
  };

  return {
    engine,
    get: load,
    list: (tenantId: string, f: { installed?: boolean; limit: number; offset: number }) =>
      repo.listDomains(ctx.db.as(tenantId), tenantId, f),

    async create(caller: Caller, createdBy: string | null, b: NewDomainInput): Promise<DomainRow> {
      if (b.config_schema) checkSchema(b.config_schema, b.config ?? {});
      return ctx.db.tx(caller.tenantId, async (ex) => {
        const d = await repo.insertDomain(ex, caller.tenantId, {
          id: newId('dom'),
          name: b.name,
          slug: slugify(b.name),
          description: b.description ?? '',
          category: b.category ?? 'general',
          topics: b.topics ?? [],
          knowledge: b.knowledge ?? {},
          config: b.config ?? {},
          config_schema: b.config_schema ?? null,
          requires_domains: b.requires_domains ?? [],
          template_id: null,
          createdBy,
        });
        await ctx.outbox.emit(ex, caller.tenantId, 'domain.created', { domain_id: d.id, name: d.name });
        return d;
      });
    },

    /**
     * Lists an own, authored domain under its id; a domain installed from the marketplace is not the tenant's to
     * publish.
     */
    async submit(
      caller: Caller,
      b: {
        domain_id: string;
        price_usd?: number;
        license_type?: string;
        tags?: string[];
        marketplace_type?: 'public' | 'private';
      },
    ) {
      const d = await load(caller.tenantId, b.domain_id);
      if (d.template_id)
        throw new AppError(
          'NOT_OWNER',
          'This domain was installed from the marketplace; only its publisher can list it',
          { template_id: d.template_id },
        );
      const existing = await engine.owned(caller.tenantId, d.id).catch(() => null);
      const input: PublishInput = {
        id: d.id,
        source_id: d.id,
        name: d.name,
        description: d.description,
        long_description: JSON.stringify(d.knowledge).slice(0, 20_000),
        category: d.category,
        subtype: null,
        tags: b.tags ?? d.topics,
        price: b.price_usd ?? 0,
        documentation_url: null,
        marketplace_type: b.marketplace_type ?? 'public',
        content: {
          slug: d.slug,
          topics: d.topics,
          knowledge: d.knowledge,
          config: d.config,
          license_type: b.license_type ?? 'proprietary',
        },
        config_schema: d.config_schema,
        dependencies: d.requires_domains,
      };
      return existing ? engine.resubmit(caller, d.id, input) : alreadyListed(d.id, engine.publish(caller, input));
    },

    /**
     * Installs a template (plan, dependencies and config checked by the engine) and makes it a tenant domain; twice
     * returns the first.
     */
    async install(
      caller: Caller,
      createdBy: string | null,
      b: { template_domain_id: string; custom_name?: string; config?: Record<string, unknown> },
    ) {
      const domainId = newId('dom');
      const listing = await engine.visible(caller.tenantId, b.template_domain_id);
      const content = listing.content as {
        slug?: string;
        topics?: string[];
        knowledge?: Record<string, unknown>;
        config?: Record<string, unknown>;
      };
      const config = b.config ?? content.config ?? {};
      const name = b.custom_name ?? listing.name;
      // The marketplace install and the domain it becomes commit together (issue 22).
      return ctx.db.tx(caller.tenantId, async (ex) => {
        const r = await engine.installIn(ex, caller, listing, config, domainId);
        if (!r.created) {
          const prior = await repo.findByTemplate(ex, caller.tenantId, listing.id);
          if (prior) return { domain: prior, created: false };
        }
        const domain = await repo.insertDomain(ex, caller.tenantId, {
          id: domainId,
          name,
          slug: slugify(name),
          description: listing.description,
          category: listing.category,
          topics: content.topics ?? [],
          knowledge: content.knowledge ?? {},
          config,
          config_schema: listing.config_schema,
          requires_domains: listing.dependencies,
          template_id: listing.id,
          createdBy,
        });
        return { domain, created: true };
      });
    },
  };
}

/** A domain's own default config must satisfy its schema, and the schema must compile. */
function checkSchema(schema: Record<string, unknown>, config: Record<string, unknown>) {
  try {
    validateConfig(schema, config);
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('CONFIG_SCHEMA_INVALID', 'config_schema is not a valid JSON Schema', {
      errors: [{ path: '/', message: (err as Error).message }],
    });
  }
}

/** Two submits racing on one id: the loser hears what a later submit would. */
export async function alreadyListed<T>(id: string, p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('ALREADY_PUBLISHED', `${id} was already submitted`, { id });
    throw err;
  }
}
