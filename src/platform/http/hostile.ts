import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { AppError } from '../errors.js';

/**
 * The edge against hostile input, before any handler runs (docs/decisions.md, "Hostile input"):
 * - a NUL byte in a path parameter, query key or value, header, or anywhere in the parsed body
 *   (keys included) is 400 VALIDATION_ERROR naming the field (`params.id`, `query.search`,
 *   `headers.x-tenant-id`, `body.config.name`); PostgreSQL cannot store it anyway;
 * - a JSON body nested deeper than MAX_DEPTH is 400 VALIDATION_ERROR (it would overflow the stack
 *   of whatever walks it later: serialisers, jsonb, the sandbox);
 * - a number in the query or path that is not finite (`1e309`) is refused: ajv's type coercion
 *   turns it into Infinity and skips its own `maximum` check for non-finite numbers;
 * - every integer or number in a route's query or path schema without bounds gets
 *   ±MAX_SAFE_INTEGER, so `page=99999999999999999999` is a 400, not an offset SQL cannot take.
 */
export const MAX_DEPTH = 100;
const NUL = '\u0000';

function nulIn(where: 'params' | 'query', value: unknown): AppError | null {
  if (!value || typeof value !== 'object') return null;
  const values = value as Record<string, unknown>;
  for (const k in values) {
    const v = values[k];
    if (
      k.includes(NUL) ||
      (typeof v === 'string'
        ? v.includes(NUL)
        : Array.isArray(v) && v.some((x) => typeof x === 'string' && x.includes(NUL)))
    ) {
      return nulError(`${where}.${printable(k)}`);
    }
  }
  return null;
}

function nulInHeaders(headers: Record<string, string | string[] | undefined>): AppError | null {
  for (const name in headers) {
    const v = headers[name];
    if (
      typeof v === 'string'
        ? v.includes(NUL)
        : Array.isArray(v) && v.some((x) => typeof x === 'string' && x.includes(NUL))
    )
      return nulError(`headers.${name}`);
  }
  return null;
}

const printable = (key: string) => key.replaceAll(NUL, '\\u0000');

const LOCATION: Record<string, string> = { body: 'body', query: 'querystring', params: 'params', headers: 'headers' };

function nulError(field: string) {
  const location = LOCATION[field.split('.')[0]];
  return new AppError('VALIDATION_ERROR', 'Validation failed', {
    field,
    location,
    message: `${field} must not contain NUL (\\u0000) characters`,
  });
}

/** Walks the parsed body without recursion (a deep array must not overflow this walk either). */
function scanBody(body: unknown): AppError | null {
  if (typeof body === 'string') return body.includes(NUL) ? nulError('body') : null;
  if (!body || typeof body !== 'object' || Buffer.isBuffer(body)) return null;
  const stack: Array<[unknown, string, number]> = [[body, 'body', 0]];
  while (stack.length) {
    const [value, path, depth] = stack.pop()!;
    if (depth > MAX_DEPTH) {
      return new AppError('VALIDATION_ERROR', 'Validation failed', {
        field: path,
        message: `The body is nested deeper than ${MAX_DEPTH} levels`,
      });
    }
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const at = `${path}.${printable(k)}`;
      if (k.includes(NUL) || (typeof v === 'string' && v.includes(NUL))) return nulError(at);
      if (v && typeof v === 'object') stack.push([v, at, depth + 1]);
    }
  }
  return null;
}

const WHERE = ['query', 'params'] as const;

/** After validation: ajv coerced `1e309` to Infinity. `limit` answers as the seeds document it. */
function nonFinite(req: FastifyRequest): AppError | null {
  for (const where of WHERE) {
    const values = req[where] as Record<string, unknown> | undefined;
    for (const k in values) {
      const v = values[k];
      if (typeof v !== 'number' || Number.isFinite(v)) continue;
      const schema = req.routeOptions.schema?.querystring as
        | { properties?: Record<string, { maximum?: number }> }
        | undefined;
      const max = schema?.properties?.[k]?.maximum;
      if (where === 'query' && k === 'limit' && max !== undefined)
        return new AppError('INVALID_LIMIT', `Maximum limit is ${max}`, { field: k, maximum: max });
      return new AppError('VALIDATION_ERROR', 'Validation failed', {
        field: k,
        location: where === 'query' ? 'querystring' : 'params',
        message: `${k} must be a finite number`,
      });
    }
  }
  return null;
}

type JsonSchema = {
  type?: unknown;
  properties?: Record<string, JsonSchema>;
  maximum?: number;
  minimum?: number;
  exclusiveMaximum?: unknown;
  exclusiveMinimum?: unknown;
};

/** A copy of a query/params object schema whose unbounded numbers get ±MAX_SAFE_INTEGER. */
function bounded<T>(schema: T): T {
  const s = schema as JsonSchema | undefined;
  if (!s?.properties) return schema;
  let changed = false;
  const properties: Record<string, JsonSchema> = {};
  for (const [k, p] of Object.entries(s.properties)) {
    const numeric = p.type === 'integer' || p.type === 'number';
    const add: JsonSchema = {};
    if (numeric && p.maximum === undefined && p.exclusiveMaximum === undefined) add.maximum = Number.MAX_SAFE_INTEGER;
    if (numeric && p.minimum === undefined && p.exclusiveMinimum === undefined) add.minimum = -Number.MAX_SAFE_INTEGER;
    changed ||= Object.keys(add).length > 0;
    properties[k] = Object.keys(add).length ? { ...p, ...add } : p;
  }
  return changed ? ({ ...s, properties } as T) : schema;
}

export function registerHostileInputGuards(app: FastifyInstance) {
  app.addHook('onRoute', (route: RouteOptions) => {
    if (!route.schema) return;
    route.schema = {
      ...route.schema,
      querystring: bounded(route.schema.querystring),
      params: bounded(route.schema.params),
    };
    if (route.schema.querystring === undefined) delete route.schema.querystring;
    if (route.schema.params === undefined) delete route.schema.params;
  });
  // Callback hooks: they run on every request, and an async hook costs a promise and a microtask turn.
  app.addHook('onRequest', (req, _reply, done) => {
    done(nulIn('params', req.params) ?? nulIn('query', req.query) ?? nulInHeaders(req.headers) ?? undefined);
  });
  app.addHook('preValidation', (req, _reply, done) => {
    done(req.body === undefined ? undefined : (scanBody(req.body) ?? undefined));
  });
  app.addHook('preHandler', (req, _reply, done) => {
    done(nonFinite(req) ?? undefined);
  });
}
