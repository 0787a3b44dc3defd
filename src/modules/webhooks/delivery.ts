import type { AppContext } from '../../platform/context.js';
import { decryptSecret } from '../../platform/crypto.js';
import { countDelivery } from '../../platform/metrics/webhooks.js';
import { BlockedDestinationError, safeFetch } from '../../platform/net/safe-fetch.js';
import * as repo from './repo.js';
import { nextDelay, parseRetryAfter, RETRY_SCHEDULE_MS } from './schedule.js';
import { signatureHeaders } from './signing.js';

/** The name that wakes the delivery loop (NOTIFY payload on the jobs channel). */
export const DELIVER_QUEUE = 'webhooks.deliver';
/** An endpoint whose deliveries keep failing to the end of the schedule is switched off. */
export const DISABLE_AFTER_FAILED_DELIVERIES = 3;
/** One POST's whole deadline. */
export const ATTEMPT_TIMEOUT_MS = 10_000;
/**
 * How long a claimed delivery is held by the process attempting it: the attempt's deadline plus
 * the wait for a free connection to its destination, with room to record the answer. A process
 * that dies leaves its deliveries due again when this ends.
 */
export const LEASE_MS = 45_000;

export const secretAad = (tenantId: string, endpointId: string) => `webhook:${tenantId}:${endpointId}`;

export interface AttemptResult {
  delivery_id: string;
  status: repo.DeliveryRow['status'];
  status_code: number | null;
  error: string | null;
  next_attempt_at: string | null;
}

export interface Answer {
  code: number | null;
  retryAfter: string | undefined;
  error: string | null;
}

/** The secrets that sign now: the current one, and the previous one during a rotation's grace period. */
function signingSecrets(ctx: AppContext, e: repo.ClaimedEndpoint): string[] {
  const open = (sealed: string) => decryptSecret(ctx.config.encryptionKey, sealed, secretAad(e.tenant_id, e.id));
  const previous =
    e.previous_secret && e.previous_secret_expires_at && new Date(e.previous_secret_expires_at).getTime() > Date.now()
      ? open(e.previous_secret)
      : null;
  return previous ? [open(e.secret), previous] : [open(e.secret)];
}

/** Signs and POSTs the stored body over the destination's keep-alive pool. */
export async function post(ctx: AppContext, e: repo.ClaimedEndpoint, d: repo.DeliveryRow): Promise<Answer> {
  try {
    const res = await safeFetch(e.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signatureHeaders(signingSecrets(ctx, e), d.event_id, d.body) },
      body: d.body,
      timeoutMs: ATTEMPT_TIMEOUT_MS,
      maxResponseBytes: 1024,
      allowLoopback: ctx.config.allowInsecureWebhooks,
      pooled: true,
    });
    return {
      code: res.status,
      retryAfter: res.headers['retry-after'] as string | undefined,
      error: res.status >= 200 && res.status < 300 ? null : `HTTP ${res.status}`,
    };
  } catch (err) {
    const blocked = err instanceof BlockedDestinationError;
    const error = `${blocked ? 'blocked' : 'network error'}: ${(err as Error).message}`.slice(0, 300);
    return { code: null, retryAfter: undefined, error };
  }
}

/** A delivery whose endpoint was switched off fails without a POST. */
export async function failDisabled(
  ctx: AppContext,
  d: repo.DeliveryRow,
  e: repo.ClaimedEndpoint,
): Promise<AttemptResult> {
  const error = `endpoint disabled: ${e.disabled_reason ?? ''}`;
  await repo.finishAttempt(ctx.db.as(d.tenant_id), d.tenant_id, d.id, {
    status: 'failed',
    code: null,
    error,
    nextAt: null,
  });
  return countDelivery(ctx.metrics, {
    delivery_id: d.id,
    status: 'failed',
    status_code: null,
    error: 'endpoint disabled',
    next_attempt_at: null,
  });
}

/**
 * A failed attempt: schedule the next one (the delivery row is due again then), or give up;
 * disable the endpoint on 410 Gone or after repeated failed deliveries.
 */
export async function settleFailure(
  ctx: AppContext,
  d: repo.DeliveryRow,
  e: repo.ClaimedEndpoint,
  r: Answer,
): Promise<AttemptResult> {
  const tenantId = d.tenant_id;
  const gone = r.code === 410;
  const delay = gone
    ? null
    : nextDelay(
        d.attempts,
        parseRetryAfter(r.retryAfter, Date.now()),
        ctx.config.webhookRetryScheduleMs ?? RETRY_SCHEDULE_MS,
      );
  const nextAt = delay === null ? null : new Date(Date.now() + delay);
  await ctx.db.tx(tenantId, async (ex) => {
    await repo.finishAttempt(ex, tenantId, d.id, {
      status: nextAt ? 'pending' : 'failed',
      code: r.code,
      error: r.error,
      nextAt,
    });
    if (gone) await repo.disableEndpoint(ex, tenantId, e.id, 'the receiver answered 410 Gone');
    else if (!nextAt && (await repo.recordOutcome(ex, tenantId, e.id, false)) >= DISABLE_AFTER_FAILED_DELIVERIES) {
      await repo.disableEndpoint(
        ex,
        tenantId,
        e.id,
        `${DISABLE_AFTER_FAILED_DELIVERIES} deliveries in a row failed after every retry; last error: ${r.error}`,
      );
    }
  });
  const status = nextAt ? 'pending' : 'failed';
  return countDelivery(ctx.metrics, {
    delivery_id: d.id,
    status,
    status_code: r.code,
    error: r.error,
    next_attempt_at: nextAt?.toISOString() ?? null,
  });
}

/**
 * One attempt now, answered to the caller (test ping, redeliver): the delivery is leased like a
 * claimed one, so the delivery loop leaves it alone meanwhile.
 */
export async function attempt(ctx: AppContext, tenantId: string, deliveryId: string): Promise<AttemptResult | null> {
  const db = ctx.db.as(tenantId);
  const d = await repo.startAttempt(db, tenantId, deliveryId, LEASE_MS);
  if (!d) return null;
  const e = (await repo.getEndpoint(db, tenantId, d.endpoint_id))!;
  if (e.status !== 'active') return failDisabled(ctx, d, e);
  const r = await post(ctx, e, d);
  if (r.error !== null) return settleFailure(ctx, d, e, r);
  await repo.finishAttempt(db, tenantId, d.id, { status: 'succeeded', code: r.code, error: null, nextAt: null });
  await repo.recordOutcome(db, tenantId, e.id, true);
  return countDelivery(ctx.metrics, {
    delivery_id: d.id,
    status: 'succeeded',
    status_code: r.code,
    error: null,
    next_attempt_at: null,
  });
}
