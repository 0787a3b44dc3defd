import type { AppContext } from '../../platform/context.js';
import { decryptSecret } from '../../platform/crypto.js';
import { countDelivery } from '../../platform/metrics/webhooks.js';
import { BlockedDestinationError, safeFetch } from '../../platform/net/safe-fetch.js';
import * as repo from './repo.js';
import { nextDelay, parseRetryAfter, RETRY_SCHEDULE_MS } from './schedule.js';
import { signatureHeaders } from './signing.js';

export const DELIVER_QUEUE = 'webhooks.deliver';
/** An endpoint whose deliveries keep failing to the end of the schedule is switched off. */
export const DISABLE_AFTER_FAILED_DELIVERIES = 3;

export const secretAad = (tenantId: string, endpointId: string) => `webhook:${tenantId}:${endpointId}`;

export interface AttemptResult {
  delivery_id: string;
  status: repo.DeliveryRow['status'];
  status_code: number | null;
  error: string | null;
  next_attempt_at: string | null;
}

/** The secrets that sign now: the current one, and the previous one during a rotation's grace period. */
function signingSecrets(ctx: AppContext, e: repo.EndpointRow): string[] {
  const open = (sealed: string) => decryptSecret(ctx.config.encryptionKey, sealed, secretAad(e.tenant_id, e.id));
  const previous = e.previous_secret && e.previous_secret_expires_at && new Date(e.previous_secret_expires_at).getTime() > Date.now() ? open(e.previous_secret) : null;
  return previous ? [open(e.secret), previous] : [open(e.secret)];
}

async function post(ctx: AppContext, e: repo.EndpointRow, d: repo.DeliveryRow) {
  try {
    const res = await safeFetch(e.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signatureHeaders(signingSecrets(ctx, e), d.event_id, d.body) },
      body: d.body,
      timeoutMs: 10_000,
      maxResponseBytes: 1024,
      allowLoopback: ctx.config.allowInsecureWebhooks,
    });
    return { code: res.status, retryAfter: res.headers['retry-after'] as string | undefined, error: res.status >= 200 && res.status < 300 ? null : `HTTP ${res.status}` };
  } catch (err) {
    const blocked = err instanceof BlockedDestinationError;
    return { code: null, retryAfter: undefined, error: `${blocked ? 'blocked' : 'network error'}: ${(err as Error).message}`.slice(0, 300), blocked };
  }
}

/**
 * One attempt: sign and POST the stored body; on failure schedule the next attempt (or give
 * up), disable the endpoint on 410 Gone or after repeated failed deliveries.
 */
export async function attempt(ctx: AppContext, tenantId: string, deliveryId: string): Promise<AttemptResult | null> {
  return countDelivery(ctx.metrics, await attemptOnce(ctx, tenantId, deliveryId));
}

async function attemptOnce(ctx: AppContext, tenantId: string, deliveryId: string): Promise<AttemptResult | null> {
  const db = ctx.db.as(tenantId);
  const d = await repo.startAttempt(db, tenantId, deliveryId);
  if (!d) return null;
  const e = (await repo.getEndpoint(db, tenantId, d.endpoint_id))!;
  if (e.status !== 'active') {
    await repo.finishAttempt(db, tenantId, d.id, { status: 'failed', code: null, error: `endpoint disabled: ${e.disabled_reason ?? ''}`, nextAt: null });
    return { delivery_id: d.id, status: 'failed', status_code: null, error: 'endpoint disabled', next_attempt_at: null };
  }
  const r = await post(ctx, e, d);
  if (r.error === null) {
    await repo.finishAttempt(db, tenantId, d.id, { status: 'succeeded', code: r.code, error: null, nextAt: null });
    await repo.recordOutcome(db, tenantId, e.id, true);
    return { delivery_id: d.id, status: 'succeeded', status_code: r.code, error: null, next_attempt_at: null };
  }
  const gone = r.code === 410;
  const delay = gone ? null : nextDelay(d.attempts, parseRetryAfter(r.retryAfter, Date.now()), ctx.config.webhookRetryScheduleMs ?? RETRY_SCHEDULE_MS);
  const nextAt = delay === null ? null : new Date(Date.now() + delay);
  await ctx.db.tx(tenantId, async (ex) => {
    await repo.finishAttempt(ex, tenantId, d.id, { status: nextAt ? 'pending' : 'failed', code: r.code, error: r.error, nextAt });
    if (nextAt) await ctx.jobs.send(DELIVER_QUEUE, { tenantId, deliveryId: d.id }, { startAfter: nextAt, retryLimit: 3, retryDelay: 5, expireInSeconds: 20 }, ex);
    if (gone) await repo.disableEndpoint(ex, tenantId, e.id, 'the receiver answered 410 Gone');
    else if (!nextAt && (await repo.recordOutcome(ex, tenantId, e.id, false)) >= DISABLE_AFTER_FAILED_DELIVERIES) {
      await repo.disableEndpoint(ex, tenantId, e.id, `${DISABLE_AFTER_FAILED_DELIVERIES} deliveries in a row failed after every retry; last error: ${r.error}`);
    }
  });
  return { delivery_id: d.id, status: nextAt ? 'pending' : 'failed', status_code: r.code, error: r.error, next_attempt_at: nextAt?.toISOString() ?? null };
}
