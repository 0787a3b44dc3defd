import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildApp } from '../../src/app.js';
import type { Config } from '../../src/config.js';
import { openDatabase, SYSTEM } from '../../src/platform/db/index.js';
import {
  ChangedMigrationError,
  FORMER_CHECKSUMS,
  MIGRATIONS_DIR,
  migrate,
  readMigrations,
} from '../../src/platform/db/migrate.js';
import { freshDatabaseUrl, testConfig } from '../helpers/app.js';
import { call, makeTenant } from '../helpers/http.js';

/**
 * Databases made by older versions upgrade to this one, and one whose applied migration changed
 * refuses to start. Each database survives a restart: an embedded data directory, or (with
 * DATABASE_URL) a fresh database on that PostgreSQL server. The fixtures in test/fixtures/ are
 * databases as older commits left them (scripts/make-upgrade-fixtures.sh).
 */
async function persistentDatabase(): Promise<{ config: Config; drop: () => Promise<void> }> {
  const db = await freshDatabaseUrl({ empty: true });
  const config = testConfig({ databaseUrl: db.url === 'memory://' ? null : db.url });
  return {
    config,
    drop: async () => {
      await db.drop();
      config.cleanup();
    },
  };
}

/** Loads a fixture the way the old server's tables were made: as the application role. */
async function loadFixture(config: Config, name: string) {
  const raw = await openDatabase(config);
  try {
    await raw.exec(readFileSync(join(import.meta.dirname, '../fixtures', `${name}.sql`), 'utf8'));
  } finally {
    await raw.close();
  }
}

async function withDatabase<T>(
  config: Config,
  fn: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>,
): Promise<T> {
  const db = await openDatabase(config);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

const search = (query: string) => `/api/public/v1/marketplace/skills?${new URLSearchParams(query)}`;

describe('upgrading a database made before 0800_marketplace_catalogue.sql was edited', () => {
  it('applies the repair migrations, records every checksum, and marketplace search works through the API', async () => {
    const { config, drop } = await persistentDatabase();
    try {
      await loadFixture(config, 'upgrade-before-0800-edits');
      const built = await buildApp(config);
      try {
        const t = await makeTenant(built.app);
        // Ranked by relevance: a one-word query reads the catalogue's name_search first (the
        // column the original 0800 lacked: "column name_search does not exist" before the fix).
        for (const q of ['query=ledger&sort_by=popularity', 'query=ledger', 'query=reconciler&sort_by=rating', '']) {
          const res = await call(built.app, 'GET', search(q), { key: t.key });
          assert.equal(res.status, 200, `${q}: ${JSON.stringify(res.body)}`);
          const ids = JSON.stringify(res.body);
          assert.ok(ids.includes('mkt_fixture_ledger'), `${q}: the old published listing is found: ${ids}`);
          assert.ok(!ids.includes('mkt_fixture_draft'), `${q}: another tenant's draft stays hidden`);
        }
        const rows = await built.ctx.db.query<{ name: string; checksum: string | null }>(
          SYSTEM,
          'SELECT name, checksum FROM schema_migrations ORDER BY name',
        );
        const files = readMigrations().map((f) => [f.name, f.sha256]);
        assert.deepEqual(
          rows.map((r) => [r.name, r.checksum]),
          files,
          'every file applied, each with its checksum',
        );
        // The count table the repair created was filled from the catalogue it found.
        const [count] = await built.ctx.db.query<{ listings: number }>(
          SYSTEM,
          `SELECT listings FROM marketplace_catalogue_counts WHERE kind = 'skill' AND lexeme = 'ledger'`,
        );
        assert.equal(count?.listings, 1);
      } finally {
        await built.close();
      }
    } finally {
      await drop();
    }
  });
});

describe('upgrading a database made before 0001_platform.sql was edited', () => {
  it('defines atom_tenant_table before 0002 needs it, and the old tenant is still there', async () => {
    const { config, drop } = await persistentDatabase();
    try {
      await loadFixture(config, 'upgrade-before-0001-edits');
      const built = await buildApp(config);
      try {
        const old = await call(built.app, 'GET', '/api/tenants?limit=100', { admin: true });
        assert.equal(old.status, 200, JSON.stringify(old.body));
        assert.ok(JSON.stringify(old.body).includes('tnt_fixture_old'), JSON.stringify(old.body));
        const t = await makeTenant(built.app);
        const res = await call(built.app, 'GET', search('query=anything'), { key: t.key });
        assert.equal(res.status, 200, JSON.stringify(res.body));
      } finally {
        await built.close();
      }
    } finally {
      await drop();
    }
  });
});

describe('a migration changed after the database applied it', () => {
  it('refuses to start, naming the file and the rule; a listed former text is accepted', async () => {
    const { config, drop } = await persistentDatabase();
    const dir = mkdtempSync(join(tmpdir(), 'atom-migrations-'));
    try {
      await (await buildApp(config)).close();
      // The same files, one of them edited after it was applied.
      cpSync(MIGRATIONS_DIR, dir, { recursive: true });
      const edited = join(dir, '0100_agents.sql');
      writeFileSync(edited, `${readFileSync(edited, 'utf8')}\nALTER TABLE agents ADD COLUMN nickname text;\n`);
      const refused = await withDatabase(config, (db) =>
        migrate(db, dir).then(
          () => null,
          (err: Error) => err,
        ),
      );
      assert.ok(refused instanceof ChangedMigrationError, String(refused));
      assert.match(refused.message, /0100_agents\.sql/);
      assert.match(refused.message, /a committed migration never changes: add a new migration/);
      // Nothing was applied: the edit did not run.
      const cols = await withDatabase(config, (db) =>
        db.query(
          SYSTEM,
          `SELECT 1 FROM information_schema.columns WHERE table_name = 'agents' AND column_name = 'nickname'`,
        ),
      );
      assert.equal(cols.length, 0);

      // The server itself refuses to start when the recorded checksum is not the file's.
      const update = `UPDATE schema_migrations SET checksum = $1 WHERE name = '0800_marketplace_catalogue.sql'`;
      const record = (sum: string) => withDatabase(config, (db) => db.query(SYSTEM, update, [sum]));
      await record('0'.repeat(64));
      const rule = /a committed migration never changes: add a new migration/;
      await assert.rejects(
        buildApp(config),
        (err: Error) => /0800_marketplace_catalogue\.sql/.test(err.message) && rule.test(err.message),
      );

      // A text 0800 had on main before it was restored is accepted, and the file's checksum recorded.
      const former = FORMER_CHECKSUMS['0800_marketplace_catalogue.sql']![1]!.sha256;
      await record(former);
      const built = await buildApp(config);
      try {
        const sql = `SELECT checksum FROM schema_migrations WHERE name = '0800_marketplace_catalogue.sql'`;
        const [row] = await built.ctx.db.query<{ checksum: string }>(SYSTEM, sql);
        assert.equal(row?.checksum, readMigrations().find((f) => f.name === '0800_marketplace_catalogue.sql')!.sha256);
      } finally {
        await built.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await drop();
    }
  });
});
