import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Database, SYSTEM } from './database.js';

export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../migrations');
const LOCK = 4_242_001;
const REPAIR_0001 = '0001_platform_tenant_table.sql';
const REPAIR_0800 = '0930_marketplace_catalogue_counts_and_names.sql';

/**
 * Texts a migration file once had on main, before it went back to its original text (a committed
 * migration never changes: CONTRIBUTING.md). A database whose recorded checksum is one of these
 * applied that text; the repair migration named beside it brings such a database to the same
 * schema as one that applied the file as it reads now, so the runner accepts the checksum and
 * records the file's. Only texts listed here are accepted; any other change refuses to start.
 */
export const FORMER_CHECKSUMS: Readonly<Record<string, readonly { sha256: string; repairedBy: string }[]>> = {
  '0001_platform.sql': [
    // 4d4079a (+ api_keys_listing), ef954a1 (+ atom_tenant_table)
    { sha256: '628ab34215cd75305a56403f9f5ff1091216a95353e12487b99446a11db6f7a4', repairedBy: REPAIR_0001 },
    { sha256: 'ee7fef87c0952754099d05e99969ac571d3b418cde5121e96e4309ee448052d9', repairedBy: REPAIR_0001 },
  ],
  '0800_marketplace_catalogue.sql': [
    // 091b4f8 (+ the count table and its triggers), ff80078 (+ name_search)
    { sha256: '837e93bf71e464980546c35edb2489862ed8933300c0989be27cb1433be9cdad', repairedBy: REPAIR_0800 },
    { sha256: 'b96ec9d886da61ab344792aa4883a9d27da929e351948bf4084056f94bfd69b5', repairedBy: REPAIR_0800 },
  ],
};

/** A migration the database applied has changed since: the server refuses to start. */
export class ChangedMigrationError extends Error {
  constructor(
    readonly file: string,
    readonly recorded: string,
    readonly current: string,
  ) {
    super(
      `migration ${file} has changed since this database applied it (recorded sha256 ${recorded}, ` +
        `the file now ${current}): a committed migration never changes: add a new migration instead ` +
        `and put ${file} back as it was (CONTRIBUTING.md)`,
    );
    this.name = 'ChangedMigrationError';
  }
}

type File = { name: string; sql: string; sha256: string };

/** sha256 of a migration's text, line endings read as LF (a Windows checkout stays the same file). */
export function checksum(sql: string): string {
  return createHash('sha256').update(sql.replace(/\r\n/g, '\n')).digest('hex');
}

export function readMigrations(dir = MIGRATIONS_DIR): File[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name), 'utf8');
      return { name, sql, sha256: checksum(sql) };
    });
}

/**
 * Applies `migrations/NNNN_name.sql` in order, each in its own transaction under an advisory
 * lock, so several processes starting at once apply each file exactly once. Each applied file's
 * checksum is recorded; a file that changed after it was applied stops the start
 * (ChangedMigrationError) before anything is applied.
 */
export async function migrate(db: Database, dir = MIGRATIONS_DIR): Promise<string[]> {
  await db.exec(
    `BEGIN; SELECT pg_advisory_xact_lock(${LOCK});
     CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT
       now());
     ALTER TABLE schema_migrations ADD COLUMN IF NOT EXISTS checksum text;
     COMMIT;`,
  );
  const files = readMigrations(dir);
  await verifyApplied(db, files);
  const applied: string[] = [];
  for (const file of files) {
    if (await isApplied(db, file.name)) continue;
    try {
      await db.exec(
        `BEGIN; SELECT pg_advisory_xact_lock(${LOCK});\n${file.sql}\n;` +
          `INSERT INTO schema_migrations (name, checksum) VALUES ('${file.name}', '${file.sha256}'); COMMIT;`,
      );
      applied.push(file.name);
    } catch (err) {
      await db.exec('ROLLBACK').catch(() => undefined);
      // A concurrent process applied it while we waited for the lock.
      if (await isApplied(db, file.name)) continue;
      throw new Error(`migration ${file.name} failed: ${(err as Error).message}`);
    }
  }
  return applied;
}

/**
 * Compares every applied file with its recorded checksum. A row without one was applied by a
 * runner that did not record checksums: the file's checksum is recorded now (trust on first use;
 * the texts that changed on main before this runner are listed in FORMER_CHECKSUMS and repaired
 * by later migrations that fit every one of them). A known former text is accepted and the
 * file's checksum recorded; any other difference throws.
 */
async function verifyApplied(db: Database, files: File[]): Promise<void> {
  const rows = await db.query<{ name: string; checksum: string | null }>(
    SYSTEM,
    'SELECT name, checksum FROM schema_migrations',
  );
  const recorded = new Map(rows.map((r) => [r.name, r.checksum]));
  for (const file of files) {
    if (!recorded.has(file.name)) continue;
    const sum = recorded.get(file.name);
    if (sum === file.sha256) continue;
    const known = !sum || FORMER_CHECKSUMS[file.name]?.some((f) => f.sha256 === sum);
    if (!known) throw new ChangedMigrationError(file.name, sum, file.sha256);
    // Only the row as it was read is updated, so two processes starting together agree.
    await db.query(
      SYSTEM,
      'UPDATE schema_migrations SET checksum = $1 WHERE name = $2 AND checksum IS NOT DISTINCT FROM $3',
      [file.sha256, file.name, sum],
    );
  }
}

async function isApplied(db: Database, file: string): Promise<boolean> {
  const rows = await db.query(SYSTEM, 'SELECT 1 FROM schema_migrations WHERE name = $1', [file]);
  return rows.length > 0;
}
