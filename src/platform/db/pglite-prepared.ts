import { type PGlite, parse, protocol } from '@electric-sql/pglite';

/**
 * Named prepared statements on PGlite, as node-postgres keeps them on PostgreSQL: a statement is
 * parsed and described once, then each run is one message (Bind, Describe, Execute, Sync) and one
 * call into the WebAssembly backend. PGlite's own `query()` parses, plans and describes the text
 * every time, in six calls. The caller holds PGlite's query lock (`runExclusive`) around a run, so
 * no other query's protocol steps can come between.
 */
const { serialize } = protocol;
const MAX_STATEMENTS = 5_000;

interface Statement {
  name: string;
  /** Parameter types, as PostgreSQL inferred them. */
  types: number[];
}

export class PreparedStatements {
  private readonly statements = new Map<string, Statement>();
  private count = 0;

  constructor(private readonly pg: PGlite) {}

  /** Whether `text` runs as a prepared statement (false when the cache is full). */
  has(text: string): boolean {
    return this.statements.has(text) || this.statements.size < MAX_STATEMENTS;
  }

  /** Forgets every statement (after DDL, whose changes a cached statement must not outlive). */
  async reset(): Promise<void> {
    if (this.statements.size === 0) return;
    this.statements.clear();
    await this.pg.execProtocol(concat([serialize.query('DEALLOCATE ALL')]), { syncToFs: false });
  }

  async run<T>(text: string, params: readonly unknown[] | undefined, syncToFs: boolean): Promise<T[]> {
    try {
      return await this.execute<T>(text, params ?? [], syncToFs);
    } catch (err) {
      // A table changed under a cached statement (0A000: "cached plan must not change result type"): prepare it again.
      if ((err as { code?: string }).code !== '0A000' || !this.statements.delete(text))
        throw decorate(err, text, params);
      try {
        return await this.execute<T>(text, params ?? [], syncToFs);
      } catch (again) {
        throw decorate(again, text, params);
      }
    }
  }

  private async execute<T>(text: string, params: readonly unknown[], syncToFs: boolean): Promise<T[]> {
    const s = this.statements.get(text) ?? (await this.prepare(text));
    const values = params.map((p, i) =>
      p === null || p === undefined ? null : (this.pg.serializers[s.types[i]!]?.(p) ?? String(p)),
    );
    const message = concat([
      serialize.bind({ statement: s.name, values }),
      serialize.describe({ type: 'P' }),
      serialize.execute({}),
      serialize.sync(),
    ]);
    const { messages } = await this.pg.execProtocol(message, { syncToFs });
    return (parse.parseResults(messages, this.pg.parsers)[0]?.rows ?? []) as T[];
  }

  private async prepare(text: string): Promise<Statement> {
    const name = `atom_${++this.count}`;
    const message = concat([
      serialize.parse({ name, text }),
      serialize.describe({ type: 'S', name }),
      serialize.sync(),
    ]);
    const { messages } = await this.pg.execProtocol(message, { syncToFs: false });
    const statement = { name, types: parse.parseDescribeStatementResults(messages) };
    this.statements.set(text, statement);
    return statement;
  }
}

/** What PGlite's own query() attaches to an error: the statement (logged) and its parameters (never logged). */
function decorate(err: unknown, text: string, params: readonly unknown[] | undefined): unknown {
  if (err && typeof err === 'object' && !('query' in err)) Object.assign(err, { query: text, params });
  return err;
}

function concat(parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
