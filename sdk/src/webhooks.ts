import { createHmac, timingSafeEqual } from 'node:crypto';
import { MarketplaceError } from './errors.js';

/**
 * Verifying ATOM's webhook deliveries. Each delivery carries two signatures (docs/webhooks.md):
 * - `X-Webhook-Signature`: hex HMAC-SHA256 of the raw body, keyed with the secret string as is
 *   (the seeds' `verifyWebhook(payload, signature, secret)`); during a secret rotation
 *   `X-Webhook-Signature-Previous` carries the old secret's signature;
 * - Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64>` (space
 *   separated, one per active secret) over `id.timestamp.body`, keyed with the base64 part of a
 *   `whsec_` secret, or the UTF-8 bytes of any other secret.
 * Always verify the raw body bytes as received, before parsing JSON.
 */

type Payload = string | Uint8Array;
const bytes = (p: Payload) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p));

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The seeds' check: `X-Webhook-Signature` is hex HMAC-SHA256(secret, payload). Never throws. */
export function verifyWebhook(payload: Payload, signature: string | null | undefined, secret: string): boolean {
  if (!signature || !secret) return false;
  const expected = createHmac('sha256', secret).update(bytes(payload)).digest('hex');
  return safeEqual(expected, signature.trim().toLowerCase());
}

export type HeaderBag = Headers | Record<string, string | string[] | undefined>;

function header(headers: HeaderBag, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const bag = headers as Record<string, string | string[] | undefined>;
  const hit = Object.keys(bag).find((k) => k.toLowerCase() === name);
  const v = hit === undefined ? undefined : bag[hit];
  return Array.isArray(v) ? v[0] : v;
}

export interface StandardWebhookOptions {
  /** Largest accepted clock difference, in seconds (default 300). */
  toleranceSeconds?: number;
  /** "Now" in ms, for tests. */
  now?: number;
}

function standardKey(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret, 'utf8');
}

/**
 * Standard Webhooks (https://www.standardwebhooks.com): checks `webhook-signature` against
 * `webhook-id.webhook-timestamp.body` and that the timestamp is within the tolerance.
 * Returns false on any mismatch.
 */
export function verifyStandardWebhook(
  payload: Payload,
  headers: HeaderBag,
  secret: string,
  options: StandardWebhookOptions = {},
): boolean {
  const id = header(headers, 'webhook-id');
  const ts = header(headers, 'webhook-timestamp');
  const sigs = header(headers, 'webhook-signature');
  if (!id || !ts || !sigs || !secret || !/^\d+$/.test(ts)) return false;
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  if (Math.abs(now - Number(ts)) > (options.toleranceSeconds ?? 300)) return false;
  const signed = Buffer.concat([Buffer.from(`${id}.${ts}.`), bytes(payload)]);
  const expected = createHmac('sha256', standardKey(secret)).update(signed).digest('base64');
  return sigs.split(' ').some((s) => {
    const [version, value] = s.split(',', 2);
    return version === 'v1' && value !== undefined && safeEqual(expected, value);
  });
}

export interface WebhookEvent<T = Record<string, unknown>> {
  event: string;
  type?: string;
  id?: string;
  tenant_id?: string;
  timestamp: string;
  data: T;
  [key: string]: unknown;
}

/**
 * Verifies a delivery by whichever scheme its headers carry (Standard Webhooks first, then
 * `X-Webhook-Signature` or its rotation twin) and returns the parsed event. Throws a
 * `MarketplaceError` with code WEBHOOK_VERIFICATION_FAILED when no signature matches.
 */
export function constructWebhookEvent<T = Record<string, unknown>>(
  payload: Payload,
  headers: HeaderBag,
  secret: string,
  options: StandardWebhookOptions = {},
): WebhookEvent<T> {
  const ok = header(headers, 'webhook-signature')
    ? verifyStandardWebhook(payload, headers, secret, options)
    : verifyWebhook(payload, header(headers, 'x-webhook-signature'), secret) ||
      verifyWebhook(payload, header(headers, 'x-webhook-signature-previous'), secret);
  if (!ok)
    throw new MarketplaceError({
      code: 'WEBHOOK_VERIFICATION_FAILED',
      status: 400,
      message: 'Webhook signature verification failed',
    });
  return JSON.parse(bytes(payload).toString('utf8')) as WebhookEvent<T>;
}
