import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { Redis } from 'ioredis';
import type { Principal } from '../src/platform/auth/principal.js';
import { AppError } from '../src/platform/errors.js';
import { registerErrorHandling } from '../src/platform/http/error-handler.js';
import { PLAN_LIMITS } from '../src/platform/plans.js';
import { enforceRateLimit, redisRateStore } from '../src/platform/ratelimit/index.js';
import { type Limit, limitsFor } from '../src/platform/ratelimit/limits.js';

/**
 * The rate limiter alone, for bench/ratelimit.ts (issue 22): one process, one Fastify app, four
 * routes answering the same small JSON body.
 *   /bare          no hook
 *   /ours          ATOM's limiter (src/platform/ratelimit, leased counts in Redis), both windows
 *   /plugin        @fastify/rate-limit registered twice (per-minute per credential, per-day per
 *                  tenant), its Redis store, its own headers: what the plugin gives when used as documented
 *   /plugin-pair   the plugin's two limiters from `createRateLimit`, asked at once in one hook, ATOM's
 *                  headers written from their answers: the closest the plugin gets to what we need
 * Every limited route sees a team-plan API key already authenticated (set by a hook, as ATOM's guard
 * does before it limits). The day limit and the per-minute override are raised out of the way so no
 * request is refused: every request is still counted in both windows. Each limiter has its own Redis
 * connection; GET /stats answers the commands sent on each. Prints one JSON line with the targets.
 */
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `atom:bench:rl:${process.pid}:${Date.now()}`;
const BIG = 1_000_000_000;
PLAN_LIMITS.team.requestsPerDay = BIG;

const sent = new WeakMap<Redis, number>();
const sendCommand = Redis.prototype.sendCommand;
Redis.prototype.sendCommand = function (this: Redis, ...args: Parameters<typeof sendCommand>) {
  sent.set(this, (sent.get(this) ?? 0) + 1);
  return sendCommand.apply(this, args);
};
const clients = { ours: new Redis(REDIS_URL), plugin: new Redis(REDIS_URL), pair: new Redis(REDIS_URL) };

const principal: Principal = {
  kind: 'api_key',
  tenantId: 'ten_bench',
  userId: null,
  keyId: 'key_bench',
  role: 'admin',
  scope: 'read_write',
  permissions: new Set(),
  rateKey: 'key:key_bench',
  tenant: {
    id: 'ten_bench',
    plan: 'team',
    status: 'active',
    rate_limit_per_minute: BIG,
  } as unknown as Principal['tenant'],
};
const authenticate = async (req: FastifyRequest) => {
  req.principal = principal;
};

const app = Fastify({ logger: false });
app.decorateRequest('principal', null);
registerErrorHandling(app);
const body = { hello: 'world' };
app.get('/bare', async () => body);
app.get('/stats', async () => Object.fromEntries(Object.entries(clients).map(([k, c]) => [k, sent.get(c) ?? 0])));

const ours = redisRateStore(clients.ours, `${PREFIX}:ours`);
app.register(async (scope) => {
  scope.addHook('onRequest', async (req, reply) => {
    await authenticate(req);
    await enforceRateLimit(ours, req, reply, req.principal);
  });
  scope.get('/ours', async () => body);
});

/** The plugin's options for one of ATOM's windows of the caller: key, max and window from limitsFor. */
const windowOf = (req: FastifyRequest, name: Limit['name']) => limitsFor(req.principal).find((l) => l.name === name)!;
const keyOf = (req: FastifyRequest, name: Limit['name']) =>
  windowOf(req, name).per === 'tenant' ? `tenant:${req.principal!.tenantId}` : req.principal!.rateKey;
const exceeded = (name: Limit['name']) => (_req: FastifyRequest, ctx: { max: number; ttl: number }) => {
  const retryAfter = Math.max(1, Math.ceil(ctx.ttl / 1000));
  return new AppError('RATE_LIMIT_EXCEEDED', `Rate limit exceeded. Retry after ${retryAfter} seconds.`, {
    retry_after: retryAfter,
    limit: ctx.max,
    window: name,
  });
};
const pluginOptions = (name: Limit['name'], redis: Redis) => ({
  redis,
  nameSpace: `${PREFIX}:plugin:${name}:`,
  keyGenerator: (req: FastifyRequest) => `${keyOf(req, name)}:${name}`,
  max: (req: FastifyRequest) => windowOf(req, name).max,
  timeWindow: (req: FastifyRequest) => windowOf(req, name).windowMs,
  errorResponseBuilder: exceeded(name),
});

app.register(async (scope: FastifyInstance) => {
  // The plugin's hooks are added to each route: they run after this scope's onRequest hooks, so the
  // key generator sees the caller. The second registration's headers overwrite the first's.
  scope.addHook('onRequest', authenticate);
  await scope.register(rateLimit, pluginOptions('day', clients.plugin));
  await scope.register(rateLimit, pluginOptions('minute', clients.plugin));
  scope.get('/plugin', async () => body);
});

app.register(async (scope: FastifyInstance) => {
  await scope.register(rateLimit, { global: false, redis: clients.pair, nameSpace: `${PREFIX}:pair:` });
  const minute = scope.createRateLimit(pluginOptions('minute', clients.pair));
  const day = scope.createRateLimit(pluginOptions('day', clients.pair));
  scope.addHook('onRequest', async (req, reply) => {
    await authenticate(req);
    const limits = limitsFor(req.principal);
    const answers = await Promise.all([minute(req), day(req)]);
    // ATOM's headers from the plugin's answers (the tightest window); reset is the store's TTL.
    let t = 0;
    if ('remaining' in answers[1] && 'remaining' in answers[0] && answers[1].remaining < answers[0].remaining) t = 1;
    const a = answers[t];
    if (!('remaining' in a)) return;
    const now = Date.now();
    reply.header('X-RateLimit-Limit', a.max);
    reply.header('X-RateLimit-Remaining', a.remaining);
    reply.header('X-RateLimit-Reset', Math.ceil((now + a.ttl) / 1000));
    reply.header('RateLimit-Policy', limits.map((l) => `${l.max};w=${l.windowMs / 1000}`).join(', '));
    reply.header('RateLimit', `limit=${a.max}, remaining=${a.remaining}, reset=${a.ttlInSeconds}`);
    const over = answers.findIndex((x) => 'isExceeded' in x && x.isExceeded);
    if (over >= 0) throw exceeded(over === 0 ? 'minute' : 'day')(req, answers[over] as { max: number; ttl: number });
  });
  scope.get('/plugin-pair', async () => body);
});

const address = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ base: address, prefix: PREFIX })}\n`);
process.on('SIGTERM', async () => {
  // The run's keys (a day window would otherwise stay a day).
  const keys = await clients.ours.keys(`${PREFIX}:*`);
  if (keys.length > 0) await clients.ours.del(...keys);
  process.exit(0);
});
