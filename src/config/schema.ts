import { type Static, type TSchema, Type } from '@sinclair/typebox';

/**
 * Every environment variable the server reads, in one TypeBox schema: its type, range or accepted
 * values, default and meaning. `src/config/parse.ts` turns the environment's strings into a value of
 * this schema (or stops start-up naming the variable); `src/config.ts` maps that value onto the
 * `Config` the code uses; `npm run docs:config` writes README's configuration table from it.
 *
 * Annotations beyond JSON Schema, read by the parser and the table:
 *   x-default  the default in words, when it is computed at start (from other variables or the machine)
 *   x-accepts  what the variable accepts in words, when its pattern says it less clearly
 *   x-url      checked with `URL.canParse` too (a pattern alone accepts `http://a b`)
 *   x-secret   never echoed in an error message (credentials, or URLs that may hold one)
 */

/** JavaScript's largest exact integer: the bound of an integer setting without a natural maximum. */
const MAX = Number.MAX_SAFE_INTEGER;
const int = (minimum: number, maximum: number, opts: { default?: number; description: string; 'x-default'?: string }) =>
  Type.Integer({ minimum, maximum, ...opts });
const bool = (value: boolean, description: string) => Type.Boolean({ default: value, description });
/** Text without whitespace (a host name, a prefix, a model name). */
const word = (opts: { default?: string; description: string; 'x-default'?: string; 'x-secret'?: boolean }) =>
  Type.String({ pattern: '^\\S+$', 'x-accepts': 'text without spaces', ...opts });
const httpUrl = (opts: { description: string; 'x-default'?: string }) =>
  Type.String({ pattern: '^https?://\\S+$', 'x-accepts': 'an `http://` or `https://` URL', 'x-url': true, ...opts });
const secret = (description: string, xDefault: string) =>
  Type.String({ description, 'x-default': xDefault, 'x-secret': true });
