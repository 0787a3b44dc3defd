/**
 * Plans and their limits, in one place. `null` means unlimited. Request limits come from the
 * seeds' rate-limit table; enterprise's per-minute limit is "custom": a per-tenant override
 * (`tenants.rate_limit_per_minute`) or the default below.
 */
export const PLANS = ['free', 'solo', 'team', 'enterprise'] as const;
export type Plan = (typeof PLANS)[number];

export interface PlanLimits {
  requestsPerMinute: number;
  requestsPerDay: number | null;
  maxAgents: number | null;
  dailySkillExecutions: number | null;
  maxInstalledSkills: number | null;
  publicMarketplacePublish: boolean;
  /** Model tokens (prompt + completion) per UTC day, over all the tenant's agents. */
  dailyLlmTokens: number | null;
  /** Workflow runs started per UTC day, whatever fired them (manual, webhook, schedule). */
  dailyWorkflowRuns: number | null;
}

export const PLAN_LIMITS: Record<Plan, PlanLimits> = {
  free: {
    requestsPerMinute: 60,
    requestsPerDay: 50,
    maxAgents: 3,
    dailySkillExecutions: 100,
    maxInstalledSkills: 10,
    publicMarketplacePublish: false,
    dailyLlmTokens: 50_000,
    dailyWorkflowRuns: 100,
  },
  solo: {
    requestsPerMinute: 100,
    requestsPerDay: 500,
    maxAgents: 10,
    dailySkillExecutions: 1_000,
    maxInstalledSkills: 50,
    publicMarketplacePublish: true,
    dailyLlmTokens: 500_000,
    dailyWorkflowRuns: 1_000,
  },
  team: {
    requestsPerMinute: 500,
    requestsPerDay: 5_000,
    maxAgents: 25,
    dailySkillExecutions: 10_000,
    maxInstalledSkills: 200,
    publicMarketplacePublish: true,
    dailyLlmTokens: 5_000_000,
    dailyWorkflowRuns: 10_000,
  },
  enterprise: {
    requestsPerMinute: 2_000,
    requestsPerDay: null,
    maxAgents: null,
    dailySkillExecutions: null,
    maxInstalledSkills: null,
    publicMarketplacePublish: true,
    dailyLlmTokens: null,
    dailyWorkflowRuns: null,
  },
};

/** The next plan up, for upgrade hints in quota errors. */
export function upgradeFrom(plan: Plan): Plan | null {
  const i = PLANS.indexOf(plan);
  return i < PLANS.length - 1 ? PLANS[i + 1] : null;
}

export function isPlan(value: string): value is Plan {
  return (PLANS as readonly string[]).includes(value);
}
