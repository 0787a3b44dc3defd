import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { toolName } from '../../src/modules/skills/tools.js';
import { startApp } from '../helpers/app.js';
import { call, expectError, makeKey, makeTenant, type TestTenant } from '../helpers/http.js';

let built: Awaited<ReturnType<typeof startApp>>;
let a: TestTenant;
let b: TestTenant;
before(async () => {
  built = await startApp();
  a = await makeTenant(built.app, 'team');
  b = await makeTenant(built.app, 'team');
});
after(() => built.close());

const skill = (over: Record<string, unknown> = {}) => ({
  name: 'CSV Summariser',
  description: 'Summarise CSV data tables',
  skill_type: 'function',
  code: 'return 1',
  category: 'productivity',
  tags: ['data', 'csv'],
  action: 'summarize',
  ...over,
});

async function createAndPublish(t: TestTenant, over: Record<string, unknown> = {}) {
  const c = await call(built.app, 'POST', '/api/v1/skills/private', { key: t.key, body: skill(over) });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  const p = await call(built.app, 'POST', '/api/skills/publish', {
    key: t.key,
    body: { skill_id: c.body.skill_id, tags: ['data'] },
  });
  assert.equal(p.status, 201, JSON.stringify(p.body));
  return { privateId: c.body.skill_id as string, marketId: p.body.marketplace_id as string };
}

