import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startApp } from '../helpers/app.js';
import { call, expectError, makeKey, makeTenant, type TestTenant } from '../helpers/http.js';

let built: Awaited<ReturnType<typeof startApp>>;
let a: TestTenant;
let b: TestTenant;
const M = '/api/canvas-marketplace';
before(async () => {
  built = await startApp();
  a = await makeTenant(built.app, 'team');
  b = await makeTenant(built.app, 'team');
});
after(() => built.close());

const component = (over: Record<string, unknown> = {}) => ({
  name: 'Data Table',
  description: 'Interactive data table component',
  category: 'ui',
  component_type: 'component',
  version: '1.0.0',
  code: 'export function DataTable({ data }) { return data.length; }',
  config_schema: { type: 'object', properties: { data: { type: 'array' } } },
  dependencies: ['react', 'lodash'],
  css_dependencies: ['bootstrap'],
  tags: ['table', 'data', 'ui'],
  thumbnail_url: 'https://cdn.example.com/thumb.png',
  ...over,
});

async function create(t: TestTenant, over: Record<string, unknown> = {}, key = t.key) {
  const res = await call(built.app, 'POST', '/api/canvas-skills/create', { key, body: component(over) });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body as { component_id: string; skill_id: string | null };
}

async function listed(t: TestTenant, over: Record<string, unknown> = {}, approve = true, price = 0) {
  const { component_id } = await create(t, over);
  const res = await call(built.app, 'POST', `${M}/components/publish`, {
    key: t.key,
    body: { component_id, price, license: 'MIT', tags: (over.tags as string[]) ?? ['table', 'data', 'ui'] },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.deepEqual(res.body, {
    status: 'submitted_for_approval',
    component_id,
    marketplace_type: 'public',
    message: 'Component submitted for marketplace review. You will be notified once approved.',
  });
  if (approve)
    assert.deepEqual((await call(built.app, 'POST', `${M}/components/${component_id}/approve`, { admin: true })).body, {
      status: 'approved',
      component_id,
    });
  return component_id;
}

async function canvas(t: TestTenant, name = 'Sales board') {
  const res = await call(built.app, 'POST', '/api/canvases', { key: t.key, body: { name, layout: { columns: 2 } } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.canvas.id as string;
}

describe('canvas component marketplace', () => {
  it("publish → pending is invisible to other tenants; approval is the platform admin's, not a tenant role's", async () => {
    const id = await listed(a, { name: 'Hidden Widget' }, false);
    expectError(await call(built.app, 'GET', `${M}/components/${id}`, { key: b.key }), 404, 'COMPONENT_NOT_FOUND');
    expectError(await call(built.app, 'GET', `${M}/components/${id}`), 404, 'COMPONENT_NOT_FOUND');
    assert.equal((await call(built.app, 'GET', `${M}/components?query=hidden`, { key: b.key })).body.total, 0);
    assert.equal(
      (await call(built.app, 'GET', `${M}/components?query=hidden`, { key: a.key })).body.total,
      1,
      'the publisher sees its own submission',
    );
    const viewer = await makeKey(built.app, a, { role: 'viewer' });
    const member = await makeKey(built.app, a, { role: 'member' });
    for (const key of [viewer.key, member.key, a.key]) {
      expectError(await call(built.app, 'POST', `${M}/components/${id}/approve`, { key }), 403, 'FORBIDDEN');
      expectError(await call(built.app, 'POST', `${M}/components/${id}/reject`, { key }), 403, 'FORBIDDEN');
    }
    expectError(
      await call(built.app, 'POST', `${M}/components/cmp_nope/approve`, { admin: true }),
      404,
      'COMPONENT_NOT_FOUND',
    );
    const rej = await call(
      built.app,
      'POST',
      `${M}/components/${id}/reject?reason=Does%20not%20meet%20quality%20standards`,
      { admin: true },
    );
    assert.deepEqual(rej.body, { status: 'rejected', component_id: id, reason: 'Does not meet quality standards' });
    const again = await call(built.app, 'POST', `${M}/components/publish`, { key: a.key, body: { component_id: id } });
    assert.equal(again.body.status, 'submitted_for_approval', 'a rejected component can be submitted again');
    expectError(
      await call(built.app, 'POST', `${M}/components/publish`, { key: a.key, body: { component_id: id } }),
      409,
      'ALREADY_PUBLISHED',
    );
    expectError(
      await call(built.app, 'POST', `${M}/components/publish`, { key: b.key, body: { component_id: id } }),
      404,
      'COMPONENT_NOT_FOUND',
    );
  });

  it('private components are listed at once for their own tenant only', async () => {
    const { component_id } = await create(a, { name: 'Private Panel', config_schema: undefined });
    const res = await call(built.app, 'POST', `${M}/components/publish`, {
      key: a.key,
      body: { component_id, marketplace_type: 'private' },
    });
    assert.equal(res.body.status, 'published');
    expectError(
      await call(built.app, 'GET', `${M}/components/${component_id}`, { key: b.key }),
      404,
      'COMPONENT_NOT_FOUND',
    );
    assert.ok(
      !(await call(built.app, 'GET', `${M}/components?limit=100`, { key: b.key })).body.components.some(
        (c: any) => c.id === component_id,
      ),
    );
    expectError(
      await call(built.app, 'POST', `${M}/components/install`, {
        key: b.key,
        body: { component_id, canvas_id: await canvas(b) },
      }),
      404,
      'COMPONENT_NOT_FOUND',
    );
    const own = await call(built.app, 'POST', `${M}/components/install`, {
      key: a.key,
      body: { component_id, canvas_id: await canvas(a) },
    });
    assert.equal(own.status, 200);
  });

  it('browse with filters, details with code and config_schema, categories and tags', async () => {
    const table = await listed(a, { name: 'Grid Table', category: 'tables', tags: ['grid', 'table'] });
    const chart = await listed(
      a,
      { name: 'Bar Chart', category: 'charts', component_type: 'chart', tags: ['chart'] },
      true,
      9.5,
    );
    let res = await call(built.app, 'GET', `${M}/components?category=charts`);
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.components.map((c: any) => c.id),
      [chart],
    );
    assert.deepEqual(Object.keys(res.body).sort(), ['components', 'has_more', 'limit', 'offset', 'total']);
    const c = res.body.components[0];
    assert.deepEqual(
      Object.keys(c).sort(),
      [
        'category',
        'component_type',
        'created_at',
        'description',
        'id',
        'installs',
        'is_featured',
        'is_free',
        'license',
        'name',
        'price',
        'rating',
        'rating_count',
        'tags',
        'thumbnail_url',
        'updated_at',
        'version',
      ].sort(),
    );
    assert.equal(c.is_free, false);
    assert.equal(c.price, 9.5);
    assert.equal(c.component_type, 'chart');
    assert.deepEqual(
      (await call(built.app, 'GET', `${M}/components?component_type=chart`)).body.components.map((x: any) => x.id),
      [chart],
    );
    assert.ok(
      !(await call(built.app, 'GET', `${M}/components?is_free=true`)).body.components.some((x: any) => x.id === chart),
    );
    assert.deepEqual(
      (await call(built.app, 'GET', `${M}/components?min_price=5&max_price=10`)).body.components.map((x: any) => x.id),
      [chart],
    );
    assert.deepEqual(
      (await call(built.app, 'GET', `${M}/components?tags=grid`)).body.components.map((x: any) => x.id),
      [table],
    );
    assert.equal((await call(built.app, 'GET', `${M}/components?is_featured=true`)).body.total, 0);
    assert.deepEqual(
      (await call(built.app, 'GET', `${M}/components?query=grid%20table`)).body.components.map((x: any) => x.id),
      [table],
    );
    const asc = (await call(built.app, 'GET', `${M}/components?sort_by=price&sort_order=asc&limit=100`)).body
      .components;
    assert.ok(asc.findIndex((x: any) => x.id === table) < asc.findIndex((x: any) => x.id === chart));
    const desc = (await call(built.app, 'GET', `${M}/components?sort_by=price&sort_order=desc&limit=1&offset=0`)).body;
    assert.equal(desc.components[0].id, chart);
    assert.equal(desc.has_more, true);
    expectError(await call(built.app, 'GET', `${M}/components?sort_by=nonsense`), 400, 'VALIDATION_ERROR');

    res = await call(built.app, 'GET', `${M}/components/${table}`, { key: b.key });
    assert.equal(res.status, 200);
    assert.equal(res.body.code, component().code);
    assert.deepEqual(res.body.config_schema, component().config_schema);
    assert.deepEqual(res.body.dependencies, ['react', 'lodash']);
    assert.deepEqual(res.body.css_dependencies, ['bootstrap']);
    assert.deepEqual(res.body.recent_ratings, []);
    expectError(await call(built.app, 'GET', `${M}/components/cmp_nope`), 404, 'COMPONENT_NOT_FOUND');

    const cats = (await call(built.app, 'GET', `${M}/categories`)).body.categories;
    assert.deepEqual(
      cats.find((x: any) => x.name === 'charts'),
      { name: 'charts', count: 1 },
    );
    const tags = (await call(built.app, 'GET', `${M}/tags`)).body.tags;
    assert.deepEqual(
      tags.find((x: any) => x.name === 'grid'),
      { name: 'grid', count: 1 },
    );
  });

  it('install into a canvas: validation errors, cross-tenant canvas 404, idempotent per canvas', async () => {
    const schema = {
      type: 'object',
      required: ['page_size'],
      properties: { page_size: { type: 'integer', minimum: 1 } },
    };
    const base = await listed(a, { name: 'Base Layout', config_schema: undefined });
    const table = await listed(a, { name: 'Paged Table', config_schema: schema, requires_components: [base] });
    const cb = await canvas(b);
    const ca = await canvas(a, 'A board');
    const inst = (body: Record<string, unknown>, key = b.key) =>
      call(built.app, 'POST', `${M}/components/install`, { key, body });

    expectError(await inst({ component_id: 'cmp_nope', canvas_id: cb }), 404, 'COMPONENT_NOT_FOUND');
    expectError(await inst({ component_id: base, canvas_id: ca }), 404, 'CANVAS_NOT_FOUND');
    expectError(await inst({ component_id: base }), 400, 'VALIDATION_ERROR');
    const pending = await listed(a, { name: 'Pending One' }, false);
    expectError(await inst({ component_id: pending, canvas_id: cb }), 404, 'COMPONENT_NOT_FOUND');

    const dep = await inst({ component_id: table, canvas_id: cb, config: { page_size: 10 } });
    expectError(dep, 422, 'DEPENDENCY_MISSING');
    assert.deepEqual(dep.body.error.details.missing_dependencies, [base]);
    const ok = await inst({ component_id: base, canvas_id: cb });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.status, 'installed');
    assert.equal(ok.body.component_id, base);
    assert.equal(ok.body.canvas_id, cb);
    assert.equal(ok.body.message, 'Component installed successfully');

    const bad = await inst({ component_id: table, canvas_id: cb, config: { page_size: 0 } });
    expectError(bad, 400, 'CONFIG_SCHEMA_INVALID');
    assert.equal(bad.body.error.details.errors[0].path, '/page_size');
    expectError(await inst({ component_id: table, canvas_id: cb }), 400, 'CONFIG_SCHEMA_INVALID');
    assert.equal((await inst({ component_id: table, canvas_id: cb, config: { page_size: 25 } })).status, 200);
    const again = await inst({ component_id: table, canvas_id: cb, config: { page_size: 25 } });
    assert.equal(again.body.message, 'Component already installed in this canvas');

    // A second canvas needs its own dependencies; the config is validated there too.
    const cb2 = await canvas(b, 'Second board');
    expectError(
      await inst({ component_id: table, canvas_id: cb2, config: { page_size: 5 } }),
      422,
      'DEPENDENCY_MISSING',
    );

    const got = await call(built.app, 'GET', `/api/canvases/${cb}`, { key: b.key });
    assert.equal(got.status, 200);
    assert.deepEqual(
      got.body.canvas.components.map((c: any) => [c.component_id, c.name]),
      [
        [base, 'Base Layout'],
        [table, 'Paged Table'],
      ],
    );
    assert.deepEqual(got.body.canvas.components[1].config, { page_size: 25 });
    expectError(await call(built.app, 'GET', `/api/canvases/${cb}`, { key: a.key }), 404, 'CANVAS_NOT_FOUND');
    const list = await call(built.app, 'GET', '/api/canvases?limit=100', { key: b.key });
    const ids = list.body.canvases.map((c: any) => c.id);
    assert.ok(ids.includes(cb) && ids.includes(cb2));
    assert.ok(!ids.includes(ca), "another tenant's canvas is not listed");
    assert.equal(list.body.total, ids.length);
    assert.equal((await call(built.app, 'GET', `${M}/components/${table}`)).body.installs, 1);
  });

  it('ratings: one per tenant, updates, documented shapes', async () => {
    const id = await listed(a, { name: 'Rated Widget' });
    const c = await makeTenant(built.app, 'team');
    let res = await call(built.app, 'POST', `${M}/components/${id}/rate`, {
      key: b.key,
      body: { rating: 5, review: 'Excellent component!' },
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'rated');
    assert.equal(res.body.component_id, id);
    assert.equal(res.body.rating, 5);
    assert.equal(res.body.aggregate_rating, 5);
    expectError(
      await call(built.app, 'POST', `${M}/components/${id}/rate`, { key: a.key, body: { rating: 4 } }),
      403,
      'CANNOT_RATE_OWN_LISTING',
    );
    res = await call(built.app, 'POST', `${M}/components/${id}/rate`, { key: c.key, body: { rating: 4 } });
    assert.equal(res.body.aggregate_rating, 4.5);
    res = await call(built.app, 'POST', `${M}/components/${id}/rate`, {
      key: b.key,
      body: { rating: 2, review: 'Changed my mind' },
    });
    assert.equal(res.body.aggregate_rating, 3);
    assert.equal(res.body.rating_count, 2);
    expectError(
      await call(built.app, 'POST', `${M}/components/${id}/rate`, { key: b.key, body: { rating: 4.5 } }),
      400,
      'VALIDATION_ERROR',
    );
    expectError(
      await call(built.app, 'POST', `${M}/components/cmp_nope/rate`, { key: b.key, body: { rating: 4 } }),
      404,
      'COMPONENT_NOT_FOUND',
    );

    const list = await call(built.app, 'GET', `${M}/components/${id}/ratings?limit=1`);
    assert.equal(list.status, 200);
    assert.equal(list.body.total, 2);
    assert.equal(list.body.ratings.length, 1);
    assert.deepEqual(Object.keys(list.body.ratings[0]).sort(), [
      'author_response',
      'author_response_at',
      'created_at',
      'helpful_count',
      'id',
      'not_helpful_count',
      'rating',
      'review',
    ]);
    const reviews = (await call(built.app, 'GET', `${M}/components/${id}/ratings`)).body.ratings.map(
      (r: any) => r.review,
    );
    assert.ok(reviews.includes('Changed my mind') && !reviews.includes('Excellent component!'));
    const det = await call(built.app, 'GET', `${M}/components/${id}`);
    assert.equal(det.body.rating, 3);
    assert.equal(det.body.recent_ratings.length, 2);
    const pending = await listed(a, { name: 'Unrated' }, false);
    expectError(
      await call(built.app, 'GET', `${M}/components/${pending}/ratings`, { key: b.key }),
      404,
      'COMPONENT_NOT_FOUND',
    );
  });
});

describe('canvas skills', () => {
  it("create component + skill; a member needs an admin's marketplace permission; install brings the skill along", async () => {
    const member = await makeKey(built.app, a, { role: 'member' });
    const viewer = await makeKey(built.app, a, { role: 'viewer' });
    const skill = {
      skill_type: 'function',
      code: 'function execute(input) { return { rows: (input.rows || []).length }; }',
      input_schema: { type: 'object' },
    };
    const created = await create(a, { name: 'Row Counter', skill }, member.key);
    assert.match(created.skill_id!, /^mkt_/);

    const submit = (key: string) =>
      call(built.app, 'POST', '/api/canvas-skills/marketplace/submit', {
        key,
        body: { component_id: created.component_id, tags: ['rows'] },
      });
    expectError(await submit(member.key), 403, 'APPROVAL_REQUIRED');
    expectError(
      await call(built.app, 'POST', '/api/canvas-skills/marketplace/permission', {
        key: member.key,
        body: { component_id: created.component_id },
      }),
      403,
      'INSUFFICIENT_PERMISSIONS',
    );
    expectError(
      await call(built.app, 'POST', '/api/canvas-skills/marketplace/permission', {
        key: b.key,
        body: { component_id: created.component_id },
      }),
      404,
      'COMPONENT_NOT_FOUND',
    );
    const grant = await call(built.app, 'POST', '/api/canvas-skills/marketplace/permission', {
      key: a.key,
      body: { component_id: created.component_id },
    });
    assert.equal(grant.status, 200);
    assert.equal(grant.body.marketplace_permission, true);
    expectError(await submit(viewer.key), 403, 'INSUFFICIENT_PERMISSIONS');
    const sub = await submit(member.key);
    assert.equal(sub.status, 201);
    assert.deepEqual(sub.body, {
      success: true,
      component_id: created.component_id,
      status: 'pending_approval',
      marketplace_type: 'public',
    });
    await call(built.app, 'POST', `${M}/components/${created.component_id}/approve`, { admin: true });
    assert.equal((await call(built.app, 'GET', `${M}/components/${created.component_id}`)).body.has_skill, true);

    const cb = await canvas(b);
    const inst = await call(built.app, 'POST', '/api/canvas-skills/install', {
      key: b.key,
      body: { component_id: created.component_id, canvas_id: cb },
    });
    assert.equal(inst.status, 200, JSON.stringify(inst.body));
    assert.equal(inst.body.status, 'installed');
    assert.match(inst.body.skill_id, /^mkt_/);
    assert.notEqual(inst.body.skill_id, created.skill_id);
    const run = await call(built.app, 'POST', `/api/skills/${inst.body.skill_id}/execute`, {
      key: b.key,
      body: { input: { rows: [1, 2, 3] } },
    });
    assert.equal(run.status, 200, JSON.stringify(run.body));
    assert.deepEqual(run.body.output, { rows: 3 });
    // A second canvas reuses the tenant's copy of the skill.
    const cb2 = await canvas(b, 'Other');
    const inst2 = await call(built.app, 'POST', '/api/canvas-skills/install', {
      key: b.key,
      body: { component_id: created.component_id, canvas_id: cb2 },
    });
    assert.equal(inst2.body.skill_id, inst.body.skill_id);
    expectError(
      await call(built.app, 'POST', '/api/canvas-skills/create', {
        key: a.key,
        body: { name: 'x', skill: { skill_type: 'rocket' } },
      }),
      400,
      'INVALID_ENUM_VALUE',
    );
    expectError(
      await call(built.app, 'POST', '/api/canvas-skills/create', {
        key: a.key,
        body: { name: 'x', config_schema: { type: 'not-a-type' } },
      }),
      400,
      'CONFIG_SCHEMA_INVALID',
    );
  });
});

describe('canvases', () => {
  it("recording an execution writes an execution (source canvas) and the agent's episode", async () => {
    const ag = await call(built.app, 'POST', '/api/agents', {
      key: b.key,
      body: { name: 'Canvas runner', role: 'custom', maturity_level: 'student' },
    });
    assert.equal(ag.status, 201, JSON.stringify(ag.body));
    const agentId = ag.body.data.agent.id;
    const cb = await canvas(b, 'Runbook');
    const res = await call(built.app, 'POST', `/api/canvases/${cb}/executions`, {
      key: b.key,
      body: { agent_id: agentId, task: 'Summarise the pipeline board', result: { summary: 'ok' } },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.status, 'completed');
    assert.match(res.body.execution_id, /^exe_/);
    assert.match(res.body.episode_id, /^epi_/);

    const eps = await call(built.app, 'GET', `/api/graduation/agents/${agentId}/episodes?source=canvas`, {
      key: b.key,
    });
    assert.equal(eps.status, 200);
    const ep = eps.body.data.episodes.find((e: any) => e.id === res.body.episode_id);
    assert.ok(ep, 'episode listed for the agent');
    assert.deepEqual(ep.canvas_ids, [cb]);
    assert.equal(ep.execution_id, res.body.execution_id);
    assert.equal(ep.success, true);
    assert.equal(ep.task, 'Summarise the pipeline board');

    const failed = await call(built.app, 'POST', `/api/canvases/${cb}/executions`, {
      key: b.key,
      body: { agent_id: agentId, status: 'failed', error: 'chart data missing' },
    });
    assert.equal(failed.body.status, 'failed');
    const exe = await call(built.app, 'GET', `/api/agents/${agentId}/executions/${failed.body.execution_id}`, {
      key: b.key,
    });
    assert.equal(exe.status, 200);

    // A student agent's canvas run that governance would have denied is recorded with the violation.
    const risky = await call(built.app, 'POST', `/api/canvases/${cb}/executions`, {
      key: b.key,
      body: { agent_id: agentId, task: 'Delete the stale rows' },
    });
    const all = (await call(built.app, 'GET', `/api/graduation/agents/${agentId}/episodes`, { key: b.key })).body.data
      .episodes;
    const riskyEp = all.find((e: any) => e.id === risky.body.episode_id);
    assert.equal(riskyEp.violations[0].action, 'delete');
    assert.equal(riskyEp.violations[0].severity, 'high');
    assert.deepEqual(ep.violations, []);
    // A paused agent cannot act.
    assert.equal(
      (await call(built.app, 'PUT', `/api/agents/${agentId}`, { key: b.key, body: { status: 'paused' } })).status,
      200,
    );
    expectError(
      await call(built.app, 'POST', `/api/canvases/${cb}/executions`, { key: b.key, body: { agent_id: agentId } }),
      403,
      'GOVERNANCE_DENIED',
    );

    // Tenant A can neither run B's canvas nor use B's agent.
    expectError(
      await call(built.app, 'POST', `/api/canvases/${cb}/executions`, { key: a.key, body: { agent_id: agentId } }),
      404,
      'CANVAS_NOT_FOUND',
    );
    const ca = await canvas(a);
    expectError(
      await call(built.app, 'POST', `/api/canvases/${ca}/executions`, { key: a.key, body: { agent_id: agentId } }),
      404,
      'AGENT_NOT_FOUND',
    );
    expectError(
      await call(built.app, 'POST', `/api/canvases/${cb}/executions`, { key: b.key, body: {} }),
      400,
      'VALIDATION_ERROR',
    );
  });
});
