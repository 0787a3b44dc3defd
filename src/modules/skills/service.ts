import type { AppContext } from '../../platform/context.js';
import { decryptSecret, encryptSecret } from '../../platform/crypto.js';
import { SYSTEM } from '../../platform/db/index.js';
import { AppError } from '../../platform/errors.js';
import { assertOutboundUrl } from '../../platform/net/outbound-url.js';
import { REQUIRED_MATURITY } from '../governance/policy.js';
import { actionTable } from '../governance/service.js';
import {
  assertMayPublish,
  type Caller,
  type Listing,
  marketplaceEngine,
  type PublishInput,
} from '../marketplace/service.js';
import { declaredPackages, packagesService } from '../packages/service.js';
import { executeSkill } from './executor.js';
import { assertIntegrations } from './integrations.js';
import * as repo from './repo.js';
import { type MarketplaceQuery, SKILL_TYPES } from './schemas.js';

/**
 * The action a skill declares; undeclared (listings from before publishing required one) it runs as `execute`, level 4.
 */
export const UNDECLARED_ACTION = 'execute';
export const declaredAction = (content: Record<string, unknown>) =>
  typeof content.action === 'string' && content.action ? content.action : undefined;

export function toSummary(l: Listing) {
  return {
    id: l.id,
    name: l.name,
    description: l.description,
    category: l.category,
    skill_type: l.subtype,
    price: l.price,
    rating: l.rating,
    rating_count: l.rating_count,
    installs: l.installs,
    tags: l.tags,
    // A private skill is usable by its tenant at once, but nobody reviewed it: only a reviewed public listing is
    // approved.
    is_approved: l.status === 'approved' && l.marketplace_type === 'public',
    created_at: l.created_at,
    action: declaredAction(l.content) ?? UNDECLARED_ACTION,
  };
}

/** The browse filters both skill marketplaces share, in the engine's terms. */
export function browseFilter(q: MarketplaceQuery, viewer: string | null, defaultSort: 'popularity' | 'created_at') {
  return {
    viewer,
    query: q.query,
    category: q.category,
    tags: q.tags
      ?.split(',')
      .map((t) => t.trim())
      .filter(Boolean),
    subtype: q.skill_type,
    minPrice: q.min_price,
    maxPrice: q.is_free ? 0 : q.max_price,
    featured: q.featured,
    sort: q.sort_by ?? defaultSort,
    limit: q.limit,
    offset: q.offset,
  } as const;
}

export function assertSkillType(t: string): void {
  if (!(SKILL_TYPES as readonly string[]).includes(t)) {
    throw new AppError('INVALID_ENUM_VALUE', `skill_type must be one of ${SKILL_TYPES.join(', ')}`, {
      field: 'skill_type',
      allowed_values: SKILL_TYPES,
    });
  }
}

const envAad = (tenantId: string, listingId: string) => `skill-env:${tenantId}:${listingId}`;
type Pkg = { name: string; version?: string };
export interface NewSkill {
  name: string;
  description?: string;
  skill_type: string;
  input_schema?: object;
  output_schema?: object;
  config?: object;
  config_schema?: Record<string, unknown>;
  code?: string;
  python_packages?: Pkg[];
  npm_packages?: Pkg[];
  high_risk?: boolean;
  risk_reason?: string;
  action?: string;
  integrations?: string[];
  license?: string;
  repository_url?: string;
  endpoint?: string;
  dependencies?: string[];
  category?: string;
  tags?: string[];
}

/** What a skill listing carries in `content`: the runnable parts and the declarations the rules read. */
function skillContent(s: NewSkill) {
  return {
    code: s.code ?? null,
    endpoint: s.endpoint ?? null,
    input_schema: s.input_schema ?? {},
    output_schema: s.output_schema ?? {},
    config: s.config ?? {},
    python_packages: s.python_packages ?? [],
    npm_packages: s.npm_packages ?? [],
    high_risk: s.high_risk ?? false,
    risk_reason: s.risk_reason ?? null,
    ...(s.action ? { action: s.action } : {}),
    integrations: s.integrations ?? [],
    license: s.license ?? null,
    repository_url: s.repository_url ?? null,
  };
}

/**
 * A high-risk skill runs directly only for a caller who may approve governance requests; others go through an agent and
 * its approval flow.
 */
function assertMayRunDirectly(ctx: AppContext, caller: Caller, l: Listing): void {
  const c = l.content as { high_risk?: boolean; risk_reason?: string | null };
  if (!c.high_risk || caller.approver) return;
  throw new AppError('APPROVAL_REQUIRED', `Skill '${l.name}' requires explicit approval due to security risk.`, {
    skill_id: l.id,
    risk_level: 'HIGH',
    reason: c.risk_reason ?? 'Marked high risk by its publisher',
    approval_url: `${ctx.config.publicUrl}/api/governance/approvals`,
  });
}

