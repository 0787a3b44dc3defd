import type { Built } from '../../src/app.js';
import { SYSTEM } from '../../src/platform/db/index.js';
import { waitUntil } from './receiver.js';

/**
 * Waits until the outbox subscriber `subscriber` has handled the tenant's event of this type: its
 * job is completed. A test that checks that something did NOT happen waits on this instead of a
 * fixed sleep: after it, whatever the handler was going to do is done.
 */
export async function eventHandled(built: Built, subscriber: string, tenantId: string, type: string, ms = 60_000) {
  const sql = `SELECT count(*)::int AS n FROM pgboss.job
                WHERE name = $1 AND state = 'completed' AND data->'event'->>'tenant_id' = $2
                  AND data->'event'->>'type' = $3`;
  await waitUntil(
    async () =>
      (await built.ctx.db.query<{ n: number }>(SYSTEM, sql, [`event.${subscriber}`, tenantId, type]))[0]!.n > 0,
    ms,
  );
}
