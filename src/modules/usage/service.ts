import type { AppContext } from '../../platform/context.js';
import { PLAN_LIMITS, type Plan } from '../../platform/plans.js';
import { LLM_TOTAL_METRIC, nextUtcMidnight, SKILL_METRIC, WORKFLOW_RUN_METRIC } from '../../platform/usage.js';
import * as repo from './repo.js';

const quota = (metric: string, label: string, used: number, limit: number | null) => ({
  metric,
  label,
  used,
  limit,
  remaining: limit === null ? null : Math.max(0, limit - used),
});

/** Usage against the plan's quotas, and the daily history for charts. */
export function usageService(ctx: AppContext) {
  return {
    async stats(tenantId: string, plan: Plan, historyDays: number) {
      const db = ctx.db.as(tenantId);
      const [c, points, stored] = await Promise.all([
        repo.currentCounts(db, tenantId),
        repo.dailyCounts(db, tenantId, SKILL_METRIC, historyDays),
        repo.storedBytes(db, tenantId),
      ]);
      const limits = PLAN_LIMITS[plan];
      const resets_at = nextUtcMidnight().toISOString();
      const tokens = quota(LLM_TOTAL_METRIC, 'Model tokens today', c.llm_total, limits.dailyLlmTokens);
      return {
        plan,
        quotas: [
          quota('agents', 'Agents', c.agents, limits.maxAgents),
          quota('installed_skills', 'Installed skills', c.installed_skills, limits.maxInstalledSkills),
          {
            ...quota(SKILL_METRIC, 'Skill executions today', c.skill_runs_today, limits.dailySkillExecutions),
            resets_at,
          },
          { ...tokens, resets_at },
          {
            ...quota(WORKFLOW_RUN_METRIC, 'Workflow runs today', c.workflow_runs_today, limits.dailyWorkflowRuns),
            resets_at,
          },
        ],
        llm_tokens: {
          prompt: c.llm_prompt,
          completion: c.llm_completion,
          total: c.llm_total,
          limit: tokens.limit,
          remaining: tokens.remaining,
          resets_at,
        },
        rate_limits: { requests_per_minute: limits.requestsPerMinute, requests_per_day: limits.requestsPerDay },
        // The seeds' storage_used/storage_limit: bytes stored; no plan limits storage (null), so none is claimed.
        storage_used: stored,
        storage_limit: null,
        features: { public_marketplace_publish: limits.publicMarketplacePublish },
        history: { metric: SKILL_METRIC, days: historyDays, points },
      };
    },
  };
}
