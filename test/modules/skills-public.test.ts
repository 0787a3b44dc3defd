import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startApp } from '../helpers/app.js';
import { call, expectError, makeKey, makeTenant, type TestTenant } from '../helpers/http.js';

const base = '/api/public/v1/marketplace';
let built: Awaited<ReturnType<typeof startApp>>;
let a: TestTenant;
let b: TestTenant;
let id: string;
before(async () => {
  built = await startApp();
  a = await makeTenant(built.app, 'team');
  b = await makeTenant(built.app, 'team');
  const s = await call(built.app, 'POST', `${base}/submit`, {
    key: a.key,
    body: {
      name: 'Public thing',
      description: 'Parses logs',
      skill_type: 'function',
      category: 'devops',
      tags: ['logs', 'parse'],
      input_schema: { type: 'object' },
    },
  });
  assert.equal(s.status, 201, JSON.stringify(s.body));
  assert.equal(s.body.status, 'pending_approval');
  id = s.body.skill_id;
});
after(() => built.close());

describe('public marketplace API', () => {
  it('hides pending submissions, shows approved ones without auth', async () => {
    expectError(await call(built.app, 'GET', `${base}/skills/${id}`), 404, 'SKILL_NOT_FOUND');
    await call(built.app, 'POST', `/api/skills/approve/${id}`, { admin: true });
    let res = await call(built.app, 'GET', `${base}/skills?query=logs`);
    assert.equal(res.status, 200);
    assert.deepEqual([res.body.total, res.body.has_more, res.body.skills[0].is_free], [1, false, true]);
    res = await call(built.app, 'GET', `${base}/skills/${id}`);
    assert.deepEqual(
      [res.body.name, res.body.input_schema, res.body.recent_reviews],
      ['Public thing', { type: 'object' }, []],
    );
    assert.deepEqual((await call(built.app, 'GET', `${base}/categories`)).body.categories, ['devops']);
    assert.deepEqual((await call(built.app, 'GET', `${base}/tags`)).body.tags, [
      { name: 'logs', count: 1 },
      { name: 'parse', count: 1 },
    ]);
  });

  it('rate, read reviews without auth, flag', async () => {
    let res = await call(built.app, 'POST', `${base}/skills/${id}/rate`, {
      key: b.key,
      body: { rating: 5, review: 'Great' },
    });
    assert.deepEqual([res.body.new_average, res.body.total_ratings], [5, 1]);
    res = await call(built.app, 'GET', `${base}/skills/${id}/reviews`);
    assert.equal(res.body.total, 1);
    const review = res.body.reviews[0];
    assert.deepEqual([review.rating, review.review, review.helpful_count], [5, 'Great', 0]);
    res = await call(built.app, 'POST', `${base}/reviews/${review.id}/flag?reason=spam`, { key: a.key });
    assert.deepEqual(res.body, { success: true, review_id: review.id, status: 'flagged' });
    assert.equal(
      (await call(built.app, 'GET', `${base}/skills/${id}/reviews`)).body.total,
      0,
      'flagged reviews are held for moderation',
    );
    expectError(await call(built.app, 'POST', `${base}/reviews/nope/flag?reason=x`, { key: a.key }), 404, 'NOT_FOUND');
  });

  it('security and validation', async () => {
    expectError(
      await call(built.app, 'POST', `${base}/submit`, { body: { name: 'x', skill_type: 'api' } }),
      401,
      'AUTH_REQUIRED',
    );
    expectError(
      await call(built.app, 'POST', `${base}/skills/${id}/rate`, { body: { rating: 3 } }),
      401,
      'AUTH_REQUIRED',
    );
    const ro = await makeKey(built.app, b, { scope: 'read' });
    expectError(
      await call(built.app, 'POST', `${base}/skills/${id}/rate`, { key: ro.key, body: { rating: 3 } }),
      403,
      'INSUFFICIENT_SCOPE',
    );
    const viewer = await makeKey(built.app, b, { role: 'viewer' });
    expectError(
      await call(built.app, 'POST', `${base}/submit`, { key: viewer.key, body: { name: 'x', skill_type: 'api' } }),
      403,
      'INSUFFICIENT_PERMISSIONS',
    );
    expectError(
      await call(built.app, 'POST', `${base}/submit`, { key: a.key, body: { name: 'x', skill_type: 'lambda' } }),
      400,
      'INVALID_ENUM_VALUE',
    );
    expectError(await call(built.app, 'GET', `${base}/skills?limit=101`), 400, 'INVALID_LIMIT');
    expectError(
      await call(built.app, 'POST', `${base}/skills/${id}/rate`, { key: b.key, body: { rating: 0 } }),
      400,
      'VALIDATION_ERROR',
    );
  });
});
