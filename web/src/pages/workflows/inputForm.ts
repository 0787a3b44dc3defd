import { ApiError } from '../../api';
import type { FieldOption, InputField, OptionValue } from './types';

/** What a control holds while the form is edited: text, a checkbox, or the picked options. */
export type FormValue = string | boolean | string[];
export type FormValues = Record<string, FormValue>;

export const JSON_TYPES = new Set(['json', 'object', 'array']);

export const optionValue = (o: FieldOption): OptionValue => (typeof o === 'object' ? o.value : o);
export const optionLabel = (o: FieldOption): string =>
  typeof o === 'object' ? (o.label ?? String(o.value)) : String(o);
/** Options may be numbers or booleans: a control carries each as its JSON text. */
export const optionKey = (o: FieldOption) => JSON.stringify(optionValue(o));

export const fieldLabel = (f: InputField) => f.label || f.name;

/** The control's starting value, from the field's default. */
export function initialValue(f: InputField): FormValue {
  const d = f.default;
  if (f.type === 'boolean') return d === true;
  if (f.type === 'multiselect') {
    if (!Array.isArray(d)) return [];
    return f.options?.length ? d.map((v) => JSON.stringify(v)) : d.map(String);
  }
  if (d === undefined || d === null) return '';
  if (JSON_TYPES.has(f.type)) return JSON.stringify(d, null, 2);
  if (f.type === 'select' && f.options?.length) return JSON.stringify(d);
  return String(d);
}

export const initialValues = (fields: InputField[]): FormValues =>
  Object.fromEntries(fields.map((f) => [f.name, initialValue(f)]));

type Parsed = { value?: unknown; error?: string };

function parseJson(f: InputField, text: string): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: 'is not valid JSON' };
  }
  if (f.type === 'object' && (typeof value !== 'object' || value === null || Array.isArray(value)))
    return { error: 'must be a JSON object' };
  if (f.type === 'array' && !Array.isArray(value)) return { error: 'must be a JSON array' };
  return { value };
}

/** One control's value as the API takes it; an empty optional control sends nothing. */
function parseField(f: InputField, v: FormValue): Parsed {
  if (f.type === 'boolean') return { value: v === true };
  if (f.type === 'multiselect') {
    const picked = Array.isArray(v)
      ? v
      : String(v)
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
    if (!picked.length) return {};
    return { value: f.options?.length ? picked.map((k) => JSON.parse(k)) : picked };
  }
  const text = String(v);
  if (text.trim() === '') return {};
  if (f.type === 'number' || f.type === 'integer') {
    const n = Number(text);
    return Number.isFinite(n) ? { value: n } : { error: 'must be a number' };
  }
  if (JSON_TYPES.has(f.type)) return parseJson(f, text);
  if (f.type === 'select' && f.options?.length) return { value: JSON.parse(text) };
  return { value: text };
}

/**
 * The run's input from the form. Only what cannot be sent at all (JSON that does not parse, a
 * number that is not one) is refused here; the server checks the rest against the input schema.
 */
export function formInput(
  fields: InputField[],
  values: FormValues,
): { input: Record<string, unknown>; errors: Record<string, string> } {
  const input: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const f of fields) {
    const r = parseField(f, values[f.name] ?? initialValue(f));
    if (r.error) errors[f.name] = `${fieldLabel(f)} ${r.error}.`;
    else if (r.value !== undefined) input[f.name] = r.value;
  }
  return { input, errors };
}

/** A 400's per-field messages: `details.field`, or each of `details.errors[]` (the input schema check). */
export function fieldErrors(e: unknown): Record<string, string> {
  if (!(e instanceof ApiError) || e.status !== 400) return {};
  const d = (e.details ?? {}) as {
    field?: unknown;
    message?: unknown;
    errors?: { field?: unknown; message?: unknown }[];
  };
  const out: Record<string, string> = {};
  const put = (field: unknown, message: unknown) => {
    if (typeof field !== 'string' || !field) return;
    const name = field.replace(/^(input|parameters)\./, '').split('.')[0];
    out[name] = [out[name], typeof message === 'string' ? message : 'is invalid'].filter(Boolean).join('; ');
  };
  if (Array.isArray(d.errors))
    d.errors.forEach((x) => {
      put(x?.field, x?.message);
    });
  if (!Array.isArray(d.errors) || !d.errors.length) put(d.field, d.message ?? e.message);
  return out;
}
