import jsonata from 'jsonata';

/**
 * Workflow expressions are JSONata (the data-mapping language n8n and Node-RED users know),
 * evaluated by the `jsonata` library's own interpreter over plain data: no `eval`, no
 * `new Function`, no access to the host. Each evaluation is bounded in time, depth and sequence
 * size. Expressions read `input` (the run's input), `nodes.<id>` (an earlier node's output),
 * `workflow` and `run`.
 *
 * Templates are strings holding `{{ expression }}` parts: a string that is one whole `{{…}}` gives
 * the expression's value as it is (a number stays a number), otherwise the parts are spliced into
 * the text. Objects and arrays of templates are rendered member by member.
 */
export interface Scope {
  input: unknown;
  nodes: Record<string, unknown>;
  workflow: { id: string; name: string };
  run: { id: string; trigger: string };
}

export const LIMITS = { timeoutMs: 1000, stack: 300, sequence: 100_000 } as const;
const TEMPLATE = /\{\{([\s\S]*?)\}\}/g;
const WHOLE = /^\s*\{\{([\s\S]*?)\}\}\s*$/;

export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly source: string,
  ) {
    super(message);
  }
}

type Compiled = ReturnType<typeof jsonata>;
const cache = new Map<string, Compiled>();
const CACHE_MAX = 2000;

/** Parses an expression (cached); a syntax error says where. */
export function compile(source: string): Compiled {
  const hit = cache.get(source);
  if (hit) return hit;
  let expr: Compiled;
  try {
    expr = jsonata(source, { timeout: LIMITS.timeoutMs, stack: LIMITS.stack, sequence: LIMITS.sequence });
  } catch (err) {
    const e = err as { message?: string; position?: number };
    throw new ExpressionError(
      `${e.message ?? 'invalid expression'}${e.position !== undefined ? ` (at character ${e.position})` : ''}`,
      source,
    );
  }
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
  cache.set(source, expr);
  return expr;
}

/** Evaluates an expression; an evaluation error (or a runaway one) becomes an ExpressionError. */
export async function evaluate(source: string, scope: Scope): Promise<unknown> {
  const expr = compile(source);
  try {
    const value = await expr.evaluate(scope);
    return normalise(value);
  } catch (err) {
    if (err instanceof ExpressionError) throw err;
    const e = err as { message?: string; code?: string };
    throw new ExpressionError(`${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}`, source);
  }
}

/** JSONata sequences are arrays with extra flags; functions have no JSON form. */
function normalise(value: unknown): unknown {
  if (value === undefined || typeof value === 'function') return undefined;
  return JSON.parse(JSON.stringify(value)) as unknown;
}

/** The expressions in a template value (strings, nested in objects and arrays). */
export function templateExpressions(value: unknown): string[] {
  if (typeof value === 'string') return [...value.matchAll(TEMPLATE)].map((m) => m[1].trim());
  if (Array.isArray(value)) return value.flatMap(templateExpressions);
  if (value && typeof value === 'object') return Object.values(value).flatMap(templateExpressions);
  return [];
}

/** Renders a template value against the scope. */
export async function render(value: unknown, scope: Scope): Promise<unknown> {
  if (typeof value === 'string') {
    const whole = WHOLE.exec(value);
    if (whole && !whole[1].includes('}}')) return evaluate(whole[1].trim(), scope);
    let out = '';
    let at = 0;
    for (const m of value.matchAll(TEMPLATE)) {
      const v = await evaluate(m[1].trim(), scope);
      out +=
        value.slice(at, m.index) + (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v));
      at = m.index! + m[0].length;
    }
    return out + value.slice(at);
  }
  if (Array.isArray(value)) return Promise.all(value.map((v) => render(v, scope)));
  if (value && typeof value === 'object') {
    const entries = await Promise.all(
      Object.entries(value).map(async ([k, v]) => [k, await render(v, scope)] as const),
    );
    return Object.fromEntries(entries);
  }
  return value;
}

/**
 * The node ids an expression reads (`nodes.<id>` or `nodes.\`<id>\`` at the root of a path, and
 * `$lookup(nodes, 'id')`-free forms only): what save-time checks compare with the graph.
 */
export function referencedNodes(source: string): string[] {
  const found = new Set<string>();
  walk(compile(source).ast(), found);
  return [...found];
}

type Ast = { type?: string; value?: unknown; steps?: Ast[]; [k: string]: unknown };

function walk(node: unknown, found: Set<string>): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const n of node) walk(n, found);
    return;
  }
  const n = node as Ast;
  if (n.type === 'path' && Array.isArray(n.steps)) {
    const [first, second] = n.steps;
    if (
      first?.type === 'name' &&
      first.value === 'nodes' &&
      second?.type === 'name' &&
      typeof second.value === 'string'
    ) {
      found.add(second.value);
    }
  }
  for (const [k, v] of Object.entries(n)) if (k !== 'value' || typeof v === 'object') walk(v, found);
}
