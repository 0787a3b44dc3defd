import { createHash } from 'node:crypto';
import pg from 'pg';
import {
  APP_ROLE,
  closedJobsAnswer,
  type Database,
  type Executor,
  PLAN_PER_CALL,
  type Row,
  SET_CONTEXT_SQL,
} from './database.js';
import { pgListener } from './listen.js';
import { ensureAppRole } from './role.js';

type TrackedClient = pg.PoolClient & { atomCtx?: string | null; atomRoleSet?: boolean };

/**
 * Statements are prepared once per connection under a name derived from their text, so
 * PostgreSQL plans each repo query once instead of on every request. A statement that starts
 * with PLAN_PER_CALL is sent unnamed and planned with its values each time.
 */
const names = new Map<string, string>();
function statement(text: string, values?: readonly unknown[]): pg.QueryConfig {
  if (text.startsWith(PLAN_PER_CALL)) return { text, values: values as unknown[] | undefined };
  let name = names.get(text);
  if (!name) {
    name = `a${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`;
    if (names.size < 5_000) names.set(text, name);
  }
  return { name, text, values: values as unknown[] | undefined };
}

// int8 and numeric come back as strings by default; our counts and sums fit in a double.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

/**
 * Real PostgreSQL through a pool. Each pooled connection remembers the tenant context it last
 * set, so a request for the same tenant costs no extra round trip.
 */
export async function openPostgres(url: string, poolSize = 10): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  const boot = await pool.connect();
  let usesRole: boolean;
  try {
    usesRole = await ensureAppRole({ query: async (t, p) => (await boot.query(t, p as unknown[])).rows });
  } finally {
    boot.release(true);
  }
  pool.on('connect', (client) => {
    (client as TrackedClient).atomCtx = null;
  });
  pool.on('error', () => undefined);

  /** A pooled connection acting as the application role (set once per connection). */
  async function checkout(): Promise<TrackedClient> {
    const client = (await pool.connect()) as TrackedClient;
    if (usesRole && !client.atomRoleSet) {
      try {
        await client.query(`SET ROLE ${APP_ROLE}`);
      } catch (err) {
        client.release(true);
        throw err;
      }
      client.atomRoleSet = true;
    }
    return client;
  }

  async function withClient<T>(ctx: string | null, fn: (c: TrackedClient) => Promise<T>): Promise<T> {
    const client = await checkout();
    let broken = false;
    try {
      if (ctx !== null && client.atomCtx !== ctx) {
        await client.query(SET_CONTEXT_SQL, [ctx]);
        client.atomCtx = ctx;
      }
      return await fn(client);
    } catch (err) {
      broken = isConnectionError(err);
      throw err;
    } finally {
      client.release(broken);
    }
  }

  let closed = false;
  const listener = pgListener(url);
  const query = <T>(ctx: string, text: string, params?: readonly unknown[]) =>
    withClient(ctx, async (c) => (await c.query(statement(text, params)).catch(withText(text))).rows as T[]);

  const db: Database = {
    kind: 'postgres',
    query,
    tx: (ctx, fn) =>
      withClient(ctx, async (c) => {
        await c.query('BEGIN');
        try {
          const ex: Executor = {
            query: async <R>(t: string, p?: readonly unknown[]) =>
              (await c.query(statement(t, p)).catch(withText(t))).rows as R[],
          };
          const out = await fn(ex);
          await c.query('COMMIT');
          return out;
        } catch (err) {
          await c.query('ROLLBACK').catch(() => undefined);
          throw err;
        }
      }),
    as: (ctx) => ({ query: (text, params) => query(ctx, text, params) }),
    exec: async (text) => {
      await withClient('*', (c) => runText(c, text));
    },
    jobsAdapter: () => ({
      // pg-boss completes jobs without awaiting: after close it is answered (closedJobsAnswer).
      executeSql: (text: string, values?: unknown[]) =>
        closed
          ? Promise.resolve(closedJobsAnswer(text))
          : withClient(null, async (c) => {
              const res = await runText(c, text, values);
              const last = Array.isArray(res) ? res.at(-1) : res;
              return { rows: (last?.rows ?? []) as Row[] };
            }),
    }),
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    listen: (channel, handler) => listener.listen(channel, handler),
    close: async () => {
      closed = true;
      await listener.close();
      await pool.end();
    },
  };
  return db;
}

/**
 * Runs SQL text that may open its own transaction (migrations, pg-boss's commands): on failure it
 * is rolled back on the same connection, so the connection goes back to the pool clean.
 */
async function runText(c: pg.PoolClient, text: string, values?: unknown[]): Promise<pg.QueryResult | pg.QueryResult[]> {
  try {
    return (await c.query(text, values)) as pg.QueryResult | pg.QueryResult[];
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** A failed statement's error carries its text (as PGlite's does), so the error log can name it; never its values. */
const withText =
  (text: string) =>
  (err: unknown): never => {
    if (err && typeof err === 'object' && !('query' in err))
      Object.defineProperty(err, 'query', { value: text, enumerable: false, configurable: true });
    throw err;
  };

function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: string }).code ?? '';
  return code.startsWith('08') || code === '57P01' || code === 'ECONNRESET';
}
