import { mkdirSync, readFileSync } from 'node:fs';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import {
  APP_ROLE,
  closedJobsAnswer,
  type Database,
  type Executor,
  PLAN_PER_CALL,
  type Row,
  SET_CONTEXT_SQL,
  SET_LOCAL_CONTEXT_SQL,
} from './database.js';
import { PreparedStatements } from './pglite-prepared.js';
import { ensureAppRole } from './role.js';

/**
 * Embedded PostgreSQL. One session serves everything, so a query and the context it runs in are
 * set under one lock; transactions take PGlite's own exclusive lock and set the context locally.
 * Statements run prepared (pglite-prepared.ts), except those marked PLAN_PER_CALL.
 */
export async function openPglite(dataDir: string | null, from?: string): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  // A snapshot (a data directory dumped by `snapshot()`) skips initdb, most of a fresh start's time.
  const loadDataDir = from ? new Blob([readFileSync(from)]) : undefined;
  const pg = dataDir ? new PGlite(dataDir, { loadDataDir }) : new PGlite({ loadDataDir });
  await pg.waitReady;
  const usesRole = await ensureAppRole(wrap(pg));
  if (usesRole) await pg.query(`SET ROLE ${APP_ROLE}`);
  let current: string | null = null;
  let closed = false;
  let chain: Promise<unknown> = Promise.resolve();

  function locked<T>(fn: () => Promise<T>): Promise<T> {
    const run = chain.then(fn, fn);
    chain = run.catch(() => undefined);
    return run;
  }

  const prepared = new PreparedStatements(pg);
  /** One statement; `tx` when inside a transaction (PGlite syncs its files after statements outside one). */
  async function run<T>(text: string, params: readonly unknown[] | undefined, tx?: Transaction): Promise<T[]> {
    if (text.startsWith(PLAN_PER_CALL) || !prepared.has(text))
      return (await (tx ?? pg).query<T>(text, params as unknown[] | undefined)).rows;
    return pg.runExclusive(() => prepared.run<T>(text, params, !tx));
  }

  async function query<T>(ctx: string, text: string, params?: readonly unknown[]): Promise<T[]> {
    return locked(async () => {
      if (current !== ctx) {
        await run(SET_CONTEXT_SQL, [ctx]);
        current = ctx;
      }
      return run<T>(text, params);
    });
  }

  const db: Database = {
    kind: 'pglite',
    query,
    tx: (ctx, fn) =>
      locked(() =>
        pg.transaction(async (t) => {
          await run(SET_LOCAL_CONTEXT_SQL, [ctx], t);
          return fn({ query: <R>(text: string, params?: readonly unknown[]) => run<R>(text, params, t) });
        }),
      ),
    as: (ctx) => ({ query: (text, params) => query(ctx, text, params) }),
    exec: async (text) => {
      await locked(async () => {
        await pg.exec(text);
        // DDL may change what a prepared statement reads.
        await pg.runExclusive(() => prepared.reset());
      });
    },
    jobsAdapter: () => ({
      // pg-boss completes jobs without awaiting: after close it is answered (closedJobsAnswer).
      executeSql: async (text: string, values?: unknown[]) => {
        if (closed) return closedJobsAnswer(text);
        if (values && values.length > 0) return { rows: (await pg.query<Row>(text, values)).rows };
        const results = await pg.exec(text);
        return { rows: (results.at(-1)?.rows ?? []) as Row[] };
      },
    }),
    listen: (channel, handler) => pg.listen(channel, handler),
    snapshot: async () => locked(async () => new Uint8Array(await (await pg.dumpDataDir('none')).arrayBuffer())),
    close: async () => {
      closed = true;
      await pg.close();
    },
  };
  return db;
}

function wrap(pg: PGlite): Executor {
  return {
    query: async <T>(text: string, params?: readonly unknown[]) => (await pg.query<T>(text, params as unknown[])).rows,
  };
}
