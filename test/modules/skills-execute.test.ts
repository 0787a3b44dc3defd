import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startApp } from '../helpers/app.js';
import { call, expectError, makeKey, makeTenant, type TestTenant } from '../helpers/http.js';

let built: Awaited<ReturnType<typeof startApp>>;
let server: http.Server;
let endpoint: string;
let a: TestTenant;
let b: TestTenant;
before(async () => {
  // A real HTTP server on loopback stands in for the third-party endpoint of an `api` skill.
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ echoed: JSON.parse(body) }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/run`;
  built = await startApp({ allowInsecureWebhooks: true });
  a = await makeTenant(built.app, 'team');
  b = await makeTenant(built.app, 'team');
});
after(async () => {
  await built.close();
  server.close();
});

async function create(t: TestTenant, body: Record<string, unknown>) {
  const res = await call(built.app, 'POST', '/api/v1/skills/private', {
    key: t.key,
    body: { name: 'S', description: 'd', ...body },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.skill_id as string;
}

describe('skill execution', () => {
  it('runs a function skill in the sandbox', async () => {
    const id = await create(a, {
      skill_type: 'function',
      code: 'function execute(i) { return { doubled: i.n * 2 }; }',
    });
    const res = await call(built.app, 'POST', `/api/skills/${id}/execute`, { key: a.key, body: { input: { n: 21 } } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual([res.body.status, res.body.output], ['completed', { doubled: 42 }]);
    assert.match(res.body.execution_id, /^sxe_/);
  });

  it('reports a contained escape attempt as a failed run', async () => {
    const id = await create(a, { skill_type: 'function', code: 'function execute() { return process.env; }' });
    const res = await call(built.app, 'POST', `/api/skills/${id}/execute`, { key: a.key, body: {} });
    assert.deepEqual([res.body.status, res.body.output], ['failed', null]);
    assert.match(res.body.error, /process/);
  });

  it('calls an api skill endpoint through the guarded client', async () => {
    const id = await create(a, { skill_type: 'api', endpoint });
    const res = await call(built.app, 'POST', `/api/skills/${id}/execute`, { key: a.key, body: { input: { q: 1 } } });
    assert.deepEqual(res.body.output, { echoed: { q: 1 } });
  });

  it('refuses docker skills with a clear error', async () => {
    const id = await create(a, { skill_type: 'docker' });
    expectError(
      await call(built.app, 'POST', `/api/skills/${id}/execute`, { key: a.key, body: {} }),
      422,
      'SKILL_TYPE_NOT_EXECUTABLE',
    );
  });

  it('enforces dailySkillExecutions with resets_at', async () => {
    const f = await makeTenant(built.app, 'free');
    const id = await create(f, { skill_type: 'function', code: 'function execute() { return 1; }' });
    // 99 runs today already (by agents or directly: one counter for both); the 100th is allowed, the 101st is not.
    await built.ctx.db.query(
      '*',
      `INSERT INTO usage_counters (tenant_id, metric, day, count)
           VALUES ($1, 'skill_executions', (now() AT TIME ZONE 'UTC')::date, 99)`,
      [f.id],
    );
    assert.equal((await call(built.app, 'POST', `/api/skills/${id}/execute`, { key: f.key, body: {} })).status, 200);
    const res = await call(built.app, 'POST', `/api/skills/${id}/execute`, { key: f.key, body: {} });
    expectError(res, 429, 'SKILL_LIMIT_EXCEEDED');
    assert.deepEqual([res.body.error.details.used, res.body.error.details.limit], [100, 100]);
    assert.ok(Date.parse(res.body.error.details.resets_at) > Date.now());
    // An agent's tool call was counted by its execution's gate; the skill run itself does not count it again.
    const tool = (await built.ctx.tools.list(f.id, null)).find((t) => t.ref === id)!;
    assert.equal(
      (await built.ctx.tools.call({ tenantId: f.id, agentId: null, executionId: null, tool, args: {} })).ok,
      true,
    );
    const [row] = await built.ctx.db.query(
      '*',
      `SELECT count FROM usage_counters WHERE tenant_id = $1 AND metric = 'skill_executions'`,
      [f.id],
    );
    assert.equal(row.count, 100);
  });

  it('exposes installed skills as tools and runs them through the registry', async () => {
    const id = await create(b, {
      skill_type: 'function',
      code: 'function execute(i) { return i.x + 1; }',
      input_schema: { type: 'object', properties: { x: { type: 'number' } } },
      high_risk: true,
    });
    const tools = await built.ctx.tools.list(b.id, null);
    const tool = tools.find((t) => t.ref === id)!;
    assert.equal(tool.source, 'skills');
    assert.equal(tool.high_risk, true);
    assert.deepEqual(tool.input_schema, { type: 'object', properties: { x: { type: 'number' } } });
    assert.equal(
      (await built.ctx.tools.list(a.id, null)).some((t) => t.ref === id),
      false,
      'other tenants do not see it',
    );
    const r = await built.ctx.tools.call({ tenantId: b.id, agentId: null, executionId: null, tool, args: { x: 1 } });
    assert.deepEqual(r, { ok: true, output: 2 });
  });

  it('a high-risk skill runs directly only for an approver; others get APPROVAL_REQUIRED', async () => {
    const id = await create(a, {
      skill_type: 'function',
      code: 'function execute() { return "ran"; }',
      high_risk: true,
      risk_reason: 'Deletes records',
    });
    const member = await makeKey(built.app, a, { role: 'member' });
    const res = await call(built.app, 'POST', `/api/skills/${id}/execute`, { key: member.key, body: {} });
    expectError(res, 403, 'APPROVAL_REQUIRED');
    assert.deepEqual(
      [res.body.error.details.skill_id, res.body.error.details.risk_level, res.body.error.details.reason],
      [id, 'HIGH', 'Deletes records'],
    );
    assert.match(res.body.error.details.approval_url, /\/api\/governance\/approvals$/);
    const owner = await call(built.app, 'POST', `/api/skills/${id}/execute`, { key: a.key, body: {} });
    assert.deepEqual([owner.status, owner.body.output], [200, 'ran']);
  });

  it('a skill declares its governance action; undeclared skills count as execute', async () => {
    const plain = await create(a, { skill_type: 'function', code: 'function execute() { return 1; }' });
    const reader = await create(a, {
      skill_type: 'function',
      code: 'function execute() { return 1; }',
      action: 'read',
    });
    const tools = await built.ctx.tools.list(a.id, null);
    assert.equal(tools.find((t) => t.ref === plain)!.action, 'execute');
    assert.equal(tools.find((t) => t.ref === reader)!.action, 'read');
    expectError(
      await call(built.app, 'POST', '/api/v1/skills/private', {
        key: a.key,
        body: { name: 'x', skill_type: 'function', action: 'Bad Action' },
      }),
      400,
      'VALIDATION_ERROR',
    );
  });

  it('security: 401, read key 403, viewer 403, other tenant 404', async () => {
    const id = await create(a, { skill_type: 'function', code: 'function execute() { return 1; }' });
    expectError(await call(built.app, 'POST', `/api/skills/${id}/execute`, { body: {} }), 401, 'AUTH_REQUIRED');
    const ro = await makeKey(built.app, a, { scope: 'read' });
    expectError(
      await call(built.app, 'POST', `/api/skills/${id}/execute`, { key: ro.key, body: {} }),
      403,
      'INSUFFICIENT_SCOPE',
    );
    const viewer = await makeKey(built.app, a, { role: 'viewer' });
    expectError(
      await call(built.app, 'POST', `/api/skills/${id}/execute`, { key: viewer.key, body: {} }),
      403,
      'INSUFFICIENT_PERMISSIONS',
    );
    expectError(
      await call(built.app, 'POST', `/api/skills/${id}/execute`, { key: b.key, body: {} }),
      404,
      'SKILL_NOT_FOUND',
    );
  });
});
