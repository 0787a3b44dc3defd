import type { FastifyInstance, InjectOptions } from 'fastify';
import type { AppContext } from '../platform/context.js';
import { SYSTEM } from '../platform/db/index.js';
import { apiKeysService } from '../modules/api-keys/service.js';
import { AGENTS, COMPONENTS, DOMAINS, SKILLS, WORKFLOWS } from './catalogue.js';

export const PUBLISHER = 'ATOM Community';

type Auth = { key?: string; admin?: string };
type Send = (method: string, url: string, body?: unknown, auth?: Auth) => Promise<any>;

/** Every write goes through the public API, so the catalogue obeys the same validation as users. */
function client(app: FastifyInstance): Send {
  return async (method, url, body, auth = {}) => {
    const headers: Record<string, string> = {};
    if (auth.key) headers['x-api-key'] = auth.key;
    if (auth.admin) headers['x-admin-key'] = auth.admin;
    const res = await app.inject({ method: method as InjectOptions['method'], url, headers, ...(body !== undefined ? { payload: body as object } : {}) });
    if (res.statusCode >= 300) throw new Error(`${method} ${url} → ${res.statusCode} ${res.body}`);
    return res.json();
  };
}

/**
 * Loads the starter catalogue: a publisher tenant, its skills, agents (published as templates),
 * domains, canvas components and workflow templates, all approved. Each item is skipped when the
 * publisher already has it approved, so a second run (or a rerun after a failure) adds only what
 * is missing.
 */
export async function seedCatalogue(app: FastifyInstance, ctx: AppContext, adminKey: string, log: (line: string) => void): Promise<{ created: boolean; counts: Record<string, number> }> {
  const send = client(app);
  const admin = { admin: adminKey };
  const [existing] = await ctx.db.query<{ id: string }>(SYSTEM, 'SELECT id FROM tenants WHERE name = $1', [PUBLISHER]);
  const tenantId = existing?.id ?? (await send('POST', '/api/tenants', { name: PUBLISHER, plan: 'enterprise' }, admin)).data.tenant.id as string;
  // A fresh key each run (an earlier run's key was shown to nobody); the publisher's items are matched by name.
  const key = { key: (await apiKeysService(ctx).create(tenantId, { userId: null, role: 'owner' }, { name: 'seed', scope: 'read_write', role: 'owner' })).key };
  const have = async (kind: string) => new Set((await ctx.db.query<{ name: string }>(SYSTEM,
    `SELECT name FROM marketplace_listings WHERE tenant_id = $1 AND kind = $2 AND marketplace_type = 'public' AND status = 'approved'`, [tenantId, kind])).map((r) => r.name));
  const counts: Record<string, number> = {};
  log(`Publisher tenant ${tenantId} (${PUBLISHER})`);

  const skillIds = new Map<string, string>((await ctx.db.query<{ id: string; name: string }>(SYSTEM,
    `SELECT id, name FROM marketplace_listings WHERE tenant_id = $1 AND kind = 'skill' AND marketplace_type = 'public' AND status = 'approved'`, [tenantId])).map((r) => [r.name, r.id]));
  counts.skills = 0;
  for (const s of SKILLS) {
    if (skillIds.has(s.name)) continue;
    const { name, category, tags, description, code, input_schema, action, skill_type, python_packages, license } = s as typeof s & { skill_type?: string; python_packages?: { name: string; version: string }[]; license?: string };
    const c = await send('POST', '/api/v1/skills/private', { name, description, category, tags, code, skill_type: skill_type ?? 'function', ...(input_schema ? { input_schema } : {}), ...(action ? { action } : {}), ...(python_packages ? { python_packages } : {}) }, key);
    const p = await send('POST', '/api/skills/publish', { skill_id: c.skill_id, category, tags, license: license ?? 'MIT', long_description: description }, key);
    await send('POST', `/api/skills/approve/${p.marketplace_id}`, undefined, admin);
    skillIds.set(name, p.marketplace_id);
    counts.skills += 1;
  }

  const agentsThere = await have('agent_template');
  counts.agent_templates = 0;
  for (const a of AGENTS) {
    if (agentsThere.has(a.name)) continue;
    const created = await send('POST', '/api/agents', { name: a.name, description: a.description, role: a.role, maturity_level: a.maturity_level, capabilities: a.capabilities, configuration: a.configuration }, key);
    const p = await send('POST', '/api/agent-marketplace/publish', {
      agent_id: created.data.agent.id, marketplace_type: 'public', name: a.name, description: a.description, capabilities: a.capabilities,
      maturity_level: a.maturity_level, pricing_tier: 'free', category: a.category, tags: a.capabilities, required_skills: a.skills.map((n) => skillIds.get(n)!),
    }, key);
    await send('POST', `/api/agent-marketplace/agents/${p.component_id}/approve`, undefined, admin);
    counts.agent_templates += 1;
  }

  const domainsThere = await have('domain');
  counts.domains = 0;
  for (const d of DOMAINS) {
    if (domainsThere.has(d.name)) continue;
    const created = await send('POST', '/api/v1/domains', { name: d.name, category: d.category, topics: d.topics, knowledge: d.knowledge }, key);
    const s = await send('POST', '/api/v1/domains/marketplace/submit', { domain_id: created.domain.domain_id, price_usd: d.price_usd, license_type: 'MIT', tags: d.tags }, key);
    await send('POST', `/api/v1/domains/marketplace/${s.domain_id}/approve`, undefined, admin);
    counts.domains += 1;
  }

  const componentsThere = await have('canvas_component');
  counts.canvas_components = 0;
  for (const c of COMPONENTS) {
    if (componentsThere.has(c.name)) continue;
    const created = await send('POST', '/api/canvas-skills/create', { name: c.name, description: c.description, category: c.category, tags: c.tags, code: c.code, license: 'MIT', ...(c.config_schema ? { config_schema: c.config_schema } : {}) }, key);
    await send('POST', '/api/canvas-marketplace/components/publish', { component_id: created.component_id, price: 0, license: 'MIT', tags: c.tags }, key);
    await send('POST', `/api/canvas-marketplace/components/${created.component_id}/approve`, undefined, admin);
    counts.canvas_components += 1;
  }

  const workflowsThere = await have('workflow_template');
  counts.workflow_templates = 0;
  for (const w of WORKFLOWS) {
    if (workflowsThere.has(w.name)) continue;
    const created = await send('POST', '/api/marketplace/templates/advanced', { ...w, marketplace_type: 'public' }, key);
    await send('POST', `/api/marketplace/templates/${created.id}/approve`, undefined, admin);
    counts.workflow_templates += 1;
  }
  return { created: Object.values(counts).some((n) => n > 0), counts };
}
