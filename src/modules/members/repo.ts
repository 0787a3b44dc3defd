import type { Role } from '../../platform/auth/permissions.js';
import type { Executor } from '../../platform/db/index.js';
import { pageQuery } from '../../platform/db/paging.js';

export interface MemberRow {
  user_id: string;
  email: string;
  name: string | null;
  role: Role;
  joined_at: string;
}

const COLUMNS = 'm.user_id, u.email, u.name, m.role, m.created_at AS joined_at';
const FROM = 'FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.tenant_id = $1';

const toMember = (r: Record<string, unknown>): MemberRow => ({
  ...(r as unknown as MemberRow),
  joined_at: new Date(r.joined_at as string).toISOString(),
});

export async function listMembers(ex: Executor, tenantId: string, limit: number, offset: number) {
  const { rows, total } = await pageQuery(ex, {
    columns: COLUMNS,
    from: FROM,
    params: [tenantId],
    orderBy: 'm.created_at, m.user_id',
    limit,
    offset,
  });
  return { items: rows.map(toMember), total };
}

export async function getMember(ex: Executor, tenantId: string, userId: string): Promise<MemberRow | null> {
  const [row] = await ex.query(`SELECT ${COLUMNS} ${FROM} AND m.user_id = $2`, [tenantId, userId]);
  return row ? toMember(row) : null;
}

export async function setRole(ex: Executor, tenantId: string, userId: string, role: Role): Promise<void> {
  await ex.query('UPDATE memberships SET role = $3 WHERE tenant_id = $1 AND user_id = $2', [tenantId, userId, role]);
}

export async function removeMember(ex: Executor, tenantId: string, userId: string): Promise<void> {
  await ex.query('DELETE FROM memberships WHERE tenant_id = $1 AND user_id = $2', [tenantId, userId]);
}

/** Owners, locked for the rest of the transaction so two demotions cannot race past the last one. */
export async function lockOwners(ex: Executor, tenantId: string): Promise<string[]> {
  const rows = await ex.query<{ user_id: string }>(
    "SELECT user_id FROM memberships WHERE tenant_id = $1 AND role = 'owner' FOR UPDATE",
    [tenantId],
  );
  return rows.map((r) => r.user_id);
}

export async function isMemberEmail(ex: Executor, tenantId: string, email: string): Promise<boolean> {
  const rows = await ex.query(
    'SELECT 1 FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.tenant_id = $1 ' +
      'AND lower(u.email) = lower($2)',
    [tenantId, email],
  );
  return rows.length > 0;
}
