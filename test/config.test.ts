import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { README, readmeConfigTable, renderConfigTable } from '../scripts/config-table.js';
import { REPO_ROOT } from '../scripts/repo-root.js';
import { ConfigSchema } from '../src/config/schema.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { firstPassOnly } from './helpers/app.js';
import { entryPoint } from './helpers/processes.js';

/** In memory: nothing is written, whatever the secrets. */
const BASE = { DATABASE_URL: 'memory://', ATOM_ADMIN_KEY: 'adm_config_test' };
const load = (env: Record<string, string | undefined> = {}) => loadConfig({ ...BASE, ...env });

/** The message loading `env` stops with (the test fails when it loads). */
function refusal(env: Record<string, string>): string {
  try {
    load(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `a ConfigError, not ${String(err)}`);
    return err.message;
  }
  assert.fail(`${JSON.stringify(env)} was accepted`);
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
}

describe('configuration', firstPassOnly, () => {
  it("README's configuration table is the one the schema generates", () => {
    const table = readmeConfigTable(readFileSync(README, 'utf8'));
    assert.ok(table, 'README.md has the config-table markers');
    assert.equal(
      table,
      renderConfigTable(),
      "README.md's configuration table differs from src/config/schema.ts: run `npm run docs:config`",
    );
  });

  it('the server reads the environment only through the schema', () => {
    const src = join(REPO_ROOT, 'src');
    const readers = files(src)
      .filter((f) => f.endsWith('.ts') && /process\.env\b/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(src, f));
    assert.deepEqual(
      readers,
      ['config.ts'],
      'src/config.ts alone reads process.env: add a variable to src/config/schema.ts',
    );
  });

  it('every variable says what it is for', () => {
    for (const [name, schema] of Object.entries(ConfigSchema.properties)) {
      assert.ok(schema.description, `${name} has a description`);
    }
  });

  it('unset (or empty) variables take the documented defaults', () => {
    const c = load({ PORT: '', LOG_LEVEL: '' });
    const workers = Math.max(1, Math.min(4, availableParallelism()));
    assert.deepEqual(
      {
        port: c.port,
        host: c.host,
        redisUrl: c.redisUrl,
        jwtTtlSeconds: c.jwtTtlSeconds,
        testSecret: c.testSecret,
        publicUrl: c.publicUrl,
        llm: c.llm,
        production: c.production,
        bodyLimitBytes: c.bodyLimitBytes,
        apiKeyCacheSeconds: c.apiKeyCacheSeconds,
        logLevel: c.logLevel,
        runWorkers: c.runWorkers,
        clusterWorkers: c.clusterWorkers,
        allowInsecureWebhooks: c.allowInsecureWebhooks,
        oauth: c.oauth,
        webhookRetryScheduleMs: c.webhookRetryScheduleMs,
        rateLimitPrefix: c.rateLimitPrefix,
        sseHeartbeatMs: c.sseHeartbeatMs,
        executionSyncBudgetMs: c.executionSyncBudgetMs,
        executionStaleMs: c.executionStaleMs,
        schedulerIntervalMs: c.schedulerIntervalMs,
        sandboxWorkers: c.sandboxWorkers,
        sandboxTenantActive: c.sandboxTenantActive,
        sandboxTenantQueue: c.sandboxTenantQueue,
        skillTimeoutMs: c.skillTimeoutMs,
        skillOutputMaxBytes: c.skillOutputMaxBytes,
        mcpSessionsPerTenant: c.mcpSessionsPerTenant,
        mcpSessionIdleMs: c.mcpSessionIdleMs,
        lazySchemas: c.lazySchemas,
        metricsEnabled: c.metricsEnabled,
        metricsPort: c.metricsPort,
        metricsHost: c.metricsHost,
        otlpTracesUrl: c.otlpTracesUrl,
        otelServiceName: c.otelServiceName,
      },
      {
        port: 3000,
        host: '127.0.0.1',
        redisUrl: null,
        jwtTtlSeconds: 3600,
        testSecret: null,
        publicUrl: 'http://127.0.0.1:3000',
        llm: { baseUrl: null, apiKey: null, model: 'gpt-4o-mini', historyTokens: 4000 },
        production: false,
        bodyLimitBytes: 1048576,
        apiKeyCacheSeconds: 5,
        logLevel: 'warn',
        runWorkers: true,
        clusterWorkers: availableParallelism(),
        allowInsecureWebhooks: false,
        oauth: {},
        webhookRetryScheduleMs: null,
        rateLimitPrefix: 'atom:rl',
        sseHeartbeatMs: 15_000,
        executionSyncBudgetMs: 2500,
        executionStaleMs: 30_000,
        schedulerIntervalMs: 1000,
        sandboxWorkers: workers,
        sandboxTenantActive: Math.max(1, Math.floor(workers / 2)),
        sandboxTenantQueue: 2 * workers,
        skillTimeoutMs: 2000,
        skillOutputMaxBytes: 262144,
        mcpSessionsPerTenant: 50,
        mcpSessionIdleMs: 900_000,
        lazySchemas: false,
        metricsEnabled: true,
        metricsPort: null,
        metricsHost: '127.0.0.1',
        otlpTracesUrl: null,
        otelServiceName: 'atom',
      },
    );
    assert.equal(c.encryptionKey.length, 32);
    assert.equal(c.adminKey, 'adm_config_test');
  });

  it('defaults that follow other settings: production, HOST, the sandbox pool', () => {
    const prod = load({
      NODE_ENV: 'production',
      ATOM_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      ATOM_JWT_SECRET: 'j',
    });
    assert.deepEqual(
      [prod.production, prod.host, prod.logLevel, prod.publicUrl, prod.metricsHost],
      [true, '0.0.0.0', 'info', 'http://127.0.0.1:3000', '0.0.0.0'],
    );
    assert.match(
      refusal({ NODE_ENV: 'production' }),
      /^NODE_ENV=production requires ATOM_ENCRYPTION_KEY, ATOM_JWT_SECRET to be set$/,
    );
    const c = load({ HOST: '10.0.0.5', PORT: '8080', ATOM_SANDBOX_WORKERS: '8' });
    assert.deepEqual(
      [c.publicUrl, c.metricsHost, c.sandboxTenantActive, c.sandboxTenantQueue],
      ['http://10.0.0.5:8080', '10.0.0.5', 4, 16],
    );
  });

  it('converts strings to the schema types', () => {
    const c = load({
      PORT: '1e3',
      ATOM_RUN_WORKERS: 'OFF',
      ATOM_METRICS: '0',
      ATOM_ALLOW_INSECURE_WEBHOOKS: 'yes',
      ATOM_LAZY_SCHEMAS: '1',
      ATOM_WEBHOOK_RETRY_SCHEDULE_MS: '0,250, 1000',
      ATOM_EXECUTION_STALE_SECONDS: '2',
      ATOM_MCP_SESSION_IDLE_SECONDS: '3',
      ATOM_METRICS_PORT: '0',
      ATOM_PUBLIC_URL: 'https://atom.example.com/',
      LOG_LEVEL: 'debug',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318//',
      OTEL_SERVICE_NAME: 'atom-eu1',
      ATOM_OAUTH_GITHUB_CLIENT_ID: 'cid',
      ATOM_OAUTH_GITHUB_TOKEN_URL: 'http://127.0.0.1:9/token',
      ATOM_OAUTH_SLACK_CLIENT_SECRET: 'cs',
    });
    assert.deepEqual(
      [
        c.port,
        c.runWorkers,
        c.metricsEnabled,
        c.allowInsecureWebhooks,
        c.lazySchemas,
        c.webhookRetryScheduleMs,
        c.executionStaleMs,
        c.mcpSessionIdleMs,
      ],
      [1000, false, false, true, true, [0, 250, 1000], 2000, 3000],
    );
    assert.deepEqual(
      [c.metricsPort, c.publicUrl, c.logLevel, c.otlpTracesUrl, c.otelServiceName],
      [0, 'https://atom.example.com', 'debug', 'http://collector:4318/v1/traces', 'atom-eu1'],
    );
    assert.deepEqual(c.oauth, {
      github: { clientId: 'cid', tokenUrl: 'http://127.0.0.1:9/token' },
      slack: { clientSecret: 'cs' },
    });
    const traces = load({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:4318/t',
    });
    assert.equal(traces.otlpTracesUrl, 'http://b:4318/t');
    assert.equal(load({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_SDK_DISABLED: 'true' }).otlpTracesUrl, null);
  });

  it('refuses a bad value naming the variable, what it got and what it accepts', () => {
    assert.equal(refusal({ PORT: 'abc' }), 'PORT must be an integer from 0 to 65535, got "abc"');
    assert.equal(
      refusal({ PORT: '99999999999999999999' }),
      'PORT must be an integer from 0 to 65535, got "99999999999999999999"',
    );
    assert.equal(refusal({ PORT: '30\u000000' }), 'PORT must not contain control characters, got "30\\u000000"');
    assert.equal(refusal({ PORT: ' ' }), 'PORT must be an integer from 0 to 65535, got " "');
    assert.equal(
      refusal({ ATOM_JWT_TTL_SECONDS: '59' }),
      'ATOM_JWT_TTL_SECONDS must be an integer of at least 60, got "59"',
    );
    assert.equal(
      refusal({ ATOM_SKILL_TIMEOUT_MS: '2.5' }),
      'ATOM_SKILL_TIMEOUT_MS must be an integer from 50 to 60000, got "2.5"',
    );
    assert.equal(
      refusal({ ATOM_METRICS: 'maybe' }),
      'ATOM_METRICS must be true or false (also 1/0, yes/no, on/off), got "maybe"',
    );
    assert.equal(
      refusal({ LOG_LEVEL: 'loud' }),
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    );
    assert.equal(
      refusal({ ATOM_PUBLIC_URL: 'atom.example.com' }),
      'ATOM_PUBLIC_URL must be an http:// or https:// URL, got "atom.example.com"',
    );
    assert.equal(
      refusal({ ATOM_LLM_BASE_URL: 'http://a b' }),
      'ATOM_LLM_BASE_URL must be an http:// or https:// URL, got "http://a b"',
    );
    assert.equal(
      refusal({ ATOM_WEBHOOK_RETRY_SCHEDULE_MS: '100,-1' }),
      'ATOM_WEBHOOK_RETRY_SCHEDULE_MS must be comma-separated milliseconds, got "100,-1"',
    );
    assert.equal(
      refusal({ ATOM_OAUTH_GITHUB_TOKEN_URL: 'ftp://x' }),
      'ATOM_OAUTH_GITHUB_TOKEN_URL must be an http:// or https:// URL, got "ftp://x"',
    );
    assert.equal(refusal({ HOST: 'local host' }), 'HOST must be text without spaces, got "local host"');
  });

  it('never echoes a credential, and names every bad variable at once', () => {
    assert.equal(
      refusal({ DATABASE_URL: 'mysql://root:hunter2@db' }),
      'DATABASE_URL must be a postgres:// or postgresql:// URL, or memory://, got a value of 23 characters (not shown)',
    );
    assert.equal(
      refusal({ ATOM_ENCRYPTION_KEY: 'hunter2' }),
      'ATOM_ENCRYPTION_KEY must be 32 bytes, base64-encoded, got a value of 7 characters (not shown)',
    );
    const both = refusal({ PORT: '-1', ATOM_METRICS_PORT: '70000', ATOM_OAUTH_GITHUB_CLIENT_SECRET: 's\u0000' }).split(
      '\n',
    );
    assert.deepEqual(both, [
      'PORT must be an integer from 0 to 65535, got "-1"',
      '  ATOM_METRICS_PORT must be an integer from 0 to 65535, got "70000"',
      '  ATOM_OAUTH_GITHUB_CLIENT_SECRET must not contain control characters, got a value of 2 characters (not shown)',
    ]);
  });

  it('a bad value stops the server before it starts: one line, no stack trace, exit code 1', async () => {
    const env = { ...process.env, ...BASE, PORT: '99999999999999999999', LOG_LEVEL: 'silent' };
    const r = await promisify(execFile)(process.execPath, [...entryPoint('src/main.ts'), 'start'], { env }).then(
      () => assert.fail('the server started'),
      (e: { code: number; stderr: string; stdout: string }) => e,
    );
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      'Configuration error: PORT must be an integer from 0 to 65535, got "99999999999999999999"\n',
    );
    assert.equal(r.stdout, '');
  });
});
