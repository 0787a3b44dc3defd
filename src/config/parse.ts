import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import {
  ConfigSchema,
  type EnvSettings,
  OAUTH_VARIABLE,
  type OAuthSettingName,
  OAuthSettingsSchema,
} from './schema.js';

/** A setting that cannot be used: start-up stops with its message (no stack trace). */
export class ConfigError extends Error {}

export type Env = Record<string, string | undefined>;

const MAX = Number.MAX_SAFE_INTEGER;
const TRUE = ['1', 'true', 'yes', 'on'];
const FALSE = ['0', 'false', 'no', 'off'];
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is this check's purpose
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Checks a value's schema cannot say in JSON Schema, keyed by variable. */
const REFINE: Partial<Record<string, (value: string) => boolean>> = {
  ATOM_ENCRYPTION_KEY: (v) => Buffer.from(v, 'base64').length === 32,
};

/** What a variable accepts, in words: the README's "accepts" column and every error message. */
export function accepts(schema: TSchema): string {
  if (typeof schema['x-accepts'] === 'string') return schema['x-accepts'];
  if (schema.type === 'integer') {
    return schema.maximum === MAX
      ? `an integer of at least ${schema.minimum}`
      : `an integer from ${schema.minimum} to ${schema.maximum}`;
  }
  if (schema.type === 'boolean') return '`true` or `false` (also `1`/`0`, `yes`/`no`, `on`/`off`)';
  if (Array.isArray(schema.anyOf)) return `one of ${schema.anyOf.map((s: TSchema) => `\`${s.const}\``).join(', ')}`;
  return 'text';
}

/** The environment's string as the schema's type; left a string when it does not convert, so the check refuses it. */
function coerce(schema: TSchema, raw: string): unknown {
  if (schema.type === 'integer') {
    const n = Number(raw);
    return raw.trim() === '' || Number.isNaN(n) ? raw : n;
  }
  if (schema.type === 'boolean') {
    const lower = raw.toLowerCase();
    return TRUE.includes(lower) ? true : FALSE.includes(lower) ? false : raw;
  }
  if (schema.type === 'array') return raw.split(',').map((part) => coerce(schema.items as TSchema, part));
  return raw;
}

/** The value as an error message may show it: quoted and escaped, cut when long, never a secret. */
function shown(schema: TSchema, raw: string): string {
  if (schema['x-secret']) return `a value of ${raw.length} characters (not shown)`;
  const quoted = JSON.stringify(raw.length > 80 ? `${raw.slice(0, 80)}…` : raw);
  return quoted;
}

/** One variable's value, or why it cannot be used. */
function parseOne(name: string, schema: TSchema, raw: string): { value: unknown } | { problem: string } {
  const plain = (s: string) => s.replace(/`/g, '');
  if (CONTROL.test(raw)) return { problem: `${name} must not contain control characters, got ${shown(schema, raw)}` };
  const value = coerce(schema, raw);
  const ok = Value.Check(schema, value) && (!schema['x-url'] || URL.canParse(raw)) && (REFINE[name]?.(raw) ?? true);
  return ok ? { value } : { problem: `${name} must be ${plain(accepts(schema))}, got ${shown(schema, raw)}` };
}

const OAUTH_SETTINGS = OAuthSettingsSchema.properties as Record<OAuthSettingName, TSchema>;

/** `ATOM_OAUTH_GITHUB_CLIENT_ID=…` → `{ github: { CLIENT_ID: … } }`. */
function parseOAuth(env: Env, problems: string[]): Record<string, Partial<Record<OAuthSettingName, string>>> {
  const out: Record<string, Partial<Record<OAuthSettingName, string>>> = {};
  for (const [name, raw] of Object.entries(env)) {
    const m = OAUTH_VARIABLE.exec(name);
    if (!m || !raw) continue;
    const setting = m[2] as OAuthSettingName;
    const r = parseOne(name, OAUTH_SETTINGS[setting], raw);
    if ('problem' in r) problems.push(r.problem);
    else {
      const provider = m[1].toLowerCase();
      out[provider] = { ...out[provider], [setting]: raw };
    }
  }
  return out;
}

/**
 * The environment as a value of `ConfigSchema`: each variable converted to its type, checked, and
 * defaulted when unset (an empty value counts as unset). Every unusable variable is named in one
 * `ConfigError`, with what it got and what it accepts.
 */
export function parseEnv(env: Env): { settings: EnvSettings; oauth: ReturnType<typeof parseOAuth> } {
  const problems: string[] = [];
  const given: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(ConfigSchema.properties) as [string, TSchema][]) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const r = parseOne(name, schema, raw);
    if ('problem' in r) problems.push(r.problem);
    else given[name] = r.value;
  }
  const oauth = parseOAuth(env, problems);
  if (problems.length > 0) throw new ConfigError(problems.join('\n  '));
  const settings = Value.Default(ConfigSchema, given);
  if (!Value.Check(ConfigSchema, settings)) {
    // Each variable was checked above, so only a default could fail here: a defect of the schema.
    const first = Value.Errors(ConfigSchema, settings).First();
    throw new ConfigError(
      `the configuration schema's default for ${first?.path.slice(1)} is invalid: ${first?.message}`,
    );
  }
  return { settings, oauth };
}
