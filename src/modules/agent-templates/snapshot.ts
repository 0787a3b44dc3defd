import type { Maturity } from '../governance/policy.js';

/** Words and word pairs that mark a credential in a config key (`max_tokens` is not one). */
const SECRET_WORDS = new Set([
  'token',
  'password',
  'passwd',
  'pwd',
  'passphrase',
  'secret',
  'secrets',
  'credential',
  'credentials',
  'authorization',
  'bearer',
  'cookie',
  'apikey',
]);
const SECRET_PAIRS = new Set([
  'api key',
  'private key',
  'access key',
  'secret key',
  'signing key',
  'client secret',
  'session id',
  'webhook secret',
]);
const SECRET_WHOLE = new Set(['auth', 'key', 'pass']);

/** Splits `apiKey`, `api_key`, `API-KEY` into lower-case words and tests them. */
export function isSecretKey(key: string): boolean {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  if (SECRET_WHOLE.has(words.join('_'))) return true;
  // `salesforce_key`, `api_keys`: a key named after a key is a credential (a `sort_key` is lost too, safely).
  if (words.length > 1 && ['key', 'keys'].includes(words[words.length - 1])) return true;
  return words.some((w, i) => SECRET_WORDS.has(w) || (i > 0 && SECRET_PAIRS.has(`${words[i - 1]} ${w}`)));
}

/**
 * A deep copy of `value` without any key that looks like a credential, at any depth (objects
 * inside arrays too). `stripped` receives the dotted path of every removed key.
 */
export function stripCredentials(value: unknown, path = '', stripped: string[] = []): unknown {
  if (Array.isArray(value)) return value.map((v, i) => stripCredentials(v, `${path}[${i}]`, stripped));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const at = path ? `${path}.${k}` : k;
    if (isSecretKey(k)) {
      stripped.push(at);
      continue;
    }
    out[k] = stripCredentials(v, at, stripped);
  }
  return out;
}

export const SNAPSHOT_FORMAT = 'atom.agent-template/v1';

/** What a template carries: plain JSON, no ids of the publishing tenant's objects except skill listings. */
export type TemplateSnapshot = {
  format: typeof SNAPSHOT_FORMAT;
  name: string;
  description: string;
  role: string;
  maturity_level: Maturity;
  capabilities: string[];
  configuration: Record<string, unknown>;
  required_skills: string[];
  required_credentials: string[];
  pricing_tier: string;
  version: string;
};

export function buildSnapshot(p: {
  name: string;
  description: string;
  role: string;
  maturity_level: Maturity;
  capabilities: string[];
  configuration: Record<string, unknown>;
  required_skills: string[];
  pricing_tier: string;
}): TemplateSnapshot {
  const stripped: string[] = [];
  const configuration = stripCredentials(p.configuration, '', stripped) as Record<string, unknown>;
  return {
    format: SNAPSHOT_FORMAT,
    name: p.name,
    description: p.description,
    role: p.role,
    maturity_level: p.maturity_level,
    capabilities: [...new Set(p.capabilities)],
    configuration,
    required_skills: [...new Set(p.required_skills)],
    required_credentials: stripped,
    pricing_tier: p.pricing_tier,
    version: '1.0.0',
  };
}

/** An install never starts above intern; a student template stays student. */
export function installedMaturity(templateLevel: string): Maturity {
  return templateLevel === 'student' ? 'student' : 'intern';
}

/** Reads a stored listing's content back as a snapshot (tolerates missing fields). */
export function readSnapshot(content: Record<string, unknown>): TemplateSnapshot {
  const c = content as Partial<TemplateSnapshot>;
  return {
    format: SNAPSHOT_FORMAT,
    name: c.name ?? '',
    description: c.description ?? '',
    role: c.role ?? 'custom',
    maturity_level: (c.maturity_level ?? 'student') as Maturity,
    capabilities: c.capabilities ?? [],
    configuration: c.configuration ?? {},
    required_skills: c.required_skills ?? [],
    required_credentials: c.required_credentials ?? [],
    pricing_tier: c.pricing_tier ?? 'free',
    version: c.version ?? '1.0.0',
  };
}