describe('skill marketplace lifecycle', () => {
  it('publish by A, approve, install by B, rate, version, rollback', async () => {
    const { marketId } = await createAndPublish(a);
    let res = await call(built.app, 'GET', '/api/skills/marketplace?query=csv', { key: b.key });
    assert.equal(
      res.body.skills.some((s: any) => s.id === marketId),
      false,
      'pending listing hidden from other tenants',
    );
    expectError(
      await call(built.app, 'POST', '/api/skills/install', { key: b.key, body: { skill_id: marketId } }),
      404,
      'SKILL_NOT_FOUND',
    );

    res = await call(built.app, 'POST', `/api/skills/approve/${marketId}`, { admin: true });
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'approved');
    assert.ok(res.body.approved_at);
    expectError(
      await call(built.app, 'POST', `/api/skills/approve/${marketId}`, { admin: true }),
      409,
      'CONFLICTING_OPERATION',
    );

    res = await call(built.app, 'GET', '/api/skills/marketplace?query=csv', { key: b.key });
    const found = res.body.skills.find((s: any) => s.id === marketId);
    assert.equal(found.skill_type, 'function');
    assert.equal(found.is_approved, true);

    res = await call(built.app, 'POST', '/api/skills/install', { key: b.key, body: { skill_id: marketId } });
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'installed');
    const again = await call(built.app, 'POST', '/api/skills/install', { key: b.key, body: { skill_id: marketId } });
    assert.equal(again.body.skill_id, res.body.skill_id, 'install is idempotent');

    res = await call(built.app, 'POST', `/api/skills/rate/${marketId}`, {
      key: b.key,
      body: { rating: 4, review: 'good' },
    });
    assert.deepEqual([res.body.rating, res.body.new_average, res.body.total_ratings], [4, 4, 1]);
    res = await call(built.app, 'POST', `/api/skills/rate/${marketId}`, { key: b.key, body: { rating: 2 } });
    assert.deepEqual([res.body.new_average, res.body.total_ratings], [2, 1], 'second rating updates');
    expectError(
      await call(built.app, 'POST', `/api/skills/rate/${marketId}`, { key: b.key, body: { rating: 6 } }),
      400,
      'VALIDATION_ERROR',
    );

    res = await call(built.app, 'GET', `/api/skills/${marketId}`, { key: b.key });
    assert.equal(res.body.skill.installs, 1);
    res = await call(built.app, 'GET', `/api/skill-marketplace/skills/${marketId}`, { key: b.key });
    assert.equal(res.body.skill.id, marketId);
    res = await call(built.app, 'GET', '/api/skill-marketplace/skills?query=csv', { key: b.key });
    assert.ok(res.body.skills.some((s: any) => s.id === marketId));

    res = await call(built.app, 'POST', `/api/skills/version?skill_id=${marketId}&version_name=v2.0.0`, { key: a.key });
    assert.equal(res.status, 201);
    const v2 = res.body.version_id;
    res = await call(built.app, 'GET', `/api/skills/history/${marketId}`, { key: a.key });
    assert.deepEqual(
      res.body.history.map((h: any) => h.version_name),
      ['v1', 'v2.0.0'],
    );
    const v1 = res.body.history[0].version_id;
    res = await call(built.app, 'POST', `/api/skills/rollback/${marketId}?version_id=${v1}`, { key: a.key });
    assert.equal(res.body.message, `Skill ${marketId} rolled back to version ${v1}`);
    expectError(
      await call(built.app, 'POST', `/api/skills/rollback/${marketId}?version_id=nope`, { key: a.key }),
      400,
      'INVALID_VERSION',
    );
    expectError(
      await call(built.app, 'POST', `/api/skills/rollback/${marketId}?version_id=${v2}`, { key: b.key }),
      404,
      'SKILL_NOT_FOUND',
    );
    expectError(
      await call(built.app, 'GET', `/api/skills/history/${marketId}`, { key: b.key }),
      404,
      'SKILL_NOT_FOUND',
    );

    const events = await built.ctx.db.query('*', `SELECT type FROM events WHERE data->>'listing_id' = $1`, [marketId]);
    const types = new Set(events.map((e: any) => e.type));
    for (const t of [
      'component.published',
      'component.approved',
      'component.installed',
      'component.rated',
      'component.updated',
    ])
      assert.ok(types.has(t), t);
  });

  it('rejects with a reason, and rejected listings stay invisible to others', async () => {
    const { marketId } = await createAndPublish(a, { name: 'Dubious thing' });
    const res = await call(built.app, 'POST', `/api/skills/reject/${marketId}?reason=low%20quality`, { admin: true });
    assert.deepEqual([res.body.status, res.body.reason], ['rejected', 'low quality']);
    expectError(await call(built.app, 'GET', `/api/skills/${marketId}`, { key: b.key }), 404, 'SKILL_NOT_FOUND');
  });

  it('private skills are visible and installable at once for their tenant only', async () => {
    const c = await call(built.app, 'POST', '/api/v1/skills/private', {
      key: a.key,
      body: skill({ name: 'Private helper' }),
    });
    assert.deepEqual([c.body.status, c.body.is_public], ['created', false]);
    assert.equal((await call(built.app, 'GET', `/api/skills/${c.body.skill_id}`, { key: a.key })).status, 200);
    expectError(await call(built.app, 'GET', `/api/skills/${c.body.skill_id}`, { key: b.key }), 404, 'SKILL_NOT_FOUND');
    assert.equal(
      (await call(built.app, 'POST', '/api/skills/install', { key: a.key, body: { skill_id: c.body.skill_id } }))
        .status,
      200,
    );
  });

  it('validates config against the schema and dependencies before installing', async () => {
    const dep = await call(built.app, 'POST', '/api/v1/skills/private', { key: a.key, body: skill({ name: 'Dep' }) });
    const c = await call(built.app, 'POST', '/api/v1/skills/private', {
      key: a.key,
      body: skill({
        name: 'Needs config',
        dependencies: [dep.body.skill_id],
        config_schema: { type: 'object', properties: { timeout: { type: 'integer', maximum: 60 } } },
      }),
    });
    expectError(
      await call(built.app, 'POST', '/api/skills/install', { key: a.key, body: { skill_id: c.body.skill_id } }),
      422,
      'DEPENDENCY_MISSING',
    );
    await call(built.app, 'POST', '/api/skills/install', { key: a.key, body: { skill_id: dep.body.skill_id } });
    const bad = await call(built.app, 'POST', '/api/skills/install', {
      key: a.key,
      body: { skill_id: c.body.skill_id, config_overrides: { timeout: 600 } },
    });
    expectError(bad, 400, 'CONFIG_SCHEMA_INVALID');
    assert.ok(bad.body.error.details.errors.length > 0);
    assert.equal(
      (
        await call(built.app, 'POST', '/api/skills/install', {
          key: a.key,
          body: { skill_id: c.body.skill_id, config_overrides: { timeout: 30 } },
        })
      ).status,
      200,
    );
  });

  it('free plan cannot publish publicly; bad skill_type is INVALID_ENUM_VALUE', async () => {
    const f = await makeTenant(built.app, 'free');
    const c = await call(built.app, 'POST', '/api/v1/skills/private', { key: f.key, body: skill() });
    expectError(
      await call(built.app, 'POST', '/api/skills/publish', { key: f.key, body: { skill_id: c.body.skill_id } }),
      403,
      'PLAN_RESTRICTED',
    );
    expectError(
      await call(built.app, 'POST', '/api/v1/skills/private', { key: a.key, body: skill({ skill_type: 'wasm' }) }),
      400,
      'INVALID_ENUM_VALUE',
    );
  });

  it('search ranks name matches above description matches', async () => {
    for (const [name, description] of [
      ['Invoice parser', 'Reads PDF invoices'],
      ['Email sender', 'Sends an invoice reminder email'],
      ['Weather', 'Forecasts'],
    ]) {
      const { marketId } = await createAndPublish(a, { name, description });
      await call(built.app, 'POST', `/api/skills/approve/${marketId}`, { admin: true });
    }
    const res = await call(built.app, 'GET', '/api/skills/marketplace?query=invoice', { key: b.key });
    assert.deepEqual(
      res.body.skills.map((s: any) => s.name),
      ['Invoice parser', 'Email sender'],
    );
    expectError(
      await call(built.app, 'GET', '/api/skills/marketplace?limit=101', { key: b.key }),
      400,
      'INVALID_LIMIT',
    );
  });

  it('filters by price range, free, featured, tags and type; sorts by rating', async () => {
    const ids: Record<string, string> = {};
    for (const [name, price, type, tag] of [
      ['Pricey', 40, 'api', 'finance'],
      ['Cheap', 5, 'function', 'finance'],
      ['Gratis', 0, 'function', 'ops'],
    ] as const) {
      const c = await call(built.app, 'POST', '/api/v1/skills/private', {
        key: a.key,
        body: skill({ name: `Filter ${name}`, skill_type: type, tags: [tag, 'filtertest'] }),
      });
      const p = await call(built.app, 'POST', '/api/skills/publish', {
        key: a.key,
        body: { skill_id: c.body.skill_id, price, tags: [tag, 'filtertest'] },
      });
      await call(built.app, 'POST', `/api/skills/approve/${p.body.marketplace_id}`, { admin: true });
      ids[name] = p.body.marketplace_id;
    }
    const names = async (qs: string) =>
      (
        await call(built.app, 'GET', `/api/skills/marketplace?${qs.includes('tags=') ? '' : 'tags=filtertest&'}${qs}`, {
          key: b.key,
        })
      ).body.skills
        .map((s: any) => s.name)
        .sort();
    assert.deepEqual(await names('min_price=1&max_price=10'), ['Filter Cheap']);
    assert.deepEqual(await names('is_free=true'), ['Filter Gratis']);
    assert.deepEqual(await names('skill_type=api'), ['Filter Pricey']);
    assert.deepEqual(await names('tags=ops'), ['Filter Gratis']);
    await built.ctx.db.query('*', 'UPDATE marketplace_listings SET featured = true WHERE id = $1', [ids.Cheap]);
    assert.deepEqual(await names('featured=true'), ['Filter Cheap']);
    await call(built.app, 'POST', `/api/skills/rate/${ids.Gratis}`, { key: b.key, body: { rating: 5 } });
    await call(built.app, 'POST', `/api/skills/rate/${ids.Pricey}`, { key: b.key, body: { rating: 2 } });
    const byRating = (
      await call(built.app, 'GET', '/api/public/v1/marketplace/skills?tags=filtertest&sort_by=rating')
    ).body.skills.map((s: any) => s.name);
    assert.deepEqual(byRating.slice(0, 2), ['Filter Gratis', 'Filter Pricey']);
    expectError(
      await call(built.app, 'GET', '/api/skills/marketplace?min_price=-1', { key: b.key }),
      400,
      'VALIDATION_ERROR',
    );
    expectError(
      await call(built.app, 'GET', '/api/skills/marketplace?sort_by=random', { key: b.key }),
      400,
      'VALIDATION_ERROR',
    );
  });

  it('security: 401 without credential, 403 read key, 403 viewer, 403 approve without admin key', async () => {
    expectError(await call(built.app, 'GET', '/api/skills/marketplace'), 401, 'AUTH_REQUIRED');
    const ro = await makeKey(built.app, a, { scope: 'read' });
    expectError(
      await call(built.app, 'POST', '/api/v1/skills/private', { key: ro.key, body: skill() }),
      403,
      'INSUFFICIENT_SCOPE',
    );
    const viewer = await makeKey(built.app, a, { role: 'viewer' });
    expectError(
      await call(built.app, 'POST', '/api/v1/skills/private', { key: viewer.key, body: skill() }),
      403,
      'INSUFFICIENT_PERMISSIONS',
    );
    expectError(await call(built.app, 'POST', '/api/skills/approve/x', { key: a.key }), 403, 'FORBIDDEN');
  });
});

