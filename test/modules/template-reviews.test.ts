import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { seedCatalogue } from '../../src/seed/run.js';
import { ADMIN_KEY, startApp } from '../helpers/app.js';
import { call, expectError, makeKey, makeTenant, type TestTenant } from '../helpers/http.js';

let built: Awaited<ReturnType<typeof startApp>>;
let t: TestTenant;
let other: TestTenant;
let agentTemplate: string;
let workflow: { id: string; key: string };
before(async () => {
  built = await startApp();
  await seedCatalogue(built.app, built.ctx, ADMIN_KEY, () => {});
  t = await makeTenant(built.app, 'team');
  other = await makeTenant(built.app, 'team');
  agentTemplate = (await call(built.app, 'GET', '/api/agent-marketplace/agents/search?query=sales', { key: t.key }))
    .body.items[0].id;
  const w = (await call(built.app, 'GET', '/api/marketplace/templates?query=digest')).body[0];
  workflow = { id: w.id, key: w.template_key ?? w.id };
});
after(() => built.close());

describe('ratings and reviews for agent and workflow templates', () => {
  it('rates an agent template (again replaces), reviews are public', async () => {
    let r = await call(built.app, 'POST', `/api/agent-marketplace/agents/${agentTemplate}/rate`, {
      key: t.key,
      body: { rating: 5, review: 'Booked three demos' },
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual([r.body.new_average, r.body.total_ratings], [5, 1]);
    r = await call(built.app, 'POST', `/api/agent-marketplace/agents/${agentTemplate}/rate`, {
      key: t.key,
      body: { rating: 3 },
    });
    assert.deepEqual([r.body.new_average, r.body.total_ratings], [3, 1]);
    await call(built.app, 'POST', `/api/agent-marketplace/agents/${agentTemplate}/rate`, {
      key: other.key,
      body: { rating: 5, review: 'Solid' },
    });
    const list = await call(built.app, 'GET', `/api/agent-marketplace/agents/${agentTemplate}/reviews`);
    assert.deepEqual([list.status, list.body.total], [200, 2]);
    const d = await call(built.app, 'GET', `/api/agent-marketplace/agents/${agentTemplate}`, { key: t.key });
    assert.equal(d.body.agent.rating, 4);
    expectError(
      await call(built.app, 'POST', `/api/agent-marketplace/agents/${agentTemplate}/rate`, {
        key: t.key,
        body: { rating: 0 },
      }),
      400,
      'VALIDATION_ERROR',
    );
    expectError(
      await call(built.app, 'POST', '/api/agent-marketplace/agents/mkt_nope/rate', { key: t.key, body: { rating: 4 } }),
      404,
      'AGENT_NOT_FOUND',
    );
    const viewer = await makeKey(built.app, t, { role: 'viewer' });
    expectError(
      await call(built.app, 'POST', `/api/agent-marketplace/agents/${agentTemplate}/rate`, {
        key: viewer.key,
        body: { rating: 4 },
      }),
      403,
      'INSUFFICIENT_PERMISSIONS',
    );
  });

  it('rates a workflow template by id or by its key', async () => {
    let r = await call(built.app, 'POST', `/api/marketplace/templates/${workflow.id}/rate`, {
      key: t.key,
      body: { rating: 4, review: 'Saves a morning' },
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    r = await call(built.app, 'POST', `/api/marketplace/templates/${workflow.key}/rate`, {
      key: other.key,
      body: { rating: 2 },
    });
    assert.deepEqual([r.body.new_average, r.body.total_ratings], [3, 2]);
    const list = await call(built.app, 'GET', `/api/marketplace/templates/${workflow.id}/reviews?limit=1`);
    assert.deepEqual([list.body.total, list.body.reviews.length], [2, 1]);
    expectError(await call(built.app, 'GET', '/api/marketplace/templates/nope/reviews'), 404, 'TEMPLATE_NOT_FOUND');
    expectError(
      await call(built.app, 'POST', `/api/marketplace/templates/${workflow.id}/rate`, { body: { rating: 4 } }),
      401,
      'AUTH_REQUIRED',
    );
  });
});
