import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FederationClient, MarketplaceClient, Page, RateLimitError, verifyWebhook } from '@atom-platform/sdk';
import { call, makeTenant, type TestTenant } from '../helpers/http.js';
import { startReceiver, waitUntil } from '../helpers/receiver.js';
import { standardKit } from '../helpers/tools.js';
import { runExample } from './seed-runner.js';
import { envelope, type Server, startScripted, startServer } from './server.js';

/**
 * The seeds' TypeScript examples that use routes of this branch, run against a real server with
 * only their import line changed (placeholders such as 'your-tenant-id' get real values).
 * The agent-marketplace examples are in marketplace-kinds.test.ts.
 */
describe('seed examples', () => {
  let srv: Server;
  let t: TestTenant;
  before(async () => {
    srv = await startServer({ executionSyncBudgetMs: 1500, allowInsecureWebhooks: true });
    srv.built.ctx.tools.register(standardKit([]));
    t = await makeTenant(srv.app, 'enterprise');
  });
  after(() => srv.close());
  const env = () => ({ ATOM_URL: srv.url, ATOM_API_KEY: t.key });

  it('agent-api.txt: AtomClient list, create, execute', async () => {
    const { exports: x } = await runExample('agent-api-sdk.ts', { env: env(), exports: ['agents', 'agent', 'result'] });
    assert.ok(x.agents instanceof Page);
    assert.equal(x.agent.name, 'Research Assistant');
    assert.equal(x.result.status, 'completed');
    assert.equal(x.result.agent_id, x.agent.id);
    assert.deepEqual(x.result.tools_used, ['web_search']);
  });

  it('api-overview.txt: AtomClient list and create without a maturity level', async () => {
    const { exports: x } = await runExample('api-overview-sdk.ts', { env: env(), exports: ['agents', 'agent'] });
    assert.ok(x.agents.length >= 1, 'the agent of the previous example is listed');
    assert.equal(x.agent.name, 'My Agent');
    assert.equal(x.agent.maturity_level, 'student');
  });

  it('marketplace-api.txt: client.skills.browse / install / rate', async () => {
    const publisher = await makeTenant(srv.app, 'team');
    const skill = await call(srv.app, 'POST', '/api/v1/skills/private', {
      key: publisher.key,
      body: {
        name: 'Inbox Digest',
        description: 'Summarise unread email',
        skill_type: 'function',
        code: 'function execute(i) { return i; }',
        category: 'productivity',
      },
    });
    const listing = await new MarketplaceClient({ baseUrl: srv.url, apiKey: publisher.key }).publishSkill({
      skillId: skill.body.skill_id,
      action: 'summarize',
    });
    await call(srv.app, 'POST', `/api/skills/approve/${listing.componentId}`, { admin: true });
    const agent = (
      await call(srv.app, 'POST', '/api/agents', {
        key: t.key,
        body: { name: 'Mail', role: 'general-assistant', maturity_level: 'intern' },
      })
    ).body.data.agent;

    const { exports: x } = await runExample('marketplace-api-js-sdk.ts', {
      env: { ATOM_URL: srv.url },
      replace: [
        ['sk-your-key', t.key],
        ['skill-uuid-123', listing.componentId],
        ['agent-uuid-456', agent.id],
      ],
      exports: ['skills', 'result'],
    });
    assert.ok(x.skills.some((s: { id: string }) => s.id === listing.componentId));
    assert.equal(x.result.status, 'installed');
    const detail = await call(srv.app, 'GET', `/api/skills/${listing.componentId}`, { key: t.key });
    assert.equal(detail.body.skill.rating, 5, 'the example rated it');
  });

  it("developer guide: createWebhook, then a delivery the seed's own verifyWebhook and the SDK's both accept", async () => {
    const receiver = await startReceiver();
    try {
      const { exports: x } = await runExample('dev-guide-create-webhook.ts', {
        replace: [
          ['https://atom-saas.fly.dev/api', `${srv.url}/api`],
          ['your-tenant-id', t.id],
          ['your-api-token', t.key],
          ['https://your-app.com/webhooks/marketplace', receiver.url],
        ],
        exports: ['webhook'],
      });
      assert.deepEqual(x.webhook.events, ['component.installed', 'component.updated', 'component.rated']);
      const seed = (await runExample('dev-guide-verify-webhook.ts', { exports: ['verifyWebhook'] })).exports
        .verifyWebhook as (p: string, s: string, k: string) => boolean;

      const publisher = await makeTenant(srv.app, 'team');
      const skill = await call(srv.app, 'POST', '/api/v1/skills/private', {
        key: publisher.key,
        body: {
          name: 'Hooked',
          description: 'd',
          skill_type: 'function',
          code: 'function execute(i) { return i; }',
          action: 'read',
        },
      });
      const pub = await call(srv.app, 'POST', '/api/skills/publish', {
        key: publisher.key,
        body: { skill_id: skill.body.skill_id },
      });
      await call(srv.app, 'POST', `/api/skills/approve/${pub.body.marketplace_id}`, { admin: true });
      await call(srv.app, 'POST', '/api/skills/install', { key: t.key, body: { skill_id: pub.body.marketplace_id } });
      await waitUntil(() => receiver.received.length > 0);
      const d = receiver.received[0];
      const signature = d.headers['x-webhook-signature'] as string;
      assert.equal(seed(d.body, signature, 'your-webhook-secret'), true);
      assert.equal(verifyWebhook(d.body, signature, 'your-webhook-secret'), true);
      const forged = signature.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'));
      assert.equal(seed(d.body, forged, 'your-webhook-secret'), verifyWebhook(d.body, forged, 'your-webhook-secret'));
      assert.equal(verifyWebhook(d.body, forged, 'your-webhook-secret'), false);
    } finally {
      await receiver.close();
    }
  });

  it("developer guide: withRetry catches the SDK's RateLimitError and waits retryAfter", async () => {
    const s = await startScripted((_, n) =>
      n === 1
        ? {
            status: 429,
            headers: { 'retry-after': '1' },
            body: envelope('RATE_LIMIT_EXCEEDED', 'Rate limit exceeded. Retry after 1 seconds.', { retry_after: 1 }),
          }
        : { status: 200, body: { skills: [{ id: 'mkt_1', name: 'x' }], total: 1 } },
    );
    try {
      const { exports: x, logs } = await runExample('dev-guide-with-retry.ts', { exports: ['withRetry'] });
      const client = new MarketplaceClient({ baseUrl: s.url, maxRetries: 0 });
      const log = console.log;
      const seen: string[] = [];
      console.log = (m: string) => seen.push(m);
      const started = Date.now();
      try {
        const skills = await x.withRetry(() => client.listSkills());
        assert.equal(skills[0].id, 'mkt_1');
      } finally {
        console.log = log;
      }
      assert.deepEqual(seen, ['Rate limited. Retrying after 1s']);
      assert.ok(Date.now() - started >= 950);
      assert.deepEqual(logs, []);
      assert.ok(RateLimitError);
    } finally {
      await s.close();
    }
  });

  it('integration guide: basic setup from the environment', async () => {
    const { exports: x } = await runExample('integration-setup.ts', {
      env: {
        ATOM_BASE_URL: `${srv.url}/api`,
        ATOM_TENANT_ID: t.id,
        ATOM_API_TOKEN: t.key,
        ATOM_FEDERATION_URL: `${srv.url}/api/federation`,
        ATOM_FEDERATION_KEY: 'fed-key',
        ATOM_INSTANCE_URL: 'https://b.example',
      },
      exports: ['marketplace', 'federation'],
    });
    assert.ok(x.marketplace instanceof MarketplaceClient && x.federation instanceof FederationClient);
    assert.equal(x.marketplace.t.baseUrl, srv.url);
    assert.equal(x.federation.transport.baseUrl, srv.url);
    assert.equal(x.federation.transport.headers()['x-federation-source'], 'https://b.example');
    const skills = await x.marketplace.listSkills();
    assert.ok(Array.isArray(skills.items), 'the configured client reaches the server with its credentials');
  });
});
