import type { FastifyInstance } from 'fastify';
import { call, type TestTenant } from './http.js';

let counter = 0;

export interface Person {
  userId: string;
  email: string;
  password: string;
  /** A token for the person's own tenant (from signup). */
  token: string;
}

/** A person with an account (signup gives them a tenant of their own). */
export async function signUp(app: FastifyInstance, email?: string): Promise<Person> {
  counter += 1;
  const addr = email ?? `person${counter}.${Date.now()}@example.com`;
  const password = 'a long enough password';
  const res = await call(app, 'POST', '/api/auth/signup', {
    body: { email: addr, password, tenant_name: `Home of ${addr}` },
  });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { userId: res.body.data.user.id, email: addr, password, token: res.body.data.access_token };
}

/**
 * Makes `person` a member of `tenant` the way a user does: the tenant invites the email, the person
 * accepts, then switches to the tenant. Returns a token for that tenant.
 */
export async function join(
  app: FastifyInstance,
  tenant: Pick<TestTenant, 'key' | 'id'>,
  person: Person,
  role: string,
): Promise<string> {
  const inv = await call(app, 'POST', '/api/members', { key: tenant.key, body: { email: person.email, role } });
  if (inv.status !== 201) throw new Error(`invite failed: ${inv.status} ${JSON.stringify(inv.body)}`);
  const acc = await call(app, 'POST', `/api/invitations/${inv.body.data.invitation.id}/accept`, {
    token: person.token,
  });
  if (acc.status !== 200) throw new Error(`accept failed: ${acc.status} ${JSON.stringify(acc.body)}`);
  const sw = await call(app, 'POST', '/api/auth/switch-tenant', {
    token: person.token,
    body: { tenant_id: tenant.id },
  });
  if (sw.status !== 200) throw new Error(`switch failed: ${sw.status} ${JSON.stringify(sw.body)}`);
  return sw.body.data.access_token as string;
}
