import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SYSTEM, type Database } from './database.js';

export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../migrations');
const LOCK = 4_242_001;

/**
 * Applies `migrations/NNNN_name.sql` in order, each in its own transaction under an advisory
 * lock, so several processes starting at once apply each file exactly once.
 */
export async function migrate(db: Database, dir = MIGRATIONS_DIR): Promise<string[]> {
  await db.exec(
    `BEGIN; SELECT pg_advisory_xact_lock(${LOCK});
     CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
     COMMIT;`,
  );
  const files = readdirSync(dir).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort();
  const applied: string[] = [];
  for (const file of files) {
    if (await isApplied(db, file)) continue;
    const sql = readFileSync(join(dir, file), 'utf8');
    try {
      await db.exec(`BEGIN; SELECT pg_advisory_xact_lock(${LOCK});\n${sql}\n;INSERT INTO schema_migrations (name) VALUES ('${file}'); COMMIT;`);
      applied.push(file);
    } catch (err) {
      await db.exec('ROLLBACK').catch(() => undefined);
      // A concurrent process applied it while we waited for the lock.
      if (await isApplied(db, file)) continue;
      throw new Error(`migration ${file} failed: ${(err as Error).message}`);
    }
  }
  return applied;
}

async function isApplied(db: Database, file: string): Promise<boolean> {
  const rows = await db.query(SYSTEM, 'SELECT 1 FROM schema_migrations WHERE name = $1', [file]);
  return rows.length > 0;
}
