import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { freshDatabaseUrl } from './app.js';

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const START_DEADLINE_MS = 5 * 60_000;

/**
 * Node's arguments that run one of the repository's TypeScript entry points (src/main.ts, a test
 * fixture) as a process: its compiled form in ATOM_TEST_BUILD under `npm test` (scripts/test-build.mjs),
 * the source through tsx otherwise.
 */
export function entryPoint(script: string): string[] {
  const build = process.env.ATOM_TEST_BUILD;
  return build ? [join(build, script.replace(/\.ts$/, '.js'))] : ['--import', 'tsx', script];
}

/** Starts `atom start` as a real process and resolves when it prints where it listens. */
export async function startServerProcess(
  env: Record<string, string>,
  script = 'src/main.ts',
  args = ['start'],
): Promise<ServerProcess> {
  // The test runner's V8 flags (npm test's --liftoff-only), so a server process costs what a test file does.
  const v8Flags = process.execArgv.filter((a) => a === '--liftoff-only');
  const child = spawn(process.execPath, [...v8Flags, ...entryPoint(script), ...args], {
    env: { ATOM_LAZY_SCHEMAS: 'true', ...process.env, PORT: '0', LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const m = /listening on (http:\/\/[^\s]+)/.exec(line);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
    // A safety net for a server that hangs without exiting, not a performance bound: on a busy
    // machine tsx, the embedded database and the migrations take well over a minute to come up.
    setTimeout(() => reject(new Error(`server did not start in time: ${stderr}`)), START_DEADLINE_MS).unref();
  });
  return {
    url,
    child,
    kill: (signal = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}

/** Resolves when the process has exited, with the signal that ended it. */
export function exited(s: ServerProcess): Promise<NodeJS.Signals | null> {
  return new Promise((resolve) => {
    if (s.child.exitCode !== null || s.child.signalCode !== null) return resolve(s.child.signalCode);
    s.child.once('exit', (_code, signal) => resolve(signal));
  });
}

/** Secrets shared by every process of one test deployment. */
export function sharedSecrets(): {
  ATOM_ADMIN_KEY: string;
  ATOM_JWT_SECRET: string;
  ATOM_ENCRYPTION_KEY: string;
  ATOM_RATE_LIMIT_PREFIX: string;
} {
  return {
    ATOM_RATE_LIMIT_PREFIX: `atom:test:${randomBytes(6).toString('hex')}`,
    ATOM_ADMIN_KEY: `adm_${randomBytes(12).toString('hex')}`,
    ATOM_JWT_SECRET: randomBytes(32).toString('base64'),
    ATOM_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  };
}

export async function http(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
) {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(init.headers ?? {}) },
    body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
  });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body, headers: res.headers };
}

/**
 * One deployment for a crash test's server processes: a data directory, and a fresh PostgreSQL
 * database when DATABASE_URL is set (the embedded database in that directory otherwise), Redis when
 * REDIS_URL is set, shared secrets and `extra`. `cleanup` drops the database and the directory.
 */
export async function crashDeployment(extra: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'atom-crash-'));
  const pg = process.env.DATABASE_URL ? await freshDatabaseUrl() : null;
  const secrets = sharedSecrets();
  const env = {
    ...secrets,
    ATOM_DATA_DIR: dir,
    DATABASE_URL: pg?.url ?? '',
    REDIS_URL: process.env.REDIS_URL ?? '',
    ...extra,
  };
  const cleanup = async () => {
    await pg?.drop();
    rmSync(dir, { recursive: true, force: true });
  };
  return { secrets, env, cleanup };
}
