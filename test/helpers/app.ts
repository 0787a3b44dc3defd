import { randomBytes } from 'node:crypto';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { buildApp, type Built } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { SYSTEM } from '../../src/platform/db/index.js';

const MIGRATIONS = new URL('../../migrations/', import.meta.url).pathname;
const PGLITE_VERSION: string = JSON.parse(readFileSync(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url), 'utf8')).version;

export const ADMIN_KEY = 'adm_test_admin_key_for_tests_only';
export const TEST_SECRET = 'test-secret-key';

/**
 * A fresh database for one test file: in-memory PGlite by default (already migrated, from the
 * template below, unless `empty`: tests of the migrations themselves); with DATABASE_URL set (CI's
 * second pass), a new empty database created on that PostgreSQL server and dropped afterwards.
 */
export async function freshDatabaseUrl(opts: { empty?: boolean } = {}): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = process.env.DATABASE_URL;
  if (!base && opts.empty) return { url: 'memory://', drop: async () => {} };
  if (!base) return { url: `memory://?from=${encodeURIComponent(await migratedTemplate())}`, drop: async () => {} };
  const name = `atom_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/**
 * A fresh embedded database spends most of its start in initdb (about 4 s of an 8 s app start on
 * this 2-core machine). Test apps start from one migrated data directory instead, made by the first
 * test file that needs it and kept in the temp directory under a name that hashes the migrations and the
 * PGlite version, so a changed migration makes a new one. Two files making it at once both write a
 * whole file under their own name and rename it into place.
 */
async function migratedTemplate(): Promise<string> {
  const hash = createHash('sha256');
  hash.update(PGLITE_VERSION);
  for (const file of readdirSync(MIGRATIONS).sort()) hash.update(file).update(readFileSync(join(MIGRATIONS, file)));
  const path = join(tmpdir(), `atom-template-${hash.digest('hex').slice(0, 16)}.tar`);
  if (existsSync(path)) return path;
  // The whole app starts once on it, so pg-boss's schema and queues and the seeded advisories are
  // in the template too; the instance's own signing key is not (each test app makes its own).
  const config = testConfig({ databaseUrl: 'memory://', runWorkers: false });
  const built = await buildApp(config);
  await built.ctx.db.query(SYSTEM, 'DELETE FROM federation_instance_keys');
  const partial = `${path}.${process.pid}`;
  writeFileSync(partial, await built.ctx.db.snapshot!());
  await built.close();
  config.cleanup();
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
export const embeddedOnly = { skip: process.env.DATABASE_URL ? 'always on the embedded database: runs in the pass without DATABASE_URL' : false } as const;

/**
 * For suites whose subject does not depend on the database engine (the console in a browser, the
 * Python SDK's client side): CI's second pass, on PostgreSQL, would repeat them for nothing and
 * its time is bounded (.ci/run under 20 minutes), so they run in the first pass only.
 */
export const firstPassOnly = { skip: process.env.DATABASE_URL ? 'engine-independent: runs in the pass without DATABASE_URL' : false } as const;
