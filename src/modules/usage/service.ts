import type { AppContext } from '../../platform/context.js';
import { PLAN_LIMITS, type Plan } from '../../platform/plans.js';
import { nextUtcMidnight } from '../../platform/usage.js';
import * as repo from './repo.js';

const quota = (used: number, limit: number | null) => ({ used, limit, remaining: limit === null ? null : Math.max(0, limit - used) });

/** Usage against the plan's quotas, and the daily history for charts. */
export function usageService(ctx: AppContext) {
  return {
    async stats(tenantId: string, plan: Plan, historyDays: number) {
      const db = ctx.db.as(tenantId);
      const [c, history] = await Promise.all([repo.currentCounts(db, tenantId), repo.dailyHistory(db, tenantId, historyDays)]);
      const limits = PLAN_LIMITS[plan];
      return {
        plan,
        quotas: {
          agents: quota(c.agents, limits.maxAgents),
          installed_skills: quota(c.installed_skills, limits.maxInstalledSkills),
          daily_skill_executions: { ...quota(c.skill_runs_today, limits.dailySkillExecutions), resets_at: nextUtcMidnight().toISOString() },
        },
        features: { public_marketplace_publish: limits.publicMarketplacePublish },
        history,
      };
    },
  };
}
