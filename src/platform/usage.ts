import type { Executor } from './db/index.js';

/**
 * Daily counters per tenant (UTC days), for plan quotas. One counter per metric is the single
 * source of truth: a skill run counts once whether a user ran it directly or an agent called it.
 */
export const SKILL_METRIC = 'skill_executions';

export function nextUtcMidnight(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
}

export async function usedToday(ex: Executor, tenantId: string, metric: string): Promise<number> {
  const [row] = await ex.query<{ count: number }>('SELECT count FROM usage_counters WHERE tenant_id = $1 AND metric = $2 AND day = (now() AT TIME ZONE \'UTC\')::date', [tenantId, metric]);
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
