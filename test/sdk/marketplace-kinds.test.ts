import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AtomClient, ComponentNotFoundError, MarketplaceClient, Page } from '@atom-platform/sdk';
import { TEST_SECRET } from '../helpers/app.js';
import { call, makeTenant, type TestTenant } from '../helpers/http.js';
import { missingFrom, routesOfKinds } from './routes.js';
import { runExample } from './seed-runner.js';
import { type Server, startServer } from './server.js';

/**
 * The SDK against the agent-template, canvas, domain and usage routes, built on other branches
 * (issue 6; on main since this branch started). In the sdk branch alone these tests fail: those
 * routes are not served here. Against main they pass (checked on a snapshot of main with this
 * branch's sdk/ and test/sdk/ laid over it); after the merge rerun `npm run sdk:types`.
 */
let srv: Server;
let pub: TestTenant;
let user: TestTenant;
let publisher: MarketplaceClient;
let client: MarketplaceClient;
async function approve(id: string) {
  const res = await call(srv.app, 'POST', `/api/agent-marketplace/agents/${id}/approve`, { admin: true });
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

/** An agent of the publisher, published publicly and approved: its marketplace id. */
async function publishedAgent(name: string, capabilities = ['sales', 'crm']) {
  const agent = await new AtomClient({ baseUrl: srv.url, apiKey: pub.key }).agents.create({
    name,
    role: 'general-assistant',
    maturity_level: 'supervised',
    capabilities,
  });
  const r = await publisher.publishAgent({
    agentId: agent.id,
    marketplaceType: 'public',
    name,
    description: `${name} for sales outreach`,
    capabilities,
    maturityLevel: 'supervised',
    pricingTier: 'team',
    tags: ['sales'],
  });
  await approve(r.componentId);
  return r.componentId;
}

before(async () => {
  srv = await startServer();
  pub = await makeTenant(srv.app, 'enterprise');
  user = await makeTenant(srv.app, 'enterprise');
  publisher = new MarketplaceClient({ baseUrl: `${srv.url}/api`, tenantId: pub.id, apiToken: pub.key });
  client = new MarketplaceClient({ baseUrl: `${srv.url}/api`, tenantId: user.id, apiToken: user.key });
});
after(() => srv.close());

describe('SDK routes served by the other marketplace branches', () => {
  it('every agent, canvas, domain and usage route the SDK calls is in the OpenAPI document', async () => {
    const doc = (await call(srv.app, 'GET', '/api/openapi.json')).body;
    assert.deepEqual(missingFrom(doc, routesOfKinds), []);
  });
});

describe('MarketplaceClient: agent marketplace', () => {
  it('publish → pending → approved (published) → list/search/get → install (both forms) → installations', async () => {
    const agent = await new AtomClient({ baseUrl: srv.url, apiKey: pub.key }).agents.create({
      name: 'Sales Automation Agent',
      role: 'general-assistant',
      maturity_level: 'supervised',
      capabilities: ['sales', 'crm'],
    });
    const r = await publisher.publishAgent({
      agentId: agent.id,
      marketplaceType: 'public',
      name: 'Sales Automation Agent',
      description: 'Automated sales outreach and CRM management',
      capabilities: ['sales', 'crm', 'outreach'],
      maturityLevel: 'supervised',
      pricingTier: 'team',
      tags: ['sales', 'automation', 'crm'],
      documentationUrl: 'https://docs.example.com/sales-agent',
    });
    assert.equal(r.status, 'pending_approval');
    assert.ok(r.componentId);
    assert.equal((await publisher.getPublicationStatus(r.componentId)).status, 'pending_approval');
    await assert.rejects(
      client.getPublicationStatus(r.componentId),
      (e) => e instanceof ComponentNotFoundError && e.componentId === r.componentId,
    );
    await approve(r.componentId);
    assert.equal((await publisher.getPublicationStatus(r.componentId)).status, 'published');

    const list = await client.listAgents({ marketplaceType: 'public', capability: 'sales', page: 1, pageSize: 50 });
    assert.ok(list instanceof Page);
    const item = list.items.find((a) => a.id === r.componentId);
    assert.ok(item, 'approved template listed');
    assert.equal(item.avgRating, 0, 'camelCase avgRating');
    assert.equal(item.sourceTenantId, pub.id);
    assert.ok((await client.searchAgents('sales automation')).some((a) => a.id === r.componentId));
    assert.equal((await client.getAgent(r.componentId)).name, 'Sales Automation Agent');

    const installed = await client.installAgent({
      agentId: r.componentId,
      sourceTenantId: pub.id,
      targetTenantId: user.id,
      installConfig: { apiKeys: { salesforce: 'sf-key' }, settings: { autoApprove: false, maxDailyTasks: 100 } },
    });
    assert.equal(installed.status, 'installed');
    assert.ok(installed.installationId);
    assert.deepEqual(installed.apiKeysConfigured, ['salesforce']);
    const other = await publishedAgent('Second Agent');
    assert.equal((await client.installAgent(other, user.id)).status, 'installed');
    const installs = await client.listInstallations();
    assert.deepEqual(new Set(installs.map((i) => i.templateId)), new Set([r.componentId, other]));
    const walked: string[] = [];
    for await (const i of client.iterateInstallations({ pageSize: 1 })) walked.push(i.templateId);
    assert.equal(walked.length, 2);
  });

  it('bulk installs (one server call) and typed not-found errors', async () => {
    const ids = [await publishedAgent('Bulk One'), await publishedAgent('Bulk Two')];
    const bulk = await client.bulkInstallAgents([...ids, 'tpl_missing'], { targetTenantId: user.id });
    assert.deepEqual([bulk.total, bulk.installed, bulk.failed, bulk.succeeded], [3, 2, 1, 2]);
    assert.equal(bulk.results[2].status, 'failed');
    assert.match(bulk.results[2].error?.code ?? '', /NOT_FOUND/);
    const err = await client.installAgent('tpl_missing').catch((e) => e);
    assert.ok(err instanceof ComponentNotFoundError);
    assert.equal(err.componentId, 'tpl_missing');
    const all: string[] = [];
    for await (const a of client.iterateAgents({ marketplaceType: 'public', pageSize: 1 })) all.push(a.id);
    assert.ok(ids.every((id) => all.includes(id)));
  });

  it("getUsageStats: quotas and this credential's rate limit", async () => {
    const usage = await client.getUsageStats();
    assert.equal(usage.plan, 'enterprise');
    assert.equal(typeof usage.rateLimitRemaining, 'number');
    assert.equal(usage.rateLimit.remaining, usage.rateLimitRemaining);
    assert.ok(usage.quotas.find((q: { metric: string; used: number }) => q.metric === 'agents')!.used >= 0);
    assert.equal(usage.history.metric, 'skill_executions');
  });
});

describe('MarketplaceClient: canvas components and domains', () => {
  it('lists answer pages; unknown ids are ComponentNotFoundError', async () => {
    assert.ok((await client.listCanvases({ category: 'ui' })) instanceof Page);
    assert.ok((await client.listDomains({ query: 'sales' })) instanceof Page);
    await assert.rejects(
      client.getCanvas('cmp_missing'),
      (e) => e instanceof ComponentNotFoundError && e.componentId === 'cmp_missing',
    );
    await assert.rejects(
      client.getDomain('dom_missing'),
      (e) => e instanceof ComponentNotFoundError && e.code === 'DOMAIN_NOT_FOUND',
    );
    await assert.rejects(client.installCanvas('cmp_missing', { canvasId: 'cnv_missing' }), ComponentNotFoundError);
    await assert.rejects(client.installDomain('dom_missing', { customName: 'Mine' }), ComponentNotFoundError);
  });
});

describe('seed examples on the agent marketplace', () => {
  const base = () =>
    [
      ['https://atom-saas.fly.dev/api', `${srv.url}/api`],
      ['your-tenant-id', user.id],
      ['your-api-token', user.key],
    ] as [string, string][];

  it('developer guide: TypeScript Client (listAgents, installAgent(id, tenant))', async () => {
    const id = await publishedAgent('Client Example Agent');
    const { exports: x } = await runExample('dev-guide-client.ts', {
      replace: [...base(), ['agent-123', id]],
      exports: ['agents'],
    });
    assert.ok(x.agents instanceof Page, 'minRating 4.0 leaves out the unrated template, but the call is made');
    assert.ok(
      (await client.listInstallations()).some((i) => i.templateId === id),
      'installAgent(id, tenant) installed it',
    );
  });

  it('developer guide: publishAgent and installAgent({…})', async () => {
    const agent = await new AtomClient({ baseUrl: srv.url, apiKey: user.key }).agents.create({
      name: 'Main',
      role: 'general-assistant',
      maturity_level: 'supervised',
    });
    const { exports: p } = await runExample('dev-guide-publish-agent.ts', {
      replace: [...base(), ['atom_main', agent.id]],
      exports: ['result'],
    });
    assert.equal(p.result.status, 'pending_approval');
    const id = await publishedAgent('Install Example Agent');
    const { exports: i } = await runExample('dev-guide-install-agent.ts', {
      replace: [...base(), ['sales_automation_agent', id], ['publisher-tenant-id', pub.id]],
      exports: ['result'],
    });
    assert.equal(i.result.status, 'installed');
  });

  it('developer guide: error handling prints the component id', async () => {
    const { logs } = await runExample('dev-guide-errors.ts', {
      replace: [
        ['MarketplaceClient(...)', `MarketplaceClient({ baseUrl: '${srv.url}/api', apiToken: '${user.key}' })`],
        ['installAgent(...)', "installAgent('tpl_missing')"],
      ],
    });
    assert.deepEqual(logs, ['Component not found: tpl_missing']);
  });

  it('developer guide: the Jest-style integration test, on the test-mode tenant', async () => {
    const login = await call(srv.app, 'POST', '/api/test/auth/login', {
      headers: { 'x-test-secret': TEST_SECRET },
      body: { email: 'test@example.com', password: 'testpassword' },
    });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    const id = await publishedAgent('Test Agent');
    const tests: [string, () => Promise<void> | void][] = [];
    const g = globalThis as Record<string, unknown>;
    g.describe = (_: string, fn: () => void) => fn();
    g.test = (name: string, fn: () => Promise<void> | void) => tests.push([name, fn]);
    g.expect = (actual: any) => ({
      toBe: (v: unknown) => assert.equal(actual, v),
      toBeDefined: () => assert.notEqual(actual, undefined),
      toBeGreaterThan: (n: number) => assert.ok(actual > n, `${actual} > ${n}`),
    });
    try {
      await runExample('dev-guide-jest.ts', {
        replace: [
          ['https://atom-saas.fly.dev/api/test', `${srv.url}/api/test`],
          ['test-api-token', login.body.data.access_token],
          ['test-agent', id],
        ],
      });
      assert.deepEqual(
        tests.map(([n]) => n),
        ['list agents', 'install agent'],
      );
      for (const [, fn] of tests) await fn();
    } finally {
      delete g.describe;
      delete g.test;
      delete g.expect;
    }
  });

  it('integration guide: list, publish, install, errors, Next.js handler', async () => {
    const mine = await new AtomClient({ baseUrl: srv.url, apiKey: user.key }).agents.create({
      name: 'My Sales Agent',
      role: 'general-assistant',
      maturity_level: 'supervised',
    });
    const id = await publishedAgent('Integration Agent');
    const env = {
      ATOM_BASE_URL: `${srv.url}/api`,
      ATOM_TENANT_ID: user.id,
      ATOM_API_TOKEN: user.key,
      ATOM_FEDERATION_KEY: 'k',
      ATOM_INSTANCE_URL: 'https://b.example',
      SALESFORCE_API_KEY: 'sf',
    };
    const { logs } = await runExample('integration-agents.ts', {
      env,
      replace: [
        ['my-sales-agent', mine.id],
        ['sales-automation-agent', id],
        ['publisher-tenant-id', pub.id],
        ['your-tenant-id', user.id],
      ],
    });
    assert.ok(logs.includes('Status: pending_approval'), logs.join('\n'));
    assert.ok(logs.some((l) => /^Published: \S+$/.test(l)));
    assert.ok(logs.some((l) => /^Installed: \S+$/.test(l) && l !== 'Installed: undefined'));

    const errors = await runExample('integration-errors.ts', {
      env,
      replace: [['installAgent(...)', "installAgent('tpl_missing')"]],
    });
    assert.deepEqual(errors.logs, ['Agent not found: tpl_missing']);

    const next = await runExample('integration-nextjs.ts', { env, exports: [] });
    let status = 0;
    let body: any;
    const res = {
      status(c: number) {
        status = c;
        return res;
      },
      json(b: unknown) {
        body = b;
      },
    };
    await next.exports.default({ method: 'GET', query: { capability: 'sales' } }, res);
    assert.equal(status, 200);
    assert.ok(body.some((a: { id: string }) => a.id === id));
    await next.exports.default({ method: 'POST', query: {} }, res);
    assert.equal(status, 405);
  });
});
