import type { Executor } from '../../platform/db/index.js';

/** What a tenant holds and used: one round trip for the current counts, one for the daily history. */
export async function currentCounts(ex: Executor, tenantId: string) {
  const [row] = await ex.query<{ agents: number; installed_skills: number; skill_runs_today: number }>(
    `SELECT (SELECT count(*)::int FROM agents WHERE tenant_id = $1) AS agents,
            (SELECT count(*)::int FROM marketplace_installs WHERE tenant_id = $1 AND kind = 'skill') AS installed_skills,
            coalesce((SELECT count FROM usage_counters WHERE tenant_id = $1 AND metric = 'skill_executions'
                      AND day = (now() AT TIME ZONE 'UTC')::date), 0)::int AS skill_runs_today`,
    [tenantId]);
  return row;
}

export async function dailyHistory(ex: Executor, tenantId: string, days: number) {
  const rows = await ex.query<{ day: string; metric: string; count: number }>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, metric, count FROM usage_counters
     WHERE tenant_id = $1 AND day > (now() AT TIME ZONE 'UTC')::date - $2::int ORDER BY day, metric`,
    [tenantId, days]);
  return rows.map((r) => ({ day: r.day, metric: r.metric, count: Number(r.count) }));
}