const opt = <T extends TSchema>(schema: T) => Type.Optional(schema);

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const ConfigSchema = Type.Object({
  PORT: int(0, 65535, { default: 3000, description: 'HTTP port (`0`: any free port)' }),
  HOST: opt(word({ description: 'interface to listen on', 'x-default': '`127.0.0.1` (`0.0.0.0` in production)' })),
  DATABASE_URL: opt(
    Type.String({
      pattern: '^(postgres(ql)?|memory)://',
      'x-accepts': 'a `postgres://` or `postgresql://` URL, or `memory://`',
      'x-secret': true,
      'x-default': 'unset: embedded PGlite',
      description: 'PostgreSQL to use (same migrations); `memory://` for a throw-away embedded database',
    }),
  ),
  ATOM_DATA_DIR: Type.String({
    default: './data',
    'x-accepts': 'a directory path',
    description: 'embedded database and generated secrets',
  }),
  REDIS_URL: opt(
    Type.String({
      pattern: '^(rediss?://|/)',
      'x-accepts': 'a `redis://` or `rediss://` URL, or a Unix socket path',
      'x-secret': true,
      'x-default': 'unset: in-process',
      description: 'Redis for shared rate limits, key-revocation broadcast and streaming fan-out across processes',
    }),
  ),
  ATOM_ADMIN_KEY: opt(secret('platform admin key (`X-Admin-Key`)', 'generated on first start')),
  ATOM_ENCRYPTION_KEY: opt(
    Type.String({
      'x-accepts': '32 bytes, base64-encoded',
      'x-default': 'generated',
      'x-secret': true,
      description: 'encrypts secrets at rest (AES-256-GCM)',
    }),
  ),
  ATOM_JWT_SECRET: opt(secret('signs user JWTs (HS256)', 'generated')),
  ATOM_JWT_TTL_SECONDS: int(60, MAX, { default: 3600, description: 'JWT lifetime in seconds' }),
  ATOM_TEST_SECRET: opt(
    secret("enables the seed's test login `POST /api/test/auth/login` (header `X-Test-Secret`)", 'unset'),
  ),
  ATOM_PUBLIC_URL: opt(
    httpUrl({
      description: "this instance's public URL (federation, OAuth redirects); a trailing `/` is dropped",
      'x-default': '`http://HOST:PORT`',
    }),
  ),
  ATOM_LLM_BASE_URL: opt(
    httpUrl({
      description:
        'an OpenAI-compatible chat-completions endpoint (OpenAI, Ollama, vLLM); answers are streamed (`stream: ' +
        'true`), see *Planning* below; unset: no model',
    }),
  ),
  ATOM_LLM_API_KEY: opt(secret("the model endpoint's API key (sent as a bearer token)", 'unset')),
  ATOM_LLM_MODEL: word({ default: 'gpt-4o-mini', description: 'the model asked for' }),
  ATOM_LLM_HISTORY_TOKENS: int(0, 1_000_000, {
    default: 4000,
    description: 'how much earlier conversation (chat) a model is sent, oldest exchanges dropped first',
  }),
  ATOM_BODY_LIMIT_BYTES: int(1024, MAX, { default: 1024 * 1024, description: 'larger request bodies get 413' }),
  ATOM_API_KEY_CACHE_SECONDS: int(0, 300, {
    default: 5,
    description:
      'how long an API-key lookup is cached (revocation is immediate on the revoking process and, with Redis, on ' +
      'all; otherwise within this bound)',
  }),
  ATOM_RATE_LIMIT_PREFIX: word({
    default: 'atom:rl',
    description: 'Redis key prefix of rate-limit counters (processes sharing limits share it)',
  }),
  ATOM_RUN_WORKERS: bool(true, 'run background job workers in this process'),
  ATOM_WORKERS: opt(
    int(1, 1024, {
      description: 'server processes `npm run start:cluster` starts (see *Several processes*)',
      'x-default': 'CPUs',
    }),
  ),
  ATOM_SANDBOX_WORKERS: opt(
    int(1, 256, {
      description:
        'worker threads kept warm for `function` skill runs (one run at a time each; 1,000 more may wait, all ' +
        'tenants together)',
      'x-default': 'min(4, CPUs)',
    }),
  ),
  ATOM_SANDBOX_TENANT_ACTIVE: opt(
    int(1, 256, {
      description: '`function` skill runs one tenant may have in progress at once',
      'x-default': 'half the workers (at least 1)',
    }),
  ),
  ATOM_SANDBOX_TENANT_QUEUE: opt(
    int(0, 1000, {
      description: 'runs one tenant may have waiting beyond those; more get 429 `SANDBOX_BUSY`',
      'x-default': 'twice the workers',
    }),
  ),
  ATOM_SKILL_TIMEOUT_MS: int(50, 60_000, {
    default: 2000,
    description:
      'wall-clock limit of one function-skill run; past it the host terminates the worker and the run fails with ' +
      '`SKILL_TIMEOUT`',
  }),
  ATOM_SKILL_OUTPUT_MAX_BYTES: int(1024, 16 * 1024 * 1024, {
    default: 256 * 1024,
    description:
      'largest skill output (256 KiB by default), as serialized JSON; more fails the run with `SKILL_OUTPUT_TOO_LARGE`',
  }),
  ATOM_EXECUTION_SYNC_MS: int(0, 60_000, {
    default: 2500,
    description: 'how long `POST /execute` waits for a result before answering 202 `in_progress`',
  }),
  ATOM_EXECUTION_STALE_SECONDS: int(1, 3600, {
    default: 30,
    description: 'a running execution without a heartbeat for this long is taken over by another process',
  }),
  ATOM_EXECUTION_SWEEP_MS: opt(
    int(100, 600_000, {
      description:
        'how often each process looks for running executions whose heartbeat went stale, and takes them over',
      'x-default': 'half of `ATOM_EXECUTION_STALE_SECONDS`, at most 5000',
    }),
  ),
  ATOM_EVENT_JOB_EXPIRE_SECONDS: int(5, 3600, {
    default: 60,
    description:
      "an event subscriber's job (webhook fan-out, chat, workflow wake-ups) still active after this long is retried: " +
      'how long the events of a process killed mid-batch wait',
  }),
  ATOM_SSE_HEARTBEAT_MS: int(100, 600_000, {
    default: 15_000,
    description: 'interval of the comment lines that keep proxies from closing an event stream',
  }),
  ATOM_MCP_SESSIONS_PER_TENANT: int(1, 100_000, {
    default: 50,
    description: 'open MCP sessions per tenant in one process; more get 429 `MCP_SESSION_LIMIT`',
  }),
  ATOM_MCP_SESSION_IDLE_SECONDS: int(1, 86_400, {
    default: 900,
    description: 'an MCP session without a request for this long is closed',
  }),
  ATOM_ALLOW_INSECURE_WEBHOOKS: bool(
    false,
    'development only: allow plain-http loopback targets for outbound calls (webhooks, workflow `http` nodes)',
  ),
  ATOM_WEBHOOK_RETRY_SCHEDULE_MS: opt(
    Type.Array(Type.Integer({ minimum: 0, maximum: MAX }), {
      minItems: 1,
      'x-accepts': 'comma-separated milliseconds',
      'x-default': 'the documented schedule (see *Webhooks*)',
      description: 'tests and development: the delays between webhook delivery attempts',
    }),
  ),
  ATOM_SCHEDULER_INTERVAL_MS: int(100, 60_000, {
    default: 1000,
    description: 'how often each process looks for due workflow schedules (cron triggers)',
  }),
  ATOM_METRICS: bool(
    true,
    'record Prometheus metrics and serve `GET /metrics` (admin key); `false`: neither (see *Metrics and tracing*)',
  ),
  ATOM_METRICS_PORT: opt(
    int(0, 65535, {
      description: 'a second port serving only `/metrics`, without a credential, for a scraper on a private network',
    }),
  ),
  ATOM_METRICS_HOST: opt(word({ description: 'interface of that second port', 'x-default': '`HOST`' })),
  OTEL_EXPORTER_OTLP_ENDPOINT: opt(
    httpUrl({
      description: 'send OpenTelemetry traces over OTLP/HTTP (JSON) to `<this>/v1/traces`',
      'x-default': 'unset: no tracing',
    }),
  ),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: opt(httpUrl({ description: 'the full traces URL, instead of the one above' })),
  OTEL_EXPORTER_OTLP_HEADERS: opt(
    Type.String({
      'x-accepts': '`key=value` pairs, comma-separated',
      'x-secret': true,
      description: 'headers sent with each export (read by the OpenTelemetry exporter itself)',
    }),
  ),
  OTEL_SERVICE_NAME: word({ default: 'atom', description: 'the service name spans carry' }),
  OTEL_SDK_DISABLED: bool(false, 'turns tracing off whatever the endpoint'),
  ATOM_LAZY_SCHEMAS: bool(
    false,
    "tests: compile each route's request validators and response serializers on its first use instead of at start " +
      '(`npm test` sets it; production compiles all at start)',
  ),
  LOG_LEVEL: opt(
    Type.Union(
      LOG_LEVELS.map((l) => Type.Literal(l)),
      { description: 'pino log level', 'x-default': '`warn` (`info` in production)' },
    ),
  ),
  NODE_ENV: opt(
    Type.String({
      'x-accepts': 'text',
      description:
        '`production` refuses to start without the three secrets above, listens on `0.0.0.0` and logs at `info`',
    }),
  ),
});

