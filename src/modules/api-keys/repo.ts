import type { Role } from '../../platform/auth/permissions.js';
import type { Executor } from '../../platform/db/index.js';
import { pageQuery } from '../../platform/db/paging.js';
import type { ApiKey } from './schemas.js';

const COLUMNS = 'id, name, prefix, scope, role, expires_at, revoked_at, last_used_at, created_at';
const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);

function toApiKey(row: Record<string, unknown>): ApiKey {
  const expired = row.expires_at !== null && new Date(row.expires_at as string).getTime() <= Date.now();
  return {
    id: row.id as string,
    name: row.name as string,
    prefix: row.prefix as string,
    scope: row.scope as ApiKey['scope'],
    role: row.role as Role,
    status: row.revoked_at ? 'revoked' : expired ? 'expired' : 'active',
    expires_at: iso(row.expires_at),
    revoked_at: iso(row.revoked_at),
    last_used_at: iso(row.last_used_at),
    created_at: iso(row.created_at)!,
  };
}

export interface NewKey {
  id: string;
  name: string;
  prefix: string;
  hash: string;
  scope: 'read' | 'read_write';
  role: Role;
  createdBy: string | null;
  expiresAt: Date | null;
}

export async function insertKey(ex: Executor, tenantId: string, k: NewKey): Promise<ApiKey> {
  const [row] = await ex.query(
    `INSERT INTO api_keys (tenant_id, id, name, prefix, key_hash, scope, role, created_by, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
    [tenantId, k.id, k.name, k.prefix, k.hash, k.scope, k.role, k.createdBy, k.expiresAt],
  );
  return toApiKey(row);
}

export async function listKeys(
  ex: Executor,
  tenantId: string,
  limit: number,
  offset: number,
): Promise<{ items: ApiKey[]; total: number }> {
  const { rows, total } = await pageQuery(ex, {
    columns: COLUMNS,
    from: 'FROM api_keys WHERE tenant_id = $1',
    params: [tenantId],
    orderBy: 'created_at DESC, id',
    limit,
    offset,
  });
  return { items: rows.map(toApiKey), total };
}

/** Marks the key revoked; returns its hash so caches can forget it, or null if there is no such key. */
export async function revokeKey(
  ex: Executor,
  tenantId: string,
  id: string,
): Promise<{ key: ApiKey; hash: string } | null> {
  const [row] = await ex.query(
    `UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE tenant_id = $1 AND id = $2
         RETURNING ${COLUMNS}, key_hash`,
    [tenantId, id],
  );
  return row ? { key: toApiKey(row), hash: row.key_hash as string } : null;
}

/** Revokes every live key a user minted in the tenant; returns their hashes for the caches. */
export async function revokeKeysOf(ex: Executor, tenantId: string, userId: string): Promise<string[]> {
  const rows = await ex.query<{ key_hash: string }>(
    'UPDATE api_keys SET revoked_at = now() WHERE tenant_id = $1 AND created_by = $2 AND revoked_at IS NULL ' +
      'RETURNING key_hash',
    [tenantId, userId],
  );
  return rows.map((r) => r.key_hash);
}

/** Lowers to `role` the live keys a user minted with a role in `above`; returns their hashes. */
export async function lowerKeysOf(
  ex: Executor,
  tenantId: string,
  userId: string,
  role: Role,
  above: readonly Role[],
): Promise<string[]> {
  if (above.length === 0) return [];
  const rows = await ex.query<{ key_hash: string }>(
    'UPDATE api_keys SET role = $3 WHERE tenant_id = $1 AND created_by = $2 AND revoked_at IS NULL ' +
      'AND role = ANY($4::text[]) RETURNING key_hash',
    [tenantId, userId, role, above],
  );
  return rows.map((r) => r.key_hash);
}
