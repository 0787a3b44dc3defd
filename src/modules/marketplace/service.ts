import Ajv from 'ajv';
import type { AppContext } from '../../platform/context.js';
import { type Executor, SYSTEM } from '../../platform/db/index.js';
import { AppError, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { PLAN_LIMITS, type Plan } from '../../platform/plans.js';
import type { Listing, ListingKind, NewListing } from './repo.js';
import * as repo from './repo.js';
import * as reviewRepo from './review-repo.js';
import { type SearchFilter, search } from './search.js';

export type { Listing, ListingKind } from './repo.js';

const ajv = new (Ajv as unknown as typeof Ajv.default)({ allErrors: true, strict: false });
const NOT_FOUND: Record<ListingKind, string> = {
  skill: 'SKILL_NOT_FOUND',
  agent_template: 'TEMPLATE_NOT_FOUND',
  domain: 'DOMAIN_NOT_FOUND',
  canvas_component: 'COMPONENT_NOT_FOUND',
  workflow_template: 'TEMPLATE_NOT_FOUND',
};

/** Who acts: tenant, plan, who rates (user, else key), and whether they may approve governance requests. */
export interface Caller {
  tenantId: string;
  plan: Plan;
  rater: string;
  approver?: boolean;
  /** May start an installed agent above student (GRADUATION_MANAGE); absent means no. */
  graduator?: boolean;
}
/**
 * `id` may name the listing after the tenant object it lists (domains, canvas components); otherwise a new `mkt_` id.
 */
export type PublishInput = Omit<NewListing, 'id' | 'status' | 'kind'> & { id?: string };

/** The kind-agnostic marketplace engine; thin per-kind modules call these functions. */
export function marketplaceEngine(ctx: AppContext, kind: ListingKind, opts: { notFoundCode?: string } = {}) {
  const sys = ctx.db.as(SYSTEM);
  const missing = (id: string) => notFound(opts.notFoundCode ?? NOT_FOUND[kind], 'Listing', id);
  /** A `component.*` event carries the seed's `component_id`, `component_type` and `version` beside today's fields. */
  const emit = (
    ex: Parameters<typeof ctx.outbox.emit>[0],
    tenantId: string,
    type: string,
    data: { listing_id: string; version_id?: string | null } & Record<string, unknown>,
  ) =>
    ctx.outbox.emit(ex, tenantId, type, {
      component_id: data.listing_id,
      component_type: kind,
      version: data.version_id ?? null,
      ...data,
    });

  async function visible(viewer: string | null, id: string): Promise<Listing> {
    const l = await repo.findVisible(sys, viewer, kind, id);
    if (!l) throw missing(id);
    return l;
  }
  /**
   * A listing as the tenant may use it: visible to it, or installed earlier (still usable after it was unpublished).
   */
  async function usable(tenantId: string, id: string): Promise<Listing> {
    const l = await repo.findVisible(sys, tenantId, kind, id);
    if (l) return l;
    const installed = await repo.findInstall(ctx.db.as(tenantId), tenantId, id);
    const any = installed ? await repo.findAny(sys, kind, id) : null;
    if (!any) throw missing(id);
    return any;
  }
  async function owned(tenantId: string, id: string): Promise<Listing> {
    const l = await repo.findAny(sys, kind, id);
    if (!l || l.tenant_id !== tenantId) throw missing(id);
    return l;
  }

  async function move(
    tenantId: string,
    id: string,
    from: repo.ListingStatus[],
    to: (t: Listing['marketplace_type']) => repo.ListingStatus,
    change: string,
  ) {
    const l = await owned(tenantId, id);
    if (!from.includes(l.status))
      throw new AppError('CONFLICTING_OPERATION', `Listing is ${l.status}; cannot ${change}`, {
        status: l.status,
        allowed_from: from,
      });
    return ctx.db.tx(tenantId, async (ex) => {
      const out = await repo.moveStatus(ex, tenantId, id, from, to(l.marketplace_type));
      if (!out) throw new AppError('CONFLICTING_OPERATION', 'Listing changed meanwhile; retry', { listing_id: id });
      await emit(ex, tenantId, 'component.updated', {
        kind,
        listing_id: id,
        version_id: out.current_version_id,
        change,
        status: out.status,
      });
      return out;
    });
  }

  /** An install's id (`ins_…`, what an install answers) stands for its listing wherever a listing id is accepted. */
  async function resolveId(tenantId: string, id: string): Promise<string> {
    if (!id.startsWith('ins_')) return id;
    return (await repo.listingOfInstall(ctx.db.as(tenantId), tenantId, id)) ?? id;
  }

  async function publishIn(
    ex: Executor,
    caller: Caller,
    input: PublishInput,
    opts: { draft?: boolean } = {},
  ): Promise<Listing> {
    assertMayPublish(caller.plan, input.marketplace_type);
    const status = opts.draft ? 'draft' : submittedStatus(input.marketplace_type);
    const l = await repo.insertListing(ex, caller.tenantId, { ...input, id: input.id ?? newId('mkt'), kind, status });
    const v = await repo.insertVersion(ex, caller.tenantId, {
      id: newId('ver'),
      listingId: l.id,
      name: 'v1',
      description: 'Initial version',
      content: l.content,
      schema: l.config_schema,
    });
    await ex.query('UPDATE marketplace_listings SET current_version_id = $2 WHERE tenant_id = $1 AND id = $3', [
      caller.tenantId,
      v.version_id,
      l.id,
    ]);
    await emit(ex, caller.tenantId, 'component.published', {
      kind,
      listing_id: l.id,
      version_id: v.version_id,
      name: l.name,
      status,
      marketplace_type: l.marketplace_type,
    });
    return { ...l, current_version_id: v.version_id };
  }

  /**
   * `deferCount`: the listing's id is added there instead of its counter moving now; the caller
   * moves them all with `countInstalled`, in one order, at the end of its transaction (two
   * installs that count the same listings in opposite orders could otherwise deadlock).
   */
  async function installIn(
    ex: Executor,
    caller: Caller,
    l: Listing,
    config: Record<string, unknown>,
    targetId: string | null,
    deferCount?: string[],
  ) {
    if (l.status !== 'approved') throw missing(l.id);
    const existing = await repo.findInstall(ex, caller.tenantId, l.id);
    if (existing) return { install_id: existing.id, version_id: existing.version_id, created: false, listing: l };
    const max = PLAN_LIMITS[caller.plan].maxInstalledSkills;
    if (kind === 'skill' && max !== null && (await repo.countInstalls(ex, caller.tenantId, kind)) >= max) {
      throw new AppError('TENANT_LIMIT_EXCEEDED', `The ${caller.plan} plan allows ${max} installed skills`, {
        limit: max,
        plan: caller.plan,
      });
    }
    const installed = await repo.installedListingIds(ex, caller.tenantId);
    const absent = l.dependencies.filter((d) => !installed.has(d));
    if (absent.length)
      throw new AppError('DEPENDENCY_MISSING', 'Install the declared dependencies first', {
        missing_dependencies: absent,
      });
    validateConfig(l.config_schema, config);
    const installId = newId('ins');
    await repo.insertInstall(ex, caller.tenantId, {
      id: installId,
      listingId: l.id,
      kind,
      versionId: l.current_version_id,
      targetId,
      config,
    });
    await emit(ex, caller.tenantId, 'component.installed', {
      kind,
      listing_id: l.id,
      install_id: installId,
      version_id: l.current_version_id,
    });
    if (deferCount) deferCount.push(l.id);
    else await repo.bumpInstalls(ex, [l.id], 1);
    return { install_id: installId, version_id: l.current_version_id, created: true, listing: l };
  }

  return {
    visible,
    owned,
    usable,
    resolveId,

    /** Private listings are approved at once for their tenant; public ones wait for a platform reviewer. */
    publish: (caller: Caller, input: PublishInput, opts: { draft?: boolean } = {}): Promise<Listing> =>
      ctx.db.tx(caller.tenantId, (ex) => publishIn(ex, caller, input, opts)),

    /** `publish` inside the caller's transaction `ex` (a listing made as one step of a larger change). */
    publishIn,

    /**
     * A rejected or unpublished own listing submitted again under its id, with a new frozen version; otherwise
     * ALREADY_PUBLISHED.
     */
    async resubmit(caller: Caller, id: string, input: PublishInput): Promise<Listing> {
      const prev = await owned(caller.tenantId, id);
      if (prev.status !== 'rejected' && prev.status !== 'unpublished') {
        throw new AppError('ALREADY_PUBLISHED', `Listing ${id} is already ${prev.status}`, { id, status: prev.status });
      }
      assertMayPublish(caller.plan, input.marketplace_type);
      const status = input.marketplace_type === 'private' ? 'approved' : 'pending_approval';
      return ctx.db.tx(caller.tenantId, async (ex) => {
        const n = (await repo.listVersions(ex, caller.tenantId, id)).length + 1;
        const v = await repo.insertVersion(ex, caller.tenantId, {
          id: newId('ver'),
          listingId: id,
          name: `v${n}`,
          description: 'Resubmitted',
          content: input.content,
          schema: input.config_schema,
        });
        const l = await repo.resubmitListing(ex, caller.tenantId, id, { ...input, status }, v.version_id);
        await emit(ex, caller.tenantId, 'component.published', {
          kind,
          listing_id: id,
          version_id: v.version_id,
          name: l.name,
          status,
          marketplace_type: l.marketplace_type,
        });
        return l;
      });
    },

    /** pending_approval → approved|rejected; anything else is a conflict. */
    async review(id: string, decision: 'approved' | 'rejected', reason: string | null): Promise<Listing> {
      const l = await repo.findAny(sys, kind, id);
      if (!l) throw missing(id);
      if (l.status !== 'pending_approval') {
        throw new AppError('CONFLICTING_OPERATION', `Listing is ${l.status}, not pending approval`, {
          status: l.status,
        });
      }
      return ctx.db.tx(SYSTEM, async (ex) => {
        const out = await repo.setStatus(ex, id, decision, reason);
        if (decision === 'approved')
          await emit(ex, l.tenant_id, 'component.approved', {
            kind,
            listing_id: id,
            version_id: l.current_version_id,
            name: l.name,
          });
        return out;
      });
    },

    /**
     * The owner takes a listing off the marketplace: no new installs, hidden from search; existing installs keep
     * working.
     */
    unpublish: (tenantId: string, id: string) =>
      move(tenantId, id, ['approved', 'pending_approval', 'draft', 'rejected'], () => 'unpublished', 'unpublish'),

    /** The owner submits a draft (or resubmits an unpublished or rejected listing): public ones go back to review. */
    submit: (tenantId: string, id: string) =>
      move(tenantId, id, ['draft', 'unpublished', 'rejected'], submittedStatus, 'submit'),

    search: (f: Omit<SearchFilter, 'kind'>) => search(sys, { ...f, kind }),

    /** Validates plan, limits, dependencies and config before writing; installing twice returns the first install. */
    async install(caller: Caller, id: string, config: Record<string, unknown>, targetId: string | null) {
      const l = await visible(caller.tenantId, id);
      return ctx.db.tx(caller.tenantId, (ex) => installIn(ex, caller, l, config, targetId));
    },

    /**
     * The install's writes inside the caller's transaction `ex` (issue 22: a change made of several
     * installs commits or rolls back as one). Every read goes through `ex`, so it sees what the same
     * transaction installed before (a dependency installed one step earlier counts).
     */
    installIn,
    /** One install more on each listing (ids from `installIn`'s `deferCount`), inside the same transaction. */
    countInstalled: (ex: Executor, ids: string[]) => repo.bumpInstalls(ex, ids, 1),

    /** The listing as the tenant may install it (visible and approved), read before a transaction opens. */
    async installable(tenantId: string, id: string): Promise<Listing> {
      const l = await visible(tenantId, id);
      if (l.status !== 'approved') throw missing(id);
      return l;
    },

    /** Read-only views of a tenant's installs, for modules that validate before they write. */
    installedFor: (tenantId: string, targetKind: ListingKind, targetId: string) =>
      repo.installedForTarget(ctx.db.as(tenantId), tenantId, targetKind, targetId),
    installedIds: (tenantId: string) => repo.installedListingIds(ctx.db.as(tenantId), tenantId),
    countInstalls: (tenantId: string) => repo.countInstalls(ctx.db.as(tenantId), tenantId, kind),
    visibleBySource: (viewer: string, sourceId: string, sourceTenantId: string | null) =>
      repo.findVisibleBySource(sys, viewer, kind, sourceId, sourceTenantId),
    liveBySource: (tenantId: string, sourceId: string, marketplaceType: string) =>
      repo.findLiveBySource(ctx.db.as(tenantId), tenantId, kind, sourceId, marketplaceType),

    categories: () => repo.categories(sys, kind),
    categoryCounts: () => repo.categoryCounts(sys, kind),
    stats: () => repo.stats(sys, kind),
    submissions: (tenantId: string, limit: number, offset: number) =>
      repo.submissions(sys, tenantId, kind, limit, offset),
    tags: () => repo.tagCounts(sys, kind),

    async reviews(viewer: string | null, id: string, limit: number, offset: number) {
      await visible(viewer, id);
      return reviewRepo.reviews(sys, id, limit, offset);
    },

    /** Helpful / not helpful, one vote per voter (a second vote replaces the first). */
    async voteReview(caller: Caller, reviewId: string, helpful: boolean) {
      if (!(await reviewRepo.findVisibleReview(sys, caller.tenantId, reviewId)))
        throw notFound('NOT_FOUND', 'Review', reviewId);
      return ctx.db.tx(SYSTEM, (ex) => reviewRepo.voteReview(ex, caller.tenantId, reviewId, caller.rater, helpful));
    },

    /** The publisher answers a review of its own listing; anyone else is refused. */
    async respond(caller: Caller, reviewId: string, response: string) {
      const r = await reviewRepo.findVisibleReview(sys, caller.tenantId, reviewId);
      if (!r) throw notFound('NOT_FOUND', 'Review', reviewId);
      if (r.owner !== caller.tenantId)
        throw new AppError('FORBIDDEN', 'Only the publisher of the listing can respond to its reviews');
      return ctx.db.tx(SYSTEM, (ex) => reviewRepo.respondToReview(ex, reviewId, response));
    },

    /** Flags a review for moderation: hidden from review lists until a moderator looks at it. */
    async flag(viewer: string, reviewId: string): Promise<void> {
      if (!(await reviewRepo.flagReview(sys, viewer, reviewId))) throw notFound('NOT_FOUND', 'Review', reviewId);
    },

    mine: (tenantId: string, f: Parameters<typeof repo.ownedOrInstalled>[3]) =>
      repo.ownedOrInstalled(sys, tenantId, kind, f),

    /**
     * Renames the tenant's own listing, or customises its install (name, description, config checked against the
     * schema).
     */
    async customize(
      caller: Caller,
      id: string,
      p: { name?: string; description?: string; config?: Record<string, unknown> },
    ) {
      const l = await usable(caller.tenantId, id);
      if (p.config) validateConfig(l.config_schema, p.config);
      return ctx.db.tx(caller.tenantId, async (ex) => {
        const installed = await repo.customizeInstall(ex, caller.tenantId, id, p);
        if (!installed && l.tenant_id !== caller.tenantId) throw missing(id);
        if (!installed) await repo.renameListing(ex, caller.tenantId, id, p);
        await emit(ex, caller.tenantId, 'component.updated', { kind, listing_id: id, change: 'customize' });
        return { listing: l, config_applied: p.config !== undefined && installed };
      });
    },

    async uninstall(caller: Caller, installOrListingId: string): Promise<void> {
      const id = await resolveId(caller.tenantId, installOrListingId);
      await ctx.db.tx(caller.tenantId, async (ex) => {
        if (!(await repo.deleteInstall(ex, caller.tenantId, id))) throw missing(id);
        await repo.bumpInstalls(ex, [id], -1);
      });
    },

    /**
     * One rating per tenant: a second one, by any member of the tenant, replaces it. A publisher
     * cannot rate its own listing (403 CANNOT_RATE_OWN_LISTING).
     */
    async rate(caller: Caller, id: string, rating: number, review: string | null): Promise<Listing> {
      const l = await visible(caller.tenantId, id);
      if (l.tenant_id === caller.tenantId) {
        throw new AppError('CANNOT_RATE_OWN_LISTING', 'A publisher cannot rate its own listing', { listing_id: id });
      }
      return ctx.db.tx(SYSTEM, async (ex) => {
        const l = await repo.upsertRating(ex, caller.tenantId, {
          id: newId('rev'),
          listingId: id,
          rater: caller.rater,
          rating,
          review,
        });
        await emit(ex, caller.tenantId, 'component.rated', {
          kind,
          listing_id: id,
          version_id: l.current_version_id,
          rating,
          new_average: l.rating,
          total_ratings: l.rating_count,
        });
        return l;
      });
    },

    /** Freezes the listing's current content as a named version. */
    async version(tenantId: string, id: string, name: string, description: string) {
      const l = await owned(tenantId, id);
      return ctx.db.tx(tenantId, async (ex) => {
        const v = await repo.insertVersion(ex, tenantId, {
          id: newId('ver'),
          listingId: id,
          name,
          description,
          content: l.content,
          schema: l.config_schema,
        });
        await repo.setContent(ex, tenantId, id, l.content, l.config_schema, v.version_id);
        await emit(ex, tenantId, 'component.updated', {
          kind,
          listing_id: id,
          version_id: v.version_id,
          change: 'version',
        });
        return v;
      });
    },

    /** Merges `patch` into an own listing's content and freezes the result as its next version. */
    async amend(tenantId: string, id: string, patch: Record<string, unknown>, description: string): Promise<Listing> {
      const l = await owned(tenantId, id);
      const content = { ...l.content, ...patch };
      return ctx.db.tx(tenantId, async (ex) => {
        const n = (await repo.listVersions(ex, tenantId, id)).length + 1;
        const v = await repo.insertVersion(ex, tenantId, {
          id: newId('ver'),
          listingId: id,
          name: `v${n}`,
          description,
          content,
          schema: l.config_schema,
        });
        const out = await repo.setContent(ex, tenantId, id, content, l.config_schema, v.version_id);
        await emit(ex, tenantId, 'component.updated', {
          kind,
          listing_id: id,
          version_id: v.version_id,
          change: 'content',
        });
        return out;
      });
    },

    async history(tenantId: string, id: string) {
      await owned(tenantId, id);
      return repo.listVersions(ctx.db.as(tenantId), tenantId, id);
    },

    async rollback(tenantId: string, id: string, versionId: string): Promise<Listing> {
      await owned(tenantId, id);
      return ctx.db.tx(tenantId, async (ex) => {
        const v = await repo.findVersion(ex, tenantId, id, versionId);
        if (!v)
          throw new AppError('INVALID_VERSION', `Version ${versionId} does not belong to ${id}`, {
            version_id: versionId,
          });
        const out = await repo.setContent(ex, tenantId, id, v.content, v.config_schema, v.id);
        await emit(ex, tenantId, 'component.updated', { kind, listing_id: id, version_id: v.id, change: 'rollback' });
        return out;
      });
    },
  };
}

/** Public listings need a plan that may publish to the public marketplace. */
export function assertMayPublish(plan: Plan, marketplaceType: Listing['marketplace_type']): void {
  if (marketplaceType === 'public' && !PLAN_LIMITS[plan].publicMarketplacePublish) {
    throw new AppError('PLAN_RESTRICTED', `The ${plan} plan cannot publish to the public marketplace`, {
      plan,
      feature: 'public_marketplace_publish',
    });
  }
}

/** Where a submitted listing lands: private ones are live for their tenant at once, public ones wait for review. */
const submittedStatus = (t: Listing['marketplace_type']): repo.ListingStatus =>
  t === 'private' ? 'approved' : 'pending_approval';

export function validateConfig(schema: Record<string, unknown> | null, config: Record<string, unknown>): void {
  if (!schema) return;
  const check = ajv.compile(schema);
  if (!check(config)) {
    throw new AppError('CONFIG_SCHEMA_INVALID', 'Configuration does not match the listing schema', {
      errors: (check.errors ?? []).map((e) => ({ path: e.instancePath || '/', message: e.message })),
    });
  }
}
