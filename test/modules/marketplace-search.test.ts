import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Built } from '../../src/app.js';
import { FEW_MATCHES, type SearchFilter, search } from '../../src/modules/marketplace/search.js';
import { type Executor, SYSTEM } from '../../src/platform/db/index.js';
import { startApp } from '../helpers/app.js';

/**
 * The search engine reads a narrow public catalogue, a per-word count table and the viewer's own
 * listings, and picks how to read a page from the total. Whatever it picks, it must answer exactly
 * what one plain query over marketplace_listings answers; and the trigger-kept catalogue and counts
 * must always equal what they are computed from.
 */
const N = 1_600; // public listings: a common word is in more than FEW_MATCHES of them
const ORDER: Record<string, string> = {
  created_at: 'created_at DESC, id',
  popularity: 'installs DESC, rating_count DESC, id',
  name: 'lower(name) ASC, id',
  price: 'price DESC, id',
  ranked: `ts_rank(search, plainto_tsquery('english', $2)) DESC, id`,
};

describe('marketplace search', () => {
  let built: Built;
  let sys: Executor;
  const publisher = 'tnt_search_publisher';
  const viewer = 'tnt_search_viewer';

  before(async () => {
    built = await startApp();
    sys = built.ctx.db.as(SYSTEM);
    for (const id of [publisher, viewer])
      await sys.query(`INSERT INTO tenants (id, name, slug, plan) VALUES ($1, $1, $1, 'enterprise')`, [id]);
    // One statement for the whole catalogue, as a bulk import would: the counts move once.
    await sys.query(
      `INSERT INTO marketplace_listings (tenant_id, id, kind, name, description, long_description, category, price,
           marketplace_type, status, installs, rating_sum, rating_count, created_at)
       SELECT $1, 'mkt_s_' || g, 'skill', 'Tool ' || g || ' ' || (ARRAY['invoice','weather','payroll','ticket'])[1 +
         g % 4],
         CASE WHEN g % 3 <> 0 THEN 'sends invoice reminders' ELSE 'plain helper' END,
         CASE WHEN g % 500 = 0 THEN 'rare zyxwords here' ELSE 'the long text' END,
         (ARRAY['sales','finance','support'])[1 + g % 3], (g % 7) * 5, 'public', 'approved', g % 50, g % 9, g % 4,
         now() - g * interval '1 minute'
       FROM generate_series(1, ${N}) g`,
      [publisher],
    );
    // The viewer's own listings in every state, some matching the common word.
    const own: [string, string, string][] = [
      ['draft', 'public', 'own invoice draft'],
      ['pending_approval', 'public', 'own invoice pending'],
      ['rejected', 'public', 'own invoice rejected'],
      ['approved', 'private', 'own invoice private'],
      ['unpublished', 'public', 'own invoice unpublished'],
      ['approved', 'public', 'own invoice approved'],
      ['draft', 'private', 'own weather draft'],
    ];
    for (const [i, [status, type, name]] of own.entries()) {
      await sys.query(
        `INSERT INTO marketplace_listings (tenant_id, id, kind, name, marketplace_type, status, installs)
             VALUES ($1, $2, 'skill', $3, $4, $5, $6)`,
        [viewer, `mkt_own_${i}`, name, type, status, i * 100],
      );
    }
  });
  after(async () => {
    await built?.close();
  });

  /** The answer of one plain query over marketplace_listings with the visibility rule. */
  async function reference(f: SearchFilter, order: string): Promise<{ ids: string[]; total: number }> {
    const where = [
      `kind = 'skill'`,
      `((status = 'approved' AND marketplace_type = 'public') OR (tenant_id = $1 AND status <> 'unpublished'))`,
    ];
    const params: unknown[] = [f.viewer];
    if (f.query) {
      params.push(f.query);
      where.push(`search @@ plainto_tsquery('english', $2)`);
    }
    if (f.category) {
      params.push(f.category);
      where.push(`category = $${params.length}`);
    }
    if (f.marketplaceType) {
      params.push(f.marketplaceType);
      where.push(`marketplace_type = $${params.length}`);
    }
    const rows = await sys.query<{ id: string; total: number }>(
      `SELECT id, count(*) OVER ()::int AS total FROM marketplace_listings
           WHERE ${where.join(' AND ')} ORDER BY ${order}`,
      params,
    );
    return { ids: rows.slice(f.offset, f.offset + f.limit).map((r) => r.id), total: rows[0]?.total ?? 0 };
  }

  async function same(f: Omit<SearchFilter, 'kind'>, order: string) {
    const full = { kind: 'skill' as const, ...f };
    const got = await search(sys, full);
    const want = await reference(full, order);
    assert.equal(got.total, want.total, `total for ${JSON.stringify(f)}`);
    assert.deepEqual(
      got.items.map((l) => l.id),
      want.ids,
      `page for ${JSON.stringify(f)}`,
    );
    return got;
  }

  it('answers a common word (more matches than FEW_MATCHES) as the plain query does, for every order and a deep page', async () => {
    for (const viewerId of [null, viewer]) {
      const base = { viewer: viewerId, query: 'invoice', limit: 20, offset: 0 };
      const first = await same({ ...base, sort: 'created_at' }, ORDER.created_at);
      assert.ok(first.total > FEW_MATCHES, `the common word matches ${first.total}`);
      await same({ ...base, sort: 'created_at', offset: 400 }, ORDER.created_at);
      await same({ ...base, sort: 'created_at', offset: first.total - 5 }, ORDER.created_at);
      await same({ ...base, sort: 'popularity' }, ORDER.ranked);
      await same({ ...base, sort: 'popularity', offset: 60 }, ORDER.ranked);
      // 400 names hold the word: pages within them are read from the names alone, deeper ones not.
      await same({ ...base, sort: 'popularity', offset: 375 }, ORDER.ranked);
      await same({ ...base, sort: 'popularity', offset: 390 }, ORDER.ranked);
      await same({ ...base, sort: 'name', direction: 'asc' }, ORDER.name);
      await same({ ...base, sort: 'price' }, ORDER.price);
    }
  });

  it('answers rare words, several words, stop words and filters as the plain query does', async () => {
    for (const viewerId of [null, viewer]) {
      const base = { viewer: viewerId, limit: 10, offset: 0 };
      assert.equal((await same({ ...base, query: 'zyxwords', sort: 'created_at' }, ORDER.created_at)).total, 3);
      await same({ ...base, query: 'zyxwords', sort: 'popularity' }, ORDER.ranked);
      await same({ ...base, query: 'invoice reminders', sort: 'created_at' }, ORDER.created_at);
      await same({ ...base, query: 'invoice reminders', sort: 'popularity' }, ORDER.ranked);
      assert.equal((await same({ ...base, query: 'the', sort: 'created_at' }, ORDER.created_at)).total, 0);
      await same({ ...base, query: 'invoice', category: 'finance', sort: 'created_at' }, ORDER.created_at);
      await same({ ...base, query: 'weather', marketplaceType: 'private', sort: 'created_at' }, ORDER.created_at);
      await same({ ...base, query: 'invoice', marketplaceType: 'public', sort: 'popularity' }, ORDER.ranked);
    }
  });

  it('browses the whole kind as the plain query does, its total from the count table', async () => {
    for (const viewerId of [null, viewer]) {
      const base = { viewer: viewerId, limit: 25, offset: 0 };
      const all = await same({ ...base, sort: 'popularity' }, ORDER.popularity);
      assert.equal(all.total, N + (viewerId ? 6 : 1), "public listings plus the viewer's live ones");
      await same({ ...base, sort: 'created_at', offset: 1_000 }, ORDER.created_at);
      await same({ ...base, sort: 'name', direction: 'asc', offset: N - 3 }, ORDER.name);
      await same({ ...base, category: 'support', sort: 'price' }, ORDER.price);
    }
  });

  it(
    'ranks every listing holding a word in its name above every listing holding it only elsewhere (what the name ' +
      'tier relies on)',
    async () => {
      // Names, descriptions and long texts with the word repeated in every field and position mix.
      await sys.query(
        `INSERT INTO marketplace_listings (tenant_id, id, kind, name, description, long_description, marketplace_type,
           status)
       SELECT $1, 'mkt_tier_' || g, 'skill', CASE WHEN g % 2 = 0 THEN 'alpha ' || repeat('x ', g % 7) || 'tierword'
         ELSE 'plain ' || g END,
         repeat('tierword ', g % 5) || repeat('y ', g % 3) || repeat('tierword ', g % 4),
         repeat('z ', g % 6) || repeat('tierword ', 1 + g % 9), 'public', 'approved'
       FROM generate_series(1, 60) g`,
        [publisher],
      );
      const [row] = await sys.query<{ named: number; other: number }>(
        `SELECT min(ts_rank(search, q)) FILTER (WHERE to_tsvector('english', name) @@ q)::float8 AS named,
              max(ts_rank(search, q)) FILTER (WHERE NOT to_tsvector('english', name) @@ q)::float8 AS other
       FROM marketplace_listings, plainto_tsquery('english', 'tierword') q WHERE search @@ q`,
      );
      assert.ok(row.named > row.other, `lowest with the word in the name ${row.named} > highest without ${row.other}`);
      await same({ viewer: null, query: 'tierword', sort: 'popularity', limit: 10, offset: 0 }, ORDER.ranked);
      await same({ viewer: null, query: 'tierword', sort: 'popularity', limit: 10, offset: 25 }, ORDER.ranked);
    },
  );

  /** Rows that differ between the kept catalogue and counts and what they are computed from. */
  async function drift(): Promise<number> {
    const [row] = await sys.query<{ n: number }>(`SELECT
      (SELECT count(*) FROM ((SELECT id, search FROM marketplace_catalogue EXCEPT SELECT id, search
        FROM marketplace_listings WHERE status = 'approved' AND marketplace_type = 'public')
        UNION ALL (SELECT id, search FROM marketplace_listings WHERE status = 'approved'
          AND marketplace_type = 'public' EXCEPT SELECT id, search FROM marketplace_catalogue)) d)
      + (SELECT count(*) FROM (
        (SELECT kind, lexeme, listings FROM marketplace_catalogue_counts WHERE listings <> 0
          EXCEPT SELECT c.kind, w, count(*)::int FROM marketplace_catalogue c, marketplace_catalogue_words(c.search)
            w GROUP BY c.kind, w)
        UNION ALL (SELECT c.kind, w, count(*)::int FROM marketplace_catalogue c,
          marketplace_catalogue_words(c.search) w GROUP BY c.kind, w
          EXCEPT SELECT kind, lexeme, listings FROM marketplace_catalogue_counts WHERE listings <> 0)) d) AS n`);
    return Number(row.n);
  }

  it('keeps the catalogue and the counts equal to the listings through every kind of change', async () => {
    assert.equal(await drift(), 0, 'after the bulk insert');
    const steps: [string, string, unknown[]][] = [
      [
        'installs counted (stays in, nets to nothing)',
        `UPDATE marketplace_listings SET installs = installs + 1 WHERE id = 'mkt_s_3'`,
        [],
      ],
      [
        'renamed (its words move)',
        `UPDATE marketplace_listings SET name = 'Renamed quasarword', description = '' WHERE id = 'mkt_s_6'`,
        [],
      ],
      [
        'unpublished (leaves)',
        `UPDATE marketplace_listings SET status = 'unpublished' WHERE id IN ('mkt_s_9', 'mkt_s_12')`,
        [],
      ],
      [
        'approved (enters)',
        `UPDATE marketplace_listings SET status = 'approved', marketplace_type = 'public' WHERE id = 'mkt_own_0'`,
        [],
      ],
      [
        'made private (leaves)',
        `UPDATE marketplace_listings SET marketplace_type = 'private' WHERE id = 'mkt_s_15'`,
        [],
      ],
      [
        'many at once, some entering and some leaving',
        `UPDATE marketplace_listings SET status = CASE WHEN status = 'approved' THEN 'rejected' ELSE 'approved' END
             WHERE id LIKE 'mkt_s_2%'`,
        [],
      ],
      ['deleted', `DELETE FROM marketplace_listings WHERE id IN ('mkt_s_30', 'mkt_s_31')`, []],
      [
        'upserted',
        `INSERT INTO marketplace_listings (tenant_id, id, kind, name, marketplace_type, status)
             VALUES ($1, 'mkt_s_33', 'skill', 'upserted orbitword', 'public', 'approved')
        ON CONFLICT (tenant_id, id) DO UPDATE SET name = EXCLUDED.name`,
        [publisher],
      ],
    ];
    for (const [what, sql, params] of steps) {
      await sys.query(sql, params);
      assert.equal(await drift(), 0, what);
    }
    const renamed = await search(sys, {
      kind: 'skill',
      viewer: null,
      query: 'quasarword',
      sort: 'created_at',
      limit: 5,
      offset: 0,
    });
    assert.deepEqual([renamed.total, renamed.items.map((l) => l.id)], [1, ['mkt_s_6']]);
    await same({ viewer: null, query: 'invoice', sort: 'created_at', limit: 20, offset: 0 }, ORDER.created_at);
    await same({ viewer: null, sort: 'popularity', limit: 20, offset: 0 }, ORDER.popularity);
  });
});