describe('publishing a skill requires its governance action', () => {
  const privateSkill = async (t: TestTenant, over: Record<string, unknown>) => {
    const c = await call(built.app, 'POST', '/api/v1/skills/private', { key: t.key, body: skill(over) });
    assert.equal(c.status, 201, JSON.stringify(c.body));
    return c.body.skill_id as string;
  };
  const publish = (t: TestTenant, body: Record<string, unknown>) =>
    call(built.app, 'POST', '/api/skills/publish', { key: t.key, body });

  it(
    'neither the private skill nor the body declares one: 400 MISSING_REQUIRED_FIELD on action, saying what the ' +
      'default would be',
    async () => {
      const id = await privateSkill(a, { name: 'Undeclared', action: undefined });
      const res = await publish(a, { skill_id: id });
      expectError(res, 400, 'MISSING_REQUIRED_FIELD');
      assert.equal(res.body.error.details.field, 'action');
      assert.equal(res.body.error.details.default_action, 'execute');
      assert.ok(res.body.error.details.allowed_values.includes('read'));
      assert.match(res.body.error.message, /'execute' \(level 4\).*autonomous/);
      assert.equal(
        (await call(built.app, 'GET', '/api/skills/marketplace?query=Undeclared', { key: a.key })).body.skills.length,
        1,
        'only the private skill: nothing was published',
      );
    },
  );

  it(
    "an action outside the tenant's governance table is INVALID_ENUM_VALUE, whether in the body or on the private " +
      'skill',
    async () => {
      const id = await privateSkill(a, { name: 'Teleporter', action: undefined });
      let res = await publish(a, { skill_id: id, action: 'teleport' });
      expectError(res, 400, 'INVALID_ENUM_VALUE');
      assert.equal(res.body.error.details.field, 'action');
      assert.ok(res.body.error.details.allowed_values.includes('send_email'));
      assert.equal(res.body.error.details.allowed_values.includes('teleport'), false);
      expectError(await publish(a, { skill_id: id, action: 'Send Email' }), 400, 'VALIDATION_ERROR');
      expectError(await publish(a, { skill_id: id, action: 'constructor' }), 400, 'INVALID_ENUM_VALUE');
      res = await publish(a, { skill_id: await privateSkill(a, { name: 'Declared teleporter', action: 'teleport' }) });
      expectError(res, 400, 'INVALID_ENUM_VALUE');
      // The tenant's own actions are part of its table.
      assert.equal(
        (await call(built.app, 'PUT', '/api/governance/actions/teleport', { key: a.key, body: { complexity: 2 } }))
          .status,
        200,
      );
      assert.equal((await publish(a, { skill_id: id, action: 'teleport' })).status, 201);
    },
  );

  it(
    'an action in the publish body is recorded on the listing and the private skill, and decides which agents may ' +
      'use it',
    async () => {
      const id = await privateSkill(a, {
        name: 'Ledger Reader',
        description: 'Reads ledger balances',
        code: 'function execute() { return { balance: 42 }; }',
        action: undefined,
      });
      const res = await publish(a, { skill_id: id, action: 'read' });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      const marketId = res.body.marketplace_id;
      assert.equal((await call(built.app, 'GET', `/api/skills/${marketId}`, { key: a.key })).body.skill.action, 'read');
      assert.equal(
        (await call(built.app, 'GET', `/api/skills/${id}`, { key: a.key })).body.skill.action,
        'read',
        'the private skill carries it too',
      );
      const history = (await call(built.app, 'GET', `/api/skills/history/${id}`, { key: a.key })).body.history;
      assert.deepEqual(
        history.map((h: any) => h.description),
        ['Initial version', 'Governance action set to read when published'],
      );
      await call(built.app, 'POST', `/api/skills/approve/${marketId}`, { admin: true });
      assert.equal(
        (await call(built.app, 'POST', '/api/skills/install', { key: b.key, body: { skill_id: marketId } })).status,
        200,
      );

      // A student (read-only) agent of the installing tenant runs it: `read` is level 1.
      const agent = (
        await call(built.app, 'POST', '/api/agents', {
          key: b.key,
          body: { name: 'Bookkeeper', role: 'general-assistant', maturity_level: 'student' },
        })
      ).body.data.agent;
      const run = await call(built.app, 'POST', `/api/agents/${agent.id}/execute`, {
        key: b.key,
        body: { task: 'Read the ledger balances' },
      });
      assert.ok([200, 202].includes(run.status), JSON.stringify(run.body));
      let e = run.body.data;
      const deadline = Date.now() + 30_000;
      while (!['completed', 'failed'].includes(e.status)) {
        assert.ok(Date.now() < deadline, `execution still ${e.status}`);
        await new Promise((r) => setTimeout(r, 100));
        e = (await call(built.app, 'GET', e.poll_url, { key: b.key })).body.data;
      }
      assert.equal(e.status, 'completed', JSON.stringify(e));
      assert.deepEqual(e.tools_used, [toolName(marketId)]);
      assert.deepEqual(e.governance_violations, []);
    },
  );

  it('a listing published before actions were required still works and counts as execute', async () => {
    const { marketId } = await createAndPublish(a, { name: 'Legacy skill' });
    await built.ctx.db.query('*', `UPDATE marketplace_listings SET content = content - 'action' WHERE id = $1`, [
      marketId,
    ]);
    await call(built.app, 'POST', `/api/skills/approve/${marketId}`, { admin: true });
    assert.equal(
      (await call(built.app, 'POST', '/api/skills/install', { key: b.key, body: { skill_id: marketId } })).status,
      200,
    );
    assert.equal(
      (await call(built.app, 'GET', `/api/skills/${marketId}`, { key: b.key })).body.skill.action,
      'execute',
    );
    const tool = (await built.ctx.tools.list(b.id, null)).find((t) => t.ref === marketId);
    assert.equal(tool?.action, 'execute');
  });
});
