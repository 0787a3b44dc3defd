import { isIP } from 'node:net';
import { AppError } from '../errors.js';
import { BlockedDestinationError, checkUrl } from './safe-fetch.js';

export const MAX_OUTBOUND_URL_LENGTH = 2000;

/**
 * Host names that are never a public service: cloud metadata names, and the suffixes reserved for
 * local or private use (localhost RFC 6761, local RFC 6762, home.arpa RFC 8375, internal ICANN
 * 2024, test/example/invalid RFC 2606, onion RFC 7686) and common intranet ones.
 */
const METADATA_HOSTS = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.azure.com',
  'metadata.tencentyun.com',
  'metadata.platformequinix.com',
  'kubernetes.default',
  'kubernetes.default.svc',
]);
const PRIVATE_SUFFIXES = [
  'localhost',
  'local',
  'internal',
  'home.arpa',
  'test',
  'example',
  'invalid',
  'onion',
  'lan',
  'intranet',
  'corp',
  'localdomain',
];

/** Why a URL may not be stored as an outbound target, or null when it may. */
export function outboundUrlProblem(raw: unknown, allowInsecure = false): string | null {
  if (typeof raw !== 'string' || raw.length === 0) return 'must be a URL';
  if (raw.length > MAX_OUTBOUND_URL_LENGTH) return `must be at most ${MAX_OUTBOUND_URL_LENGTH} characters`;
  // Spaces, control characters and backslashes are silently dropped or rewritten by URL parsers.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is this check's purpose
  if (/[\s\u0000-\u001f\u007f\\]/.test(raw)) return 'must not contain spaces, control characters or backslashes';
  if (!/^https?:\/\/[^/]/i.test(raw)) return 'must be an absolute https:// URL';
  let url: URL;
  try {
    url = checkUrl(raw, allowInsecure);
  } catch (err) {
    return err instanceof BlockedDestinationError ? err.message : 'must be a URL';
  }
  const host = url.hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  if (!host) return 'must name a host';
  if (isIP(host)) return null;
  if (allowInsecure && host === 'localhost') return null;
  if (METADATA_HOSTS.has(host)) return `destination ${host} is a cloud metadata service`;
  if (!host.includes('.')) return `destination ${host} is not a public host name`;
  if (PRIVATE_SUFFIXES.some((s) => host === s || host.endsWith(`.${s}`)))
    return `destination ${host} is a private or reserved host name`;
  return null;
}

/**
 * Refuses, with 400 VALIDATION_ERROR naming the field, a URL the server would be asked to call
 * later (api skill endpoints): https only (http to loopback only when insecure development mode
 * allows it), no credentials, no non-public address, metadata name or private host name. Names
 * are resolved only when called (safe-fetch checks the address it connects to).
 */
export function assertOutboundUrl(raw: unknown, field: string, allowInsecure = false): void {
  const problem = outboundUrlProblem(raw, allowInsecure);
  if (problem)
    throw new AppError('VALIDATION_ERROR', `${field}: ${problem}`, { field, message: `${field} ${problem}` });
}
