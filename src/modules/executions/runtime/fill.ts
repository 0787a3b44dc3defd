/**
 * A skill's inputs from a task, by its input schema (JSON Schema `properties` / `required`).
 * Sources, first one providing a property wins:
 *   1. the first JSON object in the task text (its keys named like properties);
 *   2. `key: value` / `key=value` pairs in the task whose key is a property (case-insensitive;
 *      the value runs to the next such key or the end, trimmed, quotes stripped);
 *   3. the request's `parameters`, then its `context`, fields named like a property;
 *   4. when the skill requires exactly one string input and it is still empty: the text after the
 *      task's first colon, or the whole task when it has none (a guess, which lowers confidence).
 * Every value is coerced to its property's type; a value that cannot be is not taken.
 */
type Schema = Record<string, unknown>;
export type Source = 'json' | 'text' | 'parameters' | 'context' | 'colon' | 'task';

export interface Filled {
  inputs: Record<string, unknown>;
  sources: Record<string, Source>;
  /** Required inputs still empty, each as `name (type)`. */
  missing: string[];
  /** Inputs are declared, none is required, and none was found. */
  nothing: boolean;
  /** An input came from the colon / whole-task fallback. */
  guessed: boolean;
}

const MAX_BRACKETS = 50;

const typesOf = (s: unknown): string[] => {
  const t = (s as Schema | undefined)?.type;
  return typeof t === 'string' ? [t] : Array.isArray(t) ? t.filter((x): x is string => typeof x === 'string') : [];
};
const labelOf = (props: Record<string, unknown>, n: string) => `${n} (${typesOf(props[n]).join(' or ') || 'any'})`;
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const parseJson = (s: string): unknown => {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
};

function toType(type: string, v: unknown): unknown {
  switch (type) {
    case 'string':
      return typeof v === 'string'
        ? v.trim()
          ? v
          : undefined
        : typeof v === 'number' || typeof v === 'boolean'
          ? String(v)
          : undefined;
    case 'number':
    case 'integer': {
      const n =
        typeof v === 'number'
          ? v
          : typeof v === 'string' && /^[-+]?(\d+(\.\d*)?|\.\d+)(e[-+]?\d+)?$/i.test(v.trim())
            ? Number(v)
            : NaN;
      return Number.isFinite(n) && (type === 'number' || Number.isInteger(n)) ? n : undefined;
    }
    case 'boolean': {
      if (typeof v === 'boolean') return v;
      const s = typeof v === 'string' ? v.trim().toLowerCase() : '';
      return s === 'true' || s === 'yes' ? true : s === 'false' || s === 'no' ? false : undefined;
    }
    case 'array': {
      const a = typeof v === 'string' ? parseJson(v) : v;
      return Array.isArray(a) ? a : undefined;
    }
    case 'object': {
      const o = typeof v === 'string' ? parseJson(v) : v;
      return isPlainObject(o) ? o : undefined;
    }
    default:
      return undefined;
  }
}

/** The value as the property's type, or undefined when it cannot be (untyped: taken as it is unless empty). */
export function coerce(value: unknown, schema: unknown): unknown {
  if (value === undefined || value === null) return undefined;
  const types = typesOf(schema);
  if (types.length === 0) return typeof value === 'string' && !value.trim() ? undefined : value;
  for (const t of types) {
    const v = toType(t, value);
    if (v !== undefined) return v;
  }
  return undefined;
}

/** Index of the bracket closing the one at `start` (JSON strings respected), or -1. */
function closing(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if ((c === '}' || c === ']') && --depth === 0) return i;
  }
  return -1;
}

/** The first top-level JSON object in a text (arrays are stepped over, not searched), with its span. */
export function jsonObjectIn(text: string): { value: Record<string, unknown>; start: number; end: number } | null {
  let tried = 0;
  for (let i = 0; i < text.length && tried < MAX_BRACKETS; i++) {
    if (text[i] !== '{' && text[i] !== '[') continue;
    tried++;
    const end = closing(text, i);
    if (end < 0) continue;
    const value = parseJson(text.slice(i, end + 1));
    if (isPlainObject(value)) return { value, start: i, end: end + 1 };
    if (Array.isArray(value)) i = end;
  }
  return null;
}

