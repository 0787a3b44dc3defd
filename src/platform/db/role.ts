import { APP_ROLE, type Executor } from './database.js';

/**
 * Superusers bypass row level security, even with FORCE. When we connect as one (the embedded
 * database always does; a development PostgreSQL often does) we create a plain role and act as
 * it. A non-superuser connection is used as it is: tables it owns have FORCE ROW LEVEL SECURITY.
 * Nothing in pg_catalog is altered: search needs no LEAKPROOF mark (docs/decisions.md, "Search
 * under RLS without LEAKPROOF").
 */
export async function ensureAppRole(ex: Executor): Promise<boolean> {
  const [me] = await ex.query<{ superuser: boolean; bypass: boolean }>(
    'SELECT rolsuper AS superuser, rolbypassrls AS bypass FROM pg_roles WHERE rolname = current_user',
  );
  if (!me?.superuser) {
    if (me?.bypass) throw new Error('the database role has BYPASSRLS; connect as a role without it');
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
  const db = `"${name.replace(/"/g, '""')}"`;
  await retryCatalogRace(() => ex.query(`GRANT CREATE, CONNECT, TEMPORARY ON DATABASE ${db} TO ${APP_ROLE}`));
  await retryCatalogRace(() => ex.query(`GRANT ALL ON SCHEMA public TO ${APP_ROLE}`));
  return true;
}

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
