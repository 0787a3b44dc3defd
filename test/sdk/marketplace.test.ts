import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ComponentNotFoundError,
  constructWebhookEvent,
  MarketplaceClient,
  MarketplaceError,
  Page,
  PlanRestrictedError,
  QuotaExceededError,
  verifyStandardWebhook,
  verifyWebhook,
} from '@atom-platform/sdk';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { call, makeTenant, type TestTenant } from '../helpers/http.js';
import { startReceiver, waitUntil } from '../helpers/receiver.js';
import { type Server, startServer } from './server.js';

let srv: Server;
let pub: TestTenant;
let user: TestTenant;
let publisher: MarketplaceClient;
let client: MarketplaceClient;

/** A private skill made through the HTTP API (the SDK publishes and installs it). */
async function privateSkill(t: TestTenant, name: string, over: Record<string, unknown> = {}) {
  const res = await call(srv.app, 'POST', '/api/v1/skills/private', {
    key: t.key,
    body: {
      name,
      description: `${name} for data tables`,
      skill_type: 'function',
      code: 'function execute(input) { return input; }',
      category: 'productivity',
      tags: ['data'],
      ...over,
    },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.skill_id as string;
}

const approve = async (id: string) =>
  assert.equal((await call(srv.app, 'POST', `/api/skills/approve/${id}`, { admin: true })).status, 200);

before(async () => {
  srv = await startServer({ allowInsecureWebhooks: true });
  pub = await makeTenant(srv.app, 'team');
  user = await makeTenant(srv.app, 'team');
  publisher = new MarketplaceClient({ baseUrl: `${srv.url}/api`, tenantId: pub.id, apiToken: pub.key });
  client = new MarketplaceClient({ baseUrl: `${srv.url}/api`, tenantId: user.id, apiToken: user.key });
});
after(() => srv.close());

describe('MarketplaceClient: skills', () => {
  it('publish → publication status → approve → list/get → install → rate, in camelCase', async () => {
    const skillId = await privateSkill(pub, 'CSV Summariser');
    const published = await publisher.publishSkill({
      skillId,
      action: 'summarize',
      category: 'productivity',
      tags: ['data', 'csv'],
      longDescription: 'Summarises CSV files',
      documentationUrl: 'https://docs.example.com/csv',
    });
    assert.equal(published.status, 'pending_approval');
    assert.match(published.componentId, /^mkt_/);
    assert.equal(published.componentId, published.marketplaceId);

    await approve(published.componentId);

    const list = await client.listSkills({ query: 'csv' });
    assert.ok(list instanceof Page);
    const found = list.items.find((s) => s.id === published.componentId);
    assert.ok(found, 'approved listing visible to other tenants');
    assert.equal(typeof found.ratingCount, 'number', 'keys are camelCase');
    const skill = await client.getSkill(published.componentId);
    assert.equal(skill.name, 'CSV Summariser');

    const installed = await client.installSkill(published.componentId);
    assert.equal(installed.status, 'installed');
    const rated = await client.rateSkill(published.componentId, 5, 'Excellent');
    assert.deepEqual([rated.rating, rated.newAverage, rated.totalRatings], [5, 5, 1]);

    const browsed = await client.skills.browse({ category: 'productivity', limit: 10 });
    assert.ok(browsed.some((s) => s.id === published.componentId));
    const again = await client.skills.install({ skillId: published.componentId });
    assert.equal(again.status, 'installed');
    const rerated = await client.skills.rate({ skillId: published.componentId, rating: 4, review: 'Good' });
    assert.equal(rerated.newAverage, 4);
  });

  it('bulk skill installs report each result; iterators walk every page', async () => {
    const ids: string[] = [];
    for (const n of ['Alpha Sorter', 'Beta Sorter', 'Gamma Sorter']) {
      const r = await publisher.publishSkill({
        skillId: await privateSkill(pub, n),
        action: 'analyze',
        tags: ['sorting'],
      });
      await approve(r.componentId);
      ids.push(r.componentId);
    }
    const bulk = await client.bulkInstallSkills([...ids, 'mkt_does_not_exist'], { concurrency: 2 });
    assert.equal(bulk.succeeded, 3);
    assert.equal(bulk.failed, 1);
    assert.deepEqual(
      bulk.results.map((r) => r.id),
      [...ids, 'mkt_does_not_exist'],
      'results in input order',
    );
    const failed = bulk.results[3];
    assert.ok(!failed.ok && failed.error instanceof ComponentNotFoundError);
    assert.equal(failed.error.componentId, 'mkt_does_not_exist');

    const page = await client.listSkills({ query: 'sorter', pageSize: 2 });
    assert.deepEqual([page.length, page.total, page.hasMore], [2, 3, true]);
    const skills: string[] = [];
    for await (const s of client.iterateSkills({ query: 'sorter', pageSize: 2 })) skills.push(s.id);
    assert.deepEqual(new Set(skills), new Set(ids));
  });

  it('plan and quota errors are typed', async () => {
    const free = await makeTenant(srv.app, 'free');
    const freeClient = new MarketplaceClient({ baseUrl: srv.url, apiKey: free.key });
    const skillId = await privateSkill(free, 'Free Skill');
    const err = await freeClient.publishSkill({ skillId }).catch((e) => e);
    assert.ok(err instanceof PlanRestrictedError, String(err));
    assert.equal(err.code, 'PLAN_RESTRICTED');
    assert.equal(err.status, 403);
    assert.ok(QuotaExceededError.prototype instanceof MarketplaceError);
    const undeclared = await publisher
      .publishSkill({ skillId: await privateSkill(pub, 'Undeclared Skill') })
      .catch((e) => e);
    assert.ok(undeclared instanceof MarketplaceError, String(undeclared));
    assert.deepEqual(
      [undeclared.status, undeclared.code, undeclared.details?.field],
      [400, 'MISSING_REQUIRED_FIELD', 'action'],
    );
  });
});

describe('MarketplaceClient: webhooks, verified with the SDK helpers', () => {
  it('createWebhook → a real signed delivery → verifyWebhook and verifyStandardWebhook → deleteWebhook', async () => {
    const receiver = await startReceiver();
    try {
      const secret = 'your-webhook-secret';
      const hook = await client.createWebhook({
        url: receiver.url,
        events: ['component.installed', 'component.updated', 'component.rated'],
        secret,
      });
      assert.match(hook.id, /^whk_|.+/);
      assert.deepEqual(hook.events, ['component.installed', 'component.updated', 'component.rated']);
      assert.equal(hook.secret, secret);
      const listed = await client.listWebhooks();
      assert.ok(listed.some((w) => w.id === hook.id));

      const r = await publisher.publishSkill({ skillId: await privateSkill(pub, 'Webhook Skill', { action: 'read' }) });
      await approve(r.componentId);
      await client.installSkill(r.componentId);
      // Earlier tests' events may still be on their way through the outbox: pick this install's delivery.
      const mine = () =>
        receiver.received.find((x) => x.body.includes(r.componentId) && x.body.includes('component.installed'));
      await waitUntil(() => mine() !== undefined);
      const d = mine()!;
      assert.equal(verifyWebhook(d.body, d.headers['x-webhook-signature'] as string, secret), true);
      assert.equal(verifyWebhook(d.body, d.headers['x-webhook-signature'] as string, 'wrong-secret'), false);
      assert.equal(verifyWebhook(`${d.body} `, d.headers['x-webhook-signature'] as string, secret), false);
      assert.equal(verifyStandardWebhook(d.body, d.headers as Record<string, string>, secret), true);
      assert.equal(
        verifyStandardWebhook(
          d.body.replace(r.componentId, `${r.componentId}x`),
          d.headers as Record<string, string>,
          secret,
        ),
        false,
        'changed body',
      );
      assert.equal(
        verifyStandardWebhook(d.body, d.headers as Record<string, string>, secret, { now: Date.now() + 3_600_000 }),
        false,
        'stale timestamp',
      );
      const event = constructWebhookEvent(d.body, d.headers as Record<string, string>, secret);
      assert.equal(event.event, 'component.installed');
      assert.throws(
        () => constructWebhookEvent(d.body, { 'x-webhook-signature': 'bad' }, secret),
        (e) => (e as MarketplaceError).code === 'WEBHOOK_VERIFICATION_FAILED',
      );

      const deleted = await client.deleteWebhook(hook.id);
      assert.deepEqual(deleted, { deleted: true, webhookId: hook.id });
    } finally {
      await receiver.close();
    }
  });

  it('verifyStandardWebhook agrees with the standardwebhooks package for whsec_ secrets', () => {
    const secret = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
    const wh = new StandardWebhook(secret);
    const body = JSON.stringify({ event: 'agent.executed', data: { ok: true } });
    const now = new Date();
    const signature = wh.sign('msg_1', now, body);
    const headers = {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': `v1,bogus ${signature}`,
    };
    assert.equal(verifyStandardWebhook(body, headers, secret), true, 'any of several signatures');
    assert.equal(verifyStandardWebhook(body, new Headers(headers), secret), true, 'Headers objects too');
    assert.equal(verifyStandardWebhook(Buffer.from(body), headers, secret), true, 'raw bytes');
  });
});
