import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startApp } from '../helpers/app.js';
import { call, expectError, makeTenant, type Res, type TestTenant } from '../helpers/http.js';

let built: Awaited<ReturnType<typeof startApp>>;
let a: TestTenant;
let b: TestTenant;
before(async () => {
  built = await startApp();
  a = await makeTenant(built.app, 'team');
  b = await makeTenant(built.app, 'team');
});
after(() => built.close());

const advanced = (over: Record<string, unknown> = {}) => ({
  name: 'Custom Advanced Workflow',
  description: 'My custom workflow',
  category: 'Custom',
  author: 'Your Name',
  version: '1.0.0',
  integrations: ['slack', 'email'],
  complexity: 'Intermediate',
  tags: ['custom', 'automation'],
  input_schema: [
    { name: 'data_source', type: 'select', label: 'Data Source', required: true, options: ['gmail', 'outlook'] },
    { name: 'max_items', type: 'integer', label: 'Max items', min: 1, max: 100, default: 10 },
    { name: 'notify', type: 'email', label: 'Notify' },
  ],
  steps: [
    { step_id: 'validate', name: 'Validate Inputs', step_type: 'validation', estimated_duration: 30 },
    { step_id: 'fetch', name: 'Fetch Data', step_type: 'api_call', estimated_duration: 120 },
  ],
  estimated_duration: 300,
  prerequisites: ['api_access'],
  use_cases: ['Data processing'],
  benefits: ['Automation', 'Efficiency'],
  ...over,
});

const graph = {
  nodes: [
    { id: '1', type: 'trigger', label: 'Every Morning', config: { cron: '0 9 * * *' }, position: { x: 0, y: 0 } },
    { id: '2', type: 'agent', label: 'Summarise', config: { agent: 'summariser' } },
    { id: '3', type: 'output', label: 'Post to Slack' },
  ],
  edges: [
    { id: 'e1', source: '1', target: '2' },
    { source: '2', target: '3', label: 'digest' },
  ],
};

