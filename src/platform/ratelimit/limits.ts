import { PLAN_LIMITS } from '../plans.js';
import type { Principal } from '../auth/principal.js';

export interface Limit {
  name: 'minute' | 'hour' | 'day';
  max: number;
  windowMs: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Seed rates: unauthenticated 100/hour per IP; federation 1,000/hour per key; tenants by plan. */
export const ANONYMOUS_PER_HOUR = 100;
export const FEDERATION_PER_HOUR = 1_000;

/** The limits that apply to a caller, or [] for none (the platform admin key). */
export function limitsFor(principal: Principal | null): Limit[] {
  if (!principal) return [{ name: 'hour', max: ANONYMOUS_PER_HOUR, windowMs: HOUR }];
  if (principal.kind === 'admin') return [];
  if (principal.kind === 'federation') return [{ name: 'hour', max: FEDERATION_PER_HOUR, windowMs: HOUR }];
  const tenant = principal.tenant!;
  const plan = PLAN_LIMITS[tenant.plan];
  const perMinute = tenant.rate_limit_per_minute ?? plan.requestsPerMinute;
  const limits: Limit[] = [{ name: 'minute', max: perMinute, windowMs: MINUTE }];
  if (plan.requestsPerDay !== null) limits.push({ name: 'day', max: plan.requestsPerDay, windowMs: DAY });
  return limits;
}
