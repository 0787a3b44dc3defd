import type { Executor } from '../../platform/db/index.js';
import { pageQuery } from '../../platform/db/paging.js';

export interface EndpointRow {
  tenant_id: string;
  id: string;
  url: string;
  description: string | null;
  events: string[];
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
  status: 'active' | 'disabled';
  disabled_reason: string | null;
  consecutive_failures: number;
  created_at: Date;
  updated_at: Date;
}

export interface DeliveryRow {
  tenant_id: string;
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  body: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  next_attempt_at: Date | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
}

export async function insertEndpoint(ex: Executor, tenantId: string, e: { id: string; url: string; description: string | null; events: string[]; secret: string; by: string | null }) {
  const [row] = await ex.query<EndpointRow>(
    'INSERT INTO webhook_endpoints (tenant_id, id, url, description, events, secret, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *',
    [tenantId, e.id, e.url, e.description, e.events, e.secret, e.by],
  );
  return row;
}

export async function getEndpoint(ex: Executor, tenantId: string, id: string): Promise<EndpointRow | null> {
  const [row] = await ex.query<EndpointRow>('SELECT * FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
  return row ?? null;
}

export async function listEndpoints(ex: Executor, tenantId: string, limit: number, offset: number) {
  return pageQuery<EndpointRow & Record<string, unknown>>(ex, { columns: '*', from: 'FROM webhook_endpoints WHERE tenant_id = $1', params: [tenantId], orderBy: 'created_at DESC, id', limit, offset });
}

/** Active endpoints subscribed to this event type (or to everything). */
export async function subscribers(ex: Executor, tenantId: string, type: string): Promise<EndpointRow[]> {
  return ex.query<EndpointRow>("SELECT * FROM webhook_endpoints WHERE tenant_id = $1 AND status = 'active' AND ($2 = ANY(events) OR '*' = ANY(events))", [tenantId, type]);
}

export async function updateEndpoint(ex: Executor, tenantId: string, id: string, p: { url?: string; description?: string | null; events?: string[]; status?: 'active' | 'disabled' }) {
  const [row] = await ex.query<EndpointRow>(
    `UPDATE webhook_endpoints SET url = coalesce($3, url), description = CASE WHEN $4::boolean THEN $5 ELSE description END,
            events = coalesce($6, events), status = coalesce($7, status),
            disabled_reason = CASE WHEN $7 = 'active' THEN NULL WHEN $7 = 'disabled' THEN 'disabled by a user' ELSE disabled_reason END,
            consecutive_failures = CASE WHEN $7 = 'active' THEN 0 ELSE consecutive_failures END, updated_at = now()
      WHERE tenant_id = $1 AND id = $2 RETURNING *`,
    [tenantId, id, p.url ?? null, p.description !== undefined, p.description ?? null, p.events ?? null, p.status ?? null],
  );
  return row ?? null;
}

export async function rotateSecret(ex: Executor, tenantId: string, id: string, secret: string, graceUntil: Date) {
  const [row] = await ex.query<EndpointRow>(
    `UPDATE webhook_endpoints SET previous_secret = secret, previous_secret_expires_at = $4, secret = $3, updated_at = now()
      WHERE tenant_id = $1 AND id = $2 RETURNING *`,
    [tenantId, id, secret, graceUntil],
  );
  return row ?? null;
}

export async function deleteEndpoint(ex: Executor, tenantId: string, id: string): Promise<boolean> {
  return (await ex.query('DELETE FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2 RETURNING id', [tenantId, id])).length > 0;
}

export async function disableEndpoint(ex: Executor, tenantId: string, id: string, reason: string) {
  await ex.query("UPDATE webhook_endpoints SET status = 'disabled', disabled_reason = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2", [tenantId, id, reason]);
}

export async function recordOutcome(ex: Executor, tenantId: string, id: string, succeeded: boolean): Promise<number> {
  const [row] = await ex.query<{ consecutive_failures: number }>(
    `UPDATE webhook_endpoints SET consecutive_failures = CASE WHEN $3 THEN 0 ELSE consecutive_failures + 1 END WHERE tenant_id = $1 AND id = $2 RETURNING consecutive_failures`,
    [tenantId, id, succeeded],
  );
  return row?.consecutive_failures ?? 0;
}

/** One delivery per endpoint and event: a replayed event finds the row already there. */
export async function insertDelivery(ex: Executor, tenantId: string, d: { id: string; endpointId: string; eventId: string; eventType: string; body: string }): Promise<DeliveryRow | null> {
  const [row] = await ex.query<DeliveryRow>(
    `INSERT INTO webhook_deliveries (tenant_id, id, endpoint_id, event_id, event_type, body, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, now())
     ON CONFLICT (tenant_id, endpoint_id, event_id) DO NOTHING RETURNING *`,
    [tenantId, d.id, d.endpointId, d.eventId, d.eventType, d.body],
  );
  return row ?? null;
}

export async function getDelivery(ex: Executor, tenantId: string, id: string): Promise<DeliveryRow | null> {
  const [row] = await ex.query<DeliveryRow>('SELECT * FROM webhook_deliveries WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
  return row ?? null;
}

export async function listDeliveries(ex: Executor, tenantId: string, endpointId: string, f: { status?: string; limit: number; offset: number }) {
  const params: unknown[] = [tenantId, endpointId];
  let where = 'WHERE tenant_id = $1 AND endpoint_id = $2';
  if (f.status) where += ` AND status = $${params.push(f.status)}`;
  return pageQuery<DeliveryRow & Record<string, unknown>>(ex, { columns: '*', from: `FROM webhook_deliveries ${where}`, params, orderBy: 'created_at DESC, id', limit: f.limit, offset: f.offset });
}

/** Counts the attempt before it is made, so a crash mid-send is still an attempt. */
export async function startAttempt(ex: Executor, tenantId: string, id: string): Promise<DeliveryRow | null> {
  const [row] = await ex.query<DeliveryRow>(
    "UPDATE webhook_deliveries SET attempts = attempts + 1 WHERE tenant_id = $1 AND id = $2 AND status = 'pending' RETURNING *",
    [tenantId, id],
  );
  return row ?? null;
}

export async function finishAttempt(ex: Executor, tenantId: string, id: string, o: { status: DeliveryRow['status']; code: number | null; error: string | null; nextAt: Date | null }) {
  await ex.query(
    `UPDATE webhook_deliveries SET status = $3, last_status_code = $4, last_error = $5, next_attempt_at = $6,
            delivered_at = CASE WHEN $3 = 'succeeded' THEN now() ELSE delivered_at END
      WHERE tenant_id = $1 AND id = $2`,
    [tenantId, id, o.status, o.code, o.error, o.nextAt],
  );
}

export async function resetForRedelivery(ex: Executor, tenantId: string, id: string): Promise<DeliveryRow | null> {
  const [row] = await ex.query<DeliveryRow>(
    "UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = now(), last_error = NULL WHERE tenant_id = $1 AND id = $2 RETURNING *",
    [tenantId, id],
  );
  return row ?? null;
}
