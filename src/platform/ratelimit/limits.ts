import type { Principal } from '../auth/principal.js';
import { PLAN_LIMITS } from '../plans.js';

export interface Limit {
  name: 'minute' | 'hour' | 'day';
  max: number;
  windowMs: number;
  /** Whose count it is: the credential's (default) or the whole tenant's, whatever credential it uses. */
  per?: 'credential' | 'tenant';
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Seed rates: unauthenticated 100/hour per IP; federation 1,000/hour per key; tenants by plan.
 * The per-minute rate is per credential; the daily quota is the tenant's, shared by all its keys
 * and users, so minting keys does not multiply it.
 */
export const ANONYMOUS_PER_HOUR = 100;
export const FEDERATION_PER_HOUR = 1_000;
/** Failed authentications (a credential sent and refused) per client IP and hour: the unauthenticated rate. */
export const AUTH_FAILURES_PER_HOUR = ANONYMOUS_PER_HOUR;
export const AUTH_FAILURE_WINDOW_MS = HOUR;

/** The limits that apply to a caller, or [] for none (the platform admin key). */
export function limitsFor(principal: Principal | null): Limit[] {
  if (!principal) return [{ name: 'hour', max: ANONYMOUS_PER_HOUR, windowMs: HOUR }];
  if (principal.kind === 'admin') return [];
  if (principal.kind === 'federation') return [{ name: 'hour', max: FEDERATION_PER_HOUR, windowMs: HOUR }];
  const tenant = principal.tenant!;
  const plan = PLAN_LIMITS[tenant.plan];
  const perMinute = tenant.rate_limit_per_minute ?? plan.requestsPerMinute;
  const limits: Limit[] = [{ name: 'minute', max: perMinute, windowMs: MINUTE }];
  if (plan.requestsPerDay !== null)
    limits.push({ name: 'day', max: plan.requestsPerDay, windowMs: DAY, per: 'tenant' });
  return limits;
}
