import { APP_ROLE, type Executor } from './database.js';

/**
 * Superusers bypass row level security, even with FORCE. When we connect as one (the embedded
 * database always does; a development PostgreSQL often does) we create a plain role and act as
 * it. A non-superuser connection is used as it is: tables it owns have FORCE ROW LEVEL SECURITY.
 */
export async function ensureAppRole(ex: Executor): Promise<boolean> {
  const [me] = await ex.query<{ superuser: boolean; bypass: boolean }>(
    'SELECT rolsuper AS superuser, rolbypassrls AS bypass FROM pg_roles WHERE rolname = current_user',
  );
  if (!me?.superuser) {
    if (me?.bypass) throw new Error('the database role has BYPASSRLS; connect as a role without it');
    const [fn] = await ex.query<{ leakproof: boolean }>(`SELECT proleakproof AS leakproof FROM pg_proc WHERE oid = 'pg_catalog.ts_match_vq(tsvector, tsquery)'::regprocedure`);
    if (!fn?.leakproof) {
      process.emitWarning(`full-text search cannot use its index under row level security until a superuser runs: ${SEARCH_UNDER_RLS} (docs/scaling.md)`, { code: 'ATOM_SEARCH_SCANS' });
    }
    return false;
  }
  try {
    await ex.query(`CREATE ROLE ${APP_ROLE} NOLOGIN NOSUPERUSER NOBYPASSRLS`);
  } catch (err) {
    // Another process (a parallel test file, a second server) created it first.
    const code = (err as { code?: string }).code;
    if (code !== '42710' && code !== '23505') throw err;
  }
  const [{ name }] = await ex.query<{ name: string }>('SELECT current_database() AS name');
  const db = '"' + name.replace(/"/g, '""') + '"';
  await retryCatalogRace(() => ex.query(`GRANT CREATE, CONNECT, TEMPORARY ON DATABASE ${db} TO ${APP_ROLE}`));
  await retryCatalogRace(() => ex.query(`GRANT ALL ON SCHEMA public TO ${APP_ROLE}`));
  await retryCatalogRace(() => ex.query(SEARCH_UNDER_RLS));
  return true;
}

/**
 * PostgreSQL uses a condition as an index condition beneath a row level security policy only when
 * its function is LEAKPROOF; `tsvector @@ tsquery` (ts_match_vq) is not marked so, which turned
 * every marketplace and episode search into a sequential scan. It only answers whether the query
 * matches and raises no error that depends on the row's data, so we mark it (this needs the
 * superuser we are connected as; docs/scaling.md gives the statement for other set-ups).
 */
export const SEARCH_UNDER_RLS = 'ALTER FUNCTION pg_catalog.ts_match_vq(tsvector, tsquery) LEAKPROOF';

/** Processes starting together update the same catalog rows ("tuple concurrently updated"); retry. */
async function retryCatalogRace(fn: () => Promise<unknown>, attempt = 1): Promise<void> {
  try {
    await fn();
  } catch (err) {
    const e = err as { code?: string; message?: string };
    const race = e.code === 'XX000' && /concurrently/.test(e.message ?? '');
    if (!race || attempt >= 6) throw err;
    await new Promise((r) => setTimeout(r, 50 * attempt + Math.random() * 100));
    await retryCatalogRace(fn, attempt + 1);
  }
}
