import type { AppContext } from '../../platform/context.js';
import { DELIVER_QUEUE } from './delivery.js';
import { deliveryLoop } from './dispatcher.js';
import { webhooksService } from './service.js';

/**
 * Every domain event of every module reaches webhooks through the outbox, a batch at a time;
 * deliveries are rows of the delivery log, which the delivery loop works through.
 */
export function setupWebhooks(ctx: AppContext) {
  const webhooks = webhooksService(ctx);
  ctx.outbox.subscribeBatch('webhooks', null, (events) => webhooks.fanOut(events));
  ctx.jobs.addLoop(DELIVER_QUEUE, deliveryLoop(ctx));
}
