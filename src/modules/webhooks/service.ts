import type { AppContext } from '../../platform/context.js';
import { crashPoint } from '../../platform/crash-point.js';
import { encryptSecret } from '../../platform/crypto.js';
import { AppError, notFound } from '../../platform/errors.js';
import type { DomainEvent } from '../../platform/events.js';
import { newId } from '../../platform/ids.js';
import { JOBS_CHANNEL } from '../../platform/jobs.js';
import { BlockedDestinationError, checkUrl } from '../../platform/net/safe-fetch.js';
import { attempt, DELIVER_QUEUE, LEASE_MS, secretAad } from './delivery.js';
import * as repo from './repo.js';
import { generateSecret } from './signing.js';

const ROTATION_GRACE_MS = 24 * 3600_000;
const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

export function endpointView(e: repo.EndpointRow) {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    events: e.events,
    status: e.status,
    disabled_reason: e.disabled_reason,
    consecutive_failures: e.consecutive_failures,
    previous_secret_expires_at: iso(e.previous_secret_expires_at),
    created_at: iso(e.created_at)!,
    updated_at: iso(e.updated_at)!,
  };
}

export function deliveryView(d: repo.DeliveryRow) {
  return {
    id: d.id,
    endpoint_id: d.endpoint_id,
    event_id: d.event_id,
    event_type: d.event_type,
    status: d.status,
    attempts: d.attempts,
    next_attempt_at: iso(d.next_attempt_at),
    last_status_code: d.last_status_code,
    last_error: d.last_error,
    created_at: iso(d.created_at)!,
    delivered_at: iso(d.delivered_at),
  };
}

/**
 * The body every attempt sends, identical across retries: the seeds' `{event, data, timestamp}`,
 * plus `id`, `type` and the payload's fields at the top level for the integration guide's
 * `event['type']` / `event['component_id']` readers.
 */
export function webhookBody(event: Pick<DomainEvent, 'id' | 'type' | 'tenant_id' | 'data' | 'created_at'>): string {
  return JSON.stringify({
    ...event.data,
    id: event.id,
    event: event.type,
    type: event.type,
    tenant_id: event.tenant_id,
    data: event.data,
    timestamp: event.created_at,
  });
}

