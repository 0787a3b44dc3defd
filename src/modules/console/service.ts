import type { AppContext } from '../../platform/context.js';
import { SYSTEM } from '../../platform/db/index.js';
import { PLAN_LIMITS, type Plan } from '../../platform/plans.js';
import { countAgents } from '../agents/repo.js';
import { SKILL_METRIC } from '../executions/runtime/gate.js';
import { usedToday } from '../executions/usage.js';
import { dailyCounts } from './repo.js';
import { countInstalls, pendingListings, type Listing, type ListingKind } from '../marketplace/repo.js';

const HISTORY_DAYS = 14;

/** Read-only views the web console needs that no domain route gives: quota usage and the review queue. */
export function consoleService(ctx: AppContext) {
  return {
    /** Current use against the plan's limits, and the last two weeks of skill executions per day. */
    async usage(tenantId: string) {
      const ex = ctx.db.as(tenantId);
      const [tenant] = await ex.query<{ plan: Plan }>('SELECT plan FROM tenants WHERE id = $1', [tenantId]);
      const limits = PLAN_LIMITS[tenant.plan];
      return {
        plan: tenant.plan,
        quotas: [
          { metric: 'agents', label: 'Agents', used: await countAgents(ex, tenantId), limit: limits.maxAgents },
          { metric: 'installed_skills', label: 'Installed skills', used: await countInstalls(ex, tenantId, 'skill'), limit: limits.maxInstalledSkills },
          { metric: SKILL_METRIC, label: 'Skill executions today', used: await usedToday(ex, tenantId, SKILL_METRIC), limit: limits.dailySkillExecutions },
        ],
        rate_limits: { requests_per_minute: limits.requestsPerMinute, requests_per_day: limits.requestsPerDay },
        history: { metric: SKILL_METRIC, days: HISTORY_DAYS, points: await dailyCounts(ex, tenantId, SKILL_METRIC, HISTORY_DAYS) },
      };
    },

    /** Listings of one kind (or all) waiting for the platform reviewer. */
    async pending(kind: ListingKind | null, limit: number, offset: number) {
      const { items, total } = await pendingListings(ctx.db.as(SYSTEM), kind, limit, offset);
      return { items: items.map(summary), total, limit, offset, has_more: offset + items.length < total };
    },
  };
}

function summary(l: Listing & { tenant_name: string | null }) {
  return {
    id: l.id, kind: l.kind, tenant_id: l.tenant_id, tenant_name: l.tenant_name, name: l.name, description: l.description, category: l.category,
    subtype: l.subtype, tags: l.tags, marketplace_type: l.marketplace_type, status: l.status, created_at: l.created_at,
  };
}
