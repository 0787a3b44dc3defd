import type { Executor } from '../../platform/db/index.js';

export interface DeviceRow {
  tenant_id: string;
  id: string;
  name: string;
  platform: string | null;
  capabilities: string[];
  last_seen_at: Date | null;
  revoked_at: Date | null;
  created_at: Date;
}

export interface ActionRow {
  id: string;
  device_id: string;
  kind: 'action' | 'terminal' | 'docker';
  payload: Record<string, unknown>;
  status: 'queued' | 'delivered' | 'completed' | 'failed' | 'expired';
  result: Record<string, unknown> | null;
  expires_at: Date;
  delivered_at: Date | null;
  completed_at: Date | null;
  created_at: Date;
}

const DEVICE = 'tenant_id, id, name, platform, capabilities, last_seen_at, revoked_at, created_at';
const ACTION = 'id, device_id, kind, payload, status, result, expires_at, delivered_at, completed_at, created_at';

export async function insertDevice(
  ex: Executor,
  tenantId: string,
  d: {
    id: string;
    name: string;
    platform: string | null;
    capabilities: string[];
    tokenHash: string;
    by: string | null;
  },
) {
  const [row] = await ex.query<DeviceRow>(
    `INSERT INTO desktop_devices (tenant_id, id, name, platform, capabilities, token_hash, registered_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${DEVICE}`,
    [tenantId, d.id, d.name, d.platform, d.capabilities, d.tokenHash, d.by],
  );
  return row;
}

export async function listDevices(ex: Executor, tenantId: string): Promise<DeviceRow[]> {
  return ex.query<DeviceRow>(
    `SELECT ${DEVICE} FROM desktop_devices WHERE tenant_id = $1 AND revoked_at IS NULL ORDER BY created_at`,
    [tenantId],
  );
}

export async function getDevice(ex: Executor, tenantId: string, id: string): Promise<DeviceRow | null> {
  const [row] = await ex.query<DeviceRow>(
    `SELECT ${DEVICE} FROM desktop_devices WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL`,
    [tenantId, id],
  );
  return row ?? null;
}

/** Device tokens are looked up before the tenant is known (platform context) and mark the device seen. */
export async function deviceByToken(ex: Executor, tokenHash: string): Promise<DeviceRow | null> {
  const [row] = await ex.query<DeviceRow>(
    `UPDATE desktop_devices SET last_seen_at = now() WHERE token_hash = $1 AND revoked_at IS NULL RETURNING ${DEVICE}`,
    [tokenHash],
  );
  return row ?? null;
}

export async function revokeDevice(ex: Executor, tenantId: string, id: string): Promise<boolean> {
  return (
    (
      await ex.query(
        'UPDATE desktop_devices SET revoked_at = now() WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL ' +
          'RETURNING id',
        [tenantId, id],
      )
    ).length > 0
  );
}

export async function insertAction(
  ex: Executor,
  tenantId: string,
  a: { id: string; deviceId: string; kind: ActionRow['kind']; payload: unknown; by: string | null; expiresAt: Date },
) {
  const [row] = await ex.query<ActionRow>(
    `INSERT INTO desktop_actions (tenant_id, id, device_id, kind, payload, requested_by, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${ACTION}`,
    [tenantId, a.id, a.deviceId, a.kind, JSON.stringify(a.payload), a.by, a.expiresAt],
  );
  return row;
}

export async function getAction(ex: Executor, tenantId: string, id: string): Promise<ActionRow | null> {
  const [row] = await ex.query<ActionRow>(`SELECT ${ACTION} FROM desktop_actions WHERE tenant_id = $1 AND id = $2`, [
    tenantId,
    id,
  ]);
  return row ?? null;
}

export async function expireActions(ex: Executor, tenantId: string): Promise<void> {
  await ex.query(
    "UPDATE desktop_actions SET status = 'expired' WHERE tenant_id = $1 AND status IN ('queued', 'delivered') " +
      'AND expires_at < now()',
    [tenantId],
  );
}

/** Hands the oldest queued actions to the device, each exactly once (SKIP LOCKED for parallel pulls). */
export async function takeQueued(ex: Executor, tenantId: string, deviceId: string, max: number): Promise<ActionRow[]> {
  return ex.query<ActionRow>(
    `UPDATE desktop_actions SET status = 'delivered', delivered_at = now()
      WHERE tenant_id = $1 AND id IN (
        SELECT id FROM desktop_actions WHERE tenant_id = $1 AND device_id = $2 AND status = 'queued'
          AND expires_at > now()
        ORDER BY created_at LIMIT $3 FOR UPDATE SKIP LOCKED)
      RETURNING ${ACTION}`,
    [tenantId, deviceId, max],
  );
}

export async function completeAction(
  ex: Executor,
  tenantId: string,
  deviceId: string,
  id: string,
  status: 'completed' | 'failed',
  result: unknown,
): Promise<ActionRow | null> {
  const [row] = await ex.query<ActionRow>(
    `UPDATE desktop_actions SET status = $4, result = $5, completed_at = now()
      WHERE tenant_id = $1 AND device_id = $2 AND id = $3 AND status = 'delivered' RETURNING ${ACTION}`,
    [tenantId, deviceId, id, status, JSON.stringify(result)],
  );
  return row ?? null;
}

export async function countByStatus(ex: Executor, tenantId: string): Promise<Record<string, number>> {
  const rows = await ex.query<{ status: string; n: number }>(
    'SELECT status, count(*)::int AS n FROM desktop_actions WHERE tenant_id = $1 GROUP BY status',
    [tenantId],
  );
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}
