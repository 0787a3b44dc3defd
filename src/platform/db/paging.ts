import type { Executor, Row } from './database.js';

/**
 * One round trip for a page and its total: the page query carries the count as a scalar subquery
 * (`(SELECT count(*) FROM … WHERE …)`, run once per statement, in the same snapshot); only a page
 * past the end (no rows) needs a second, counting query. A subquery rather than `count(*) OVER ()`:
 * the window made PostgreSQL read and keep every matching row, all columns, before the first one of
 * the page (twice the cost of the page itself for 25 agents; every delivery's payload for a webhook's
 * log), where the subquery counts from an index and the page stops after `limit` rows.
 *
 *   pageQuery(ex, { from: 'FROM api_keys WHERE tenant_id = $1', params: [tenantId],
 *                   columns: 'id, name', orderBy: 'created_at DESC, id', limit, offset })
 */
export async function pageQuery<T extends Row>(
  ex: Executor,
  q: { columns: string; from: string; params: unknown[]; orderBy: string; limit: number; offset: number },
): Promise<{ rows: T[]; total: number }> {
  const n = q.params.length;
  const rows = await ex.query<T & { __total: number }>(
    `SELECT ${q.columns}, (SELECT count(*) ${q.from})::int AS __total ${q.from} ORDER BY ${q.orderBy} LIMIT
         $${n + 1} OFFSET $${n + 2}`,
    [...q.params, q.limit, q.offset],
  );
  if (rows.length > 0) {
    const total = Number(rows[0].__total);
    return { rows: rows.map(({ __total: _t, ...r }) => r as unknown as T), total };
  }
  if (q.offset === 0) return { rows: [], total: 0 };
  const [{ total }] = await ex.query<{ total: number }>(`SELECT count(*)::int AS total ${q.from}`, q.params);
  return { rows: [], total };
}
