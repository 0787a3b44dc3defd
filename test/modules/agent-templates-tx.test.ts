import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startApp } from '../helpers/app.js';
import { call, expectError, makeTenant, type TestTenant } from '../helpers/http.js';

/**
 * Issue 22: a template install is one transaction. A failure in a late step (here the second
 * required skill's config check, after the agent and the first skill were written in the same
 * transaction) leaves nothing behind and answers in the error envelope with the step that failed.
 */
let built: Awaited<ReturnType<typeof startApp>>;
let a: TestTenant; // publisher
let b: TestTenant; // installer
const M = '/api/agent-marketplace';

before(async () => {
  built = await startApp();
  a = await makeTenant(built.app, 'team');
  b = await makeTenant(built.app, 'team');
});
after(() => built.close());

async function publicSkill(name: string, configSchema?: Record<string, unknown>): Promise<string> {
  const c = await call(built.app, 'POST', '/api/v1/skills/private', {
    key: a.key,
    body: {
      name,
      description: `${name} skill`,
      skill_type: 'function',
      code: 'function execute(i){return i}',
      action: 'lookup',
      ...(configSchema ? { config_schema: configSchema } : {}),
    },
  });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  const p = await call(built.app, 'POST', '/api/skills/publish', { key: a.key, body: { skill_id: c.body.skill_id } });
  assert.equal(p.status, 201, JSON.stringify(p.body));
  assert.equal(
    (await call(built.app, 'POST', `/api/skills/approve/${p.body.marketplace_id}`, { admin: true })).status,
    200,
  );
  return p.body.marketplace_id;
}

async function template(requiredSkills: string[]): Promise<string> {
  const ag = await call(built.app, 'POST', '/api/agents', {
    key: a.key,
    body: { name: 'Region Bot', role: 'custom', maturity_level: 'student' },
  });
  assert.equal(ag.status, 201, JSON.stringify(ag.body));
  const r = await call(built.app, 'POST', `${M}/publish`, {
    key: a.key,
    body: { agent_id: ag.body.data.agent.id, marketplace_type: 'public', required_skills: requiredSkills },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(
    (await call(built.app, 'POST', `${M}/agents/${r.body.component_id}/approve`, { admin: true })).status,
    200,
  );
  return r.body.component_id;
}

/** Everything an install could leave in tenant `t`: agents, installs of any kind, template installs, outbox events. */
async function footprint(t: TestTenant) {
  const n = async (sql: string) => Number((await built.ctx.db.query<{ n: number }>('*', sql, [t.id]))[0].n);
  return {
    agents: await n('SELECT count(*)::int AS n FROM agents WHERE tenant_id = $1'),
    installs: await n('SELECT count(*)::int AS n FROM marketplace_installs WHERE tenant_id = $1'),
    template_installs: await n('SELECT count(*)::int AS n FROM agent_template_installs WHERE tenant_id = $1'),
    events: await n(
      `SELECT count(*)::int AS n FROM events WHERE tenant_id = $1 AND type IN ('agent.created', 'component.installed')`,
    ),
  };
}

const listingInstalls = async (id: string) =>
  Number(
    (
      await built.ctx.db.query<{ installs: number }>('*', 'SELECT installs FROM marketplace_listings WHERE id = $1', [
        id,
      ])
    )[0].installs,
  );

describe('template install is one transaction', () => {
  it('a failure at the last required skill leaves no agent, install or event, and answers 400 with the failing step', async () => {
    const ok = await publicSkill('Plain Lookup');
    const strict = await publicSkill('Regional Lookup', {
      type: 'object',
      required: ['region'],
      properties: { region: { type: 'string' } },
    });
    const tid = await template([ok, strict]);
    const before = await footprint(b);
    const r = await call(built.app, 'POST', `${M}/install/${tid}`, { key: b.key });
    expectError(r, 400, 'CONFIG_SCHEMA_INVALID');
    assert.equal(r.body.error.details.failed_step, 'install_skill');
    assert.equal(r.body.error.details.skill_id, strict);
    assert.equal(r.body.error.details.template_id, tid);
    assert.match(r.body.error.message, /nothing was installed/);
    assert.deepEqual(
      await footprint(b),
      before,
      'the agent and the first skill install were rolled back with the failing step',
    );
    assert.deepEqual(
      [await listingInstalls(ok), await listingInstalls(strict), await listingInstalls(tid)],
      [0, 0, 0],
      'no install counted',
    );
    const installations = await call(built.app, 'GET', `${M}/installations`, { key: b.key });
    assert.equal(installations.body.total, 0);
  });

  it('the same install without the failing skill commits every step together', async () => {
    const ok = await publicSkill('Second Lookup');
    const tid = await template([ok]);
    const before = await footprint(b);
    const r = await call(built.app, 'POST', `${M}/install/${tid}`, {
      key: b.key,
      body: { install_config: { api_keys: { crm: 'k' } } },
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.installed_skills, [ok]);
    const now = await footprint(b);
    assert.deepEqual(now, {
      agents: before.agents + 1,
      installs: before.installs + 2,
      template_installs: before.template_installs + 1,
      events: before.events + 3,
    });
    assert.deepEqual([await listingInstalls(ok), await listingInstalls(tid)], [1, 1]);
  });
});