/** Skill rules over the generic engine: a private skill is a private listing; publishing copies it to a public one. */
export function skillsService(ctx: AppContext) {
  const engine = marketplaceEngine(ctx, 'skill');
  const packages = packagesService(ctx);
  const requestUrl = `${ctx.config.publicUrl}/api/packages/request`;
  const unseal = (tenantId: string, id: string, sealed: string | null): Record<string, string> =>
    sealed ? JSON.parse(decryptSecret(ctx.config.encryptionKey, sealed, envAad(tenantId, id))) : {};
  const environment = async (tenantId: string, id: string) =>
    unseal(tenantId, id, await repo.getEnvironment(ctx.db.as(tenantId), tenantId, id));
  const checkPackages = (tenantId: string, content: Record<string, unknown>) =>
    packages.assertAllowed(tenantId, declaredPackages(content), requestUrl);
  /** An endpoint the server will call later: refused now when it could only reach somewhere private. */
  const checkEndpoint = (endpoint: unknown) => {
    if (endpoint != null) assertOutboundUrl(endpoint, 'endpoint', ctx.config.allowInsecureWebhooks);
  };
  /** The action a published skill declares, checked against the tenant's governance table. */
  const governanceAction = async (tenantId: string, declared: string | undefined): Promise<string> => {
    const table = await actionTable(ctx, tenantId);
    const allowed = Object.keys(table).sort();
    if (!declared) {
      const level = Math.min(4, Math.max(1, table[UNDECLARED_ACTION] ?? 4)) as 1 | 2 | 3 | 4;
      throw new AppError(
        'MISSING_REQUIRED_FIELD',
        `Publishing a skill requires its governance action (one of GET /api/governance/actions), in the body or on ` +
          `the private skill. A skill without one counts as '${UNDECLARED_ACTION}' (level ${level}), and agents ` +
          `below ${REQUIRED_MATURITY[level]} could not use it.`,
        { field: 'action', default_action: UNDECLARED_ACTION, allowed_values: allowed },
      );
    }
    if (!Object.hasOwn(table, declared))
      throw new AppError('INVALID_ENUM_VALUE', `Unknown governance action '${declared}'`, {
        field: 'action',
        allowed_values: allowed,
      });
    return declared;
  };
  const runnable = async (tenantId: string, id: string) => {
    const rows = await repo.runnableSkills(ctx.db.as(SYSTEM), tenantId, id);
    if (!rows.length)
      throw new AppError('SKILL_NOT_FOUND', `Skill ${id} is not installed in this tenant`, { skill_id: id });
    return engine.usable(tenantId, id);
  };
  async function privateInput(caller: Caller, s: NewSkill): Promise<PublishInput> {
    assertSkillType(s.skill_type);
    assertIntegrations(s.integrations);
    checkEndpoint(s.endpoint);
    const content = skillContent(s);
    await checkPackages(caller.tenantId, content);
    return {
      source_id: null,
      name: s.name,
      description: s.description ?? '',
      long_description: '',
      category: s.category ?? 'general',
      subtype: s.skill_type,
      tags: s.tags ?? [],
      price: 0,
      documentation_url: null,
      marketplace_type: 'private',
      content,
      config_schema: s.config_schema ?? null,
      dependencies: s.dependencies ?? [],
    };
  }
  return {
    engine,
    /** Direct execution of an installed (or own private) skill, counted against dailySkillExecutions. */
    async execute(caller: Caller, installOrListingId: string, input: unknown) {
      const id = await engine.resolveId(caller.tenantId, installOrListingId);
      const l = await runnable(caller.tenantId, id);
      assertMayRunDirectly(ctx, caller, l);
      return executeSkill(ctx, caller.tenantId, caller.plan, l, input, await environment(caller.tenantId, id), {
        quota: 'consume',
      });
    },
    /**
     * Runs a skill as an agent's tool: governance already decided (and approved high-risk calls), the
     * journal counted the quota. `deferRecord`: the run's record is returned for the caller's transaction.
     */
    async executeAsTool(caller: Caller, id: string, input: unknown, idempotencyKey?: string, deferRecord = false) {
      const l = await repo.runnableSkillWithEnv(ctx.db.as(SYSTEM), caller.tenantId, id);
      if (!l) throw new AppError('SKILL_NOT_FOUND', `Skill ${id} is not installed in this tenant`, { skill_id: id });
      return executeSkill(ctx, caller.tenantId, caller.plan, l, input, unseal(caller.tenantId, id, l.sealed), {
        quota: 'counted',
        idempotencyKey,
        deferRecord,
      });
    },
    /** Checks declared packages (whitelist, advisories) before the engine installs; records them for the tenant. */
    async install(caller: Caller, id: string, config: Record<string, unknown>, agentId: string | null) {
      const l = await engine.visible(caller.tenantId, id);
      const declared = declaredPackages(l.content);
      await packages.assertAllowed(caller.tenantId, declared, requestUrl);
      // The install and the tenant's package record commit together (issue 22).
      const r = await ctx.db.tx(caller.tenantId, async (ex) => {
        const r = await engine.installIn(ex, caller, l, config, agentId);
        if (r.created && declared.length) await packages.recordInstalledIn(ex, caller.tenantId, declared, id);
        return r;
      });
      return {
        ...r,
        packages: declared.map((p) => ({
          package_name: p.name,
          package_type: p.type,
          version: p.version,
          status: 'installed',
        })),
      };
    },
    /** Per-tenant name, description, config and (sealed) environment variables of an own or installed skill. */
    async customize(
      caller: Caller,
      installOrListingId: string,
      p: { name?: string; description?: string; config?: Record<string, unknown>; env?: Record<string, string> },
    ) {
      const id = await engine.resolveId(caller.tenantId, installOrListingId);
      const names = Object.keys(p.env ?? {}).sort();
      const bad = names.filter((n) => !/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(n));
      if (bad.length)
        throw new AppError('VALIDATION_ERROR', 'Environment variable names must match [A-Za-z_][A-Za-z0-9_]*', {
          field: 'environment_vars',
          invalid_names: bad,
        });
      const r = await engine.customize(caller, id, p);
      if (!p.env) return { ...r, env_names: [] as string[] };
      const sealed = encryptSecret(ctx.config.encryptionKey, JSON.stringify(p.env), envAad(caller.tenantId, id));
      await ctx.db.tx(caller.tenantId, (ex) => repo.setEnvironment(ex, caller.tenantId, id, sealed, names));
      return { ...r, env_names: names };
    },
    createPrivate: async (caller: Caller, s: NewSkill) => engine.publish(caller, await privateInput(caller, s)),
    /**
     * A private skill's listing, checked (type, integrations, endpoint, packages) before any
     * transaction opens: a module that makes one as a step of a larger change writes it with
     * `engine.publishIn` inside its own transaction.
     */
    privateInput,
    /** Public-API submission: a new public listing straight from the body, pending review. */
    async submit(
      caller: Caller,
      s: NewSkill & { long_description?: string; price?: number; documentation_url?: string },
    ) {
      assertSkillType(s.skill_type);
      assertIntegrations(s.integrations);
      checkEndpoint(s.endpoint);
      const content = skillContent(s);
      await checkPackages(caller.tenantId, content);
      return engine.publish(caller, {
        source_id: null,
        name: s.name,
        description: s.description ?? '',
        long_description: s.long_description ?? '',
        category: s.category ?? 'general',
        subtype: s.skill_type,
        tags: s.tags ?? [],
        price: s.price ?? 0,
        documentation_url: s.documentation_url ?? null,
        marketplace_type: 'public',
        content,
        config_schema: s.config_schema ?? null,
        dependencies: s.dependencies ?? [],
      });
    },
    /**
     * A private skill to the public marketplace. It must declare its governance action here or on the private skill;
     * one given here is recorded on both.
     */
    async publish(
      caller: Caller,
      b: {
        skill_id: string;
        price?: number;
        category?: string;
        tags?: string[];
        long_description?: string;
        documentation_url?: string;
        license?: string;
        draft?: boolean;
        action?: string;
      },
    ) {
      const src = await engine.owned(caller.tenantId, b.skill_id);
      assertMayPublish(caller.plan, 'public');
      const action = await governanceAction(caller.tenantId, b.action ?? declaredAction(src.content));
      checkEndpoint(src.content.endpoint);
      await checkPackages(caller.tenantId, src.content);
      const l = await engine.publish(
        caller,
        {
          source_id: src.id,
          name: src.name,
          description: src.description,
          long_description: b.long_description ?? '',
          category: b.category ?? src.category,
          subtype: src.subtype,
          tags: b.tags ?? src.tags,
          price: b.price ?? 0,
          documentation_url: b.documentation_url ?? null,
          marketplace_type: 'public',
          content: { ...src.content, action, ...(b.license ? { license: b.license } : {}) },
          config_schema: src.config_schema,
          dependencies: src.dependencies,
        },
        { draft: b.draft },
      );
      if (src.marketplace_type === 'private' && src.content.action !== action) {
        await engine.amend(caller.tenantId, src.id, { action }, `Governance action set to ${action} when published`);
      }
      return l;
    },
  };
}
