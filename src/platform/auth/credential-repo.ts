import { type Database, SYSTEM } from '../db/index.js';
import type { Plan } from '../plans.js';
import type { Role } from './permissions.js';

export interface TenantRow {
  id: string;
  plan: Plan;
  status: 'active' | 'suspended';
  rate_limit_per_minute: number | null;
}

export interface KeyRow extends TenantRow {
  key_id: string;
  tenant_id: string;
  scope: 'read' | 'read_write';
  role: Role;
  expires_at: Date | null;
  revoked_at: Date | null;
  created_by: string | null;
}

/** Credential lookups run before the tenant is known, so they use the platform context. */
export async function findKeyByHash(db: Database, hash: string): Promise<KeyRow | null> {
  const rows = await db.query<KeyRow>(
    SYSTEM,
    `SELECT k.id AS key_id, k.tenant_id, k.scope, k.role, k.expires_at, k.revoked_at, k.created_by,
            t.id, t.plan, t.status, t.rate_limit_per_minute
       FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
      WHERE k.key_hash = $1`,
    [hash],
  );
  return rows[0] ?? null;
}

export async function findMembership(
  db: Database,
  tenantId: string,
  userId: string,
): Promise<(TenantRow & { role: Role }) | null> {
  const rows = await db.query<TenantRow & { role: Role }>(
    SYSTEM,
    `SELECT m.role, t.id, t.plan, t.status, t.rate_limit_per_minute
       FROM memberships m JOIN tenants t ON t.id = m.tenant_id
      WHERE m.tenant_id = $1 AND m.user_id = $2`,
    [tenantId, userId],
  );
  return rows[0] ?? null;
}

export async function findTenant(db: Database, tenantId: string): Promise<TenantRow | null> {
  const rows = await db.query<TenantRow>(
    SYSTEM,
    'SELECT id, plan, status, rate_limit_per_minute FROM tenants WHERE id = $1',
    [tenantId],
  );
  return rows[0] ?? null;
}

export async function touchKey(db: Database, tenantId: string, keyId: string): Promise<void> {
  await db.query(tenantId, 'UPDATE api_keys SET last_used_at = now() WHERE tenant_id = $1 AND id = $2', [
    tenantId,
    keyId,
  ]);
}
