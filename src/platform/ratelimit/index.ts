import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal.js';
import { AppError } from '../errors.js';
import { AUTH_FAILURE_WINDOW_MS, AUTH_FAILURES_PER_HOUR, type Limit, limitsFor } from './limits.js';
import type { RateStore } from './store.js';

export * from './store.js';

/**
 * Counts the request in every window that applies and writes the headers of the tightest one:
 * X-RateLimit-* (seconds since epoch for Reset, as the seeds show) and the IETF RateLimit /
 * RateLimit-Policy fields. Over the limit: 429 RATE_LIMIT_EXCEEDED with Retry-After.
 */
export async function enforceRateLimit(
  store: RateStore,
  req: FastifyRequest,
  reply: FastifyReply,
  principal: Principal | null,
) {
  const limits = limitsFor(principal);
  if (limits.length === 0) return;
  const subject = principal ? principal.rateKey : `ip:${req.ip}`;
  const keyOf = (l: Limit) => (l.per === 'tenant' && principal?.tenantId ? `tenant:${principal.tenantId}` : subject);
  const hits = await store.hit(limits.map((l) => ({ key: `${keyOf(l)}:${l.name}`, windowMs: l.windowMs, max: l.max })));
  const now = Date.now();
  let tightest = 0;
  for (let i = 1; i < limits.length; i++) {
    if (limits[i].max - hits[i].count < limits[tightest].max - hits[tightest].count) tightest = i;
  }
  const limit = limits[tightest];
  const hit = hits[tightest];
  const remaining = Math.max(0, limit.max - hit.count);
  const resetSeconds = Math.max(0, Math.ceil((hit.resetMs - now) / 1000));
  reply.header('X-RateLimit-Limit', limit.max);
  reply.header('X-RateLimit-Remaining', remaining);
  reply.header('X-RateLimit-Reset', Math.ceil(hit.resetMs / 1000));
  reply.header('RateLimit-Policy', limits.map((l) => `${l.max};w=${l.windowMs / 1000}`).join(', '));
  reply.header('RateLimit', `limit=${limit.max}, remaining=${remaining}, reset=${resetSeconds}`);
  const exceeded = limits.findIndex((l, i) => hits[i].count > l.max);
  if (exceeded >= 0) {
    const retryAfter = Math.max(1, Math.ceil((hits[exceeded].resetMs - now) / 1000));
    throw new AppError(
      'RATE_LIMIT_EXCEEDED',
      `Rate limit exceeded. Retry after ${retryAfter} seconds.`,
      { retry_after: retryAfter, limit: limits[exceeded].max, window: limits[exceeded].name },
      { 'Retry-After': String(retryAfter) },
    );
  }
}

/**
 * A refused credential (401) counts against its client IP: beyond AUTH_FAILURES_PER_HOUR failures
 * in the hour, further failures are answered 429 RATE_LIMIT_EXCEEDED with Retry-After instead of
 * 401. An expired token or key is not a guess and is not counted. Valid credentials from the same
 * address keep working, so one client behind a shared address cannot lock the others out.
 */
export async function throttleAuthFailure(store: RateStore, req: FastifyRequest, err: unknown): Promise<never> {
  if (
    !(err instanceof AppError) ||
    err.status !== 401 ||
    err.code === 'EXPIRED_TOKEN' ||
    err.details?.reason === 'expired'
  )
    throw err;
  const [hit] = await store.hit([{ key: `authfail:ip:${req.ip}:hour`, windowMs: AUTH_FAILURE_WINDOW_MS }]);
  if (hit.count <= AUTH_FAILURES_PER_HOUR) throw err;
  const retryAfter = Math.max(1, Math.ceil((hit.resetMs - Date.now()) / 1000));
  throw new AppError(
    'RATE_LIMIT_EXCEEDED',
    `Too many failed authentications from this address. Retry after ${retryAfter} seconds.`,
    { retry_after: retryAfter, limit: AUTH_FAILURES_PER_HOUR, window: 'hour', reason: 'authentication_failures' },
    {
      'Retry-After': String(retryAfter),
      'X-RateLimit-Limit': String(AUTH_FAILURES_PER_HOUR),
      'X-RateLimit-Remaining': '0',
      'X-RateLimit-Reset': String(Math.ceil(hit.resetMs / 1000)),
    },
  );
}
