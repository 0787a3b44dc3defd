import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Built } from '../../src/app.js';
import { agentsService } from '../../src/modules/agents/service.js';
import type { AppError } from '../../src/platform/errors.js';
import { startApp } from '../helpers/app.js';
import { call, expectError, makeKey, makeTenant, type TestTenant } from '../helpers/http.js';
import { standardKit } from '../helpers/tools.js';

describe('agents API', () => {
  let built: Built;
  let a: TestTenant;
  let b: TestTenant;
  before(async () => {
    built = await startApp();
    built.ctx.tools.register(standardKit());
    a = await makeTenant(built.app, 'team');
    b = await makeTenant(built.app, 'team');
  });
  after(() => built.close());

  const create = (body: Record<string, unknown>, key = a.key) => call(built.app, 'POST', '/api/agents', { key, body });

  it('creates an agent in the documented shape', async () => {
    const res = await create({
      name: 'Finance Assistant',
      role: 'finance-agent',
      maturity_level: 'intern',
      capabilities: ['analyze', 'report', 'forecast'],
    });
    assert.equal(res.status, 201);
    const agent = res.body.data.agent;
    assert.match(agent.id, /^agt_/);
    assert.deepEqual(
      {
        name: agent.name,
        description: agent.description,
        role: agent.role,
        maturity_level: agent.maturity_level,
        capabilities: agent.capabilities,
        status: agent.status,
        tenant_id: agent.tenant_id,
      },
      {
        name: 'Finance Assistant',
        description: null,
        role: 'finance-agent',
        maturity_level: 'intern',
        capabilities: ['analyze', 'report', 'forecast'],
        status: 'active',
        tenant_id: a.id,
      },
    );
  });

  it('validates names, roles, maturity and capability counts', async () => {
    const long = await create({ name: 'x'.repeat(101), role: 'custom', maturity_level: 'student' });
    expectError(long, 400, 'VALIDATION_ERROR');
    assert.equal(long.body.error.details.field, 'name');
    expectError(await create({ name: 'x', role: 'wizard', maturity_level: 'student' }), 400, 'VALIDATION_ERROR');
    expectError(await create({ name: 'x', role: 'custom', maturity_level: 'genius' }), 400, 'VALIDATION_ERROR');
    expectError(
      await create({
        name: 'x',
        role: 'custom',
        maturity_level: 'student',
        capabilities: Array.from({ length: 51 }, (_, i) => `c${i}`),
      }),
      400,
      'VALIDATION_ERROR',
    );
    expectError(await create({ role: 'custom', maturity_level: 'student' }), 400, 'VALIDATION_ERROR');
  });

  it('lists with pagination, filters, sort and search', async () => {
    for (const [name, level] of [
      ['Alpha researcher', 'student'],
      ['Beta analyst', 'intern'],
      ['Gamma writer', 'student'],
    ] as const) {
      await create({ name, role: 'general-assistant', maturity_level: level, description: `${name} helps` });
    }
    const page = await call(built.app, 'GET', '/api/agents?page=1&limit=2&sort=name&order=asc', { key: a.key });
    assert.equal(page.body.data.agents.length, 2);
    assert.equal(page.body.data.agents[0].name, 'Alpha researcher');
    assert.deepEqual(page.body.data.pagination, { page: 1, limit: 2, total: 4, pages: 2 });
    const students = await call(built.app, 'GET', '/api/agents?maturity_level=student', { key: a.key });
    assert.deepEqual(students.body.data.agents.map((x: { name: string }) => x.name).sort(), [
      'Alpha researcher',
      'Gamma writer',
    ]);
    const q = await call(built.app, 'GET', '/api/agents?q=ANALYST', { key: a.key });
    assert.deepEqual(
      q.body.data.agents.map((x: { name: string }) => x.name),
      ['Beta analyst'],
    );
    const pct = await call(built.app, 'GET', '/api/agents?q=%25', { key: a.key });
    assert.equal(pct.body.data.agents.length, 0, 'wildcards in q are literal');
    expectError(await call(built.app, 'GET', '/api/agents?limit=500', { key: a.key }), 400, 'INVALID_LIMIT');
    expectError(await call(built.app, 'GET', '/api/agents?sort=password', { key: a.key }), 400, 'VALIDATION_ERROR');
    const other = await call(built.app, 'GET', '/api/agents', { key: b.key });
    assert.equal(other.body.data.pagination.total, 0);
  });

  it('a list item is the agent as its detail shows it (times to the millisecond, UTC), newest first', async () => {
    const t = await makeTenant(built.app, 'team');
    for (const name of ['First', 'Second', 'Third'])
      await create({ name, role: 'custom', maturity_level: 'student', capabilities: ['a'] }, t.key);
    const first = (await call(built.app, 'GET', '/api/agents?sort=name&order=asc&limit=1', { key: t.key })).body.data
      .agents[0].id;
    await call(built.app, 'PUT', `/api/agents/${first}`, { key: t.key, body: { description: 'changed' } });
    const list = (await call(built.app, 'GET', '/api/agents', { key: t.key })).body.data.agents;
    assert.deepEqual(
      list.map((x: { name: string }) => x.name),
      ['Third', 'Second', 'First'],
    );
    for (const item of list) {
      const detail = (await call(built.app, 'GET', `/api/agents/${item.id}`, { key: t.key })).body.data.agent;
      assert.deepEqual(item, Object.fromEntries(Object.keys(item).map((k) => [k, detail[k]])));
      assert.match(item.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
    assert.equal(Object.keys(list[0]).includes('configuration'), false);
    const byUpdate = (await call(built.app, 'GET', '/api/agents?sort=updated_at&order=desc', { key: t.key })).body.data
      .agents;
    assert.equal(byUpdate[0].name, 'First');
  });

  it('details carry statistics and a graduation summary computed from executions', async () => {
    const id = (await create({ name: 'Researcher', role: 'general-assistant', maturity_level: 'student' })).body.data
      .agent.id;
    const fresh = await call(built.app, 'GET', `/api/agents/${id}`, { key: a.key });
    assert.deepEqual(fresh.body.data.agent.statistics, {
      total_executions: 0,
      successful_executions: 0,
      success_rate: 0,
      avg_confidence: null,
      last_execution: null,
    });
    assert.equal(fresh.body.data.agent.graduation.episodes_until_exam, 10);
    await call(built.app, 'POST', `/api/agents/${id}/execute`, {
      key: a.key,
      body: { task: 'search research papers' },
    });
    await call(built.app, 'POST', `/api/agents/${id}/execute`, {
      key: a.key,
      body: { task: 'fetch the weather data' },
    });
    const got = await call(built.app, 'GET', `/api/agents/${id}`, { key: a.key });
    const s = got.body.data.agent.statistics;
    assert.equal(s.total_executions, 2);
    assert.equal(s.successful_executions, 1);
    assert.equal(s.success_rate, 0.5);
    assert.ok(s.last_execution);
    assert.equal(got.body.data.agent.graduation.current_level, 'student');
    assert.equal(
      got.body.data.agent.graduation.episodes_until_exam,
      9,
      'only the completed run with output counts towards the minimum',
    );
    const training = await call(built.app, 'GET', `/api/agents/${id}/training`, { key: a.key });
    assert.deepEqual(training.body.data.learning_statistics, {
      total_experiences: 2,
      successful_experiences: 1,
      success_rate: 0.5,
      avg_confidence: training.body.data.learning_statistics.avg_confidence,
    });
    assert.deepEqual(training.body.data.patterns_detected, [], 'no pattern from fewer than 3 samples');
  });

  it('training: practice tasks run as executions and patterns emerge from them', async () => {
    const id = (await create({ name: 'Trainee', role: 'general-assistant', maturity_level: 'student' })).body.data.agent
      .id;
    const res = await call(built.app, 'POST', `/api/agents/${id}/train`, {
      key: a.key,
      body: { tasks: Array(5).fill('search research papers') },
    });
    assert.equal(res.status, 202);
    assert.equal(res.body.data.executions.length, 5);
    const end = Date.now() + 15_000;
    let training: any;
    do {
      await new Promise((r) => setTimeout(r, 200));
      training = (await call(built.app, 'GET', `/api/agents/${id}/training`, { key: a.key })).body.data;
    } while (training.learning_statistics.total_experiences < 5 && Date.now() < end);
    assert.deepEqual(training.patterns_detected, [{ pattern: 'web_search', success_rate: 1, sample_size: 5 }]);
    expectError(
      await call(built.app, 'POST', `/api/agents/${id}/train`, { key: a.key, body: { tasks: [] } }),
      400,
      'VALIDATION_ERROR',
    );
  });

  it('updates merge configuration and refuse role or maturity changes', async () => {
    const id = (
      await create({
        name: 'Conf',
        role: 'custom',
        maturity_level: 'student',
        configuration: { temperature: 0.7, max_tokens: 2000 },
      })
    ).body.data.agent.id;
    const up = await call(built.app, 'PUT', `/api/agents/${id}`, {
      key: a.key,
      body: { name: 'Senior Conf', configuration: { temperature: 0.8 } },
    });
    assert.equal(up.body.data.agent.name, 'Senior Conf');
    const got = await call(built.app, 'GET', `/api/agents/${id}`, { key: a.key });
    assert.deepEqual(got.body.data.agent.configuration, { temperature: 0.8, max_tokens: 2000 });
    const mat = await call(built.app, 'PUT', `/api/agents/${id}`, {
      key: a.key,
      body: { maturity_level: 'autonomous' },
    });
    expectError(mat, 400, 'VALIDATION_ERROR');
    assert.equal(mat.body.error.details.field, 'maturity_level');
    expectError(
      await call(built.app, 'PUT', `/api/agents/${id}`, { key: a.key, body: { role: 'finance-agent' } }),
      400,
      'VALIDATION_ERROR',
    );
    assert.equal(
      (await call(built.app, 'GET', `/api/agents/${id}`, { key: a.key })).body.data.agent.maturity_level,
      'student',
    );
  });

  it('deletes an agent with its executions', async () => {
    const id = (await create({ name: 'Doomed', role: 'custom', maturity_level: 'student' })).body.data.agent.id;
    await call(built.app, 'POST', `/api/agents/${id}/execute`, { key: a.key, body: { task: 'search papers' } });
    const del = await call(built.app, 'DELETE', `/api/agents/${id}`, { key: a.key });
    assert.deepEqual(del.body.data, { deleted: true, agent_id: id });
    expectError(await call(built.app, 'GET', `/api/agents/${id}`, { key: a.key }), 404, 'AGENT_NOT_FOUND');
    const [{ n }] = await built.ctx.db.query<{ n: number }>(
      a.id,
      'SELECT count(*)::int AS n FROM executions WHERE agent_id = $1',
      [id],
    );
    assert.equal(n, 0);
  });

  it("another tenant's agent is 404 on every route; roles and scopes apply", async () => {
    const id = (await create({ name: 'Private', role: 'custom', maturity_level: 'student' })).body.data.agent.id;
    for (const [method, url, body] of [
      ['GET', `/api/agents/${id}`],
      ['PUT', `/api/agents/${id}`, { name: 'x' }],
      ['DELETE', `/api/agents/${id}`],
      ['GET', `/api/agents/${id}/training`],
      ['POST', `/api/agents/${id}/train`, { tasks: ['search'] }],
      ['GET', `/api/agents/${id}/executions`],
    ] as const) {
      expectError(await call(built.app, method, url, { key: b.key, body }), 404, 'AGENT_NOT_FOUND');
    }
    const viewer = await makeKey(built.app, a, { role: 'viewer' });
    assert.equal((await call(built.app, 'GET', `/api/agents/${id}`, { key: viewer.key })).status, 200);
    expectError(
      await create({ name: 'v', role: 'custom', maturity_level: 'student' }, viewer.key),
      403,
      'INSUFFICIENT_PERMISSIONS',
    );
    const read = await makeKey(built.app, a, { scope: 'read' });
    expectError(await call(built.app, 'DELETE', `/api/agents/${id}`, { key: read.key }), 403, 'INSUFFICIENT_SCOPE');
  });
});

describe('agent quota', () => {
  it('AGENT_LIMIT_EXCEEDED with current, limit and plan at the boundary', async () => {
    const built = await startApp();
    const t = await makeTenant(built.app, 'free');
    for (let i = 0; i < 3; i++) {
      assert.equal(
        (
          await call(built.app, 'POST', '/api/agents', {
            key: t.key,
            body: { name: `a${i}`, role: 'custom', maturity_level: 'student' },
          })
        ).status,
        201,
      );
    }
    const res = await call(built.app, 'POST', '/api/agents', {
      key: t.key,
      body: { name: 'a3', role: 'custom', maturity_level: 'student' },
    });
    expectError(res, 429, 'AGENT_LIMIT_EXCEEDED');
    assert.deepEqual(res.body.error.details, { current: 3, limit: 3, plan: 'free', upgrade_to: 'solo' });
    await built.close();
  });

  it('an unlimited plan creates without the lock; a stale plan hint cannot skip the limit', async () => {
    const built = await startApp();
    const rich = await makeTenant(built.app, 'enterprise');
    for (let i = 0; i < 4; i++) {
      assert.equal(
        (
          await call(built.app, 'POST', '/api/agents', {
            key: rich.key,
            body: { name: `e${i}`, role: 'custom', maturity_level: 'student' },
          })
        ).status,
        201,
      );
    }
    const created = await call(built.app, 'GET', '/api/agents?limit=10', { key: rich.key });
    assert.equal(created.body.data.pagination.total, 4);
    // The credential said enterprise, but the tenant is free by the time the insert runs: the limit still holds.
    const t = await makeTenant(built.app, 'free');
    const agents = agentsService(built.ctx);
    const body = { role: 'custom', maturity_level: 'student' } as const;
    for (let i = 0; i < 3; i++) await agents.create(t.id, null, { ...body, name: `f${i}` }, { plan: 'enterprise' });
    await assert.rejects(
      agents.create(t.id, null, { ...body, name: 'f3' }, { plan: 'enterprise' }),
      (e: AppError) => e.code === 'AGENT_LIMIT_EXCEEDED',
    );
    await built.close();
  });
});