async function createTemplate(t: TestTenant, over: Record<string, unknown> = {}) {
  const res = await call(built.app, 'POST', '/api/marketplace/templates/advanced', {
    key: t.key,
    body: advanced(over),
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

function multipart(content: string | Buffer, filename = 'workflow.json', field = 'file') {
  const boundary = `----atomtest${Math.random().toString(16).slice(2)}`;
  const head =
    `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; ` +
    `filename="${filename}"\r\nContent-Type: application/json\r\n\r\n`;
  return {
    payload: Buffer.concat([Buffer.from(head), Buffer.from(content), Buffer.from(`\r\n--${boundary}--\r\n`)]),
    type: `multipart/form-data; boundary=${boundary}`,
  };
}

async function upload(t: TestTenant, content: string | Buffer, filename?: string): Promise<Res> {
  const m = multipart(content, filename);
  const res = await built.app.inject({
    method: 'POST',
    url: '/api/marketplace/import',
    headers: { 'x-api-key': t.key, 'content-type': m.type },
    payload: m.payload,
  });
  return { status: res.statusCode, body: JSON.parse(res.body), headers: res.headers };
}

const withoutStamp = (doc: any) => ({ ...doc, metadata: { ...doc.metadata, exported_at: undefined } });

describe('workflow templates', () => {
  it('types: the three documented template types', async () => {
    const res = await call(built.app, 'GET', '/api/marketplace/templates/types');
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.template_types.map((t: any) => t.value),
      ['legacy', 'advanced', 'industry'],
    );
    assert.deepEqual(Object.keys(res.body.template_types[0]).sort(), ['description', 'label', 'value']);
  });

  it('advanced: created with input_schema and steps, readable by id and by its key', async () => {
    const created = await createTemplate(a, { id: 'advanced_custom_workflow' });
    assert.match(created.id, /^mkt_/);
    assert.equal(created.template_key, 'advanced_custom_workflow');
    assert.equal(created.name, 'Custom Advanced Workflow');
    assert.equal(created.input_schema.length, 3);
    assert.equal(created.steps[0].step_id, 'validate');
    assert.equal(created.estimated_duration, 300);
    assert.equal(created.status, 'approved', 'private templates need no review');
    assert.ok(created.created_at);

    const details = await call(built.app, 'GET', `/api/marketplace/templates/${created.id}`, { key: a.key });
    assert.equal(details.status, 200);
    const d = details.body;
    for (const k of [
      'id',
      'name',
      'description',
      'category',
      'author',
      'version',
      'integrations',
      'complexity',
      'workflow_data',
      'downloads',
      'rating',
      'tags',
    ])
      assert.ok(k in d, k);
    assert.deepEqual(
      d.workflow_data.nodes.map((n: any) => [n.id, n.type]),
      [
        ['start', 'trigger'],
        ['validate', 'step'],
        ['fetch', 'step'],
      ],
    );
    assert.deepEqual(d.workflow_data.edges, [
      { source: 'start', target: 'validate' },
      { source: 'validate', target: 'fetch' },
    ]);
    const byKey = await call(built.app, 'GET', '/api/marketplace/templates/advanced_custom_workflow', { key: a.key });
    assert.equal(byKey.body.id, created.id);

    expectError(
      await call(built.app, 'POST', '/api/marketplace/templates/advanced', {
        key: a.key,
        body: advanced({ id: 'advanced_custom_workflow' }),
      }),
      409,
      'DUPLICATE_ENTRY',
    );
    const race = await Promise.all(
      [1, 2].map(() =>
        call(built.app, 'POST', '/api/marketplace/templates/advanced', {
          key: a.key,
          body: advanced({ id: 'raced_key' }),
        }),
      ),
    );
    assert.deepEqual(
      race.map((r) => r.status).sort(),
      [201, 409],
      'one key, one template, even when created concurrently',
    );
    assert.equal(
      (
        await call(built.app, 'POST', '/api/marketplace/templates/advanced', {
          key: b.key,
          body: advanced({ id: 'raced_key' }),
        })
      ).status,
      201,
      'keys are per tenant',
    );
    expectError(
      await call(built.app, 'POST', '/api/marketplace/templates/advanced', {
        key: a.key,
        body: advanced({ version: 'one' }),
      }),
      400,
      'INVALID_VERSION',
    );
    expectError(
      await call(built.app, 'POST', '/api/marketplace/templates/advanced', {
        key: a.key,
        body: advanced({ complexity: 'Hard' }),
      }),
      400,
      'VALIDATION_ERROR',
    );
    const dupInput = await call(built.app, 'POST', '/api/marketplace/templates/advanced', {
      key: a.key,
      body: advanced({
        input_schema: [
          { name: 'x', type: 'text' },
          { name: 'x', type: 'number' },
        ],
      }),
    });
    expectError(dupInput, 400, 'VALIDATION_ERROR');
  });

  it('private templates are visible only to their owner', async () => {
    const t = await createTemplate(a, { name: 'Secret Payroll Flow', category: 'Finance' });
    const mine = await call(built.app, 'GET', '/api/marketplace/templates?category=Finance', { key: a.key });
    assert.ok(mine.body.some((x: any) => x.id === t.id));
    const theirs = await call(built.app, 'GET', '/api/marketplace/templates?category=Finance', { key: b.key });
    assert.equal(
      theirs.body.some((x: any) => x.id === t.id),
      false,
    );
    const anon = await call(built.app, 'GET', '/api/marketplace/templates?category=Finance');
    assert.equal(
      anon.body.some((x: any) => x.id === t.id),
      false,
    );
    expectError(
      await call(built.app, 'GET', `/api/marketplace/templates/${t.id}`, { key: b.key }),
      404,
      'TEMPLATE_NOT_FOUND',
    );
    expectError(
      await call(built.app, 'POST', `/api/marketplace/templates/${t.id}/import`, { key: b.key }),
      404,
      'TEMPLATE_NOT_FOUND',
    );
    expectError(
      await call(built.app, 'POST', `/api/marketplace/templates/${t.id}/create-workflow`, {
        key: b.key,
        body: { workflow_name: 'x', parameters: { data_source: 'gmail' } },
      }),
      404,
      'TEMPLATE_NOT_FOUND',
    );
    expectError(
      await call(built.app, 'POST', '/api/marketplace/export', { key: b.key, body: { template_id: t.id } }),
      404,
      'TEMPLATE_NOT_FOUND',
    );
    const stats = await call(built.app, 'GET', '/api/marketplace/templates/statistics', { key: b.key });
    assert.equal(stats.body.categories.Finance, undefined, 'statistics count only what the viewer can see');
  });

  it('public templates wait for the platform admin; then everyone sees, imports and downloads them', async () => {
    const t = await createTemplate(a, {
      name: 'Daily Email Summarizer',
      description: 'Summarize unread emails from Gmail',
      category: 'Productivity',
      template_type: 'legacy',
      industry: 'Media',
      complexity: 'Beginner',
      tags: ['email', 'automation'],
      marketplace_type: 'public',
      input_schema: [],
      steps: [],
      workflow_data: graph,
    });
    assert.equal(t.status, 'pending_approval');
    let list = await call(built.app, 'GET', '/api/marketplace/templates?template_type=legacy');
    assert.equal(
      list.body.some((x: any) => x.id === t.id),
      false,
      'pending: hidden from others',
    );
    expectError(
      await call(built.app, 'POST', `/api/marketplace/templates/${t.id}/approve`, { key: a.key }),
      403,
      'FORBIDDEN',
    );

    const approved = await call(built.app, 'POST', `/api/marketplace/templates/${t.id}/approve`, { admin: true });
    assert.equal(approved.status, 200);
    assert.equal(approved.body.status, 'approved');
    assert.ok(approved.body.approved_at);
    expectError(
      await call(built.app, 'POST', `/api/marketplace/templates/${t.id}/reject`, { admin: true }),
      409,
      'CONFLICTING_OPERATION',
    );

    list = await call(
      built.app,
      'GET',
      '/api/marketplace/templates?template_type=legacy&industry=Media&tags=email&category=Productivity',
    );
    assert.equal(list.status, 200);
    assert.ok(Array.isArray(list.body));
    const item = list.body.find((x: any) => x.id === t.id);
    for (const k of [
      'id',
      'name',
      'description',
      'category',
      'author',
      'version',
      'integrations',
      'complexity',
      'tags',
      'estimated_duration',
      'multi_step_support',
      'pause_resume_support',
      'downloads',
      'rating',
      'template_type',
      'created_at',
    ])
      assert.ok(k in item, k);
    assert.equal(item.template_type, 'legacy');
    assert.equal(list.headers['x-total-count'], String(list.body.length));
    assert.equal(
      (await call(built.app, 'GET', '/api/marketplace/templates?industry=Retail')).body.some((x: any) => x.id === t.id),
      false,
    );
    assert.equal((await call(built.app, 'GET', '/api/marketplace/templates?tags=nothing,else')).body.length, 0);
    assert.equal(
      (await call(built.app, 'GET', '/api/marketplace/templates?complexity=Beginner')).body.some(
        (x: any) => x.id === t.id,
      ),
      true,
    );

    const imported = await call(built.app, 'POST', `/api/marketplace/templates/${t.id}/import`, { key: b.key });
    assert.equal(imported.status, 201);
    assert.equal(imported.body.name, 'Imported: Daily Email Summarizer');
    assert.match(imported.body.id, /^wfl_/);
    assert.deepEqual(imported.body.nodes, graph.nodes, 'node extras (position) are kept');
    assert.deepEqual(imported.body.edges, graph.edges);
    assert.ok(imported.body.imported_at);

    const mine = await call(built.app, 'GET', '/api/workflows?source=template', { key: b.key });
    assert.ok(mine.body.workflows.some((w: any) => w.id === imported.body.id && w.template_id === t.id));
    const details = await call(built.app, 'GET', `/api/marketplace/templates/${t.id}`);
    assert.equal(details.body.downloads, 1);

    const featured = await call(built.app, 'GET', '/api/marketplace/templates/featured?limit=5');
    assert.equal(featured.status, 200);
    assert.ok(featured.body.length <= 5);
    const f = featured.body.find((x: any) => x.id === t.id);
    assert.deepEqual([f.is_featured, f.downloads, typeof f.rating], [true, 1, 'number']);
    expectError(await call(built.app, 'GET', '/api/marketplace/templates/featured?limit=51'), 400, 'INVALID_LIMIT');

    const stats = await call(built.app, 'GET', '/api/marketplace/templates/statistics');
    assert.equal(stats.status, 200);
    assert.ok(stats.body.total_templates >= 1);
    assert.ok(stats.body.total_downloads >= 1);
    assert.equal(typeof stats.body.average_rating, 'number');
    assert.deepEqual(stats.body.categories.Productivity, { count: 1, downloads: 1 });
    assert.ok(stats.body.template_types.legacy.count >= 1);
    assert.ok(stats.body.complexity_levels.Beginner.count >= 1);
  });

  it('rejected public templates stay hidden; free plans cannot publish publicly', async () => {
    const t = await createTemplate(a, { name: 'Rejected Flow', marketplace_type: 'public' });
    const r = await call(built.app, 'POST', `/api/marketplace/templates/${t.id}/reject?reason=Too%20vague`, {
      admin: true,
    });
    assert.deepEqual([r.status, r.body.status, r.body.reason], [200, 'rejected', 'Too vague']);
    expectError(
      await call(built.app, 'GET', `/api/marketplace/templates/${t.id}`, { key: b.key }),
      404,
      'TEMPLATE_NOT_FOUND',
    );
    const free = await makeTenant(built.app, 'free');
    expectError(
      await call(built.app, 'POST', '/api/marketplace/templates/advanced', {
        key: free.key,
        body: advanced({ marketplace_type: 'public' }),
      }),
      403,
      'PLAN_RESTRICTED',
    );
  });

  it('list paginates with limit/offset and refuses a limit over 100', async () => {
    for (let i = 0; i < 3; i += 1) await createTemplate(b, { name: `Paged ${i}`, category: 'Paging' });
    const p1 = await call(
      built.app,
      'GET',
      '/api/marketplace/templates?category=Paging&limit=2&offset=0&sort_by=created_at',
      { key: b.key },
    );
    const p2 = await call(
      built.app,
      'GET',
      '/api/marketplace/templates?category=Paging&limit=2&offset=2&sort_by=created_at',
      { key: b.key },
    );
    assert.equal(p1.body.length, 2);
    assert.equal(p2.body.length, 1);
    assert.equal(p1.headers['x-total-count'], '3');
    assert.equal(new Set([...p1.body, ...p2.body].map((x: any) => x.id)).size, 3);
    expectError(await call(built.app, 'GET', '/api/marketplace/templates?limit=101'), 400, 'INVALID_LIMIT');
    expectError(
      await call(built.app, 'GET', '/api/marketplace/templates?template_type=modern'),
      400,
      'VALIDATION_ERROR',
    );
  });
});

describe('create-workflow from a template', () => {
  let id: string;
  before(async () => {
    id = (await createTemplate(a, { name: 'Parametrised' })).id;
  });
  const create = (body: unknown, query = '') =>
    call(built.app, 'POST', `/api/marketplace/templates/${id}/create-workflow${query}`, { key: a.key, body });

  it('creates a workflow with validated inputs (defaults filled)', async () => {
    const res = await create({
      workflow_name: 'My Workflow',
      parameters: { data_source: 'gmail', notify: 'ops@example.com' },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.status, 'success');
    const d = res.body.workflow_definition;
    assert.match(d.workflow_id, /^wfl_/);
    assert.deepEqual([d.name, d.category], ['My Workflow', 'Custom']);
    assert.equal(d.input_schema.length, 3);
    assert.equal(d.steps.length, 2);
    assert.deepEqual(d.user_inputs, { data_source: 'gmail', notify: 'ops@example.com', max_items: 10 });
    assert.equal(res.body.message, `Workflow 'My Workflow' created successfully from template ${id}`);
    const stored = await call(built.app, 'GET', `/api/workflows/${d.workflow_id}`, { key: a.key });
    assert.deepEqual(stored.body.workflow.user_inputs, d.user_inputs);
  });

  it('accepts the seed form: workflow_name and parameters (JSON) in the query string', async () => {
    const q =
      `?workflow_name=${encodeURIComponent('From Query')}` +
      `&parameters=${encodeURIComponent(JSON.stringify({ data_source: 'outlook' }))}`;
    const res = await create(undefined, q);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.workflow_definition.user_inputs.data_source, 'outlook');
    expectError(await create(undefined, '?workflow_name=x&parameters=%7Bnot'), 400, 'VALIDATION_ERROR');
  });

  it('refuses parameters that do not match the input_schema, with details', async () => {
    let res = await create({ workflow_name: 'W', parameters: {} });
    expectError(res, 400, 'INPUT_VALIDATION_FAILED');
    assert.deepEqual(res.body.error.details.missing_fields, ['data_source']);
    res = await create({
      workflow_name: 'W',
      parameters: { data_source: 'dropbox', max_items: 500, notify: 'not-an-email', extra: 1 },
    });
    expectError(res, 400, 'INPUT_VALIDATION_FAILED');
    const fields = res.body.error.details.errors.map((e: any) => e.field).sort();
    assert.deepEqual(fields, ['data_source', 'extra', 'max_items', 'notify']);
    assert.deepEqual(res.body.error.details.errors.find((e: any) => e.field === 'data_source').allowed_values, [
      'gmail',
      'outlook',
    ]);
    res = await create({ workflow_name: 'W', parameters: { data_source: 'gmail', max_items: 'ten' } });
    expectError(res, 400, 'INPUT_VALIDATION_FAILED');
    expectError(await create({ parameters: { data_source: 'gmail' } }), 400, 'MISSING_REQUIRED_FIELD');
    const before = (await call(built.app, 'GET', `/api/workflows?template_id=${id}`, { key: a.key })).body.total;
    await create({ workflow_name: 'W', parameters: {} });
    assert.equal(
      (await call(built.app, 'GET', `/api/workflows?template_id=${id}`, { key: a.key })).body.total,
      before,
      'nothing stored on failure',
    );
  });
});

describe('workflows as tenant objects', () => {
  it('create, list, get, update, delete; another tenant gets 404', async () => {
    const c = await call(built.app, 'POST', '/api/workflows', { key: a.key, body: { name: 'Digest', ...graph } });
    assert.equal(c.status, 201, JSON.stringify(c.body));
    const id = c.body.workflow.id;
    assert.equal(c.body.workflow.source, 'api');
    const list = await call(built.app, 'GET', '/api/workflows?limit=100', { key: a.key });
    assert.ok(list.body.workflows.some((w: any) => w.id === id));
    assert.equal(typeof list.body.total, 'number');
    for (const [m, body] of [
      ['GET', undefined],
      ['PUT', { name: 'x' }],
      ['DELETE', undefined],
    ] as const) {
      expectError(await call(built.app, m, `/api/workflows/${id}`, { key: b.key, body }), 404, 'WORKFLOW_NOT_FOUND');
    }
    expectError(
      await call(built.app, 'POST', '/api/marketplace/export', { key: b.key, body: { workflow_id: id } }),
      404,
      'WORKFLOW_NOT_FOUND',
    );
    assert.equal(
      (await call(built.app, 'GET', '/api/workflows?limit=100', { key: b.key })).body.workflows.some(
        (w: any) => w.id === id,
      ),
      false,
    );

    const u = await call(built.app, 'PUT', `/api/workflows/${id}`, {
      key: a.key,
      body: { name: 'Digest v2', nodes: graph.nodes.slice(0, 2), edges: graph.edges.slice(0, 1) },
    });
    assert.equal(u.status, 200);
    assert.deepEqual([u.body.workflow.name, u.body.workflow.nodes.length], ['Digest v2', 2]);
    const bad = await call(built.app, 'PUT', `/api/workflows/${id}`, {
      key: a.key,
      body: { edges: [{ source: '1', target: '9' }] },
    });
    expectError(bad, 400, 'VALIDATION_ERROR');
    assert.equal(
      (await call(built.app, 'GET', `/api/workflows/${id}`, { key: a.key })).body.workflow.edges.length,
      1,
      'invalid update changes nothing',
    );

    const d = await call(built.app, 'DELETE', `/api/workflows/${id}`, { key: a.key });
    assert.equal(d.status, 200);
    expectError(await call(built.app, 'GET', `/api/workflows/${id}`, { key: a.key }), 404, 'WORKFLOW_NOT_FOUND');
  });

  it('invalid graphs are refused with details: dangling edge, unknown type, duplicate id, cycle', async () => {
    const post = (nodes: unknown[], edges: unknown[]) =>
      call(built.app, 'POST', '/api/workflows', { key: a.key, body: { name: 'Bad', nodes, edges } });
    let res = await post(graph.nodes, [...graph.edges, { source: '3', target: 'ghost' }]);
    expectError(res, 400, 'VALIDATION_ERROR');
    assert.deepEqual(res.body.error.details.errors[0], {
      code: 'DANGLING_EDGE',
      path: 'edges[2].target',
      message: "Edge target 'ghost' is not a node of this workflow",
    });
    res = await post([...graph.nodes, { id: '4', type: 'teleport' }], graph.edges);
    expectError(res, 400, 'VALIDATION_ERROR');
    assert.equal(res.body.error.details.errors[0].code, 'UNKNOWN_NODE_TYPE');
    assert.equal(res.body.error.details.errors[0].path, 'nodes[3].type');
    assert.ok(res.body.error.details.allowed_node_types.includes('trigger'));
    res = await post([...graph.nodes, { id: '2', type: 'skill' }], graph.edges);
    assert.equal(res.body.error.details.errors[0].code, 'DUPLICATE_NODE_ID');
    res = await post(graph.nodes, [...graph.edges, { source: '3', target: '1' }]);
    expectError(res, 400, 'VALIDATION_ERROR');
    assert.equal(res.body.error.details.errors[0].code, 'CYCLE');
    assert.match(res.body.error.details.errors[0].message, /1 → 2 → 3 → 1/);
    res = await post([{ id: 'x' }], []);
    expectError(res, 400, 'VALIDATION_ERROR');
    const tmpl = await call(built.app, 'POST', '/api/marketplace/templates/advanced', {
      key: a.key,
      body: advanced({
        workflow_data: {
          nodes: graph.nodes,
          edges: [
            { source: '1', target: '2' },
            { source: '2', target: 'nope' },
          ],
        },
      }),
    });
    expectError(tmpl, 400, 'VALIDATION_ERROR');
    assert.equal(tmpl.body.error.details.field, 'workflow_data');
    const types = await call(built.app, 'GET', '/api/workflows/node-types');
    assert.deepEqual(types.body.node_types, [
      'trigger',
      'agent',
      'skill',
      'condition',
      'transform',
      'http',
      'output',
      'step',
    ]);
    assert.deepEqual(
      [types.body.step_types.llm, types.body.step_types.api_call, types.body.step_types.validation],
      ['agent', 'http', 'transform'],
    );
  });
});

describe('import and export', () => {
  it('export → import (multipart file) → export gives the same document', async () => {
    const first = await call(built.app, 'POST', '/api/marketplace/export', {
      key: a.key,
      body: { name: 'My Workflow', description: 'My custom workflow', ...graph },
    });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual(Object.keys(first.body).sort(), ['description', 'edges', 'metadata', 'name', 'nodes']);
    assert.equal(first.body.metadata.version, '1.0.0');
    assert.ok(first.body.metadata.exported_at);

    const imported = await upload(a, JSON.stringify(first.body));
    assert.equal(imported.status, 201, JSON.stringify(imported.body));
    assert.equal(imported.body.name, 'Imported: My Workflow');
    assert.deepEqual([imported.body.nodes, imported.body.edges], [graph.nodes, graph.edges]);
    assert.ok(imported.body.imported_at);

    const second = await call(built.app, 'POST', '/api/marketplace/export', {
      key: a.key,
      body: { workflow_id: imported.body.id },
    });
    assert.equal(second.status, 200);
    assert.deepEqual(withoutStamp(second.body), withoutStamp(first.body));

    const listed = await call(built.app, 'GET', '/api/workflows?source=file', { key: a.key });
    assert.ok(listed.body.workflows.some((w: any) => w.id === imported.body.id && w.name === 'Imported: My Workflow'));
  });

  it('a template exports to a document that imports back to the same graph', async () => {
    const t = await createTemplate(a, { name: 'Exportable', version: '2.1.0' });
    const doc = await call(built.app, 'POST', '/api/marketplace/export', { key: a.key, body: { template_id: t.id } });
    assert.equal(doc.body.metadata.version, '2.1.0');
    const imported = await call(built.app, 'POST', '/api/marketplace/import', { key: a.key, body: doc.body });
    assert.equal(imported.status, 201, 'a JSON body is accepted as well as a file');
    const again = await call(built.app, 'POST', '/api/marketplace/export', {
      key: a.key,
      body: { workflow_id: imported.body.id },
    });
    assert.deepEqual(withoutStamp(again.body), withoutStamp(doc.body));
  });

  it('refuses oversize, invalid and non-workflow files', async () => {
    const big = Buffer.alloc(1024 * 1024 + 100, ' ');
    let res = await upload(a, Buffer.concat([Buffer.from('{"name":"big","nodes":[],"edges":[]}'), big]));
    expectError(res, 413, 'PAYLOAD_TOO_LARGE');
    assert.equal(res.body.error.details.max_bytes, 1024 * 1024);
    res = await upload(a, '{"name": "broken", nodes: [', 'broken.json');
    expectError(res, 400, 'INVALID_JSON');
    assert.match(res.body.error.message, /broken\.json/);
    expectError(await upload(a, '[1,2,3]'), 400, 'VALIDATION_ERROR');
    expectError(await upload(a, ''), 400, 'VALIDATION_ERROR');
    res = await upload(a, JSON.stringify({ name: 'No nodes' }));
    expectError(res, 400, 'VALIDATION_ERROR');
    assert.equal(res.body.error.details.field, 'nodes');
    res = await upload(
      a,
      JSON.stringify({
        name: 'Dangling',
        nodes: [{ id: 'a', type: 'trigger' }],
        edges: [{ source: 'a', target: 'b' }],
      }),
    );
    expectError(res, 400, 'VALIDATION_ERROR');
    assert.equal(res.body.error.details.errors[0].code, 'DANGLING_EDGE');
    const plain = await built.app.inject({
      method: 'POST',
      url: '/api/marketplace/import',
      headers: { 'x-api-key': a.key, 'content-type': 'text/plain' },
      payload: 'hello',
    });
    assert.equal(plain.statusCode, 415);
    const imported = await call(built.app, 'GET', '/api/workflows?source=file&limit=100', { key: a.key });
    assert.equal(
      imported.body.workflows.some((w: any) => /Dangling|No nodes|big/.test(w.name)),
      false,
    );
  });

  it('export needs a name and nodes when no stored workflow or template is named', async () => {
    expectError(
      await call(built.app, 'POST', '/api/marketplace/export', { key: a.key, body: { nodes: [] } }),
      400,
      'MISSING_REQUIRED_FIELD',
    );
    expectError(
      await call(built.app, 'POST', '/api/marketplace/export', {
        key: a.key,
        body: { name: 'x', nodes: [{ id: '1', type: 'trigger' }], edges: [{ source: '1', target: '2' }] },
      }),
      400,
      'VALIDATION_ERROR',
    );
  });
});
