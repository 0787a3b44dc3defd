/**
 * Key conversion for the marketplace client: its options and results are camelCase (as the seeds'
 * TypeScript examples read `agent.avgRating`, `result.componentId`), the wire is snake_case.
 * User data (configs, JSON Schemas, skill content, execution results) is copied as is.
 */

const KEEP_SNAKE = new Set([
  'config',
  'config_overrides',
  'content',
  'code',
  'config_schema',
  'input_schema',
  'output_schema',
  'schema',
  'metadata',
  'context',
  'parameters',
  'input',
  'output',
  'result',
  'api_keys',
  'payload',
]);
const KEEP_CAMEL = new Set([
  'config',
  'configOverrides',
  'content',
  'code',
  'configSchema',
  'inputSchema',
  'outputSchema',
  'schema',
  'metadata',
  'context',
  'parameters',
  'input',
  'output',
  'result',
  'apiKeys',
  'payload',
]);

export const toSnake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
export const toCamel = (key: string) => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

function convert(value: unknown, rename: (k: string) => string, keep: Set<string>): unknown {
  if (Array.isArray(value)) return value.map((v) => convert(v, rename, keep));
  if (!isPlain(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    out[rename(k)] = keep.has(k) ? v : convert(v, rename, keep);
  }
  return out;
}

/** camelCase options → snake_case wire body or query. */
export function snakeKeys<T = Record<string, unknown>>(value: unknown): T {
  return convert(value, toSnake, KEEP_CAMEL) as T;
}

/** snake_case wire answer → camelCase result. */
export function camelKeys<T = unknown>(value: unknown): T {
  return convert(value, toCamel, KEEP_SNAKE) as T;
}

type CamelKey<S extends string> = S extends `${infer H}_${infer T}` ? `${H}${Capitalize<CamelKey<T>>}` : S;
type KeptSnake =
  | 'config'
  | 'config_overrides'
  | 'content'
  | 'code'
  | 'config_schema'
  | 'input_schema'
  | 'output_schema'
  | 'schema'
  | 'metadata'
  | 'context'
  | 'parameters'
  | 'input'
  | 'output'
  | 'result'
  | 'api_keys'
  | 'payload';

/** The type `camelKeys` produces: snake_case keys renamed at every level, user data left as is. */
export type Camelize<T> =
  T extends ReadonlyArray<infer U>
    ? Array<Camelize<U>>
    : T extends object
      ? { [K in keyof T as K extends string ? CamelKey<K> : K]: K extends KeptSnake ? T[K] : Camelize<T[K]> }
      : T;
