import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startApp } from '../helpers/app.js';
import { call, expectError, makeKey, makeTenant, type TestTenant } from '../helpers/http.js';

const base = '/api/public/v1/marketplace';
let built: Awaited<ReturnType<typeof startApp>>;
let a: TestTenant;
let b: TestTenant;
before(async () => {
  built = await startApp();
  a = await makeTenant(built.app, 'team');
  b = await makeTenant(built.app, 'team');
});
after(() => built.close());

async function privateSkill(t: TestTenant, over: Record<string, unknown> = {}) {
  const c = await call(built.app, 'POST', '/api/v1/skills/private', {
    key: t.key,
    body: {
      name: 'Greeter',
      description: 'says hello',
      skill_type: 'function',
      code: 'function execute(i, env) { return env.GREETING + " " + i.name; }',
      action: 'respond',
      ...over,
    },
  });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  return c.body.skill_id as string;
}

describe('listing lifecycle: draft, submit, unpublish', () => {
  it('a draft is invisible until submitted; unpublish hides it but installs keep working', async () => {
    const src = await privateSkill(a);
    const p = await call(built.app, 'POST', '/api/skills/publish', {
      key: a.key,
      body: { skill_id: src, draft: true },
    });
    assert.deepEqual([p.status, p.body.status], [201, 'draft']);
    const id = p.body.marketplace_id;
    expectError(
      await call(built.app, 'POST', `/api/skills/approve/${id}`, { admin: true }),
      409,
      'CONFLICTING_OPERATION',
    );
    expectError(await call(built.app, 'POST', `/api/skills/${id}/submit`, { key: b.key }), 404, 'SKILL_NOT_FOUND');
    let res = await call(built.app, 'POST', `/api/skills/${id}/submit`, { key: a.key });
    assert.deepEqual([res.status, res.body.status], [200, 'pending_approval']);
    expectError(
      await call(built.app, 'POST', `/api/skills/${id}/submit`, { key: a.key }),
      409,
      'CONFLICTING_OPERATION',
    );
    await call(built.app, 'POST', `/api/skills/approve/${id}`, { admin: true });
    assert.equal(
      (await call(built.app, 'POST', '/api/skills/install', { key: b.key, body: { skill_id: id } })).status,
      200,
    );
    await call(built.app, 'PUT', `/api/v1/skills/private/${id}`, {
      key: b.key,
      body: { environment_vars: { GREETING: 'Hi' } },
    });

    res = await call(built.app, 'POST', `/api/skills/${id}/unpublish`, { key: a.key });
    assert.deepEqual([res.status, res.body.status], [200, 'unpublished']);
    assert.equal(
      (await call(built.app, 'GET', `${base}/skills`)).body.skills.some((s: any) => s.id === id),
      false,
      'gone from search',
    );
    expectError(await call(built.app, 'GET', `${base}/skills/${id}`), 404, 'SKILL_NOT_FOUND');
    const c = await makeTenant(built.app, 'team');
    expectError(
      await call(built.app, 'POST', '/api/skills/install', { key: c.key, body: { skill_id: id } }),
      404,
      'SKILL_NOT_FOUND',
    );
    const run = await call(built.app, 'POST', `/api/skills/${id}/execute`, {
      key: b.key,
      body: { input: { name: 'Bo' } },
    });
    assert.deepEqual([run.status, run.body.output], [200, 'Hi Bo'], 'existing install still runs');

    res = await call(built.app, 'POST', `/api/skills/${id}/submit`, { key: a.key });
    assert.equal(res.body.status, 'pending_approval', 'resubmitting a public listing goes back to review');
  });
});

