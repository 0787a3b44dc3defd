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

export function newRequestId(): string {
  return `req_${base62(16)}`;
}
