import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';

/** Every setting ATOM reads from the environment, parsed once. */
export interface Config {
  port: number;
  host: string;
  /** Unset: embedded PGlite in `dataDir`. `memory://` gives an in-memory PGlite (tests). */
  databaseUrl: string | null;
  dataDir: string;
  redisUrl: string | null;
  adminKey: string;
  /** True when the admin key was generated on this start (printed once). */
  adminKeyGenerated: boolean;
  encryptionKey: Buffer;
  jwtSecret: Uint8Array;
  jwtTtlSeconds: number;
  testSecret: string | null;
  publicUrl: string;
  llm: { baseUrl: string | null; apiKey: string | null; model: string; historyTokens: number };
  production: boolean;
  bodyLimitBytes: number;
  /** How long a cached API-key lookup is trusted before the database is asked again. */
  apiKeyCacheSeconds: number;
  logLevel: string;
  /** Start job workers (pg-boss) in this process. */
  runWorkers: boolean;
  /** Allow plain-http loopback webhook targets (development and tests only). */
  allowInsecureWebhooks: boolean;
  /** Redis key prefix for rate-limit counters: processes that share limits share the prefix. */
  rateLimitPrefix: string;
  /** Seconds between SSE heartbeats (comment lines that keep proxies from closing the stream). */
  sseHeartbeatMs: number;
  /** How long POST /execute waits for a result before answering in_progress. */
  executionSyncBudgetMs: number;
  /** A running execution without a heartbeat for this long is taken over by another process. */
  executionStaleMs: number;
  /** How often each process looks for due workflow schedules. */
  schedulerIntervalMs: number;
  /** Webhook retry delays in ms (tests and development); null: the documented schedule. */
  webhookRetryScheduleMs: number[] | null;
  /** OAuth client settings per provider, from ATOM_OAUTH_<PROVIDER>_<SETTING>. */
  oauth: Record<string, OAuthSettings>;
  /** Worker threads of the skill sandbox (one run at a time each). */
  sandboxWorkers: number;
  /** Sandbox runs one tenant may have in progress at once (default: half the workers). */
  sandboxTenantActive: number;
  /** Sandbox runs one tenant may have waiting beyond those (default: twice the workers); more get 429 SANDBOX_BUSY. */
  sandboxTenantQueue: number;
  /** Wall-clock limit of one function-skill run, from when its worker takes it. */
  skillTimeoutMs: number;
  /** Largest skill output accepted, in bytes of serialized JSON. */
  skillOutputMaxBytes: number;
  /** Open MCP sessions per tenant in one process; more get 429 MCP_SESSION_LIMIT. */
  mcpSessionsPerTenant: number;
  /** An MCP session unused for this long is closed. */
  mcpSessionIdleMs: number;
  /** Serve Prometheus metrics (`GET /metrics`, admin key) and record them; false: neither. */
  metricsEnabled: boolean;
  /** A second port that serves only `/metrics`, without a credential (a scraper on a private network); null: none. */
  metricsPort: number | null;
  metricsHost: string;
  /** OTLP/HTTP endpoint spans are sent to; null: tracing is off and costs nothing. */
  otlpTracesUrl: string | null;
  /** Compile each route's schemas on its first use instead of at start (tests: ATOM_LAZY_SCHEMAS). */
  lazySchemas: boolean;
}

export interface OAuthSettings {
  clientId?: string;
  clientSecret?: string;
  authorizeUrl?: string;
  tokenUrl?: string;
  revokeUrl?: string;
  testUrl?: string;
}

const OAUTH_KEYS: Record<string, keyof OAuthSettings> = {
  CLIENT_ID: 'clientId', CLIENT_SECRET: 'clientSecret', AUTHORIZE_URL: 'authorizeUrl',
  TOKEN_URL: 'tokenUrl', REVOKE_URL: 'revokeUrl', TEST_URL: 'testUrl',
};

