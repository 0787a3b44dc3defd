import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { seedCatalogue } from '../src/seed/run.js';
import { ADMIN_KEY, startApp } from './helpers/app.js';
import { call, makeTenant } from './helpers/http.js';

let built: Awaited<ReturnType<typeof startApp>>;
before(async () => {
  built = await startApp();
});
after(() => built.close());

describe('npm run seed', () => {
  it('loads a living catalogue across the five marketplaces, once', async () => {
    const first = await seedCatalogue(built.app, built.ctx, ADMIN_KEY, () => {});
    assert.deepEqual(first.counts, {
      skills: 10,
      agent_templates: 6,
      domains: 5,
      canvas_components: 6,
      workflow_templates: 6,
    });
    const again = await seedCatalogue(built.app, built.ctx, ADMIN_KEY, () => {});
    assert.equal(again.created, false);

    const user = await makeTenant(built.app, 'team');
    assert.equal((await call(built.app, 'GET', '/api/public/v1/marketplace/skills?limit=100')).body.total, 10);
    assert.equal(
      (await call(built.app, 'GET', '/api/agent-marketplace/agents?page_size=50', { key: user.key })).body.total,
      6,
    );
    assert.equal((await call(built.app, 'GET', '/api/v1/domains/marketplace/search')).body.length, 5);
    assert.equal((await call(built.app, 'GET', '/api/canvas-marketplace/components')).body.total, 6);
    assert.equal((await call(built.app, 'GET', '/api/marketplace/templates')).body.length, 6);

    // The seeded items work: a user installs an agent template (with its skills) and runs a skill.
    const sales = (await call(built.app, 'GET', '/api/agent-marketplace/agents/search?query=sales', { key: user.key }))
      .body.items[0];
    const inst = await call(built.app, 'POST', `/api/agent-marketplace/install/${sales.id}`, { key: user.key });
    assert.equal(inst.status, 200, JSON.stringify(inst.body));
    const skill = (await call(built.app, 'GET', '/api/public/v1/marketplace/skills?query=lead')).body.skills[0];
    const run = await call(built.app, 'POST', `/api/skills/${skill.id}/execute`, {
      key: user.key,
      body: { input: { employees: 500, budget_usd: 100000, email_opens: 4 } },
    });
    assert.deepEqual([run.status, run.body.output], [200, { score: 68, tier: 'warm' }]);
  });
});
