import type { Config } from '../../config.js';
import type { Database } from './database.js';
import { openPglite } from './pglite.js';
import { openPostgres } from './postgres.js';

export * from './database.js';

/**
 * DATABASE_URL picks PostgreSQL; unset means embedded PGlite in the data directory; `memory://` an
 * embedded database that lives as long as the process.
 */
export async function openDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir'>): Promise<Database> {
  const url = config.databaseUrl;
  if (!url) return openPglite(`${config.dataDir}/pglite`);
  if (url === 'memory://') return openPglite(null);
  // An in-memory database started from a snapshot file (the test suite's migrated template).
  if (url.startsWith('memory://?from='))
    return openPglite(null, decodeURIComponent(url.slice('memory://?from='.length)));
  if (/^postgres(ql)?:\/\//.test(url)) return openPostgres(url);
  throw new Error(`DATABASE_URL must be a postgres:// URL or memory://, got "${url.split('://')[0]}://…"`);
}
