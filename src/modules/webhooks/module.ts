import type { AppContext } from '../../platform/context.js';
import { attempt, DELIVER_QUEUE } from './delivery.js';
import { webhooksService } from './service.js';

/** Every domain event of every module reaches webhooks through the outbox; deliveries are queue jobs. */
export function setupWebhooks(ctx: AppContext) {
  const webhooks = webhooksService(ctx);
  ctx.outbox.subscribe('webhooks', null, (event) => webhooks.fanOut(event));
  ctx.jobs.register<{ tenantId: string; deliveryId: string }>(DELIVER_QUEUE, async (job) => void (await attempt(ctx, job.data.tenantId, job.data.deliveryId)), { batchSize: 25 });
}
