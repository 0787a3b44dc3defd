import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../../scripts/repo-root.js';
import { startApp } from '../helpers/app.js';
import { call, makeTenant, type TestTenant } from '../helpers/http.js';
import { startReceiver, waitUntil } from '../helpers/receiver.js';

/** The seeds' contract where it differed (issue 19), one check per difference. */
let built: Awaited<ReturnType<typeof startApp>>;
let a: TestTenant;
let b: TestTenant;
before(async () => {
  built = await startApp({ allowInsecureWebhooks: true });
  a = await makeTenant(built.app, 'team');
  b = await makeTenant(built.app, 'team');
});
after(() => built.close());

async function privateSkill(t: TestTenant, extra: Record<string, unknown> = {}) {
  const res = await call(built.app, 'POST', '/api/v1/skills/private', {
    key: t.key,
    body: {
      name: 'Doubler',
      description: 'd',
      skill_type: 'function',
      code: 'function execute(i) { return { doubled: i.n * 2 }; }',
      action: 'read',
      ...extra,
    },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.skill_id as string;
}

/** A's skill published and approved; B installs it. Returns the listing id and B's `ins_` id. */
async function installedByB(extra: Record<string, unknown> = {}) {
  const pub = await call(built.app, 'POST', '/api/skills/publish', {
    key: a.key,
    body: { skill_id: await privateSkill(a, extra) },
  });
  await call(built.app, 'POST', `/api/skills/approve/${pub.body.marketplace_id}`, { admin: true });
  const ins = await call(built.app, 'POST', '/api/skills/install', {
    key: b.key,
    body: { skill_id: pub.body.marketplace_id },
  });
  assert.equal(ins.status, 200, JSON.stringify(ins.body));
  return { listingId: pub.body.marketplace_id as string, installId: ins.body.skill_id as string };
}

describe('seed contract', () => {
  it("GET /api/health carries the seed's status and services beside today's details", async () => {
    const res = await call(built.app, 'GET', '/api/health');
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'healthy');
    assert.deepEqual(res.body.services, {
      database: 'healthy',
      redis: process.env.REDIS_URL ? 'healthy' : 'not_configured',
      marketplace: 'healthy',
    });
    assert.equal(res.body.data.status, 'ok');
    assert.equal(res.body.data.database.status, 'ok');
    assert.deepEqual(res.body.data.services, res.body.services);
  });

  it('/api/v1/agents serves what /api/agents serves; real /api/v1 routes and unknown paths are untouched', async () => {
    const created = await call(built.app, 'POST', '/api/v1/agents', {
      key: a.key,
      body: { name: 'V1', role: 'custom', maturity_level: 'student' },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.data.agent.id;
    const v1 = await call(built.app, 'GET', `/api/v1/agents/${id}`, { key: a.key });
    const plain = await call(built.app, 'GET', `/api/agents/${id}`, { key: a.key });
    assert.deepEqual(v1.body.data, plain.body.data);
    assert.equal(
      (await call(built.app, 'GET', '/api/v1/agents?limit=1', { key: a.key })).body.data.pagination.limit,
      1,
    );
    assert.equal((await call(built.app, 'GET', '/api/v1/skills/private', { key: a.key })).status, 200);
    assert.equal((await call(built.app, 'GET', '/api/v1/agents', {})).status, 401, "the alias keeps the route's auth");
    assert.equal((await call(built.app, 'GET', '/api/v1/nothing-here', { key: a.key })).body.error.code, 'NOT_FOUND');
  });

  it('PUT /api/agents/{id} answers the whole agent with its merged configuration', async () => {
    const created = await call(built.app, 'POST', '/api/agents', {
      key: a.key,
      body: {
        name: 'Cfg',
        role: 'custom',
        maturity_level: 'student',
        configuration: { temperature: 0.7, max_tokens: 2000 },
      },
    });
    const res = await call(built.app, 'PUT', `/api/agents/${created.body.data.agent.id}`, {
      key: a.key,
      body: { name: 'Senior', configuration: { temperature: 0.8 } },
    });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.data.agent.configuration, { temperature: 0.8, max_tokens: 2000 });
    assert.equal(res.body.data.agent.name, 'Senior');
    assert.equal(res.body.data.agent.role, 'custom');
  });

  it('GET /api/skills/{id} includes config_schema', async () => {
    const schema = { type: 'object', properties: { api_key: { type: 'string' } }, required: ['api_key'] };
    const id = await privateSkill(a, { config_schema: schema });
    const res = await call(built.app, 'GET', `/api/skills/${id}`, { key: a.key });
    assert.deepEqual(res.body.config_schema, schema);
    assert.deepEqual(res.body.skill.config_schema, schema);
  });

  it('the ins_ id an install answers works wherever the listing id does', async () => {
    const { installId } = await installedByB();
    assert.match(installId, /^ins_/);
    const run = await call(built.app, 'POST', `/api/skills/${installId}/execute`, {
      key: b.key,
      body: { input: { n: 4 } },
    });
    assert.equal(run.status, 200, JSON.stringify(run.body));
    assert.deepEqual(run.body.output, { doubled: 8 });
    const put = await call(built.app, 'PUT', `/api/v1/skills/private/${installId}`, {
      key: b.key,
      body: { name: 'Mine now' },
    });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal(put.body.name, 'Mine now');
    assert.equal(
      (await call(built.app, 'POST', `/api/skills/${installId}/execute`, { key: a.key, body: { input: { n: 1 } } }))
        .status,
      404,
      "another tenant's install id is not found",
    );
    const del = await call(built.app, 'DELETE', `/api/v1/skills/private/${installId}`, { key: b.key });
    assert.equal(del.status, 200, JSON.stringify(del.body));
    assert.equal((await call(built.app, 'DELETE', `/api/v1/skills/private/${installId}`, { key: b.key })).status, 404);
  });

  it("an unsubmitted private skill is not is_approved in its tenant's browse; a reviewed public one is", async () => {
    const own = await privateSkill(a, { name: 'Unsubmitted' });
    const { listingId } = await installedByB({ name: 'Reviewed' });
    const mine = (await call(built.app, 'GET', '/api/skills/marketplace?limit=100', { key: a.key })).body.skills;
    assert.equal(mine.find((s: { id: string }) => s.id === own).is_approved, false);
    assert.equal(mine.find((s: { id: string }) => s.id === listingId).is_approved, true);
  });

  it('component.* deliveries carry component_id, component_type and version, sent with a Content-Length', async () => {
    const receiver = await startReceiver();
    try {
      const hook = await call(built.app, 'POST', '/api/webhooks', {
        key: b.key,
        body: { url: receiver.url, events: ['component.installed'], secret: 'your-webhook-secret' },
      });
      assert.equal(hook.status, 201, JSON.stringify(hook.body));
      const { listingId } = await installedByB();
      // Installs of the tests before may still be fanning out: wait for this one's delivery.
      const ours = () => receiver.received.find((r) => JSON.parse(r.body).component_id === listingId);
      await waitUntil(() => ours() !== undefined);
      const d = ours()!;
      assert.equal(d.headers['transfer-encoding'], undefined);
      assert.equal(Number(d.headers['content-length']), Buffer.byteLength(d.body));
      const event = JSON.parse(d.body);
      assert.deepEqual(
        [event.type, event.component_id, event.component_type, event.tenant_id],
        ['component.installed', listingId, 'skill', b.id],
      );
      assert.match(event.version, /^ver_/);
      assert.deepEqual([event.data.component_id, event.data.listing_id], [listingId, listingId]);
    } finally {
      await receiver.close();
    }
  });
});

describe('OpenAPI document', () => {
  let doc: any;
  before(async () => {
    doc = (await call(built.app, 'GET', '/api/openapi.json')).body;
  });
  const operations = () =>
    Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ path, method, op })),
    );

  it('every operation has a unique camelCase operationId, a summary, tags and its 4xx responses with the envelope', () => {
    const ops = operations();
    assert.ok(ops.length > 150);
    assert.equal(new Set(ops.map((o) => o.op.operationId)).size, ops.length);
    for (const { path, method, op } of ops) {
      assert.match(op.operationId, /^[a-z][A-Za-z0-9]*$/, `${method} ${path}`);
      assert.ok(op.summary && op.tags?.length, `${method} ${path}`);
      const errors = Object.keys(op.responses).filter((c) => c.startsWith('4'));
      assert.ok(errors.includes('429'), `${method} ${path}`);
      if (path.includes('{')) assert.ok(errors.includes('404'), `${method} ${path}`);
    }
    const get = doc.paths['/api/agents/{id}'].get;
    assert.equal(get.operationId, 'getAgentsById');
    assert.deepEqual(get.responses['404'].content['application/json'].schema, {
      $ref: '#/components/schemas/ErrorBody',
    });
    assert.ok(get.responses['401'] && !doc.paths['/api/health'].get.responses['401'], 'public routes declare no 401');
  });

  it('a route registered later gets the same completion without declaring anything', async () => {
    // What docs.ts does with every route: the catalogue sees it on registration and completes the document.
    const { OperationCatalogue } = await import('../../src/platform/http/openapi-ops.js');
    const c = new OperationCatalogue();
    c.add({ method: 'POST', url: '/api/widgets/:id/spin', config: {} });
    const out = c.complete({ paths: { '/api/widgets/{id}/spin': { post: { responses: { 200: {} } } } } });
    const op = out.paths['/api/widgets/{id}/spin'].post as any;
    assert.deepEqual(
      [op.operationId, op.summary, op.tags],
      ['postWidgetsByIdSpin', 'Post to widgets by id spin', ['Widgets']],
    );
    assert.deepEqual(Object.keys(op.responses).sort(), ['200', '401', '403', '404', '429']);
  });

  it("Redocly CLI's recommended ruleset finds no errors", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atom-openapi-'));
    try {
      const file = join(dir, 'openapi.json');
      writeFileSync(file, JSON.stringify(doc));
      const cli = join(REPO_ROOT, 'node_modules/@redocly/cli/bin/cli.js');
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [cli, 'lint', file, '--extends=recommended', '--format=json'],
        { cwd: dir, maxBuffer: 32 * 1024 * 1024 },
      ).catch((err: { stdout?: string; stderr?: string }) => ({ stdout: err.stdout ?? '', stderr: err.stderr }));
      const report = JSON.parse(stdout.slice(stdout.indexOf('{')));
      const errors = report.problems.filter((p: { severity: string }) => p.severity === 'error');
      assert.deepEqual(
        errors.map((p: { ruleId: string; message: string }) => `${p.ruleId}: ${p.message}`),
        [],
      );
      assert.equal(report.totals.errors, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