export type EnvSettings = Static<typeof ConfigSchema>;
export type EnvName = keyof EnvSettings;

/**
 * OAuth client settings, one variable per provider and setting (`ATOM_OAUTH_GITHUB_CLIENT_ID`):
 * a family of names rather than a fixed list, so each setting is a schema of its own.
 */
export const OAuthSettingsSchema = Type.Object({
  CLIENT_ID: opt(
    Type.String({
      description:
        'the OAuth client id at a provider (`<PROVIDER>`: `GITHUB`, `GOOGLE`, `SLACK`, …; see *Integrations*)',
      'x-accepts': 'text',
    }),
  ),
  CLIENT_SECRET: opt(Type.String({ description: 'its client secret', 'x-accepts': 'text', 'x-secret': true })),
  AUTHORIZE_URL: opt(httpUrl({ description: 'authorization endpoint (known providers have one built in)' })),
  TOKEN_URL: opt(httpUrl({ description: 'token endpoint (known providers have one built in)' })),
  REVOKE_URL: opt(httpUrl({ description: 'token revocation endpoint' })),
  TEST_URL: opt(httpUrl({ description: 'an endpoint a connection test calls with the token' })),
});

export type OAuthSettingName = keyof Static<typeof OAuthSettingsSchema>;
export const OAUTH_VARIABLE =
  /^ATOM_OAUTH_([A-Z0-9]+)_(CLIENT_ID|CLIENT_SECRET|AUTHORIZE_URL|TOKEN_URL|REVOKE_URL|TEST_URL)$/;
