import { type Executor, PLAN_PER_CALL } from '../../platform/db/index.js';
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

export async function insertEndpoint(
  ex: Executor,
  tenantId: string,
  e: { id: string; url: string; description: string | null; events: string[]; secret: string; by: string | null },
) {
  const [row] = await ex.query<EndpointRow>(
    'INSERT INTO webhook_endpoints (tenant_id, id, url, description, events, secret, created_by) ' +
      'VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *',
    [tenantId, e.id, e.url, e.description, e.events, e.secret, e.by],
  );
  return row;
}

export async function getEndpoint(ex: Executor, tenantId: string, id: string): Promise<EndpointRow | null> {
  const [row] = await ex.query<EndpointRow>('SELECT * FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2', [
    tenantId,
    id,
  ]);
  return row ?? null;
}

export async function listEndpoints(ex: Executor, tenantId: string, limit: number, offset: number) {
  return pageQuery<EndpointRow & Record<string, unknown>>(ex, {
    columns: '*',
    from: 'FROM webhook_endpoints WHERE tenant_id = $1',
    params: [tenantId],
    orderBy: 'created_at DESC, id',
    limit,
    offset,
  });
}

export async function updateEndpoint(
  ex: Executor,
  tenantId: string,
  id: string,
  p: { url?: string; description?: string | null; events?: string[]; status?: 'active' | 'disabled' },
) {
  const [row] = await ex.query<EndpointRow>(
    `UPDATE webhook_endpoints SET url = coalesce($3, url), description = CASE WHEN $4::boolean THEN $5 ELSE
         description END,
            events = coalesce($6, events), status = coalesce($7, status),
            disabled_reason = CASE WHEN $7 = 'active' THEN NULL WHEN $7 = 'disabled' THEN 'disabled by a user' ELSE
              disabled_reason END,
            consecutive_failures = CASE WHEN $7 = 'active' THEN 0 ELSE consecutive_failures END, updated_at = now()
      WHERE tenant_id = $1 AND id = $2 RETURNING *`,
    [
      tenantId,
      id,
      p.url ?? null,
      p.description !== undefined,
      p.description ?? null,
      p.events ?? null,
      p.status ?? null,
    ],
  );
  return row ?? null;
}

export async function rotateSecret(ex: Executor, tenantId: string, id: string, secret: string, graceUntil: Date) {
  const [row] = await ex.query<EndpointRow>(
    `UPDATE webhook_endpoints SET previous_secret = secret, previous_secret_expires_at = $4, secret = $3, updated_at
         = now()
      WHERE tenant_id = $1 AND id = $2 RETURNING *`,
    [tenantId, id, secret, graceUntil],
  );
  return row ?? null;
}

export async function deleteEndpoint(ex: Executor, tenantId: string, id: string): Promise<boolean> {
  return (
    (await ex.query('DELETE FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2 RETURNING id', [tenantId, id]))
      .length > 0
  );
}

export async function disableEndpoint(ex: Executor, tenantId: string, id: string, reason: string) {
  await ex.query(
    "UPDATE webhook_endpoints SET status = 'disabled', disabled_reason = $3, updated_at = now() " +
      'WHERE tenant_id = $1 AND id = $2',
    [tenantId, id, reason],
  );
}

export async function recordOutcome(ex: Executor, tenantId: string, id: string, succeeded: boolean): Promise<number> {
  const [row] = await ex.query<{ consecutive_failures: number }>(
    `UPDATE webhook_endpoints SET consecutive_failures = CASE WHEN $3 THEN 0 ELSE consecutive_failures + 1 END
         WHERE tenant_id = $1 AND id = $2 RETURNING consecutive_failures`,
    [tenantId, id, succeeded],
  );
  return row?.consecutive_failures ?? 0;
}

/** One delivery per endpoint and event: a replayed event finds the row already there. */
type NewDelivery = { id: string; endpointId: string; eventId: string; eventType: string; body: string };

export async function insertDelivery(
  ex: Executor,
  tenantId: string,
  d: NewDelivery & { dueInMs?: number },
): Promise<DeliveryRow | null> {
  const [row] = await ex.query<DeliveryRow>(
    `INSERT INTO webhook_deliveries (tenant_id, id, endpoint_id, event_id, event_type, body, next_attempt_at)
     VALUES ($1, $2, $3, $4, $5, $6, now() + $7 * interval '1 millisecond')
     ON CONFLICT (tenant_id, endpoint_id, event_id) DO NOTHING RETURNING *`,
    [tenantId, d.id, d.endpointId, d.eventId, d.eventType, d.body, d.dueInMs ?? 0],
  );
  return row ?? null;
}

