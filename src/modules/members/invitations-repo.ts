import type { Role } from '../../platform/auth/permissions.js';
import type { Executor } from '../../platform/db/index.js';
import { pageQuery } from '../../platform/db/paging.js';

export type InvitationStatus = 'pending' | 'accepted' | 'declined' | 'revoked' | 'expired';

export interface InvitationRow {
  id: string;
  tenant_id: string;
  email: string;
  role: Role;
  status: InvitationStatus;
  invited_by: string | null;
  expires_at: string;
  created_at: string;
  responded_at: string | null;
}

const COLUMNS =
  'i.id, i.tenant_id, i.email, i.role, i.status, i.invited_by, i.expires_at, i.created_at, i.responded_at';
const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);

/** A pending invitation past its expiry reads as `expired`. */
function toInvitation(r: Record<string, unknown>): InvitationRow {
  const expired = r.status === 'pending' && new Date(r.expires_at as string).getTime() <= Date.now();
  return {
    ...(r as unknown as InvitationRow),
    status: expired ? 'expired' : (r.status as InvitationStatus),
    expires_at: iso(r.expires_at)!,
    created_at: iso(r.created_at)!,
    responded_at: iso(r.responded_at),
  };
}

/** One pending invitation per tenant and email: inviting again renews it (role, expiry, inviter). */
export async function upsertPending(
  ex: Executor,
  tenantId: string,
  i: { id: string; email: string; role: Role; invitedBy: string | null; expiresAt: Date },
): Promise<InvitationRow> {
  const [row] = await ex.query(
    `INSERT INTO member_invitations AS i (tenant_id, id, email, role, invited_by, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (tenant_id, lower(email)) WHERE status = 'pending'
     DO UPDATE SET role = EXCLUDED.role, invited_by = EXCLUDED.invited_by, expires_at = EXCLUDED.expires_at,
       created_at = now()
     RETURNING ${COLUMNS}`,
    [tenantId, i.id, i.email, i.role, i.invitedBy, i.expiresAt],
  );
  return toInvitation(row);
}

export async function listForTenant(ex: Executor, tenantId: string, limit: number, offset: number) {
  const { rows, total } = await pageQuery(ex, {
    columns: COLUMNS,
    from: 'FROM member_invitations i WHERE i.tenant_id = $1',
    params: [tenantId],
    orderBy: 'i.created_at DESC, i.id',
    limit,
    offset,
  });
  return { items: rows.map(toInvitation), total };
}

/** Pending, unexpired invitations addressed to an email, in every tenant (platform context). */
export async function pendingForEmail(
  sys: Executor,
  email: string,
): Promise<(InvitationRow & { tenant_name: string })[]> {
  const rows = await sys.query(
    `SELECT ${COLUMNS}, t.name AS tenant_name FROM member_invitations i JOIN tenants t ON t.id = i.tenant_id
     WHERE lower(i.email) = lower($1) AND i.status = 'pending' AND i.expires_at > now()
       ORDER BY i.created_at DESC, i.id`,
    [email],
  );
  return rows.map((r) => ({ ...toInvitation(r), tenant_name: r.tenant_name as string }));
}

/** The pending, unexpired invitation `id` addressed to `email`, or null (platform context). */
export async function findPendingForEmail(
  sys: Executor,
  id: string,
  email: string,
): Promise<(InvitationRow & { tenant_name: string }) | null> {
  const [row] = await sys.query(
    `SELECT ${COLUMNS}, t.name AS tenant_name FROM member_invitations i JOIN tenants t ON t.id = i.tenant_id
     WHERE i.id = $1 AND lower(i.email) = lower($2) AND i.status = 'pending' AND i.expires_at > now()`,
    [id, email],
  );
  return row ? { ...toInvitation(row), tenant_name: row.tenant_name as string } : null;
}

/** Locks a still-pending invitation of the tenant for an answer; null when it is gone or no longer pending. */
export async function lockPending(ex: Executor, tenantId: string, id: string): Promise<InvitationRow | null> {
  const [row] = await ex.query(
    `SELECT ${COLUMNS} FROM member_invitations i WHERE i.tenant_id = $1 AND i.id = $2 AND i.status = 'pending'
         AND i.expires_at > now() FOR UPDATE`,
    [tenantId, id],
  );
  return row ? toInvitation(row) : null;
}

export async function setStatus(
  ex: Executor,
  tenantId: string,
  id: string,
  status: 'accepted' | 'declined' | 'revoked',
): Promise<InvitationRow | null> {
  const [row] = await ex.query(
    `UPDATE member_invitations i SET status = $3, responded_at = now() WHERE i.tenant_id = $1 AND i.id = $2
         AND i.status = 'pending' RETURNING ${COLUMNS}`,
    [tenantId, id, status],
  );
  return row ? toInvitation(row) : null;
}

/** A member leaves or is demoted: the pending invitations they sent above what they now hold are revoked. */
export async function revokeSentBy(
  ex: Executor,
  tenantId: string,
  userId: string,
  roles: readonly string[],
): Promise<number> {
  if (roles.length === 0) return 0;
  const rows = await ex.query(
    `UPDATE member_invitations SET status = 'revoked', responded_at = now()
     WHERE tenant_id = $1 AND invited_by = $2 AND status = 'pending' AND role = ANY($3::text[]) RETURNING id`,
    [tenantId, userId, roles],
  );
  return rows.length;
}
