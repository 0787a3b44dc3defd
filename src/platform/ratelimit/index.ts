import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import type { Principal } from '../auth/principal.js';
import { limitsFor } from './limits.js';
import type { RateStore } from './store.js';

export * from './store.js';

/**
 * Counts the request in every window that applies and writes the headers of the tightest one:
 * X-RateLimit-* (seconds since epoch for Reset, as the seeds show) and the IETF RateLimit /
 * RateLimit-Policy fields. Over the limit: 429 RATE_LIMIT_EXCEEDED with Retry-After.
 */
export async function enforceRateLimit(store: RateStore, req: FastifyRequest, reply: FastifyReply, principal: Principal | null) {
  const limits = limitsFor(principal);
  if (limits.length === 0) return;
  const subject = principal ? principal.rateKey : `ip:${req.ip}`;
  const hits = await store.hit(limits.map((l) => ({ key: `${subject}:${l.name}`, windowMs: l.windowMs })));
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