export function webhooksService(ctx: AppContext) {
  const seal = (tenantId: string, id: string, secret: string) =>
    encryptSecret(ctx.config.encryptionKey, secret, secretAad(tenantId, id));

  function checkTarget(url: string) {
    try {
      checkUrl(url, ctx.config.allowInsecureWebhooks);
    } catch (err) {
      if (err instanceof BlockedDestinationError)
        throw new AppError('VALIDATION_ERROR', `url: ${err.message}`, { field: 'url' });
      throw err;
    }
  }

  async function load(tenantId: string, id: string) {
    const e = await repo.getEndpoint(ctx.db.as(tenantId), tenantId, id);
    if (!e) throw notFound('WEBHOOK_NOT_FOUND', 'Webhook', id);
    return e;
  }

  /** A delivery the caller attempts right away: leased at once, so the delivery loop leaves it alone. */
  async function insertLeased(tenantId: string, e: repo.EndpointRow, event: Parameters<typeof webhookBody>[0]) {
    const row = {
      id: newId('whd'),
      endpointId: e.id,
      eventId: event.id,
      eventType: event.type,
      body: webhookBody(event),
    };
    return repo.insertDelivery(ctx.db.as(tenantId), tenantId, { ...row, dueInMs: LEASE_MS });
  }

  return {
    async create(
      tenantId: string,
      by: string | null,
      input: { url: string; events: string[]; secret?: string; description?: string },
    ) {
      checkTarget(input.url);
      const id = newId('wh');
      const secret = input.secret ?? generateSecret();
      const e = await ctx.db.tx(tenantId, async (ex) => {
        const row = await repo.insertEndpoint(ex, tenantId, {
          id,
          url: input.url,
          description: input.description ?? null,
          events: [...new Set(input.events)],
          secret: seal(tenantId, id, secret),
          by,
        });
        await ctx.outbox.emit(ex, tenantId, 'webhook.created', { webhook_id: id, url: input.url, events: row.events });
        return row;
      });
      return { webhook: endpointView(e), secret };
    },

    async list(tenantId: string, limit: number, offset: number) {
      const { rows, total } = await repo.listEndpoints(ctx.db.as(tenantId), tenantId, limit, offset);
      return { items: rows.map((r) => endpointView(r)), total };
    },

    get: async (tenantId: string, id: string) => endpointView(await load(tenantId, id)),

    async update(
      tenantId: string,
      id: string,
      p: { url?: string; description?: string | null; events?: string[]; status?: 'active' | 'disabled' },
    ) {
      if (p.url) checkTarget(p.url);
      const e = await repo.updateEndpoint(ctx.db.as(tenantId), tenantId, id, {
        ...p,
        events: p.events ? [...new Set(p.events)] : undefined,
      });
      if (!e) throw notFound('WEBHOOK_NOT_FOUND', 'Webhook', id);
      return endpointView(e);
    },

    /** A new secret, shown once; the old one keeps signing for 24 hours so receivers can switch. */
    async rotate(tenantId: string, id: string) {
      await load(tenantId, id);
      const secret = generateSecret();
      const e = (await repo.rotateSecret(
        ctx.db.as(tenantId),
        tenantId,
        id,
        seal(tenantId, id, secret),
        new Date(Date.now() + ROTATION_GRACE_MS),
      ))!;
      return { webhook: endpointView(e), secret };
    },

    async remove(tenantId: string, id: string) {
      if (!(await repo.deleteEndpoint(ctx.db.as(tenantId), tenantId, id)))
        throw notFound('WEBHOOK_NOT_FOUND', 'Webhook', id);
    },

    /** Sends a `webhook.test` event to this endpoint now and reports what the receiver answered. */
    async ping(tenantId: string, id: string) {
      const e = await load(tenantId, id);
      const event = {
        id: newId('evt'),
        type: 'webhook.test',
        tenant_id: tenantId,
        data: { webhook_id: id, message: 'Test delivery from ATOM' },
        created_at: new Date().toISOString(),
      };
      const d = (await insertLeased(tenantId, e, event))!;
      return (await attempt(ctx, tenantId, d.id))!;
    },

    async deliveries(tenantId: string, id: string, f: { status?: string; limit: number; offset: number }) {
      await load(tenantId, id);
      const { rows, total } = await repo.listDeliveries(ctx.db.as(tenantId), tenantId, id, f);
      return { items: rows.map((r) => deliveryView(r)), total };
    },

    async redeliver(tenantId: string, id: string, deliveryId: string) {
      const e = await load(tenantId, id);
      const existing = await repo.getDelivery(ctx.db.as(tenantId), tenantId, deliveryId);
      if (!existing || existing.endpoint_id !== e.id) throw notFound('NOT_FOUND', 'Delivery', deliveryId);
      if (existing.status === 'pending')
        throw new AppError('CONFLICTING_OPERATION', 'This delivery is still being attempted');
      await repo.resetForRedelivery(ctx.db.as(tenantId), tenantId, deliveryId, LEASE_MS);
      return (await attempt(ctx, tenantId, deliveryId))!;
    },

    /**
     * Outbox subscriber, a batch of events at a time: per tenant, one read of its active endpoints
     * and one insert of a delivery per (subscribed endpoint, event), due now. A replayed batch finds
     * its rows already there. The delivery loop is woken on commit (NOTIFY) and here.
     */
    async fanOut(events: DomainEvent[]) {
      const byTenant = new Map<string, DomainEvent[]>();
      for (const ev of events) byTenant.set(ev.tenant_id, [...(byTenant.get(ev.tenant_id) ?? []), ev]);
      for (const [tenantId, list] of byTenant) {
        const db = ctx.db.as(tenantId);
        const endpoints = await repo.activeEndpoints(db, tenantId);
        const rows = list.flatMap((ev) => {
          const to = endpoints.filter((e) => e.events.includes(ev.type) || e.events.includes('*'));
          const body = to.length ? webhookBody(ev) : '';
          return to.map((e) => ({ id: newId('whd'), endpointId: e.id, eventId: ev.id, eventType: ev.type, body }));
        });
        if (rows.length) crashPoint('webhooks:fan-out');
        await repo.insertDeliveries(db, tenantId, rows, JOBS_CHANNEL);
        if (rows.length) ctx.jobs.wake(DELIVER_QUEUE);
      }
    },
  };
}
