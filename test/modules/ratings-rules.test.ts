import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Built } from '../../src/app.js';
import { startApp } from '../helpers/app.js';
import { call, expectError, makeKey, makeTenant, type TestTenant } from '../helpers/http.js';
import { join, signUp } from '../helpers/members.js';

/**
 * Ratings on the shared marketplace engine: one per tenant and listing (a second member of the
 * same tenant replaces the tenant's rating), never by the publisher; the average and count stay
 * right through replacements. Exercised on the skills and canvas-component marketplaces.
 */
describe('rating rules', () => {
  let built: Built;
  let pub: TestTenant;
  let b: TestTenant;
  let c: TestTenant;
  /** Another person in B (a user of their own, not a key of B's owner): old rules counted them apart. */
  let bMember: { token: string };
  before(async () => {
    built = await startApp();
    pub = await makeTenant(built.app, 'team');
    b = await makeTenant(built.app, 'team');
    c = await makeTenant(built.app, 'team');
    bMember = { token: await join(built.app, b, await signUp(built.app), 'member') };
  });
  after(() => built.close());

  async function skillListing(): Promise<string> {
    const made = await call(built.app, 'POST', '/api/v1/skills/private', {
      key: pub.key,
      body: { name: `Rated ${Date.now()}`, description: 'd', skill_type: 'function', code: 'return 1', action: 'read' },
    });
    const p = await call(built.app, 'POST', '/api/skills/publish', {
      key: pub.key,
      body: { skill_id: made.body.skill_id },
    });
    assert.equal(p.status, 201, JSON.stringify(p.body));
    assert.equal(
      (await call(built.app, 'POST', `/api/skills/approve/${p.body.marketplace_id}`, { admin: true })).status,
      200,
    );
    return p.body.marketplace_id as string;
  }

  async function componentListing(): Promise<string> {
    const made = await call(built.app, 'POST', '/api/canvas-skills/create', {
      key: pub.key,
      body: {
        name: `Widget ${Date.now()}`,
        description: 'A widget',
        category: 'ui',
        component_type: 'component',
        version: '1.0.0',
        code: 'export const W = 1;',
      },
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const id = made.body.component_id as string;
    assert.equal(
      (
        await call(built.app, 'POST', '/api/canvas-marketplace/components/publish', {
          key: pub.key,
          body: { component_id: id, price: 0, license: 'MIT' },
        })
      ).status,
      201,
    );
    assert.equal(
      (await call(built.app, 'POST', `/api/canvas-marketplace/components/${id}/approve`, { admin: true })).status,
      200,
    );
    return id;
  }

  type Auth = string | { token: string };
  const as = (a: Auth) => (typeof a === 'string' ? { key: a } : a);

  const kinds = [
    {
      name: 'skills',
      make: skillListing,
      rate: (id: string, auth: Auth, rating: number) =>
        call(built.app, 'POST', `/api/skills/rate/${id}`, { ...as(auth), body: { rating } }),
      agg: (r: { body: any }) => [r.body.new_average, r.body.total_ratings],
      reviews: async (id: string) =>
        (await call(built.app, 'GET', `/api/public/v1/marketplace/skills/${id}/reviews`)).body,
      notFound: 'SKILL_NOT_FOUND',
    },
    {
      name: 'canvas components',
      make: componentListing,
      rate: (id: string, auth: Auth, rating: number) =>
        call(built.app, 'POST', `/api/canvas-marketplace/components/${id}/rate`, { ...as(auth), body: { rating } }),
      agg: (r: { body: any }) => [r.body.aggregate_rating, r.body.rating_count],
      reviews: async (id: string) =>
        (await call(built.app, 'GET', `/api/canvas-marketplace/components/${id}/ratings`)).body,
      notFound: 'COMPONENT_NOT_FOUND',
    },
  ];

  for (const k of kinds) {
    it(`${k.name}: the publisher cannot rate its own listing`, async () => {
      const id = await k.make();
      expectError(await k.rate(id, pub.key, 5), 403, 'CANNOT_RATE_OWN_LISTING');
      const other = await makeKey(built.app, pub, { role: 'member' });
      expectError(await k.rate(id, other.key, 5), 403, 'CANNOT_RATE_OWN_LISTING');
      const r = await k.rate(id, c.key, 3);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(k.agg(r), [3, 1], 'the refused ratings counted for nothing');
    });

    it(`${k.name}: one rating per tenant; another member of the tenant replaces it, the aggregate stays right`, async () => {
      const id = await k.make();
      assert.deepEqual(k.agg(await k.rate(id, b.key, 5)), [5, 1]);
      assert.deepEqual(k.agg(await k.rate(id, c.key, 2)), [3.5, 2]);
      assert.deepEqual(
        k.agg(await k.rate(id, bMember, 1)),
        [1.5, 2],
        "B's member replaced B's rating: still two ratings",
      );
      assert.deepEqual(k.agg(await k.rate(id, b.key, 4)), [3, 2]);
      const listed = await k.reviews(id);
      assert.equal(listed.total, 2);
      expectError(await k.rate('nope_listing', b.key, 4), 404, k.notFound);
    });
  }

  it('concurrent ratings by two members of one tenant leave one rating and a matching aggregate', async () => {
    const id = await skillListing();
    const results = await Promise.all(
      [5, 1, 4, 2].map((n, i) =>
        call(built.app, 'POST', `/api/skills/rate/${id}`, { ...as(i % 2 ? bMember : b.key), body: { rating: n } }),
      ),
    );
    for (const r of results) assert.equal(r.status, 200, JSON.stringify(r.body));
    const reviews = (await call(built.app, 'GET', `/api/public/v1/marketplace/skills/${id}/reviews`)).body;
    assert.equal(reviews.total, 1);
    const kept = Number(reviews.reviews[0].rating);
    const last = await call(built.app, 'POST', `/api/skills/rate/${id}`, { key: c.key, body: { rating: 3 } });
    assert.deepEqual([last.body.total_ratings, last.body.new_average], [2, (kept + 3) / 2]);
  });
});
