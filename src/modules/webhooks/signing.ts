import { createHmac, randomBytes } from 'node:crypto';

/**
 * Two signature schemes on every delivery:
 * - the seeds' `X-Webhook-Signature`: hex HMAC-SHA256 of the raw body, keyed with the secret
 *   string exactly as the user holds it (their Python and TypeScript snippets verify it);
 * - Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64>` over
 *   `id.timestamp.body`, keyed with the base64 part of a `whsec_` secret (the raw bytes of any
 *   other secret).
 */
export function generateSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

export function seedSignature(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

function standardKey(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret, 'utf8');
}

export function standardSignature(secret: string, id: string, timestamp: number, body: string): string {
  return `v1,${createHmac('sha256', standardKey(secret)).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** Headers for one attempt. During a rotation's grace period both secrets sign. */
export function signatureHeaders(
  secrets: string[],
  id: string,
  body: string,
  now = Date.now(),
): Record<string, string> {
  const timestamp = Math.floor(now / 1000);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets.map((s) => standardSignature(s, id, timestamp, body)).join(' '),
    'x-webhook-signature': seedSignature(secrets[0], body),
    ...(secrets[1] ? { 'x-webhook-signature-previous': seedSignature(secrets[1], body) } : {}),
    'x-webhook-id': id,
    'x-webhook-timestamp': String(timestamp),
  };
}
