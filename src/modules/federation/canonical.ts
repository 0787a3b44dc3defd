import { createHash } from 'node:crypto';

/**
 * Canonical JSON (RFC 8785 for plain JSON): object keys sorted by UTF-16 code units, no
 * whitespace, strings and numbers as ECMAScript `JSON.stringify` writes them. Members whose value
 * is `undefined` are left out, as JSON has no such value; non-finite numbers are refused.
 */
export function canonicalize(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('canonical JSON has no representation for non-finite numbers');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalize(v))).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalize(v)}`).join(',')}}`;
  }
  throw new TypeError(`canonical JSON cannot represent a ${typeof value}`);
}

/** SHA-256 of the canonical form of a bundle without its `digest` and `signature` members (lowercase hex). */
export function bundleDigest(bundle: Record<string, unknown>): string {
  const { digest: _d, signature: _s, ...body } = bundle;
  return createHash('sha256').update(canonicalize(body), 'utf8').digest('hex');
}
