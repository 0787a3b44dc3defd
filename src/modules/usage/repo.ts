import type { Executor } from '../../platform/db/index.js';
import {
  LLM_COMPLETION_METRIC,
  LLM_PROMPT_METRIC,
  LLM_TOTAL_METRIC,
  SKILL_METRIC,
  WORKFLOW_RUN_METRIC,
} from '../../platform/usage.js';

/** Today's (UTC) counter of a metric; the metric is one of our constants, never input. */
const today = (metric: string) =>
  `coalesce((SELECT count FROM usage_counters WHERE tenant_id = $1 AND metric = '${metric}' ` +
  `AND day = (now() AT TIME ZONE 'UTC')::date), 0)::int`;

/** What a tenant holds and used today: one round trip. */
export async function currentCounts(ex: Executor, tenantId: string) {
  const [row] = await ex.query<{
    agents: number;
    installed_skills: number;
    skill_runs_today: number;
    llm_prompt: number;
    llm_completion: number;
    llm_total: number;
    workflow_runs_today: number;
  }>(
    `SELECT (SELECT count(*)::int FROM agents WHERE tenant_id = $1) AS agents,
            (SELECT count(*)::int FROM marketplace_installs WHERE tenant_id = $1
              AND kind = 'skill') AS installed_skills,
            ${today(SKILL_METRIC)} AS skill_runs_today,
            ${today(LLM_PROMPT_METRIC)} AS llm_prompt,
            ${today(LLM_COMPLETION_METRIC)} AS llm_completion,
            ${today(LLM_TOTAL_METRIC)} AS llm_total,
            ${today(WORKFLOW_RUN_METRIC)} AS workflow_runs_today`,
    [tenantId],
  );
  return row;
}

/** One row per UTC day of the last `days` days that has a count for `metric`. */
export async function dailyCounts(ex: Executor, tenantId: string, metric: string, days: number) {
  const rows = await ex.query<{ day: string; count: number }>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, count FROM usage_counters
     WHERE tenant_id = $1 AND metric = $2 AND day > (now() AT TIME ZONE 'UTC')::date - $3::int ORDER BY day`,
    [tenantId, metric, days],
  );
  return rows.map((r) => ({ day: r.day, count: Number(r.count) }));
}

/** The tables whose rows a tenant stores: what `storage_used` adds up. */
const STORED = [
  'agents',
  'executions',
  'journal_steps',
  'episodes',
  'marketplace_listings',
  'skill_executions',
  'canvases',
  'domains',
  'workflows',
  'workflow_runs',
  'workflow_run_events',
  'chat_events',
  'webhook_deliveries',
  'events',
] as const;

/** Bytes of the tenant's stored rows (PostgreSQL's own size of each row), computed on request. */
export async function storedBytes(ex: Executor, tenantId: string): Promise<number> {
  const parts = STORED.map((t) => `(SELECT coalesce(sum(pg_column_size(x.*)), 0) FROM ${t} x WHERE x.tenant_id = $1)`);
  const [row] = await ex.query<{ bytes: string }>(`SELECT (${parts.join(' + ')})::bigint AS bytes`, [tenantId]);
  return Number(row.bytes);
}
