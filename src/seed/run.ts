import type { FastifyInstance, InjectOptions } from 'fastify';
import { apiKeysService } from '../modules/api-keys/service.js';
import type { AppContext } from '../platform/context.js';
import { SYSTEM } from '../platform/db/index.js';
import { AGENTS, COMPONENTS, DOMAINS, SKILLS, WORKFLOWS } from './catalogue.js';

export const PUBLISHER = 'ATOM Community';

type Auth = { key?: string; admin?: string };
// biome-ignore lint/suspicious/noExplicitAny: the seed reads the API's own JSON answers field by field, as the tests do
type Send = (method: string, url: string, body?: unknown, auth?: Auth) => Promise<any>;

/** Every write goes through the public API, so the catalogue obeys the same validation as users. */
function client(app: FastifyInstance): Send {
  return async (method, url, body, auth = {}) => {
    const headers: Record<string, string> = {};
    if (auth.key) headers['x-api-key'] = auth.key;
    if (auth.admin) headers['x-admin-key'] = auth.admin;
    const res = await app.inject({
      method: method as InjectOptions['method'],
      url,
      headers,
      ...(body !== undefined ? { payload: body as object } : {}),
    });
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
export async function seedCatalogue(
  app: FastifyInstance,
  ctx: AppContext,
  adminKey: string,
  log: (line: string) => void,
): Promise<{ created: boolean; counts: Record<string, number> }> {
  const send = client(app);
  const admin = { admin: adminKey };
  const [existing] = await ctx.db.query<{ id: string }>(SYSTEM, 'SELECT id FROM tenants WHERE name = $1', [PUBLISHER]);
  const tenantId =
    existing?.id ??
    ((await send('POST', '/api/tenants', { name: PUBLISHER, plan: 'enterprise' }, admin)).data.tenant.id as string);
  // A fresh key each run (an earlier run's key was shown to nobody); the publisher's items are matched by name.
  const key = {
    key: (
      await apiKeysService(ctx).create(
        tenantId,
        { userId: null, role: 'owner' },
        { name: 'seed', scope: 'read_write', role: 'owner' },
      )
    ).key,
  };
  log(`Publisher tenant ${tenantId} (${PUBLISHER})`);

  /** Publishes and approves each item the publisher does not have approved yet; returns name → listing id for all. */
  async function seedKind<T extends { name: string }>(kind: string, items: T[], publish: (item: T) => Promise<string>) {
    const rows = await ctx.db.query<{ id: string; name: string }>(
      SYSTEM,
      `SELECT id, name FROM marketplace_listings WHERE tenant_id = $1 AND kind = $2 AND marketplace_type = 'public'
           AND status = 'approved'`,
      [tenantId, kind],
    );
    const ids = new Map(rows.map((r) => [r.name, r.id]));
    let added = 0;
    for (const item of items.filter((i) => !ids.has(i.name))) {
      ids.set(item.name, await publish(item));
      added += 1;
    }
    return { ids, added };
  }

  const skills = await seedKind('skill', SKILLS as SeedSkill[], async (s) => {
    const c = await send(
      'POST',
      '/api/v1/skills/private',
      {
        name: s.name,
        description: s.description,
        category: s.category,
        tags: s.tags,
        code: s.code,
        skill_type: s.skill_type ?? 'function',
        ...(s.input_schema ? { input_schema: s.input_schema } : {}),
        action: s.action,
        ...(s.python_packages ? { python_packages: s.python_packages } : {}),
      },
      key,
    );
    const p = await send(
      'POST',
      '/api/skills/publish',
      {
        skill_id: c.skill_id,
        category: s.category,
        tags: s.tags,
        license: s.license ?? 'MIT',
        long_description: s.description,
      },
      key,
    );
    await send('POST', `/api/skills/approve/${p.marketplace_id}`, undefined, admin);
    return p.marketplace_id;
  });

  const agents = await seedKind('agent_template', AGENTS, async (a) => {
    const created = await send(
      'POST',
      '/api/agents',
      {
        name: a.name,
        description: a.description,
        role: a.role,
        maturity_level: a.maturity_level,
        capabilities: a.capabilities,
        configuration: a.configuration,
      },
      key,
    );
    const p = await send(
      'POST',
      '/api/agent-marketplace/publish',
      {
        agent_id: created.data.agent.id,
        marketplace_type: 'public',
        name: a.name,
        description: a.description,
        capabilities: a.capabilities,
        maturity_level: a.maturity_level,
        pricing_tier: 'free',
        category: a.category,
        tags: a.capabilities,
        required_skills: a.skills.map((n) => skills.ids.get(n)!),
      },
      key,
    );
    await send('POST', `/api/agent-marketplace/agents/${p.component_id}/approve`, undefined, admin);
    return p.component_id;
  });

  const domains = await seedKind('domain', DOMAINS, async (d) => {
    const created = await send(
      'POST',
      '/api/v1/domains',
      { name: d.name, category: d.category, topics: d.topics, knowledge: d.knowledge },
      key,
    );
    const s = await send(
      'POST',
      '/api/v1/domains/marketplace/submit',
      { domain_id: created.domain.domain_id, price_usd: d.price_usd, license_type: 'MIT', tags: d.tags },
      key,
    );
    await send('POST', `/api/v1/domains/marketplace/${s.domain_id}/approve`, undefined, admin);
    return s.domain_id;
  });

  const components = await seedKind('canvas_component', COMPONENTS, async (c) => {
    const created = await send(
      'POST',
      '/api/canvas-skills/create',
      {
        name: c.name,
        description: c.description,
        category: c.category,
        tags: c.tags,
        code: c.code,
        license: 'MIT',
        ...(c.config_schema ? { config_schema: c.config_schema } : {}),
      },
      key,
    );
    await send(
      'POST',
      '/api/canvas-marketplace/components/publish',
      { component_id: created.component_id, price: 0, license: 'MIT', tags: c.tags },
      key,
    );
    await send('POST', `/api/canvas-marketplace/components/${created.component_id}/approve`, undefined, admin);
    return created.component_id;
  });

  const workflows = await seedKind('workflow_template', WORKFLOWS, async (w) => {
    const { agents: _agents, skills: _skills, ...body } = w;
    const created = await send(
      'POST',
      '/api/marketplace/templates/advanced',
      { ...body, marketplace_type: 'public' },
      key,
    );
    await send('POST', `/api/marketplace/templates/${created.id}/approve`, undefined, admin);
    return created.id;
  });

  const counts = {
    skills: skills.added,
    agent_templates: agents.added,
    domains: domains.added,
    canvas_components: components.added,
    workflow_templates: workflows.added,
  };
  return { created: Object.values(counts).some((n) => n > 0), counts };
}

type SeedSkill = (typeof SKILLS)[number] & {
  skill_type?: string;
  python_packages?: { name: string; version: string }[];
  license?: string;
  input_schema?: object;
  action: string;
};