export async function getDelivery(ex: Executor, tenantId: string, id: string): Promise<DeliveryRow | null> {
  const [row] = await ex.query<DeliveryRow>('SELECT * FROM webhook_deliveries WHERE tenant_id = $1 AND id = $2', [
    tenantId,
    id,
  ]);
  return row ?? null;
}

export async function listDeliveries(
  ex: Executor,
  tenantId: string,
  endpointId: string,
  f: { status?: string; limit: number; offset: number },
) {
  const params: unknown[] = [tenantId, endpointId];
  let where = 'WHERE tenant_id = $1 AND endpoint_id = $2';
  if (f.status) where += ` AND status = $${params.push(f.status)}`;
  return pageQuery<DeliveryRow & Record<string, unknown>>(ex, {
    columns: '*',
    from: `FROM webhook_deliveries ${where}`,
    params,
    orderBy: 'created_at DESC, id',
    limit: f.limit,
    offset: f.offset,
  });
}

/** Counts the attempt before it is made, so a crash mid-send is still an attempt; leased like a claimed delivery. */
export async function startAttempt(
  ex: Executor,
  tenantId: string,
  id: string,
  leaseMs: number,
): Promise<DeliveryRow | null> {
  const [row] = await ex.query<DeliveryRow>(
    `UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = now() + $3 * interval '1 millisecond'
      WHERE tenant_id = $1 AND id = $2 AND status = 'pending' RETURNING *`,
    [tenantId, id, leaseMs],
  );
  return row ?? null;
}

export async function finishAttempt(
  ex: Executor,
  tenantId: string,
  id: string,
  o: { status: DeliveryRow['status']; code: number | null; error: string | null; nextAt: Date | null },
) {
  await ex.query(
    `UPDATE webhook_deliveries SET status = $3, last_status_code = $4, last_error = $5, next_attempt_at = $6,
            delivered_at = CASE WHEN $3 = 'succeeded' THEN now() ELSE delivered_at END
      WHERE tenant_id = $1 AND id = $2`,
    [tenantId, id, o.status, o.code, o.error, o.nextAt],
  );
}

/** Pending again, leased (`leaseMs`) for the attempt the caller makes now. */
export async function resetForRedelivery(
  ex: Executor,
  tenantId: string,
  id: string,
  leaseMs: number,
): Promise<DeliveryRow | null> {
  const [row] = await ex.query<DeliveryRow>(
    `UPDATE webhook_deliveries SET status = 'pending', attempts = 0, last_error = NULL,
            next_attempt_at = now() + $3 * interval '1 millisecond'
      WHERE tenant_id = $1 AND id = $2 RETURNING *`,
    [tenantId, id, leaseMs],
  );
  return row ?? null;
}

/** Active endpoints of a tenant with the event types they take (fan-out of a batch of events). */
export async function activeEndpoints(ex: Executor, tenantId: string): Promise<Pick<EndpointRow, 'id' | 'events'>[]> {
  return ex.query("SELECT id, events FROM webhook_endpoints WHERE tenant_id = $1 AND status = 'active'", [tenantId]);
}

/**
 * Many deliveries in one statement, due now; a replayed event finds its rows already there. The
 * NOTIFY wakes the delivery loop of every process on commit.
 */
export async function insertDeliveries(ex: Executor, tenantId: string, rows: NewDelivery[], notify: string) {
  if (!rows.length) return;
  await ex.query(
    `WITH ins AS (
       INSERT INTO webhook_deliveries (tenant_id, id, endpoint_id, event_id, event_type, body, next_attempt_at)
       SELECT $1, id, endpoint_id, event_id, event_type, body, now()
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
           AS r(id, endpoint_id, event_id, event_type, body)
       ON CONFLICT (tenant_id, endpoint_id, event_id) DO NOTHING RETURNING 1)
     SELECT pg_notify($7, 'webhooks.deliver') WHERE EXISTS (SELECT 1 FROM ins)`,
    [
      tenantId,
      ...(['id', 'endpointId', 'eventId', 'eventType', 'body'] as const).map((k) => rows.map((r) => r[k])),
      notify,
    ],
  );
}

export type ClaimedEndpoint = Pick<
  EndpointRow,
  | 'tenant_id'
  | 'id'
  | 'url'
  | 'secret'
  | 'previous_secret'
  | 'previous_secret_expires_at'
  | 'status'
  | 'disabled_reason'
