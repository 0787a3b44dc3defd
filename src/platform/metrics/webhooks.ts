import type { Metrics } from './index.js';

interface Attempt {
  status: 'pending' | 'succeeded' | 'failed';
  error: string | null;
}

/**
 * Counts a webhook delivery attempt by what it ended as, and hands the result back: delivered (2xx),
 * retry_scheduled (failed, another attempt queued), failed (no attempt left, or 410 Gone), or
 * endpoint_disabled (not sent: the endpoint was switched off). Null (nothing to attempt) is not counted.
 */
export function countDelivery<R extends Attempt | null>(metrics: Metrics | null, r: R): R {
  if (!metrics || !r) return r;
  if (r.status === 'succeeded') metrics.webhookDelivery('delivered');
  else if (r.status === 'pending') metrics.webhookDelivery('retry_scheduled');
  else metrics.webhookDelivery(r.error === 'endpoint disabled' ? 'endpoint_disabled' : 'failed');
  return r;
}
