import { createRequire } from 'node:module';
import type { FastifyServerOptions } from 'fastify';

// Fastify's own default compilers (its dependencies, resolved from fastify so they are the copies it uses).
const requireFromFastify = createRequire(createRequire(import.meta.url).resolve('fastify'));
type RouteSchema = { schema?: unknown; httpPart?: string; [k: string]: unknown };
type Validator = ((this: unknown, data: unknown, ...rest: unknown[]) => unknown) & { errors?: unknown };
type Serializer = (data: unknown) => string;
type Builder<F> = (...args: unknown[]) => (def: RouteSchema) => F;
const ajvFactory = requireFromFastify('@fastify/ajv-compiler') as () => Builder<Validator>;
const fjsFactory = requireFromFastify('@fastify/fast-json-stringify-compiler') as () => Builder<Serializer>;

/** A validator that compiles its schema on its first call; `errors` is copied as Fastify reads it after each call. */
function lazyValidator(compile: () => Validator) {
  let fn: Validator | undefined;
  const validate = function (this: unknown, data: unknown, ...rest: unknown[]) {
    const v = fn ?? compile();
    fn = v;
    const out = v.call(this, data, ...rest);
    validate.errors = v.errors;
    return out;
  } as ((data: unknown) => unknown) & { errors?: unknown };
  return validate;
}

/**
 * Fastify lower-cases a headers schema's property names unless the compiler is custom, which this one is: same result.
 */
function lowerCaseHeaders(schema: unknown): unknown {
  const s = schema as { properties?: Record<string, unknown>; required?: unknown } | null | undefined;
  if (!s || typeof s !== 'object' || !s.properties) return schema;
  const properties = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k.toLowerCase(), v]));
  const required = Array.isArray(s.required) ? { required: s.required.map((k: string) => k.toLowerCase()) } : {};
  return { ...s, properties, ...required };
}

/**
 * `ATOM_LAZY_SCHEMAS` (tests): Fastify compiles every route's request validators (Ajv) and response
 * serializers (fast-json-stringify) when the app starts, about 1.4 s of CPU for 225 routes; a test
 * file uses a handful of them. With this controller each is compiled by the same compilers, with the
 * same options and shared schemas, on its route's first use instead. Production compiles at start.
 */
export function lazySchemaController(): NonNullable<FastifyServerOptions['schemaController']> {
  const buildValidator = ajvFactory();
  const buildSerializer = fjsFactory();
  return {
    compilersFactory: {
      buildValidator: (...args: unknown[]) => {
        const compile = buildValidator(...args);
        return (def: RouteSchema) => {
          const d = def.httpPart === 'headers' ? { ...def, schema: lowerCaseHeaders(def.schema) } : def;
          return lazyValidator(() => compile(d));
        };
      },
      buildSerializer: (...args: unknown[]) => {
        const compile = buildSerializer(...args);
        return (def: RouteSchema) => {
          let fn: Serializer | undefined;
          return (data: unknown) => {
            const serialize = fn ?? compile(def);
            fn = serialize;
            return serialize(data);
          };
        };
      },
    },
  } as NonNullable<FastifyServerOptions['schemaController']>;
}
