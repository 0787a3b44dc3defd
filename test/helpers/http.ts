import type { FastifyInstance, InjectOptions } from 'fastify';
import { ADMIN_KEY } from './app.js';

export interface Res<T = any> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | number | undefined>;
}

type Auth = { key?: string; token?: string; admin?: boolean; headers?: Record<string, string> };

export async function call<T = any>(
  app: FastifyInstance,
  method: string,
  url: string,
  opts: Auth & { body?: unknown } = {},
): Promise<Res<T>> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.key) headers['x-api-key'] = opts.key;
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.admin) headers['x-admin-key'] = ADMIN_KEY;
  const res = await app.inject({
    method: method as InjectOptions['method'],
    url,
    headers,
    ...(opts.body !== undefined ? { payload: opts.body as object } : {}),
  });
  let body: unknown = res.body;
  try {
    body = JSON.parse(res.body);
  } catch {
    /* not JSON */
  }
  return { status: res.statusCode, body: body as T, headers: res.headers };
}

export interface TestTenant {
  id: string;
  key: string;
  ownerEmail: string;
  ownerPassword: string;
}

let counter = 0;

/** A tenant with an owner user and its first (owner) key, made through the public API. */
export async function makeTenant(app: FastifyInstance, plan = 'enterprise', name?: string): Promise<TestTenant> {
  counter += 1;
  const ownerEmail = `owner${counter}.${Date.now()}@example.com`;
  const ownerPassword = 'correct horse battery';
  const res = await call(app, 'POST', '/api/tenants', {
    admin: true,
    body: { name: name ?? `Tenant ${counter}`, plan, owner_email: ownerEmail, owner_password: ownerPassword },
  });
  if (res.status !== 201) throw new Error(`tenant create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.data.tenant.id, key: res.body.data.key, ownerEmail, ownerPassword };
}

export async function makeKey(
  app: FastifyInstance,
  tenant: TestTenant,
  body: Record<string, unknown>,
): Promise<{ id: string; key: string }> {
  const res = await call(app, 'POST', '/api/api-keys', { key: tenant.key, body: { name: 'k', ...body } });
  if (res.status !== 201) throw new Error(`key create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.data.api_key.id, key: res.body.data.key };
}

export function expectError(res: Res, status: number, code: string) {
  if (res.status !== status || res.body?.error?.code !== code) {
    throw new Error(`expected ${status} ${code}, got ${res.status} ${JSON.stringify(res.body)}`);
  }
}
