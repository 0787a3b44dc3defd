/**
 * One SQL dialect (PostgreSQL) on two engines: embedded PGlite and real PostgreSQL.
 *
 * Every query runs in a tenant context: the tenant id, or SYSTEM for platform work. The context
 * is the `app.tenant_id` setting that row level security policies read, so a repo that forgot its
 * `tenant_id` filter still cannot see another tenant's rows.
 */
export type Row = Record<string, unknown>;

/** The platform context: sees every tenant (workers, admin routes, credential lookup). */
export const SYSTEM = '*';

export interface Executor {
  query<T = Row>(text: string, params?: readonly unknown[]): Promise<T[]>;
}

export interface Database {
  readonly kind: 'pglite' | 'postgres';
  /** One statement in the given context. */
  query<T = Row>(ctx: string, text: string, params?: readonly unknown[]): Promise<T[]>;
  /** A transaction in the given context; rolled back when `fn` throws. */
  tx<T>(ctx: string, fn: (ex: Executor) => Promise<T>): Promise<T>;
  /** An executor bound to a context, for repos that take one. */
  as(ctx: string): Executor;
  /** Runs SQL text that may hold several statements, as the migration owner. */
  exec(text: string): Promise<void>;
  /** Raw access for pg-boss: `executeSql(text, values)`. */
  jobsAdapter(): { executeSql(text: string, values?: unknown[]): Promise<{ rows: Row[] }> };
  /** Embedded only: the whole data directory as a tarball, which `memory://?from=<file>` starts from. */
  snapshot?(): Promise<Uint8Array>;
  /** PostgreSQL only: the connection pool's open, idle and waiting counts (metrics). */
  poolStats?(): { total: number; idle: number; waiting: number };
  /** LISTEN for NOTIFY on `channel` (job wake-ups); resolves to the function that stops listening. */
  listen(channel: string, handler: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** The role the application acts as; never a superuser, so row level security applies. */
export const APP_ROLE = 'atom_app';

/**
 * Marks a statement whose best plan depends on its values (full-text search: a rare word is read
 * through the text index, a common one in the order of the page). Cached plans are generic: after
 * five runs PostgreSQL may keep one that walks the whole catalogue for a rare word.
 */
export const PLAN_PER_CALL = '/* plan per call */';

export const SET_CONTEXT_SQL = "SELECT set_config('app.tenant_id', $1, false)";
export const SET_LOCAL_CONTEXT_SQL = "SELECT set_config('app.tenant_id', $1, true)";

/**
 * What pg-boss gets from a closed database: it completes and fails jobs without awaiting them, so
 * after close it is answered instead of left with an unhandled rejection (the job then comes back
 * after its expiry, as after a crash). Its complete/fail commands end in `SELECT COUNT(*) FROM
 * results` and it reads `rows[0].count`: those get a count of 0; everything else no rows.
 */
export function closedJobsAnswer(text: string): { rows: Row[] } {
  return { rows: /select\s+count\(\*\)\s+from\s+results\s*$/i.test(text.trim()) ? [{ count: '0' }] : [] };
}
