import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Random base62 text of the given length (rejection sampling, no modulo bias). */
export function base62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

/** Prefixed random ids: `agt_…`, `exe_…`, `tnt_…`. */
export function newId(prefix: string): string {
  return `${prefix}_${base62(20)}`;
}

/** Request ids: a random per-process prefix and a counter, unique without a random draw per request. */
const processPrefix = base62(8);
let requestCounter = 0;
export function newRequestId(): string {
  requestCounter = (requestCounter + 1) % Number.MAX_SAFE_INTEGER;
  return `req_${processPrefix}${requestCounter.toString(36)}`;
}