/** A pair's value: trimmed, without trailing `,` `;` or `and` (separators between pairs), unquoted. */
function clean(raw: string): string {
  let v = raw.trim();
  for (let prev = ''; prev !== v; ) {
    prev = v;
    if (v.endsWith(',') || v.endsWith(';')) v = v.slice(0, -1).trimEnd();
    else if (/\sand$/i.test(v)) v = v.slice(0, -3).trimEnd();
  }
  const quoted = v.length >= 2 && `"'\``.includes(v[0]) && v.at(-1) === v[0];
  return quoted ? v.slice(1, -1) : v;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `key: value` and `key=value` pairs for the given keys, in text order. */
export function pairsIn(text: string, keys: string[]): [string, string][] {
  if (keys.length === 0) return [];
  const alt = [...keys]
    .sort((a, b) => b.length - a.length)
    .map(escapeRe)
    .join('|');
  const hits = [...text.matchAll(new RegExp(`(?<![\\w])(${alt})\\s*[:=]`, 'gi'))];
  return hits.map((m, i): [string, string] => {
    const end = i + 1 < hits.length ? hits[i + 1].index! : text.length;
    return [m[1], clean(text.slice(m.index! + m[0].length, end))];
  });
}

/** The text the colon / whole-task fallback offers. */
function fallbackText(task: string): { text: string; source: Source } {
  const colon = task.indexOf(':');
  return colon >= 0 ? { text: clean(task.slice(colon + 1)), source: 'colon' } : { text: clean(task), source: 'task' };
}

export function fillInputs(
  schema: Schema,
  task: string,
  context: Record<string, unknown>,
  parameters: Record<string, unknown>,
): Filled {
  const props = isPlainObject(schema.properties) ? schema.properties : {};
  const names = Object.keys(props).filter((n) => n !== '__proto__');
  const byLower = new Map(names.map((n) => [n.toLowerCase(), n]));
  const inputs: Record<string, unknown> = {};
  const sources: Record<string, Source> = {};
  const offer = (source: Source, key: string, value: unknown) => {
    const name = byLower.get(key.toLowerCase());
    if (name === undefined || name in inputs) return;
    const v = coerce(value, props[name]);
    if (v === undefined) return;
    inputs[name] = v;
    sources[name] = source;
  };
  const json = jsonObjectIn(task);
  for (const [k, v] of Object.entries(json?.value ?? {})) offer('json', k, v);
  // An object that gave no input may be the value of a pair (`meta={"k":1}`): it stays in the text.
  const rest = json && Object.keys(inputs).length ? `${task.slice(0, json.start)} ${task.slice(json.end)}` : task;
  for (const [k, v] of pairsIn(rest, names)) offer('text', k, v);
  for (const [k, v] of Object.entries(parameters)) offer('parameters', k, v);
  for (const [k, v] of Object.entries(context)) offer('context', k, v);
  const required = (Array.isArray(schema.required) ? schema.required : []).filter(
    (n): n is string => typeof n === 'string',
  );
  const strings = required.filter((n) => typesOf(props[n]).includes('string'));
  if (strings.length === 1 && !(strings[0] in inputs)) {
    const { text, source } = fallbackText(task);
    offer(source, strings[0], text);
  }
  return {
    inputs,
    sources,
    missing: required.filter((n) => !(n in inputs)).map((n) => labelOf(props, n)),
    nothing: names.length > 0 && required.length === 0 && Object.keys(inputs).length === 0,
    guessed: Object.values(sources).some((s) => s === 'colon' || s === 'task'),
  };
}

/** Why a skill cannot run with what was found, or null when it can. */
export function missingMessage(title: string, schema: Schema, filled: Filled): string | null {
  if (filled.missing.length)
    return `${title} needs its input${filled.missing.length > 1 ? 's' : ''}: ${filled.missing.join(', ')}`;
  if (!filled.nothing) return null;
  const props = schema.properties as Record<string, unknown>;
  return `${title} needs at least one of its inputs: ${Object.keys(props)
    .map((n) => labelOf(props, n))
    .join(', ')}`;
}