>;
export type ClaimedDelivery = DeliveryRow & { endpoint: ClaimedEndpoint };

export interface Claim {
  limit: number;
  /** The most one endpoint may have claimed by this process at once. */
  perEndpoint: number;
  /** Claimed and not yet answered by this process, per endpoint. */
  held: Map<string, number>;
  /** The endpoints whose line is full (the caller's one test of `held` against `perEndpoint`). */
  full: string[];
  leaseMs: number;
}

/**
 * Claims up to `limit` due deliveries for this process (platform context): each counts its attempt
 * and is leased (next_attempt_at moved `leaseMs` ahead), so another process skips it, and a crash
 * leaves it due again when the lease ends. No endpoint gets more than `perEndpoint` minus what this
 * process already holds for it (`held`), and `full` ones none, so a slow receiver's backlog cannot
 * fill the batch.
 */
export async function claimDue(ex: Executor, claim: Claim): Promise<ClaimedDelivery[]> {
  const { limit, perEndpoint, held, full, leaseMs } = claim;
  const rows = await ex.query<DeliveryRow & Record<string, unknown>>(
    `${PLAN_PER_CALL} WITH cand AS (
       SELECT tenant_id, id, endpoint_id, next_attempt_at FROM webhook_deliveries
        WHERE status = 'pending' AND next_attempt_at <= now() AND endpoint_id <> ALL($2::text[])
        ORDER BY next_attempt_at LIMIT $1
     ), room AS (
       SELECT c.tenant_id, c.id FROM (
         SELECT cand.*, row_number() OVER (PARTITION BY endpoint_id ORDER BY next_attempt_at, id) AS n FROM cand) c
         LEFT JOIN unnest($3::text[], $4::int[]) AS h(endpoint_id, used) ON h.endpoint_id = c.endpoint_id
        WHERE c.n <= $5 - coalesce(h.used, 0)
        ORDER BY c.next_attempt_at LIMIT $1
     ), claimed AS (
       SELECT d.tenant_id, d.id FROM webhook_deliveries d JOIN room r ON d.tenant_id = r.tenant_id AND d.id = r.id
        WHERE d.status = 'pending' AND d.next_attempt_at <= now()
        FOR UPDATE OF d SKIP LOCKED
     )
     UPDATE webhook_deliveries d SET attempts = d.attempts + 1, next_attempt_at = now() + $6 * interval '1 millisecond'
       FROM claimed c, webhook_endpoints e
      WHERE d.tenant_id = c.tenant_id AND d.id = c.id AND e.tenant_id = d.tenant_id AND e.id = d.endpoint_id
     RETURNING d.*, e.url AS e_url, e.secret AS e_secret, e.previous_secret AS e_previous_secret,
               e.previous_secret_expires_at AS e_previous_secret_expires_at, e.status AS e_status, e.disabled_reason
                 AS e_disabled_reason`,
    [limit, full, [...held.keys()], [...held.values()], perEndpoint, leaseMs],
  );
  return rows.map((r) => ({
    ...r,
    endpoint: {
      tenant_id: r.tenant_id,
      id: r.endpoint_id,
      url: r.e_url as string,
      secret: r.e_secret as string,
      previous_secret: r.e_previous_secret as string | null,
      previous_secret_expires_at: r.e_previous_secret_expires_at as Date | null,
      status: r.e_status as EndpointRow['status'],
      disabled_reason: r.e_disabled_reason as string | null,
    },
  }));
}

/** Records many 2xx answers at once (platform context), and clears their endpoints' failure counts. */
export async function recordSucceeded(ex: Executor, done: { tenantId: string; id: string; code: number }[]) {
  if (!done.length) return;
  await ex.query(
    `WITH d AS (
       UPDATE webhook_deliveries d
          SET status = 'succeeded', last_status_code = u.code, last_error = NULL, next_attempt_at = NULL,
            delivered_at = now()
         FROM unnest($1::text[], $2::text[], $3::int[]) AS u(tenant_id, id, code)
        WHERE d.tenant_id = u.tenant_id AND d.id = u.id
       RETURNING d.tenant_id, d.endpoint_id)
     UPDATE webhook_endpoints e SET consecutive_failures = 0
       FROM (SELECT DISTINCT tenant_id, endpoint_id FROM d) x
      WHERE e.tenant_id = x.tenant_id AND e.id = x.endpoint_id AND e.consecutive_failures <> 0`,
    [done.map((d) => d.tenantId), done.map((d) => d.id), done.map((d) => d.code)],
  );
}
