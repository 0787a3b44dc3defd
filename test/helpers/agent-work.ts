import type { FastifyInstance } from 'fastify';
import { ADMIN_KEY } from './app.js';
import { type FakeRequest, text, toolCall } from './fake-llm.js';
import { call } from './http.js';
import { http } from './processes.js';

/** One way to talk to a server, in-process (inject) or over HTTP (another process), for scenarios that run on both. */
export type Send = (
  method: string,
  path: string,
  opts?: { body?: unknown; key?: string; adminKey?: string },
) => Promise<{ status: number; body: any }>;

export const injectSend =
  (app: FastifyInstance): Send =>
  (method, path, opts = {}) =>
    call(app, method, path, {
      body: opts.body,
      key: opts.key,
      headers: opts.adminKey ? { 'x-admin-key': opts.adminKey } : {},
    });

export const httpSend =
  (base: () => string): Send =>
  (method, path, opts = {}) =>
    http(`${base()}${path}`, {
      method,
      body: opts.body,
      headers: {
        ...(opts.key ? { 'x-api-key': opts.key } : {}),
        ...(opts.adminKey ? { 'x-admin-key': opts.adminKey } : {}),
      },
    });

async function ok(res: Promise<{ status: number; body: any }>, what: string) {
  const r = await res;
  if (r.status >= 300) throw new Error(`${what} → ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export async function makeTenantVia(
  send: Send,
  adminKey: string,
  name: string,
  plan = 'team',
): Promise<{ id: string; key: string }> {
  const body = await ok(send('POST', '/api/tenants', { adminKey, body: { name, plan } }), 'tenant');
  return { id: body.data.tenant.id, key: body.data.key };
}

/** The model's name for a skill's tool (see src/modules/skills/tools.ts). */
export const toolOf = (listingId: string) => `skill_${listingId.replace(/[^a-zA-Z0-9_]/g, '_')}`;

/**
 * The path a user takes: a publisher writes an `api` skill, publishes it, the platform approves it,
 * and the tenant installs it from the marketplace. Returns the listing id and the model's tool name.
 */
export async function installApiSkill(
  send: Send,
  adminKey: string,
  publisherKey: string,
  tenantKey: string,
  s: { name: string; description: string; action: string; endpoint: string; input_schema?: object },
): Promise<{ id: string; tool: string }> {
  const created = await ok(
    send('POST', '/api/v1/skills/private', {
      key: publisherKey,
      body: { skill_type: 'api', input_schema: { type: 'object' }, ...s },
    }),
    'create skill',
  );
  const published = await ok(
    send('POST', '/api/skills/publish', { key: publisherKey, body: { skill_id: created.skill_id } }),
    'publish',
  );
  await ok(send('POST', `/api/skills/approve/${published.marketplace_id}`, { adminKey }), 'approve');
  await ok(
    send('POST', '/api/skills/install', { key: tenantKey, body: { skill_id: published.marketplace_id } }),
    'install',
  );
  return { id: published.marketplace_id, tool: toolOf(published.marketplace_id) };
}

/** Today's skill executions of the tenant, as `GET /api/usage` reports them. */
export async function skillRunsToday(send: Send, key: string): Promise<number> {
  const body = await ok(send('GET', '/api/usage', { key }), 'usage');
  return body.data.quotas.find((q: { metric: string }) => q.metric === 'skill_executions').used;
}

export async function waitForState<T>(read: () => Promise<T>, done: (v: T) => boolean, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > end) throw new Error(`timed out; last state: ${JSON.stringify(v).slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export { ADMIN_KEY };

/**
 * The buyer scenario both journal tests run: a publisher's two `api` skills installed from the
 * marketplace (Inventory Reader, action read → `readUrl`; Purchase Order Writer, action create →
 * `writeUrl`), and a supervised agent, which needs a human for the create.
 */
export async function buyerScenario(send: Send, adminKey: string, readUrl: string, writeUrl: string) {
  const publisher = await makeTenantVia(send, adminKey, 'Skill House', 'enterprise');
  const tenant = await makeTenantVia(send, adminKey, 'Shop', 'team');
  const a = await installApiSkill(send, adminKey, publisher.key, tenant.key, {
    name: 'Inventory Reader',
    description: 'Read stock levels',
    action: 'read',
    endpoint: readUrl,
  });
  const b = await installApiSkill(send, adminKey, publisher.key, tenant.key, {
    name: 'Purchase Order Writer',
    description: 'Create a purchase order',
    action: 'create',
    endpoint: writeUrl,
  });
  const agent = (
    await send('POST', '/api/agents', {
      key: tenant.key,
      body: { name: 'Buyer', role: 'custom', maturity_level: 'supervised' },
    })
  ).body.data.agent.id as string;
  return { tenant, agent, tools: { a: a.tool, b: b.tool } };
}

/** The buyer's model, deciding by what the conversation holds so far: read stock (A), order (B), then answer. */
export const buyerModel =
  (tools: { a: string; b: string }, answer: (toolAnswers: string[]) => string) => (req: FakeRequest) => {
    const answered = req.messages.filter((m) => m.role === 'tool');
    if (answered.length === 0) return toolCall({ name: tools.a, args: { sku: 'X1' } });
    if (answered.length === 1) return toolCall({ name: tools.b, args: { sku: 'X1', quantity: 3 } });
    return text(answer(answered.map((m) => String(m.content))));
  };
