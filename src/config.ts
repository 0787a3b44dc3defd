import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { ConfigError, type Env, parseEnv } from './config/parse.js';
import type { EnvSettings, OAuthSettingName } from './config/schema.js';
import { loadSecrets } from './config/secrets.js';

export { ConfigError };

/**
 * Every setting ATOM reads from the environment, parsed once. The variables, their types, ranges,
 * defaults and meanings are `ConfigSchema` (src/config/schema.ts, and README's configuration table
 * generated from it); this is what the code uses, derived from it: the same values under the names
 * the code knows them by, with the defaults that depend on other settings or the machine filled in.
 */
export type Config = ReturnType<typeof loadConfig>;

const OAUTH_FIELDS = {
  CLIENT_ID: 'clientId',
  CLIENT_SECRET: 'clientSecret',
  AUTHORIZE_URL: 'authorizeUrl',
  TOKEN_URL: 'tokenUrl',
  REVOKE_URL: 'revokeUrl',
  TEST_URL: 'testUrl',
} as const satisfies Record<OAuthSettingName, string>;

/** One provider's OAuth client settings, from ATOM_OAUTH_<PROVIDER>_<SETTING>. */
export type OAuthSettings = { [K in OAuthSettingName as (typeof OAUTH_FIELDS)[K]]?: string };

function oauthSettings(
  parsed: Record<string, Partial<Record<OAuthSettingName, string>>>,
): Record<string, OAuthSettings> {
  const out: Record<string, OAuthSettings> = {};
  for (const [provider, given] of Object.entries(parsed)) {
    out[provider] = {};
    for (const [name, value] of Object.entries(given)) out[provider][OAUTH_FIELDS[name as OAuthSettingName]] = value;
  }
  return out;
}

export function loadConfig(env: Env = process.env) {
  const { settings: s, oauth } = parseEnv(env);
  const production = s.NODE_ENV === 'production';
  const databaseUrl = s.DATABASE_URL ?? null;
  const dataDir = resolve(s.ATOM_DATA_DIR);
  const host = s.HOST ?? (production ? '0.0.0.0' : '127.0.0.1');
  const secrets = loadSecrets(s, dataDir, !databaseUrl?.startsWith('memory://'), production);
  return {
    port: s.PORT,
    host,
    /** Unset: embedded PGlite in `dataDir`. `memory://` gives an in-memory PGlite (tests). */
    databaseUrl,
    dataDir,
    redisUrl: s.REDIS_URL ?? null,
    /**
     * adminKey, encryptionKey, jwtSecret, and adminKeyGenerated: true when the admin key was generated on this start
     * (printed once).
     */
    ...secrets,
    jwtTtlSeconds: s.ATOM_JWT_TTL_SECONDS,
    testSecret: s.ATOM_TEST_SECRET ?? null,
    publicUrl: (s.ATOM_PUBLIC_URL ?? `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${s.PORT}`).replace(/\/$/, ''),
    llm: {
      baseUrl: s.ATOM_LLM_BASE_URL ?? null,
      apiKey: s.ATOM_LLM_API_KEY ?? null,
      model: s.ATOM_LLM_MODEL,
      /** Earlier chat messages sent to the model are trimmed (oldest exchanges first) to this many tokens. */
      historyTokens: s.ATOM_LLM_HISTORY_TOKENS,
    },
    production,
    bodyLimitBytes: s.ATOM_BODY_LIMIT_BYTES,
    /** How long a cached API-key lookup is trusted before the database is asked again. */
    apiKeyCacheSeconds: s.ATOM_API_KEY_CACHE_SECONDS,
    logLevel: s.LOG_LEVEL ?? (production ? 'info' : 'warn'),
    /** Start job workers (pg-boss) in this process. */
    runWorkers: s.ATOM_RUN_WORKERS,
    /** Server processes of `npm run start:cluster` (src/cluster.ts). */
    clusterWorkers: s.ATOM_WORKERS ?? availableParallelism(),
    /** Allow plain-http loopback webhook targets (development and tests only). */
    allowInsecureWebhooks: s.ATOM_ALLOW_INSECURE_WEBHOOKS,
    /** OAuth client settings per provider, from ATOM_OAUTH_<PROVIDER>_<SETTING>. */
    oauth: oauthSettings(oauth),
    /** Webhook retry delays in ms (tests and development); null: the documented schedule. */
    webhookRetryScheduleMs: s.ATOM_WEBHOOK_RETRY_SCHEDULE_MS ?? null,
    /** Redis key prefix for rate-limit counters: processes that share limits share the prefix. */
    rateLimitPrefix: s.ATOM_RATE_LIMIT_PREFIX,
    /** Milliseconds between SSE heartbeats (comment lines that keep proxies from closing the stream). */
    sseHeartbeatMs: s.ATOM_SSE_HEARTBEAT_MS,
    /** How long POST /execute waits for a result before answering in_progress. */
    executionSyncBudgetMs: s.ATOM_EXECUTION_SYNC_MS,
    /** A running execution without a heartbeat for this long is taken over by another process. */
    executionStaleMs: s.ATOM_EXECUTION_STALE_SECONDS * 1000,
    /**
     * How often each process sweeps for runs whose lease expired (a crashed run is taken over within stale + sweep).
     */
    executionSweepMs: s.ATOM_EXECUTION_SWEEP_MS ?? Math.min(5000, s.ATOM_EXECUTION_STALE_SECONDS * 500),
    /** An event subscriber's job active longer than this is retried (a process killed mid-batch). */
    eventJobExpireSeconds: s.ATOM_EVENT_JOB_EXPIRE_SECONDS,
    /** How often each process looks for due workflow schedules. */
    schedulerIntervalMs: s.ATOM_SCHEDULER_INTERVAL_MS,
    ...sandboxSettings(s),
    /** Wall-clock limit of one function-skill run, from when its worker takes it. */
    skillTimeoutMs: s.ATOM_SKILL_TIMEOUT_MS,
    /** Largest skill output accepted, in bytes of serialized JSON. */
    skillOutputMaxBytes: s.ATOM_SKILL_OUTPUT_MAX_BYTES,
    /** Open MCP sessions per tenant in one process; more get 429 MCP_SESSION_LIMIT. */
    mcpSessionsPerTenant: s.ATOM_MCP_SESSIONS_PER_TENANT,
    /** An MCP session unused for this long is closed. */
    mcpSessionIdleMs: s.ATOM_MCP_SESSION_IDLE_SECONDS * 1000,
    /** Compile each route's schemas on its first use instead of at start (tests: ATOM_LAZY_SCHEMAS). */
    lazySchemas: s.ATOM_LAZY_SCHEMAS,
    ...observabilitySettings(s, host),
  };
}

