import cors from '@fastify/cors';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import type { DestinationStream } from 'pino';
import type { Config } from './config.js';
import { MODULES } from './modules/index.js';
import { sandboxStats } from './modules/skills/sandbox/index.js';
import { registerGuard } from './platform/auth/guard.js';
import { CredentialResolver } from './platform/auth/resolver.js';
import { memoryBus, redisBus } from './platform/bus.js';
import type { AppContext } from './platform/context.js';
import { openDatabase } from './platform/db/index.js';
import { migrate } from './platform/db/migrate.js';
import { Outbox } from './platform/events.js';
import { registerConsole } from './platform/http/console.js';
import { registerDocs } from './platform/http/docs.js';
import { registerErrorHandling, sendError, toAppError } from './platform/http/error-handler.js';
import { registerHostileInputGuards } from './platform/http/hostile.js';
import { registerIdempotency } from './platform/http/idempotency.js';
import { lazySchemaController } from './platform/http/lazy-schemas.js';
import { registerSecurityHeaders } from './platform/http/security-headers.js';
import { V1Aliases } from './platform/http/v1-alias.js';
import { newRequestId } from './platform/ids.js';
import { Jobs } from './platform/jobs.js';
import { loggerOptions } from './platform/logging.js';
import { registerHttpMetrics } from './platform/metrics/http.js';
import { Metrics } from './platform/metrics/index.js';
import { memoryRateStore, redisRateStore } from './platform/ratelimit/index.js';
import { ToolRegistry } from './platform/tools.js';
import { startTracing, type Tracing } from './platform/tracing/index.js';

export interface RouteInfo {
  method: string;
  url: string;
  auth: string;
  permission?: string;
  write: boolean;
}

export interface Built {
  app: FastifyInstance;
  /** Every route with what it accepts, for the shared authorisation suite and docs checks. */
  routes: RouteInfo[];
  ctx: AppContext;
  /** Stops HTTP, workers, and closes every connection. */
  close(): Promise<void>;
}

/**
 * Builds the whole server: platform services, then every module, explicitly. `logStream` receives the log lines
 * (tests).
 */
export async function buildApp(config: Config, opts: { logStream?: DestinationStream } = {}): Promise<Built> {
  const tracing = await startTracing(config);
  const rawDb = await openDatabase(config);
  // A refused or failed migration stops the start without leaving the connections open.
  await migrate(rawDb).catch(async (err: unknown) => {
    await rawDb.close();
    throw err;
  });
  const db = tracing ? tracing.db(rawDb) : rawDb;
  // Auto-pipelining sends the rate-limit scripts of concurrent requests in one write.
  const redis = config.redisUrl
    ? new Redis(config.redisUrl, { maxRetriesPerRequest: 2, enableAutoPipelining: true })
    : null;
  redis?.on('error', () => undefined);
  const bus = config.redisUrl ? redisBus(config.redisUrl) : memoryBus();
  const rates = redis ? redisRateStore(redis, config.rateLimitPrefix) : memoryRateStore();
  const metrics: Metrics | null = config.metricsEnabled
    ? new Metrics({ db: rawDb, queues: (): string[] => jobs.queues(), sandbox: sandboxStats })
    : null;
  const jobs = new Jobs(db, instrumentJobs(metrics, tracing));
  const outbox = new Outbox(jobs, {
    expireInSeconds: config.eventJobExpireSeconds,
    observe: metrics ? (type, data) => metrics.event(type, data) : undefined,
  });
  const resolver = new CredentialResolver(db, config);
  await resolver.listen(bus);
  const ctx: AppContext = {
    config,
    db,
    jobs,
    outbox,
    bus,
    rates,
    resolver,
    redis,
    tools: new ToolRegistry(),
    metrics,
    tracing,
  };

  const v1 = new V1Aliases();
  const app = Fastify({
    rewriteUrl: (req) => v1.rewrite(req.url ?? '/'),
    // Silent: no logger at all, so no per-request child logger is made for lines that are never written.
    logger: config.logLevel === 'silent' && !opts.logStream ? false : loggerOptions(config.logLevel, opts.logStream),
    bodyLimit: config.bodyLimitBytes,
    genReqId: () => newRequestId(),
    requestIdHeader: false,
    trustProxy: config.production,
    // The router's own refusals (bad percent-encoding, an overlong path parameter) in the envelope.
    frameworkErrors: (err, req, reply) => sendError(req, reply, toAppError(err)),
    ...(config.lazySchemas ? { schemaController: lazySchemaController() } : {}),
    ajv: { customOptions: { removeAdditional: true, coerceTypes: 'array', useDefaults: true, allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // First hooks of all: the request's span is current for every later hook and the handler.
  tracing?.http(app);
  registerHttpMetrics(app, metrics);
  const routes: RouteInfo[] = [];
  app.addHook('onRoute', (r) => {
    const cfg = r.config ?? {};
    v1.add(r.url);
    for (const method of [r.method].flat()) {
      if (method === 'HEAD' || (r.schema as { hide?: boolean } | undefined)?.hide) continue;
      routes.push({
        method,
        url: r.url,
        auth: cfg.auth ?? 'tenant',
        permission: cfg.permission,
        write: cfg.write ?? !['GET', 'OPTIONS'].includes(method),
      });
    }
  });
  registerErrorHandling(app);
  registerHostileInputGuards(app);
  registerSecurityHeaders(app, { contentSecurityPolicy: false });
  await app.register(cors, {
    origin: true,
    exposedHeaders: [
      'Idempotent-Replayed',
      'X-RateLimit-Limit',
      'X-RateLimit-Remaining',
      'X-RateLimit-Reset',
      'RateLimit',
      'RateLimit-Policy',
      'Retry-After',
      'X-Request-Id',
    ],
  });
  // A write with no body validates as `{}`, so a missing field is named instead of "body must be object".
  // Hooks on every request take a callback: an async one costs a promise and a turn of the microtask queue.
  app.addHook('preValidation', (req, _reply, done) => {
    if (req.body === undefined && req.method !== 'GET' && req.method !== 'HEAD') req.body = {};
    done();
  });
  const servedBy = `${process.pid}`;
  app.addHook('onSend', (req, reply, payload, done) => {
    reply.header('X-Request-Id', req.id);
    reply.header('X-Served-By', servedBy);
    done(null, payload);
  });
  await registerDocs(app, config.publicUrl);
  registerGuard(app, resolver, rates);
  registerIdempotency(app, db);

  for (const mod of MODULES) {
    await mod.setup?.(ctx);
    if (mod.routes) await app.register(mod.routes(ctx));
  }
  // Last, so the console's catch-all never comes before an API route.
  await registerConsole(app);
  await jobs.start(config.runWorkers);
  await app.ready();

  let closed = false;
  return {
    app,
    routes,
    ctx,
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      await jobs.stop();
      await bus.close();
      await rates.close();
      await redis?.quit().catch(() => undefined);
      await db.close();
      await tracing?.shutdown();
    },
  };
}

/** Every queue handler counted and timed (metrics) and in a span (tracing), when those are on. */
function instrumentJobs(metrics: Metrics | null, tracing: Tracing | null) {
  if (!metrics && !tracing) return undefined;
  return <T>(queue: string, handler: (job: T) => Promise<void>) => {
    const traced = tracing ? tracing.job(queue, handler) : handler;
    return metrics ? metrics.job(queue, traced) : traced;
  };
}
