import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decryptSecret } from '../../src/platform/crypto.js';
import { startApp } from '../helpers/app.js';
import { call, expectError, makeKey, makeTenant, type TestTenant } from '../helpers/http.js';

let built: Awaited<ReturnType<typeof startApp>>;
let a: TestTenant; // publisher
let b: TestTenant; // installer
let publicSkill: string;
let privateSkill: string;
let salesAgent: string;
let template: string;
const M = '/api/agent-marketplace';
const SECRET_KEY = 'sf-secret-value-123';

before(async () => {
  built = await startApp();
  a = await makeTenant(built.app, 'team');
  b = await makeTenant(built.app, 'team');
  publicSkill = await skill(a, 'CRM Lookup', true);
  privateSkill = await skill(a, 'Internal Ledger', false);
});
after(() => built.close());

async function skill(t: TestTenant, name: string, publish: boolean): Promise<string> {
  const c = await call(built.app, 'POST', '/api/v1/skills/private', {
    key: t.key,
    body: {
      name,
      description: `${name} skill`,
      skill_type: 'function',
      code: 'function execute(i){return i}',
      action: 'lookup',
    },
  });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  if (!publish) return c.body.skill_id;
  const p = await call(built.app, 'POST', '/api/skills/publish', { key: t.key, body: { skill_id: c.body.skill_id } });
  assert.equal(
    (await call(built.app, 'POST', `/api/skills/approve/${p.body.marketplace_id}`, { admin: true })).status,
    200,
  );
  return p.body.marketplace_id;
}

