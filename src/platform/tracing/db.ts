import type { Database, Executor } from '../db/index.js';

export type ChildSpan = <T>(name: string, attributes: Record<string, string>, fn: () => Promise<T>) => Promise<T>;

const LEADING = /^\s*(?:\/\*[\s\S]*?\*\/\s*)*([A-Za-z]+)/;
const MAX_TEXT = 2_000;

/**
 * `SELECT`, `INSERT`…: the statement's first keyword, past leading comments (semantic conventions: low cardinality).
 */
function operation(text: string): string {
  return LEADING.exec(text)?.[1]?.toUpperCase() ?? 'SQL';
}

function attributes(kind: Database['kind'], text: string): Record<string, string> {
  return {
    'db.system.name': 'postgresql',
    'db.operation.name': operation(text),
    'db.query.text': text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text,
    'atom.db.engine': kind,
  };
}

/**
 * The same database with a span per statement and per transaction, the transaction's statements
 * its children. Values are never recorded, only the statement text. pg-boss's own polling
 * (`jobsAdapter`) and migrations (`exec`) pass through untraced. `child` makes a span only under a
 * current one (a request, job, or run), so background pollers add no traces of their own.
 */
export function tracedDatabase(db: Database, child: ChildSpan): Database {
  const statement = <T>(text: string, run: () => Promise<T>) => child(operation(text), attributes(db.kind, text), run);
  const executor = (ex: Executor): Executor => ({
    query: (text, params) => statement(text, () => ex.query(text, params)),
  });
  const query: Database['query'] = (ctx, text, params) => statement(text, () => db.query(ctx, text, params));
  const traced: Database = {
    kind: db.kind,
    query,
    tx: (ctx, fn) =>
      child('transaction', { 'db.system.name': 'postgresql', 'atom.db.engine': db.kind }, () =>
        db.tx(ctx, (ex) => fn(executor(ex))),
      ),
    as: (ctx) => ({ query: (text, params) => query(ctx, text, params) }),
    exec: (text) => db.exec(text),
    jobsAdapter: () => db.jobsAdapter(),
    listen: (channel, handler) => db.listen(channel, handler),
    close: () => db.close(),
  };
  if (db.snapshot) traced.snapshot = () => db.snapshot!();
  if (db.poolStats) traced.poolStats = () => db.poolStats!();
  return traced;
}
