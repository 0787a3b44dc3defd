import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { REPO_ROOT } from '../../scripts/repo-root.js';
import { type Built, buildApp } from '../../src/app.js';
import { type Config, loadConfig } from '../../src/config.js';
import { SYSTEM } from '../../src/platform/db/index.js';

const MIGRATIONS = join(REPO_ROOT, 'migrations');
const PGLITE_VERSION: string = JSON.parse(
  readFileSync(join(REPO_ROOT, 'node_modules/@electric-sql/pglite/package.json'), 'utf8'),
).version;

export const ADMIN_KEY = 'adm_test_admin_key_for_tests_only';
export const TEST_SECRET = 'test-secret-key';

/**
 * A fresh database for one test file: in-memory PGlite by default (already migrated, from the
 * template below, unless `empty`: tests of the migrations themselves); with DATABASE_URL set (CI's
 * second pass), a new database on that PostgreSQL server, copied from a migrated template unless
 * `empty`, and dropped afterwards.
 */
export async function freshDatabaseUrl(
  opts: { empty?: boolean } = {},
): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = process.env.DATABASE_URL;
  if (!base && opts.empty) return { url: 'memory://', drop: async () => {} };
  if (!base) return { url: `memory://?from=${encodeURIComponent(await migratedTemplate())}`, drop: async () => {} };
  const template = opts.empty ? null : await migratedPostgresTemplate(base);
  const name = `atom_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
  await admin.end();
  const url = databaseUrl(base, name);
  return {
    url,
    drop: async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

function databaseUrl(base: string, name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A hash of the migrations (and of whatever else shapes a template), so a changed one makes a new template. */
function templateKey(...extra: string[]): string {
  const hash = createHash('sha256');
  for (const e of extra) hash.update(e);
  for (const file of readdirSync(MIGRATIONS).sort()) hash.update(file).update(readFileSync(join(MIGRATIONS, file)));
  return hash.digest('hex').slice(0, 16);
}

/** Builds the whole app once on a fresh database: pg-boss's schema and queues and the seeded advisories come along. */
async function buildTemplate(databaseUrl: string, dump?: (built: Built) => Promise<void>): Promise<void> {
  const config = testConfig({ databaseUrl, runWorkers: false });
  const built = await buildApp(config);
  // The instance's own signing key stays out: each test app makes its own.
  await built.ctx.db.query(SYSTEM, 'DELETE FROM federation_instance_keys');
  await dump?.(built);
  await built.close();
  config.cleanup();
}

/**
 * On PostgreSQL the same: a migrated template database (`atom_tpl_<hash>`), copied by
 * `CREATE DATABASE … TEMPLATE`, instead of running every migration and pg-boss's schema for each
 * test file. The first file to need it builds it under a temporary name, under an advisory lock,
 * and renames it into place, so a half-built template is never copied. `.ci/run` drops old ones.
 */
async function migratedPostgresTemplate(base: string): Promise<string> {
  const name = `atom_tpl_${templateKey()}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query('SELECT pg_advisory_lock(hashtext($1))', [name]);
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount) return name;
    const building = `${name}_building`;
    await admin.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${building}`);
    await buildTemplate(databaseUrl(base, building));
    await admin.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
    return name;
  } finally {
    await admin.query('SELECT pg_advisory_unlock(hashtext($1))', [name]).catch(() => undefined);
    await admin.end();
  }
}

/**
 * A fresh embedded database spends most of its start in initdb (about 4 s of an 8 s app start on
 * this 2-core machine). Test apps start from one migrated data directory instead, made by the first
 * test file that needs it and kept in the temp directory under a name that hashes the migrations
 * and the PGlite version. Two files making it at once both write a whole file under their own name
 * and rename it into place.
 */
async function migratedTemplate(): Promise<string> {
  const path = join(tmpdir(), `atom-template-${templateKey(PGLITE_VERSION)}.tar`);
  if (existsSync(path)) return path;
  const partial = `${path}.${process.pid}`;
  await buildTemplate('memory://', async (built) => writeFileSync(partial, await built.ctx.db.snapshot!()));
  renameSync(partial, path);
  return path;
}

/** Config for tests; its data directory is removed by `cleanup`. */
export function testConfig(overrides: Partial<Config> = {}): Config & { cleanup: () => void } {
  const dataDir = overrides.dataDir ?? mkdtempSync(join(tmpdir(), 'atom-test-'));
  const base = loadConfig({
    ATOM_ADMIN_KEY: ADMIN_KEY,
    ATOM_TEST_SECRET: TEST_SECRET,
    ATOM_DATA_DIR: dataDir,
    DATABASE_URL: 'memory://',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    REDIS_URL: process.env.REDIS_URL,
    PORT: '0',
    // A skill's 2 s limit is wall-clock: on a loaded 2-core machine a trivial skill can miss it and a
    // test of something else would fail for the machine's sake. Tests of the limit set their own.
    ATOM_SKILL_TIMEOUT_MS: process.env.ATOM_SKILL_TIMEOUT_MS ?? '20000',
    // Each test app counts in its own Redis namespace: anonymous requests all come from 127.0.0.1.
    ATOM_RATE_LIMIT_PREFIX: `atom:test:${randomBytes(6).toString('hex')}`,
    // Each route's schemas compiled on its first use: a test file uses a few of 225 routes, and
    // compiling them all took 1.4 s of CPU per app. test/platform/routes.test.ts compiles them all at start.
    ATOM_LAZY_SCHEMAS: process.env.ATOM_LAZY_SCHEMAS ?? 'true',
  });
  return { ...base, ...overrides, cleanup: () => rmSync(dataDir, { recursive: true, force: true }) };
}

/**
 * Builds the whole app on a fresh database. Call `close()` in the file's `after` hook: it stops
 * the app and drops the database.
 */
export async function startApp(overrides: Partial<Config> = {}): Promise<Built> {
  const db = await freshDatabaseUrl();
  const config = testConfig({ databaseUrl: db.url, ...overrides });
  const built = await buildApp(config);
  return {
    ...built,
    async close() {
      await built.close();
      await db.drop();
      config.cleanup();
    },
  };
}

/**
 * For suites that always run on the embedded database whatever DATABASE_URL says (crash and restart
 * tests on a data directory, the CLI): CI's second pass, on PostgreSQL, would run them identically
 * again, so they run in the first pass only.
 */
export const embeddedOnly = {
  skip: process.env.DATABASE_URL ? 'always on the embedded database: runs in the pass without DATABASE_URL' : false,
} as const;

/**
 * For suites whose subject does not depend on the database engine (the console in a browser, the
 * Python SDK's client side): CI's second pass, on PostgreSQL, would repeat them for nothing and
 * its time is bounded (.ci/run under 20 minutes), so they run in the first pass only.
 */
export const firstPassOnly = {
  skip: process.env.DATABASE_URL ? 'engine-independent: runs in the pass without DATABASE_URL' : false,
} as const;
