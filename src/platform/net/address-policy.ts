import { isIP } from 'node:net';
import { IPV4_SPECIAL, IPV6_SPECIAL, type SpecialRange } from './special-purpose.js';

/**
 * Addresses an outbound request (webhooks, api skills, http nodes, federation, OAuth) must never
 * reach: every non-global range of the IANA special-purpose registries (special-purpose.ts), in
 * IPv4 and IPv6. IPv6 forms that carry an IPv4 address (IPv4-compatible ::/96, IPv4-mapped
 * ::ffff:0:0/96, IPv4-translated ::ffff:0:0:0/96, NAT64 64:ff9b::/96, 6to4 2002::/16) are judged
 * by the IPv4 policy applied to that address; an IPv6 address outside those must be global
 * unicast (2000::/3).
 */
interface Rule {
  bytes: Uint8Array;
  prefix: number;
  range: SpecialRange;
}

/** An address as bytes (4 or 16), or null when it is not an IP address. A zone (%eth0) is dropped. */
export function parseAddress(address: string): Uint8Array | null {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) return Uint8Array.from(bare.split('.').map(Number));
  if (family === 6) return parseIPv6(bare);
  return null;
}

function parseIPv6(text: string): Uint8Array {
  let s = text.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    s = `${s.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const v = parseInt(g, 16);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 255;
  });
  return out;
}

function toRule(range: SpecialRange): Rule {
  const [net, prefix] = range.cidr.split('/');
  return { bytes: parseAddress(net)!, prefix: Number(prefix), range };
}

const V4_RULES = IPV4_SPECIAL.map(toRule);
const V6_RULES = IPV6_SPECIAL.map(toRule);
const GLOBAL_UNICAST = toRule({ cidr: '2000::/3', rfc: 'RFC 4291', name: 'Global Unicast' });

function matches(bytes: Uint8Array, rule: Rule): boolean {
  if (bytes.length !== rule.bytes.length) return false;
  const whole = rule.prefix >> 3;
  for (let i = 0; i < whole; i++) if (bytes[i] !== rule.bytes[i]) return false;
  const bits = rule.prefix & 7;
  if (bits === 0) return true;
  const mask = (0xff << (8 - bits)) & 0xff;
  return (bytes[whole] & mask) === (rule.bytes[whole] & mask);
}

const v4String = (b: Uint8Array, at: number) => `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;

/** The IPv4 address an IPv6 address carries (mapped, compatible, translated, NAT64, 6to4), if any. */
export function embeddedIPv4(address: string): string | null {
  const bytes = parseAddress(address);
  if (bytes?.length !== 16) return null;
  if (V6_RULES.some((r) => !r.range.embedded && matches(bytes, r))) return null;
  const rule = V6_RULES.find((r) => r.range.embedded && matches(bytes, r));
  if (!rule) return null;
  return rule.range.embedded === '6to4' ? v4String(bytes, 2) : v4String(bytes, 12);
}

/** The special-purpose range an address falls in (the reason it is refused), or null for a public address. */
export function blockedRange(address: string): SpecialRange | null {
  const bytes = parseAddress(address);
  if (!bytes) return { cidr: address, rfc: '-', name: 'not an IP address' };
  if (bytes.length === 4) return V4_RULES.find((r) => matches(bytes, r))?.range ?? null;
  const blocked = V6_RULES.find((r) => !r.range.embedded && matches(bytes, r));
  if (blocked) return blocked.range;
  const v4 = embeddedIPv4(address);
  if (v4) return blockedRange(v4);
  return matches(bytes, GLOBAL_UNICAST)
    ? null
    : { cidr: '::/0', rfc: 'RFC 4291', name: 'not global unicast (outside 2000::/3)' };
}

export function isLoopback(address: string): boolean {
  const bytes = parseAddress(address);
  if (!bytes) return false;
  if (bytes.length === 4) return bytes[0] === 127;
  if (bytes.every((b, i) => b === (i === 15 ? 1 : 0))) return true;
  const v4 = embeddedIPv4(address);
  return v4?.startsWith('127.') === true;
}

/** True when the address is public. `allowLoopback` lets development and tests reach 127.0.0.0/8 and ::1. */
export function isAllowedAddress(address: string, allowLoopback = false): boolean {
  if (!parseAddress(address)) return false;
  if (allowLoopback && isLoopback(address)) return true;
  return blockedRange(address) === null;
}
