import type { AppContext } from '../../platform/context.js';
import { SYSTEM } from '../../platform/db/index.js';
import { notFound } from '../../platform/errors.js';
import { PLAN_LIMITS, type Plan } from '../../platform/plans.js';
import { SKILL_METRIC } from '../executions/runtime/gate.js';
import { usedToday } from '../executions/usage.js';
import * as repo from './repo.js';

export interface RateHeaders { limit: number | null; remaining: number | null; reset: number | null }

/** What a tenant has across the marketplaces: installations, publication status, usage. */
export function marketplaceAccountService(ctx: AppContext) {
  const sys = ctx.db.as(SYSTEM);
  return {
    installations: (tenantId: string, f: { kind?: string; limit: number; offset: number }) => repo.listInstallations(sys, tenantId, f),

    /** `published` is true once a reviewer approved it (private listings are approved at once). */
    async publication(tenantId: string, id: string) {
      const l = await repo.ownListing(ctx.db.as(tenantId), tenantId, id);
      if (!l) throw notFound('COMPONENT_NOT_FOUND', 'Listing', id);
      const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);
      return {
        component_id: l.id as string, component_type: l.kind as string, name: l.name as string, marketplace_type: l.marketplace_type as string,
        status: l.status as string, published: l.status === 'approved', rejection_reason: (l.rejection_reason as string | null) ?? null,
        approved_at: iso(l.approved_at), created_at: iso(l.created_at)!, updated_at: iso(l.updated_at)!,
      };
    },

    async usage(tenantId: string, plan: Plan, rate: RateHeaders) {
      const ex = ctx.db.as(tenantId);
      const limits = PLAN_LIMITS[plan];
      const [counts, executions] = await Promise.all([repo.usageCounts(ex, tenantId), usedToday(ex, tenantId, SKILL_METRIC)]);
      return {
        plan,
        rate_limit_limit: rate.limit, rate_limit_remaining: rate.remaining, rate_limit_reset: rate.reset,
        agents: { used: counts.agents, limit: limits.maxAgents },
        installed_skills: { used: counts.installedSkills, limit: limits.maxInstalledSkills },
        skill_executions_today: { used: executions, limit: limits.dailySkillExecutions },
        installations: counts.installations,
        listings_published: counts.listings,
        storage_used: counts.bytes,
        storage_limit: null,
      };
    },
  };
}
