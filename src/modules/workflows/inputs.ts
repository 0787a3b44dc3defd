import { type Static, Type } from '@sinclair/typebox';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { AppError } from '../../platform/errors.js';

/**
 * An advanced template's `input_schema` is a list of form fields (the seed's shape). Parameters
 * for a new workflow are checked against the JSON Schema these fields describe, with ajv.
 */
export const FIELD_TYPES = [
  'text',
  'string',
  'textarea',
  'number',
  'integer',
  'boolean',
  'select',
  'multiselect',
  'email',
  'url',
  'date',
  'json',
  'object',
  'array',
] as const;

const Option = Type.Union([
  Type.String(),
  Type.Number(),
  Type.Boolean(),
  Type.Object({
    value: Type.Union([Type.String(), Type.Number(), Type.Boolean()]),
    label: Type.Optional(Type.String()),
  }),
]);
export const InputField = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }),
  type: Type.Unsafe<(typeof FIELD_TYPES)[number]>({ type: 'string', enum: [...FIELD_TYPES] }),
  label: Type.Optional(Type.String({ maxLength: 200 })),
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  required: Type.Optional(Type.Boolean()),
  default: Type.Optional(Type.Unknown()),
  options: Type.Optional(Type.Array(Option, { maxItems: 500 })),
  min: Type.Optional(Type.Number()),
  max: Type.Optional(Type.Number()),
});
export type InputField = Static<typeof InputField>;
export const InputSchema = Type.Array(InputField, { maxItems: 100 });

const ajv = new (Ajv as unknown as typeof Ajv.default)({ allErrors: true, strict: false, useDefaults: true });
(addFormats as unknown as (a: unknown) => void)(ajv);

const optionValue = (o: Static<typeof Option>) => (typeof o === 'object' ? o.value : o);

function fieldSchema(f: InputField): Record<string, unknown> {
  const values = f.options?.length ? f.options.map(optionValue) : undefined;
  const numeric = {
    ...(f.min !== undefined ? { minimum: f.min } : {}),
    ...(f.max !== undefined ? { maximum: f.max } : {}),
  };
  const textual = {
    ...(f.min !== undefined ? { minLength: f.min } : {}),
    ...(f.max !== undefined ? { maxLength: f.max } : {}),
  };
  const base: Record<string, unknown> = f.default !== undefined ? { default: f.default } : {};
  switch (f.type) {
    case 'number':
      return { ...base, type: 'number', ...numeric };
    case 'integer':
      return { ...base, type: 'integer', ...numeric };
    case 'boolean':
      return { ...base, type: 'boolean' };
    case 'select':
      return values ? { ...base, enum: values } : { ...base, type: 'string', ...textual };
    case 'multiselect':
      return { ...base, type: 'array', items: values ? { enum: values } : { type: 'string' }, uniqueItems: true };
    case 'email':
      return { ...base, type: 'string', format: 'email' };
    case 'url':
      return { ...base, type: 'string', format: 'uri' };
    case 'date':
      return { ...base, type: 'string', format: 'date' };
    case 'json':
      return { ...base };
    case 'object':
      return { ...base, type: 'object' };
    case 'array':
      return {
        ...base,
        type: 'array',
        ...(f.min !== undefined ? { minItems: f.min } : {}),
        ...(f.max !== undefined ? { maxItems: f.max } : {}),
      };
    default:
      return { ...base, type: 'string', ...textual };
  }
}

/** The JSON Schema an input_schema field list stands for; unknown parameters are refused. */
export function toJsonSchema(fields: InputField[]): Record<string, unknown> {
  return {
    type: 'object',
    properties: Object.fromEntries(fields.map((f) => [f.name, fieldSchema(f)])),
    required: fields.filter((f) => f.required).map((f) => f.name),
    additionalProperties: false,
  };
}

/** Checks the field list itself when a template is created: unique names, a schema ajv accepts. */
export function assertValidInputSchema(fields: InputField[]): void {
  const seen = new Set<string>();
  fields.forEach((f, i) => {
    if (seen.has(f.name))
      throw new AppError('VALIDATION_ERROR', 'Validation failed', {
        field: `input_schema.${i}.name`,
        message: `Input '${f.name}' is declared more than once`,
      });
    seen.add(f.name);
  });
  const schema = toJsonSchema(fields);
  try {
    ajv.compile(schema);
    ajv.removeSchema(schema);
  } catch (err) {
    throw new AppError('VALIDATION_ERROR', 'Validation failed', {
      field: 'input_schema',
      message: `input_schema is not usable: ${(err as Error).message}`,
    });
  }
}

/**
 * Validates (and fills defaults into a copy of) the user's parameters; 400 INPUT_VALIDATION_FAILED with every error.
 */
export function validateParameters(fields: InputField[], parameters: Record<string, unknown>): Record<string, unknown> {
  const schema = toJsonSchema(fields);
  const check = ajv.compile(schema);
  ajv.removeSchema(schema); // compiled per call: keep ajv's cache from growing with every template
  const values = structuredClone(parameters);
  if (check(values)) return values;
  const errors = (check.errors ?? []).map((e) => {
    const field =
      e.keyword === 'required'
        ? String(e.params.missingProperty)
        : e.keyword === 'additionalProperties'
          ? String(e.params.additionalProperty)
          : e.instancePath.replace(/^\//, '').replace(/\//g, '.');
    return {
      field,
      keyword: e.keyword,
      message: e.message ?? 'is invalid',
      ...(e.keyword === 'enum' ? { allowed_values: e.params.allowedValues } : {}),
    };
  });
  const missing = errors.filter((e) => e.keyword === 'required').map((e) => e.field);
  throw new AppError(
    'INPUT_VALIDATION_FAILED',
    `Parameters do not match the template's input_schema: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`,
    {
      errors,
      missing_fields: missing,
      expected_schema: schema,
      provided_parameters: parameters,
    },
  );
}