/** Metrics (Prometheus) and traces (OpenTelemetry, with its own variable names). */
function observabilitySettings(s: EnvSettings, host: string) {
  const base = s.OTEL_EXPORTER_OTLP_ENDPOINT?.replace(/\/+$/, '');
  return {
    /** Serve Prometheus metrics (`GET /metrics`, admin key) and record them; false: neither. */
    metricsEnabled: s.ATOM_METRICS,
    /** A second port that serves only `/metrics`, without a credential (a scraper on a private network); null: none. */
    metricsPort: s.ATOM_METRICS_PORT ?? null,
    metricsHost: s.ATOM_METRICS_HOST ?? host,
    /** OTLP/HTTP endpoint spans are sent to; null: tracing is off and costs nothing. */
    otlpTracesUrl: s.OTEL_SDK_DISABLED
      ? null
      : (s.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (base ? `${base}/v1/traces` : null)),
    /** The service name spans carry. */
    otelServiceName: s.OTEL_SERVICE_NAME,
  };
}

/** The sandbox pool and each tenant's share of it; the shares default from the pool's size. */
function sandboxSettings(s: EnvSettings) {
  const sandboxWorkers = s.ATOM_SANDBOX_WORKERS ?? Math.max(1, Math.min(4, availableParallelism()));
  return {
    /** Worker threads of the skill sandbox (one run at a time each). */
    sandboxWorkers,
    /** Sandbox runs one tenant may have in progress at once (default: half the workers). */
    sandboxTenantActive: s.ATOM_SANDBOX_TENANT_ACTIVE ?? Math.max(1, Math.floor(sandboxWorkers / 2)),
    /**
     * Sandbox runs one tenant may have waiting beyond those (default: twice the workers); more get 429 SANDBOX_BUSY.
     */
    sandboxTenantQueue: s.ATOM_SANDBOX_TENANT_QUEUE ?? 2 * sandboxWorkers,
  };
}

/**
 * Test hooks, not configuration (not in the schema, nor in README's table): read here so that this
 * file stays the one reader of the environment. `ATOM_TEST_CRASH_AT` arms a crash point
 * (src/platform/crash-point.ts) for the kill -9 tests; unset in every real deployment.
 */
export const testHooks = { crashAt: process.env.ATOM_TEST_CRASH_AT || null };