/** `ATOM_OAUTH_GITHUB_CLIENT_ID=…` → `{ github: { clientId: … } }`. */
function oauthSettings(env: Env): Record<string, OAuthSettings> {
  const out: Record<string, OAuthSettings> = {};
  for (const [name, value] of Object.entries(env)) {
    const m = /^ATOM_OAUTH_([A-Z0-9]+)_(CLIENT_ID|CLIENT_SECRET|AUTHORIZE_URL|TOKEN_URL|REVOKE_URL|TEST_URL)$/.exec(name);
    if (!m || !value) continue;
    const provider = m[1].toLowerCase();
    out[provider] ??= {};
    out[provider][OAUTH_KEYS[m[2]]] = value;
  }
  return out;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return n;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

interface Secrets {
  adminKey?: string;
  encryptionKey?: string;
  jwtSecret?: string;
}

/**
 * Secrets left unset are generated on first start and kept in the data directory, so a restart
 * keeps tokens and encrypted data valid. In production they must be given.
 */
function loadSecrets(env: Env, dataDir: string, persist: boolean, production: boolean) {
  const missing = ['ATOM_ADMIN_KEY', 'ATOM_ENCRYPTION_KEY', 'ATOM_JWT_SECRET'].filter((n) => !env[n]);
  if (production && missing.length > 0) {
    throw new ConfigError(`NODE_ENV=production requires ${missing.join(', ')} to be set`);
  }
  const file = join(dataDir, 'secrets.json');
  const existed = persist && existsSync(file);
  const stored: Secrets = existed ? (JSON.parse(readFileSync(file, 'utf8')) as Secrets) : {};
  let generatedAdmin = false;
  let next: Secrets = { ...stored };
  if (!env.ATOM_ADMIN_KEY && !next.adminKey) {
    next.adminKey = `adm_${randomBytes(24).toString('base64url')}`;
    generatedAdmin = true;
  }
  next.encryptionKey ??= randomBytes(32).toString('base64');
  next.jwtSecret ??= randomBytes(32).toString('base64');
  if (persist && JSON.stringify(next) !== JSON.stringify(stored)) {
    // Whether the file was there when read, not now: another process may have created it since,
    // and replacing it would leave the two with different secrets.
    const kept = saveSecrets(dataDir, file, next, existed);
    generatedAdmin &&= kept === next;
    next = kept;
  }
  const adminKey = env.ATOM_ADMIN_KEY || next.adminKey!;
  const encryptionKey = Buffer.from(env.ATOM_ENCRYPTION_KEY || next.encryptionKey!, 'base64');
  if (encryptionKey.length !== 32) throw new ConfigError('ATOM_ENCRYPTION_KEY must be 32 bytes, base64-encoded');
  const jwtSecret = new TextEncoder().encode(env.ATOM_JWT_SECRET || next.jwtSecret!);
  return { adminKey, adminKeyGenerated: generatedAdmin && !env.ATOM_ADMIN_KEY, encryptionKey, jwtSecret };
}

/**
 * Writes the secrets file whole (a temporary file moved into place), so processes starting
 * together on one data directory never read it half-written. The first to create it wins: the
 * others keep its secrets, or tokens signed by one would be refused by another.
 */
function saveSecrets(dataDir: string, file: string, next: Secrets, exists: boolean): Secrets {
  mkdirSync(dataDir, { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(tmp, JSON.stringify(next, null, 2), { mode: 0o600 });
  try {
    if (exists) {
      renameSync(tmp, file);
      return next;
    }
    linkSync(tmp, file); // fails if another process created it meanwhile
    return next;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return JSON.parse(readFileSync(file, 'utf8')) as Secrets;
  } finally {
    rmSync(tmp, { force: true });
  }
}

export function loadConfig(env: Env = process.env): Config {
  const production = env.NODE_ENV === 'production';
  const databaseUrl = env.DATABASE_URL || null;
  const dataDir = resolve(env.ATOM_DATA_DIR || './data');
  const persist = !databaseUrl?.startsWith('memory://');
  const port = int(env, 'PORT', 3000, 0, 65535);
  const host = env.HOST || (production ? '0.0.0.0' : '127.0.0.1');
  const secrets = loadSecrets(env, dataDir, persist, production);
  return {
    port,
    host,
    databaseUrl,
    dataDir,
    redisUrl: env.REDIS_URL || null,
    ...secrets,
    jwtTtlSeconds: int(env, 'ATOM_JWT_TTL_SECONDS', 3600, 60),
    testSecret: env.ATOM_TEST_SECRET || null,
    publicUrl: (env.ATOM_PUBLIC_URL || `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`).replace(/\/$/, ''),
    llm: {
      baseUrl: env.ATOM_LLM_BASE_URL || null,
      apiKey: env.ATOM_LLM_API_KEY || null,
      model: env.ATOM_LLM_MODEL || 'gpt-4o-mini',
      // Earlier chat messages sent to the model are trimmed (oldest exchanges first) to this many tokens.
      historyTokens: int(env, 'ATOM_LLM_HISTORY_TOKENS', 4000, 0, 1_000_000),
    },
    production,
    bodyLimitBytes: int(env, 'ATOM_BODY_LIMIT_BYTES', 1024 * 1024, 1024),
    apiKeyCacheSeconds: int(env, 'ATOM_API_KEY_CACHE_SECONDS', 5, 0, 300),
    logLevel: env.LOG_LEVEL || (production ? 'info' : 'warn'),
    runWorkers: bool(env, 'ATOM_RUN_WORKERS', true),
    allowInsecureWebhooks: bool(env, 'ATOM_ALLOW_INSECURE_WEBHOOKS', false),
    oauth: oauthSettings(env),
    webhookRetryScheduleMs: env.ATOM_WEBHOOK_RETRY_SCHEDULE_MS ? env.ATOM_WEBHOOK_RETRY_SCHEDULE_MS.split(',').map((v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new ConfigError('ATOM_WEBHOOK_RETRY_SCHEDULE_MS must be comma-separated milliseconds');
      return n;
    }) : null,
    rateLimitPrefix: env.ATOM_RATE_LIMIT_PREFIX || 'atom:rl',
    sseHeartbeatMs: int(env, 'ATOM_SSE_HEARTBEAT_MS', 15_000, 100, 600_000),
    executionSyncBudgetMs: int(env, 'ATOM_EXECUTION_SYNC_MS', 2500, 0, 60_000),
    executionStaleMs: int(env, 'ATOM_EXECUTION_STALE_SECONDS', 30, 1, 3600) * 1000,
    schedulerIntervalMs: int(env, 'ATOM_SCHEDULER_INTERVAL_MS', 1000, 100, 60_000),
    ...sandboxSettings(env),
    skillTimeoutMs: int(env, 'ATOM_SKILL_TIMEOUT_MS', 2000, 50, 60_000),
    skillOutputMaxBytes: int(env, 'ATOM_SKILL_OUTPUT_MAX_BYTES', 256 * 1024, 1024, 16 * 1024 * 1024),
    mcpSessionsPerTenant: int(env, 'ATOM_MCP_SESSIONS_PER_TENANT', 50, 1, 100_000),
    mcpSessionIdleMs: int(env, 'ATOM_MCP_SESSION_IDLE_SECONDS', 900, 1, 86_400) * 1000,
    lazySchemas: bool(env, 'ATOM_LAZY_SCHEMAS', false),
    ...observabilitySettings(env, host),
  };
}

/** Metrics (Prometheus) and traces (OpenTelemetry, with its own variable names). */
function observabilitySettings(env: Env, host: string) {
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.replace(/\/+$/, '');
  const disabled = bool(env, 'OTEL_SDK_DISABLED', false);
  return {
    metricsEnabled: bool(env, 'ATOM_METRICS', true),
    metricsPort: env.ATOM_METRICS_PORT ? int(env, 'ATOM_METRICS_PORT', 0, 0, 65535) : null,
    metricsHost: env.ATOM_METRICS_HOST || host,
    otlpTracesUrl: disabled ? null : env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || (base ? `${base}/v1/traces` : null),
  };
}

/** The sandbox pool and each tenant's share of it; the shares default from the pool's size. */
function sandboxSettings(env: Env) {
  const sandboxWorkers = int(env, 'ATOM_SANDBOX_WORKERS', Math.max(1, Math.min(4, availableParallelism())), 1, 256);
  return {
    sandboxWorkers,
    sandboxTenantActive: int(env, 'ATOM_SANDBOX_TENANT_ACTIVE', Math.max(1, Math.floor(sandboxWorkers / 2)), 1, 256),
    sandboxTenantQueue: int(env, 'ATOM_SANDBOX_TENANT_QUEUE', 2 * sandboxWorkers, 0, 1000),
  };
}
