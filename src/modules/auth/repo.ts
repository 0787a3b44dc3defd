import type { Role } from '../../platform/auth/permissions.js';
import type { Executor } from '../../platform/db/index.js';

export interface UserRow {
  id: string;
  email: string;
  name: string | null;
  password_hash: string;
  created_at: Date;
}

export interface MembershipView {
  tenant_id: string;
  tenant_name: string;
  plan: string;
  role: Role;
}

export async function insertUser(
  ex: Executor,
  u: { id: string; email: string; name: string | null; passwordHash: string },
): Promise<UserRow> {
  const [row] = await ex.query<UserRow>(
    'INSERT INTO users (id, email, name, password_hash) VALUES ($1, $2, $3, $4) RETURNING *',
    [u.id, u.email, u.name, u.passwordHash],
  );
  return row;
}

export async function findUserByEmail(ex: Executor, email: string): Promise<UserRow | null> {
  const [row] = await ex.query<UserRow>('SELECT * FROM users WHERE lower(email) = lower($1)', [email]);
  return row ?? null;
}

export async function getUser(ex: Executor, id: string): Promise<UserRow | null> {
  const [row] = await ex.query<UserRow>('SELECT * FROM users WHERE id = $1', [id]);
  return row ?? null;
}

export async function insertMembership(ex: Executor, tenantId: string, userId: string, role: Role): Promise<void> {
  await ex.query('INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, $3)', [tenantId, userId, role]);
}

/** Every tenant a user belongs to (runs in the platform context: it spans tenants). */
export async function membershipsOf(ex: Executor, userId: string): Promise<MembershipView[]> {
  return ex.query<MembershipView>(
    `SELECT m.tenant_id, t.name AS tenant_name, t.plan, m.role
       FROM memberships m JOIN tenants t ON t.id = m.tenant_id
      WHERE m.user_id = $1 ORDER BY m.created_at`,
    [userId],
  );
}
