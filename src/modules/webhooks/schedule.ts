/**
 * When to try a delivery again. Attempt 1 is immediate; then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h,
 * 10 h (8 attempts over about 28 hours). A receiver's Retry-After is honoured when it asks for
 * longer (capped at 24 h). Each delay gets up to 10% jitter so retries of many deliveries spread out.
 */
export const RETRY_SCHEDULE_MS = [
  0,
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3600_000,
  5 * 3600_000,
  10 * 3600_000,
  10 * 3600_000,
];
const MAX_RETRY_AFTER_MS = 24 * 3600_000;

/** Seconds (`120`) or an HTTP date, as RFC 9110 allows; null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined | null, now: number): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * The delay before the next attempt after `attempts` attempts, or null when the schedule is used
 * up. `random` is injectable so tests can pin the jitter.
 */
export function nextDelay(
  attempts: number,
  retryAfterMs: number | null,
  schedule = RETRY_SCHEDULE_MS,
  random = Math.random,
): number | null {
  if (attempts >= schedule.length) return null;
  const base = schedule[attempts];
  const jittered = Math.round(base * (1 + 0.1 * random()));
  return retryAfterMs !== null ? Math.max(jittered, Math.min(retryAfterMs, MAX_RETRY_AFTER_MS)) : jittered;
}
