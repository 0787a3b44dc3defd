import type { Executor } from '../../platform/db/index.js';

/** One row per UTC day of the last `days` days that has a count for `metric`, for this tenant. */
export async function dailyCounts(ex: Executor, tenantId: string, metric: string, days: number): Promise<{ day: string; count: number }[]> {
  const rows = await ex.query<{ day: string; count: number }>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, count FROM usage_counters
     WHERE tenant_id = $1 AND metric = $2 AND day > (now() AT TIME ZONE 'UTC')::date - $3::int ORDER BY day`,
    [tenantId, metric, days],
  );
  return rows.map((r) => ({ day: r.day, count: Number(r.count) }));
}
