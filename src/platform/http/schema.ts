import { type Static, type TSchema, Type } from '@sinclair/typebox';

/**
 * Schema helpers that serialize fast. TypeBox unions become `anyOf`, which fast-json-stringify
 * resolves by validating every value against each branch; `nullable` and `enum` cost nothing.
 */
export const Nullable = <T extends TSchema>(schema: T) => Type.Unsafe<Static<T> | null>({ ...schema, nullable: true });

export const StringEnum = <const V extends readonly string[]>(values: V, options: Record<string, unknown> = {}) =>
  Type.Unsafe<V[number]>({ type: 'string', enum: [...values], ...options });