async function agent(t: TestTenant, name: string, configuration: Record<string, unknown> = {}): Promise<string> {
  const r = await call(built.app, 'POST', '/api/agents', {
    key: t.key,
    body: {
      name,
      description: `${name} agent`,
      role: 'marketing-agent',
      maturity_level: 'supervised',
      capabilities: ['sales', 'crm'],
      configuration,
    },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.data.agent.id;
}

async function publish(t: TestTenant, body: Record<string, unknown>) {
  const r = await call(built.app, 'POST', `${M}/publish`, {
    key: t.key,
    body: { marketplace_type: 'public', ...body },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.component_id as string;
}

const count = async (sql: string, params: unknown[]) => Number((await built.ctx.db.query('*', sql, params))[0].n);
const agentCount = (t: TestTenant) => count('SELECT count(*)::int AS n FROM agents WHERE tenant_id = $1', [t.id]);
const installCount = (t: TestTenant) =>
  count('SELECT count(*)::int AS n FROM marketplace_installs WHERE tenant_id = $1', [t.id]);
const templateInstallCount = (t: TestTenant) =>
  count('SELECT count(*)::int AS n FROM agent_template_installs WHERE tenant_id = $1', [t.id]);

describe('agent template lifecycle across two tenants', () => {
  it('A publishes an agent with a required skill; credentials are stripped; it waits for review', async () => {
    salesAgent = await agent(a, 'Sales Bot', {
      temperature: 0.4,
      max_tokens: 2000,
      api_key: 'sk-live-should-vanish',
      salesforce: { password: 'hunter2', region: 'eu', clientSecret: 'cs' },
      tools: [{ name: 'mail', token: 'tok' }],
    });
    const inst = await call(built.app, 'POST', '/api/skills/install', {
      key: a.key,
      body: { skill_id: publicSkill, agent_id: salesAgent },
    });
    assert.equal(inst.status, 200, JSON.stringify(inst.body));
    const r = await call(built.app, 'POST', `${M}/publish`, {
      key: a.key,
      body: {
        agent_id: salesAgent,
        marketplace_type: 'public',
        name: 'Sales Automation Agent',
        description: 'Automated sales outreach and CRM management',
        capabilities: ['sales', 'crm', 'outreach'],
        maturity_level: 'supervised',
        pricing_tier: 'team',
        tags: ['sales', 'automation'],
        documentation_url: 'https://docs.example.com/sales',
      },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.success, true);
    assert.equal(r.body.status, 'pending_approval');
    assert.equal(r.body.component_id, r.body.template_id);
    template = r.body.component_id;

    const d = await call(built.app, 'GET', `${M}/agents/${template}`, { key: a.key });
    assert.equal(d.status, 200);
    const snap = d.body.agent.snapshot;
    assert.deepEqual(snap.configuration, {
      temperature: 0.4,
      max_tokens: 2000,
      salesforce: { region: 'eu' },
      tools: [{ name: 'mail' }],
    });
    assert.deepEqual(snap.required_skills, [publicSkill]);
    assert.deepEqual(
      snap.required_credentials.sort(),
      ['api_key', 'salesforce.clientSecret', 'salesforce.password', 'tools[0].token'].sort(),
    );
    assert.equal(snap.maturity_level, 'supervised');
    assert.deepEqual(snap.capabilities, ['sales', 'crm', 'outreach']);
    assert.equal(JSON.stringify(d.body).includes('hunter2'), false);
    assert.equal(JSON.stringify(d.body).includes('sk-live'), false);
    const stored = await built.ctx.db.query('*', 'SELECT content FROM marketplace_listings WHERE id = $1', [template]);
    assert.equal(
      JSON.stringify(stored[0].content).includes('hunter2'),
      false,
      'the stored snapshot holds no credential',
    );

    const s = await call(built.app, 'GET', `${M}/agents/${template}/status`, { key: a.key });
    assert.equal(s.body.status, 'pending_approval');
    assert.equal(s.body.reason, null);
    expectError(
      await call(built.app, 'POST', `${M}/publish`, { key: a.key, body: { agent_id: salesAgent } }),
      409,
      'ALREADY_PUBLISHED',
    );
  });

  it('a pending template is invisible to B, and only the platform admin approves it', async () => {
    expectError(await call(built.app, 'GET', `${M}/agents/${template}`, { key: b.key }), 404, 'AGENT_NOT_FOUND');
    expectError(await call(built.app, 'GET', `${M}/agents/${template}/status`, { key: b.key }), 404, 'AGENT_NOT_FOUND');
    expectError(await call(built.app, 'POST', `${M}/install/${template}`, { key: b.key }), 404, 'AGENT_NOT_FOUND');
    const list = await call(built.app, 'GET', `${M}/agents`, { key: b.key });
    assert.equal(
      list.body.items.some((i: any) => i.id === template),
      false,
    );

    expectError(await call(built.app, 'POST', `${M}/agents/${template}/approve`, { key: a.key }), 403, 'FORBIDDEN');
    expectError(await call(built.app, 'POST', `${M}/agents/${template}/approve`, { key: b.key }), 403, 'FORBIDDEN');
    expectError(await call(built.app, 'POST', `${M}/agents/${template}/approve`, {}), 401, 'AUTH_REQUIRED');
    const ok = await call(built.app, 'POST', `${M}/agents/${template}/approve`, { admin: true });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual([ok.body.success, ok.body.template_id, ok.body.status], [true, template, 'approved']);
    assert.ok(ok.body.approved_at);
    expectError(
      await call(built.app, 'POST', `${M}/agents/${template}/approve`, { admin: true }),
      409,
      'CONFLICTING_OPERATION',
    );

    const s = await call(built.app, 'GET', `${M}/agents/${template}/status`, { key: a.key });
    assert.deepEqual([s.body.status, s.body.approval_status, s.body.component_id], ['published', 'approved', template]);
    assert.ok(s.body.reviewed_at);
  });

  it('B finds it through every listing route with the documented shapes and filters', async () => {
    let r = await call(
      built.app,
      'GET',
      `${M}/agents?marketplace_type=public&capability=sales&min_rating=0&pricing_tier=team` +
        '&maturity_level=supervised&page=1&page_size=10',
      { key: b.key },
    );
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const item = r.body.items.find((i: any) => i.id === template);
    assert.ok(item, 'approved template listed');
    assert.deepEqual(
      [r.body.page, r.body.page_size, typeof r.body.total, typeof r.body.has_more],
      [1, 10, 'number', 'boolean'],
    );
    assert.deepEqual(
      [item.agent_id, item.source_tenant_id, item.status, item.avg_rating, item.pricing_tier],
      [salesAgent, a.id, 'published', 0, 'team'],
    );
    for (const q of [
      'capability=legal',
      'min_rating=4',
      'pricing_tier=enterprise',
      'maturity_level=student',
      'marketplace_type=private',
    ]) {
      r = await call(built.app, 'GET', `${M}/agents?${q}`, { key: b.key });
      assert.equal(
        r.body.items.some((i: any) => i.id === template),
        false,
        q,
      );
    }
    r = await call(built.app, 'GET', `${M}/agents/search?query=sales%20automation&capability=crm`, { key: b.key });
    assert.ok(r.body.items.some((i: any) => i.id === template));
    r = await call(built.app, 'GET', `${M}/browse?limit=5&offset=0`, { key: b.key });
    assert.deepEqual(Object.keys(r.body).sort(), ['agents', 'limit', 'offset', 'total']);
    const br = r.body.agents.find((x: any) => x.id === template);
    assert.deepEqual(
      Object.keys(br).sort(),
      ['category', 'description', 'id', 'installs', 'name', 'price', 'rating', 'version'].sort(),
    );
    r = await call(built.app, 'GET', `${M}/agents/${template}`, { key: b.key });
    assert.deepEqual(r.body.agent.required_skills, [publicSkill]);

    expectError(await call(built.app, 'GET', `${M}/agents?min_rating=7`, { key: b.key }), 400, 'VALIDATION_ERROR');
    expectError(await call(built.app, 'GET', `${M}/agents?page_size=1000`, { key: b.key }), 400, 'VALIDATION_ERROR');
    expectError(
      await call(built.app, 'GET', `${M}/agents?maturity_level=wizard`, { key: b.key }),
      400,
      'VALIDATION_ERROR',
    );
    expectError(await call(built.app, 'GET', `${M}/browse?limit=0`, { key: b.key }), 400, 'VALIDATION_ERROR');
  });

  it('B installs: a real intern agent, its skill installed, api keys sealed and never returned', async () => {
    const before = await agentCount(b);
    const r = await call(built.app, 'POST', `${M}/install`, {
      key: b.key,
      body: {
        agent_id: template,
        source_tenant_id: a.id,
        target_tenant_id: b.id,
        install_config: {
          api_keys: { salesforce: SECRET_KEY },
          settings: { auto_approve: false, max_daily_tasks: 100 },
        },
      },
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(
      [r.body.success, r.body.status, r.body.template_id, r.body.maturity_level],
      [true, 'installed', template, 'intern'],
    );
    assert.ok(r.body.installation_id);
    assert.deepEqual(r.body.installed_skills, [publicSkill]);
    assert.deepEqual(r.body.api_keys_configured, ['salesforce']);
    assert.equal(JSON.stringify(r.body).includes(SECRET_KEY), false);
    const newAgent = r.body.agent_id;
    assert.equal(await agentCount(b), before + 1);

    const g = await call(built.app, 'GET', `/api/agents/${newAgent}`, { key: b.key });
    assert.equal(g.status, 200);
    const ag = g.body.data.agent;
    assert.equal(ag.maturity_level, 'intern');
    assert.equal(ag.name, 'Sales Automation Agent');
    assert.deepEqual(ag.capabilities, ['sales', 'crm', 'outreach']);
    assert.deepEqual(ag.configuration, {
      temperature: 0.4,
      max_tokens: 2000,
      salesforce: { region: 'eu' },
      tools: [{ name: 'mail' }],
      auto_approve: false,
      max_daily_tasks: 100,
    });
    assert.equal(JSON.stringify(g.body).includes(SECRET_KEY), false);
    expectError(await call(built.app, 'GET', `/api/agents/${newAgent}`, { key: a.key }), 404, 'AGENT_NOT_FOUND');

    const [row]: any[] = await built.ctx.db.query(
      '*',
      'SELECT * FROM agent_template_installs WHERE tenant_id = $1 AND agent_id = $2',
      [b.id, newAgent],
    );
    assert.equal(JSON.stringify(row).includes(SECRET_KEY), false, 'no plaintext key in the row');
    assert.match(row.api_keys_sealed, /^v1\./);
    assert.deepEqual(
      JSON.parse(
        decryptSecret(built.ctx.config.encryptionKey, row.api_keys_sealed, `agent-template-keys:${b.id}:${newAgent}`),
      ),
      { salesforce: SECRET_KEY },
    );
    const skills = await built.ctx.db.query(
      '*',
      `SELECT listing_id, target_id FROM marketplace_installs WHERE tenant_id = $1 AND kind = 'skill'`,
      [b.id],
    );
    assert.deepEqual(
      skills.map((s: any) => [s.listing_id, s.target_id]),
      [[publicSkill, newAgent]],
    );

    // Installing again (by template id or by the published agent's id) returns the same agent.
    const again = await call(built.app, 'POST', `${M}/install/${template}`, { key: b.key });
    assert.deepEqual(
      [again.status, again.body.agent_id, again.body.status, again.body.message],
      [200, newAgent, 'installed', 'Agent already installed'],
    );
    const bySource = await call(built.app, 'POST', `${M}/install`, {
      key: b.key,
      body: { agent_id: salesAgent, source_tenant_id: a.id },
    });
    assert.equal(bySource.body.agent_id, newAgent);
    assert.equal(await agentCount(b), before + 1);
    const listed = await call(built.app, 'GET', `${M}/agents/${template}`, { key: b.key });
    assert.equal(listed.body.agent.installs, 1);
    const inst = await call(built.app, 'GET', `${M}/installations`, { key: b.key });
    assert.deepEqual(
      inst.body.installations.map((i: any) => [i.agent_id, i.installed_agent_id, i.template_id, i.api_key_names]),
      [[salesAgent, newAgent, template, ['salesforce']]],
    );
    assert.equal(
      (await call(built.app, 'GET', `${M}/installations`, { key: a.key })).body.total,
      0,
      'A installed nothing',
    );

    // After the installed agent is deleted, installing creates a new one.
    assert.equal((await call(built.app, 'DELETE', `/api/agents/${newAgent}`, { key: b.key })).status, 200);
    const fresh = await call(built.app, 'POST', `${M}/install/${template}`, { key: b.key });
    assert.equal(fresh.status, 200, JSON.stringify(fresh.body));
    assert.notEqual(fresh.body.agent_id, newAgent);
    assert.equal(fresh.body.message, 'Agent installed successfully');
    assert.deepEqual(
      Object.keys(fresh.body).filter((k) => ['success', 'agent_id', 'status', 'message'].includes(k)).length,
      4,
    );

    const events = await built.ctx.db.query(
      '*',
      `SELECT type FROM events WHERE tenant_id = $1 AND data->>'listing_id' = $2`,
      [b.id, template],
    );
    assert.ok(events.some((e: any) => e.type === 'component.installed'));
  });

  it('bad install input: foreign target tenant, credentials in settings, unknown template', async () => {
    expectError(
      await call(built.app, 'POST', `${M}/install`, {
        key: b.key,
        body: { agent_id: template, target_tenant_id: a.id },
      }),
      403,
      'TENANT_MISMATCH',
    );
    expectError(
      await call(built.app, 'POST', `${M}/install`, {
        key: b.key,
        body: { agent_id: template, install_config: { settings: { api_key: 'x' } } },
      }),
      400,
      'INVALID_CONFIGURATION',
    );
    const nested = await call(built.app, 'POST', `${M}/install/${template}`, {
      key: b.key,
      body: { install_config: { settings: { crm: { password: 'p' } } } },
    });
    expectError(nested, 400, 'INVALID_CONFIGURATION');
    assert.deepEqual(nested.body.error.details.fields, ['install_config.settings.crm.password']);
    expectError(
      await call(built.app, 'POST', `${M}/install`, { key: b.key, body: { agent_id: 'mkt_nope' } }),
      404,
      'AGENT_NOT_FOUND',
    );
    expectError(
      await call(built.app, 'POST', `${M}/install`, {
        key: b.key,
        body: { agent_id: salesAgent, source_tenant_id: b.id },
      }),
      404,
      'AGENT_NOT_FOUND',
    );
    expectError(
      await call(built.app, 'POST', `${M}/install`, {
        key: b.key,
        body: { agent_id: template, install_config: { api_keys: { x: { nested: 1 } } } },
      }),
      400,
      'VALIDATION_ERROR',
    );
    expectError(await call(built.app, 'POST', `${M}/install`, { key: b.key, body: {} }), 400, 'VALIDATION_ERROR');
  });
});

describe('agent template rules', () => {
  it('publish/{agent_id} (marketplace-api form), rejection with reason, status transitions', async () => {
    const id = await agent(a, 'Reject Me');
    expectError(
      await call(built.app, 'POST', `${M}/publish/${id}?description=x`, { key: a.key }),
      400,
      'VALIDATION_ERROR',
    );
    expectError(
      await call(built.app, 'POST', `${M}/publish/${id}?name=N&description=D`, { key: b.key }),
      404,
      'AGENT_NOT_FOUND',
    );
    const r = await call(
      built.app,
      'POST',
      `${M}/publish/${id}?name=Reject%20Me&description=Will%20be%20rejected&price=9.99&category=sales`,
      { key: a.key },
    );
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.deepEqual(Object.keys(r.body).sort(), ['message', 'status', 'success', 'template_id']);
    assert.equal(r.body.status, 'pending_approval');
    const tid = r.body.template_id;
    expectError(
      await call(built.app, 'POST', `${M}/agents/${tid}/reject?reason=Too%20thin`, { key: a.key }),
      403,
      'FORBIDDEN',
    );
    const rej = await call(built.app, 'POST', `${M}/agents/${tid}/reject?reason=Too%20thin`, { admin: true });
    assert.deepEqual([rej.status, rej.body.status, rej.body.reason], [200, 'rejected', 'Too thin']);
    const s = await call(built.app, 'GET', `${M}/agents/${tid}/status`, { key: a.key });
    assert.deepEqual([s.body.status, s.body.approval_status, s.body.reason], ['rejected', 'rejected', 'Too thin']);
    expectError(await call(built.app, 'GET', `${M}/agents/${tid}`, { key: b.key }), 404, 'AGENT_NOT_FOUND');
    expectError(
      await call(built.app, 'POST', `${M}/agents/${tid}/approve`, { admin: true }),
      409,
      'CONFLICTING_OPERATION',
    );
    // A rejected submission can be resubmitted.
    const again = await call(built.app, 'POST', `${M}/publish/${id}?name=Reject%20Me&description=Better`, {
      key: a.key,
    });
    assert.equal(again.status, 201);
  });

  it('private publish is published at once and installable by its own tenant only', async () => {
    const id = await agent(a, 'In House', { model: 'x' });
    const r = await call(built.app, 'POST', `${M}/publish`, {
      key: a.key,
      body: {
        agent_id: id,
        marketplace_type: 'private',
        maturity_level: 'student',
        pricing_tier: 'free',
        capabilities: ['test'],
      },
    });
    assert.deepEqual([r.status, r.body.status, r.body.marketplace_type], [201, 'published', 'private']);
    const list = await call(built.app, 'GET', `${M}/agents?marketplace_type=private`, { key: a.key });
    assert.ok(list.body.items.some((i: any) => i.id === r.body.component_id && i.agent_id === id));
    const inst = await call(built.app, 'POST', `${M}/install`, {
      key: a.key,
      body: { agent_id: id, target_tenant_id: a.id },
    });
    assert.deepEqual([inst.status, inst.body.maturity_level], [200, 'student']);
    expectError(
      await call(built.app, 'POST', `${M}/install/${r.body.component_id}`, { key: b.key }),
      404,
      'AGENT_NOT_FOUND',
    );
    expectError(
      await call(built.app, 'GET', `${M}/agents/${r.body.component_id}/status`, { key: b.key }),
      404,
      'AGENT_NOT_FOUND',
    );
  });

  it('DEPENDENCY_MISSING when a required skill is not available to the installer, with nothing written', async () => {
    const id = await agent(a, 'Ledger Bot');
    const tid = await publish(a, { agent_id: id, required_skills: [privateSkill, publicSkill] });
    await call(built.app, 'POST', `${M}/agents/${tid}/approve`, { admin: true });
    const c = await makeTenant(built.app, 'team');
    const [agents0, installs0, tpl0] = [await agentCount(c), await installCount(c), await templateInstallCount(c)];
    const r = await call(built.app, 'POST', `${M}/install/${tid}`, { key: c.key });
    expectError(r, 422, 'DEPENDENCY_MISSING');
    assert.deepEqual(r.body.error.details.missing_skills, [privateSkill]);
    assert.deepEqual(
      [await agentCount(c), await installCount(c), await templateInstallCount(c)],
      [agents0, installs0, tpl0],
    );
    expectError(
      await call(built.app, 'POST', `${M}/publish`, {
        key: a.key,
        body: { agent_id: await agent(a, 'Ghost'), required_skills: ['skl_missing'] },
      }),
      404,
      'SKILL_NOT_FOUND',
    );
  });

  it('AGENT_LIMIT_EXCEEDED on a free plan, with nothing written; free plans cannot publish publicly', async () => {
    const f = await makeTenant(built.app, 'free');
    for (let i = 0; i < 3; i++) await agent(f, `Free ${i}`);
    const r = await call(built.app, 'POST', `${M}/install/${template}`, { key: f.key });
    expectError(r, 429, 'AGENT_LIMIT_EXCEEDED');
    assert.deepEqual([r.body.error.details.limit, r.body.error.details.plan], [3, 'free']);
    assert.deepEqual([await agentCount(f), await installCount(f), await templateInstallCount(f)], [3, 0, 0]);
    const own = await call(built.app, 'GET', '/api/agents?limit=10', { key: f.key });
    expectError(
      await call(built.app, 'POST', `${M}/publish`, { key: f.key, body: { agent_id: own.body.data.agents[0].id } }),
      403,
      'PLAN_RESTRICTED',
    );
  });

  it('bulk install answers one result per item', async () => {
    const id = await agent(a, 'Bulk One');
    const plain = await publish(a, { agent_id: id, name: 'Bulk One' });
    await call(built.app, 'POST', `${M}/agents/${plain}/approve`, { admin: true });
    const dep = await publish(a, { agent_id: await agent(a, 'Bulk Dep'), required_skills: [privateSkill] });
    await call(built.app, 'POST', `${M}/agents/${dep}/approve`, { admin: true });
    const d = await makeTenant(built.app, 'team');
    const r = await call(built.app, 'POST', `${M}/install/bulk`, {
      key: d.key,
      body: { agent_ids: [plain, dep, 'mkt_nope', template], install_config: { settings: { tz: 'UTC' } } },
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual([r.body.success, r.body.total, r.body.installed, r.body.failed], [false, 4, 2, 2]);
    assert.deepEqual(
      r.body.results.map((x: any) => [x.agent_id, x.status, x.error?.code ?? null]),
      [
        [plain, 'installed', null],
        [dep, 'failed', 'DEPENDENCY_MISSING'],
        ['mkt_nope', 'failed', 'AGENT_NOT_FOUND'],
        [template, 'installed', null],
      ],
    );
    assert.equal(await agentCount(d), 2);
    const g = await call(built.app, 'GET', `/api/agents/${r.body.results[0].installed_agent_id}`, { key: d.key });
    assert.equal(g.body.data.agent.configuration.tz, 'UTC');
    expectError(
      await call(built.app, 'POST', `${M}/install/bulk`, { key: d.key, body: { agent_ids: [] } }),
      400,
      'VALIDATION_ERROR',
    );
  });

  it('parallel installs of one template into one tenant make one agent', async () => {
    const e = await makeTenant(built.app, 'team');
    const rs = await Promise.all(
      [1, 2, 3].map(() => call(built.app, 'POST', `${M}/install/${template}`, { key: e.key })),
    );
    assert.deepEqual(
      rs.map((r) => r.status),
      [200, 200, 200],
      JSON.stringify(rs.map((r) => r.body)),
    );
    assert.equal(new Set(rs.map((r) => r.body.agent_id)).size, 1);
    assert.equal(await agentCount(e), 1);
  });

  it('a template cannot claim more maturity than its agent has', async () => {
    const r = await call(built.app, 'POST', '/api/agents', {
      key: a.key,
      body: { name: 'Junior', role: 'custom', maturity_level: 'student' },
    });
    const res = await call(built.app, 'POST', `${M}/publish`, {
      key: a.key,
      body: { agent_id: r.body.data.agent.id, maturity_level: 'autonomous' },
    });
    expectError(res, 400, 'VALIDATION_ERROR');
    assert.equal(res.body.error.details.field, 'maturity_level');
  });

  it('read-only keys browse but cannot publish or install', async () => {
    const ro = await makeKey(built.app, b, { scope: 'read' });
    assert.equal((await call(built.app, 'GET', `${M}/agents`, { key: ro.key })).status, 200);
    expectError(await call(built.app, 'POST', `${M}/install/${template}`, { key: ro.key }), 403, 'INSUFFICIENT_SCOPE');
    expectError(await call(built.app, 'GET', `${M}/agents`, {}), 401, 'AUTH_REQUIRED');
  });
});
