import { base62 } from '../ids.js';

/**
 * API keys: `sk-atom` + 32 random base62 characters + a 6-character checksum of those, all
 * alphanumeric after `sk-` as the seeds require. The checksum lets us refuse typos and garbage
 * without a database lookup.
 */
const PREFIX = 'sk-atom';
const BODY = 32;
const CHECK = 6;
const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

function checksum(body: string): string {
  // FNV-1a, 32 bits, written in base62.
  let h = 0x811c9dc5;
  for (let i = 0; i < body.length; i++) {
    h ^= body.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  let out = '';
  for (let i = 0; i < CHECK; i++) {
    out += ALPHABET[h % 62];
    h = Math.floor(h / 62);
  }
  return out;
}

export function generateApiKey(): string {
  const body = base62(BODY);
  return PREFIX + body + checksum(body);
}

export function isWellFormedApiKey(key: string): boolean {
  if (!key.startsWith(PREFIX) || key.length !== PREFIX.length + BODY + CHECK) return false;
  const rest = key.slice(PREFIX.length);
  if (!/^[0-9a-zA-Z]+$/.test(rest)) return false;
  return checksum(rest.slice(0, BODY)) === rest.slice(BODY);
}

/** Shown in listings so users can tell keys apart; never enough to use. */
export function displayPrefix(key: string): string {
  return key.slice(0, PREFIX.length + 6);
}

export function looksLikeApiKey(token: string): boolean {
  return token.startsWith('sk-');
}