describe('skill environment variables', () => {
  it('are sealed at rest, never returned, and reach the function as its second argument', async () => {
    const id = await privateSkill(a, { name: 'Env skill' });
    const res = await call(built.app, 'PUT', `/api/v1/skills/private/${id}`, {
      key: a.key,
      body: { environment_vars: { GREETING: 'Hello', API_KEY: 'custom-key-123' } },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.environment_vars_set, ['API_KEY', 'GREETING']);
    assert.equal(JSON.stringify(res.body).includes('custom-key-123'), false);
    const [row] = await built.ctx.db.query(
      '*',
      'SELECT sealed FROM skill_environments WHERE tenant_id = $1 AND listing_id = $2',
      [a.id, id],
    );
    assert.equal(String(row.sealed).includes('custom-key-123'), false, 'not stored in clear');
    const run = await call(built.app, 'POST', `/api/skills/${id}/execute`, {
      key: a.key,
      body: { input: { name: 'Ann' } },
    });
    assert.equal(run.body.output, 'Hello Ann');
    const frozen = await privateSkill(a, {
      name: 'Mutator',
      code:
        'function execute(i, env) { "use strict"; try { env.X = 1; return "mutated"; } catch (e) { return ' +
        '"frozen"; } }',
    });
    assert.equal(
      (await call(built.app, 'POST', `/api/skills/${frozen}/execute`, { key: a.key, body: {} })).body.output,
      'frozen',
    );
    expectError(
      await call(built.app, 'PUT', `/api/v1/skills/private/${id}`, {
        key: a.key,
        body: { environment_vars: { 'bad-name': 'x' } },
      }),
      400,
      'VALIDATION_ERROR',
    );
    expectError(
      await call(built.app, 'PUT', `/api/v1/skills/private/${id}`, {
        key: b.key,
        body: { environment_vars: { A: 'x' } },
      }),
      404,
      'SKILL_NOT_FOUND',
    );
  });
});

describe('reviews: helpful votes and author responses', () => {
  it('counts one vote per voter, lets only the publisher respond', async () => {
    const s = await call(built.app, 'POST', `${base}/submit`, {
      key: a.key,
      body: { name: 'Reviewed', description: 'has reviews', skill_type: 'function' },
    });
    const id = s.body.skill_id;
    await call(built.app, 'POST', `/api/skills/approve/${id}`, { admin: true });
    await call(built.app, 'POST', `${base}/skills/${id}/rate`, { key: b.key, body: { rating: 4, review: 'Useful' } });
    const reviewId = (await call(built.app, 'GET', `${base}/skills/${id}/reviews`)).body.reviews[0].id;

    let res = await call(built.app, 'POST', `${base}/reviews/${reviewId}/helpful`, {
      key: a.key,
      body: { helpful: true },
    });
    assert.deepEqual([res.status, res.body.review.helpful_count, res.body.review.not_helpful_count], [200, 1, 0]);
    res = await call(built.app, 'POST', `${base}/reviews/${reviewId}/helpful`, { key: a.key, body: { helpful: true } });
    assert.equal(res.body.review.helpful_count, 1, 'same vote twice counts once');
    res = await call(built.app, 'POST', `${base}/reviews/${reviewId}/helpful`, {
      key: a.key,
      body: { helpful: false },
    });
    assert.deepEqual(
      [res.body.review.helpful_count, res.body.review.not_helpful_count],
      [0, 1],
      'a changed vote moves',
    );
    const other = await makeKey(built.app, b, { role: 'member' });
    res = await call(built.app, 'POST', `${base}/reviews/${reviewId}/helpful`, {
      key: other.key,
      body: { helpful: true },
    });
    assert.deepEqual([res.body.review.helpful_count, res.body.review.not_helpful_count], [1, 1]);

    expectError(
      await call(built.app, 'POST', `${base}/reviews/${reviewId}/response`, {
        key: b.key,
        body: { response: 'me too' },
      }),
      403,
      'FORBIDDEN',
    );
    res = await call(built.app, 'POST', `${base}/reviews/${reviewId}/response`, {
      key: a.key,
      body: { response: 'Thank you!' },
    });
    assert.equal(res.body.review.author_response, 'Thank you!');
    const list = await call(built.app, 'GET', `${base}/skills/${id}/reviews`);
    assert.deepEqual(
      [
        list.body.reviews[0].author_response,
        list.body.reviews[0].helpful_count,
        list.body.reviews[0].not_helpful_count,
      ],
      ['Thank you!', 1, 1],
    );
    assert.ok(list.body.reviews[0].author_response_at);

    expectError(
      await call(built.app, 'POST', `${base}/reviews/rev_nope/helpful`, { key: a.key, body: { helpful: true } }),
      404,
      'NOT_FOUND',
    );
    expectError(
      await call(built.app, 'POST', `${base}/reviews/${reviewId}/helpful`, { key: a.key, body: { helpful: 'yes' } }),
      400,
      'VALIDATION_ERROR',
    );
    expectError(
      await call(built.app, 'POST', `${base}/reviews/${reviewId}/helpful`, { body: { helpful: true } }),
      401,
      'AUTH_REQUIRED',
    );
  });
});
