import type { Executor } from './db/index.js';
import { AppError } from './errors.js';
import type { Usage } from './llm/provider.js';
import { PLAN_LIMITS, type Plan } from './plans.js';

/**
 * Daily counters per tenant (UTC days), for plan quotas. One counter per metric is the single
 * source of truth: a skill run counts once whether a user ran it directly or an agent called it.
 */
export const SKILL_METRIC = 'skill_executions';
/** Model tokens per day: what the prompts, the answers and both together cost (the cap counts the total). */
export const LLM_PROMPT_METRIC = 'llm_prompt_tokens';
export const LLM_COMPLETION_METRIC = 'llm_completion_tokens';
export const LLM_TOTAL_METRIC = 'llm_total_tokens';
/** Workflow runs started per day, by any trigger. */
export const WORKFLOW_RUN_METRIC = 'workflow_runs';

export function nextUtcMidnight(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
}

export async function usedToday(ex: Executor, tenantId: string, metric: string): Promise<number> {
  const [row] = await ex.query<{ count: number }>(
    "SELECT count FROM usage_counters WHERE tenant_id = $1 AND metric = $2 AND day = (now() AT TIME ZONE 'UTC')::date",
    [tenantId, metric],
  );
  return row?.count ?? 0;
}

/** Counts one use if it stays within `limit` (null: unlimited); returns false when the quota is spent. */
export async function consume(ex: Executor, tenantId: string, metric: string, limit: number | null): Promise<boolean> {
  const rows = await ex.query(
    `INSERT INTO usage_counters (tenant_id, metric, day, count) VALUES ($1, $2, (now() AT TIME ZONE 'UTC')::date, 1)
     ON CONFLICT (tenant_id, metric, day) DO UPDATE SET count = usage_counters.count + 1
       WHERE $3::int IS NULL OR usage_counters.count < $3::int
     RETURNING count`,
    [tenantId, metric, limit],
  );
  return rows.length > 0;
}

/** usage_counters.count is an integer: token counters saturate there instead of failing the call. */
const COUNT_MAX = 2_147_483_647;
const tokens = (n: unknown) =>
  typeof n === 'number' && Number.isFinite(n) && n > 0 ? Math.min(Math.floor(n), COUNT_MAX) : 0;

/**
 * Adds one model answer's tokens to today's counters, the three in one statement. Missing numbers
 * count 0; without a total from the model, total = prompt + completion. Returns what was counted.
 */
export async function recordLlmUsage(
  ex: Executor,
  tenantId: string,
  usage: Usage | null | undefined,
): Promise<{ prompt: number; completion: number; total: number }> {
  const prompt = tokens(usage?.prompt_tokens);
  const completion = tokens(usage?.completion_tokens);
  const total =
    typeof usage?.total_tokens === 'number' ? tokens(usage.total_tokens) : Math.min(prompt + completion, COUNT_MAX);
  if (prompt === 0 && completion === 0 && total === 0) return { prompt, completion, total };
  await ex.query(
    `INSERT INTO usage_counters (tenant_id, metric, day, count)
     SELECT $1, m.metric, (now() AT TIME ZONE 'UTC')::date, m.n
     FROM (VALUES ($2::text, $3::int), ($4::text, $5::int), ($6::text, $7::int)) AS m(metric, n)
     ON CONFLICT (tenant_id, metric, day)
       DO UPDATE SET count = LEAST(usage_counters.count::bigint + EXCLUDED.count, ${COUNT_MAX})::int`,
    [tenantId, LLM_PROMPT_METRIC, prompt, LLM_COMPLETION_METRIC, completion, LLM_TOTAL_METRIC, total],
  );
  return { prompt, completion, total };
}

/**
 * Before a model call: refuses with 429 LLM_TOKEN_LIMIT_EXCEEDED when today's total tokens have
 * reached the plan's cap (null: unlimited). The cap is checked before a call and counted after it,
 * so the call that crosses it completes; the next one is refused until the next UTC midnight.
 */
