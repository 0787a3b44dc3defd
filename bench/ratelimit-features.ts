import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyRequest } from 'fastify';
import { AppError } from '../src/platform/errors.js';
import { registerErrorHandling } from '../src/platform/http/error-handler.js';

/**
 * Issue 22: what @fastify/rate-limit answers where ATOM's limiter has a rule (docs/decisions.md,
 * "Issue 22: rate limiting — why not @fastify/rate-limit"). In memory, app.inject, small limits:
 *   node --import tsx bench/ratelimit-features.ts
 * A caller with a per-minute limit of 5 (per credential) and a per-day limit of 3 (per tenant),
 * the plugin registered twice as documented (day first, then minute), plus the IETF draft option.
 */
const headersOf = (h: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(h).filter(([k]) => /ratelimit|retry-after/i.test(k)));

async function twoWindows() {
  const app = Fastify({ logger: false });
  app.decorateRequest('principal', null);
  registerErrorHandling(app);
  app.addHook('onRequest', async (req: FastifyRequest) => {
    req.principal = { tenantId: 'ten_1', rateKey: 'key:1' } as FastifyRequest['principal'];
  });
  const window = (name: 'minute' | 'day', max: number, ms: number, key: (r: FastifyRequest) => string) => ({
    max,
    timeWindow: ms,
    keyGenerator: (r: FastifyRequest) => `${key(r)}:${name}`,
    errorResponseBuilder: (_r: FastifyRequest, ctx: { ttl: number; max: number }) =>
      new AppError('RATE_LIMIT_EXCEEDED', 'Rate limit exceeded.', {
        retry_after: Math.ceil(ctx.ttl / 1000),
        limit: ctx.max,
        window: name,
      }),
  });
  await app.register(
    rateLimit,
    window('day', 3, 86_400_000, (r) => `tenant:${r.principal!.tenantId}`),
  );
  await app.register(
    rateLimit,
    window('minute', 5, 60_000, (r) => r.principal!.rateKey),
  );
  app.get('/x', async () => ({ ok: true }));
  for (let i = 1; i <= 4; i++) {
    const res = await app.inject({ url: '/x' });
    console.log(
      `two registrations, request ${i}: ${res.statusCode}`,
      JSON.stringify(headersOf(res.headers)),
      res.statusCode === 429 ? res.body : '',
    );
  }
  await app.close();
}

async function draftSpec() {
  const app = Fastify({ logger: false });
  await app.register(rateLimit, { max: 5, timeWindow: 60_000, enableDraftSpec: true });
  app.get('/x', async () => ({ ok: true }));
  const res = await app.inject({ url: '/x' });
  console.log('enableDraftSpec:', JSON.stringify(headersOf(res.headers)));
  await app.close();
}

async function defaultError() {
  const app = Fastify({ logger: false });
  registerErrorHandling(app);
  await app.register(rateLimit, { max: 1, timeWindow: 60_000 });
  app.get('/x', async () => ({ ok: true }));
  await app.inject({ url: '/x' });
  const res = await app.inject({ url: '/x' });
  console.log(`default errorResponseBuilder through ATOM's error handler: ${res.statusCode}`, res.body);
  await app.close();
}

await twoWindows();
await draftSpec();
await defaultError();
