import { api } from './api';
import type { Membership, Session } from './session';

interface Me {
  tenant_id: string | null;
  role: string | null;
  plan: string | null;
  permissions: string[];
}
interface LoginData {
  access_token: string;
  tenant_id: string;
  role: string;
  tenants: Membership[];
  user: { email: string };
}

async function whoAmI(s: Session): Promise<Session> {
  const me = (await api<{ data: Me }>('GET', '/api/auth/me', undefined, s)).data;
  return { ...s, tenantId: me.tenant_id, role: me.role, plan: me.plan, permissions: me.permissions };
}

const fromLogin = (d: LoginData): Session => ({
  mode: 'password',
  secret: d.access_token,
  tenantId: d.tenant_id,
  email: d.user.email,
  role: d.role,
  plan: null,
  permissions: [],
  tenants: d.tenants,
});

/** An API key belongs to one tenant: its name comes from /api/tenants/current. */
export async function signInWithKey(key: string): Promise<Session> {
  const s = await whoAmI({
    mode: 'key',
    secret: key.trim(),
    tenantId: null,
    role: null,
    plan: null,
    permissions: [],
    tenants: [],
  });
  const t = (
    await api<{ data: { tenant: { id: string; name: string; plan: string } } }>(
      'GET',
      '/api/tenants/current',
      undefined,
      s,
    )
  ).data.tenant;
  return { ...s, tenants: [{ tenant_id: t.id, tenant_name: t.name, plan: t.plan, role: s.role ?? '' }] };
}

export async function signInWithPassword(email: string, password: string): Promise<Session> {
  const d = (await api<{ data: LoginData }>('POST', '/api/auth/login', { email, password }, null)).data;
  return whoAmI(fromLogin(d));
}

/** The platform admin key; with a tenant chosen it acts inside that tenant as its owner. */
export async function signInAsAdmin(key: string, tenantId: string | null): Promise<Session> {
  const base: Session = {
    mode: 'admin',
    secret: key.trim(),
    tenantId,
    role: null,
    plan: null,
    permissions: [],
    tenants: [],
  };
  const list = await api<{ data: { tenants: { id: string; name: string; plan: string }[] } }>(
    'GET',
    '/api/tenants?limit=100',
    undefined,
    { ...base, tenantId: null },
  );
  const tenants = list.data.tenants.map((t) => ({ tenant_id: t.id, tenant_name: t.name, plan: t.plan, role: 'owner' }));
  if (!tenantId) return { ...base, tenants };
  return { ...(await whoAmI(base)), tenants };
}

export async function switchTenant(s: Session, tenantId: string): Promise<Session> {
  if (s.mode === 'admin') return signInAsAdmin(s.secret, tenantId || null);
  const d = (await api<{ data: LoginData }>('POST', '/api/auth/switch-tenant', { tenant_id: tenantId }, s)).data;
  return whoAmI({ ...fromLogin(d), email: s.email });
}