export async function assertLlmTokensLeft(
  ex: Executor,
  tenantId: string,
  plan: Plan,
): Promise<{ used: number; limit: number | null; remaining: number | null }> {
  return llmTokensLeft(await usedToday(ex, tenantId, LLM_TOTAL_METRIC), plan);
}

/** assertLlmTokensLeft with today's total already read (`used`). */
export function llmTokensLeft(
  used: number,
  plan: Plan,
): { used: number; limit: number | null; remaining: number | null } {
  const limit = PLAN_LIMITS[plan].dailyLlmTokens;
  if (limit === null) return { used, limit, remaining: null };
  if (used < limit) return { used, limit, remaining: limit - used };
  const resets = nextUtcMidnight();
  throw new AppError(
    'LLM_TOKEN_LIMIT_EXCEEDED',
    `Daily model token limit of ${limit} reached for the ${plan} plan`,
    { used, limit, plan, resets_at: resets.toISOString() },
    { 'Retry-After': String(Math.max(1, Math.ceil((resets.getTime() - Date.now()) / 1000))) },
  );
}

/**
 * The one place a skill run is counted against the plan's daily skill executions, whoever runs it
 * (a direct run, an agent's tool call written to the journal). Returns the refusal, or null.
 */
export async function consumeSkillRun(ex: Executor, tenantId: string, plan: Plan): Promise<AppError | null> {
  const limit = PLAN_LIMITS[plan].dailySkillExecutions;
  if (await consume(ex, tenantId, SKILL_METRIC, limit)) return null;
  return skillLimitError(await usedToday(ex, tenantId, SKILL_METRIC), limit!, plan);
}

/** The counter and today's limit consumeSkillRun counts against, for a statement that counts it itself. */
export function skillRunQuota(plan: Plan): { metric: string; limit: number | null } {
  return { metric: SKILL_METRIC, limit: PLAN_LIMITS[plan].dailySkillExecutions };
}

/** Refuses work up front when today's skill executions are spent (nothing is counted). */
export async function assertSkillRunsLeft(ex: Executor, tenantId: string, plan: Plan): Promise<void> {
  skillRunsLeft(await usedToday(ex, tenantId, SKILL_METRIC), plan);
}

/** assertSkillRunsLeft with today's count already read (`used`). */
export function skillRunsLeft(used: number, plan: Plan): void {
  const limit = PLAN_LIMITS[plan].dailySkillExecutions;
  if (limit !== null && used >= limit) throw skillLimitError(used, limit, plan);
}

function skillLimitError(used: number, limit: number, plan: Plan): AppError {
  const details = { used, limit, plan, resets_at: nextUtcMidnight().toISOString() };
  return new AppError(
    'SKILL_LIMIT_EXCEEDED',
    `Daily skill execution limit (${limit}) reached for the ${plan} plan`,
    details,
  );
}

/**
 * Counts one workflow run against the plan's daily runs, in the transaction that creates the run.
 * Returns the refusal (429 WORKFLOW_RUN_LIMIT_EXCEEDED), or null when the run may start.
 */
export async function consumeWorkflowRun(ex: Executor, tenantId: string, plan: Plan): Promise<AppError | null> {
  const limit = PLAN_LIMITS[plan].dailyWorkflowRuns;
  if (await consume(ex, tenantId, WORKFLOW_RUN_METRIC, limit)) return null;
  const resets = nextUtcMidnight();
  return new AppError(
    'WORKFLOW_RUN_LIMIT_EXCEEDED',
    `Daily workflow run limit (${limit}) reached for the ${plan} plan`,
    { used: await usedToday(ex, tenantId, WORKFLOW_RUN_METRIC), limit, plan, resets_at: resets.toISOString() },
    { 'Retry-After': String(Math.max(1, Math.ceil((resets.getTime() - Date.now()) / 1000))) },
  );
}
