import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Built } from '../../src/app.js';
import { pageSql } from '../../src/modules/marketplace/search.js';
import { SYSTEM } from '../../src/platform/db/index.js';
import { startApp } from '../helpers/app.js';

/**
 * Full-text search uses its indexes beneath row level security without the server altering
 * pg_catalog (ts_match_vq stays as PostgreSQL ships it, not LEAKPROOF): the public part of a
 * search is matched in marketplace_catalogue (no RLS) through its GIN index, and the viewer's own
 * unlisted listings are reached through leakproof equalities on a small partial index. With
 * sequential scans priced out, a plan that still scans would mean an index cannot be used.
 * bench/explain.md shows the plans on 100,000 listings; test/modules/marketplace-search.test.ts
 * checks every search path's answers against one plain query.
 */
describe('marketplace search under row level security', () => {
  let built: Built;
  before(async () => {
    built = await startApp();
    const sys = built.ctx.db.as(SYSTEM);
    for (const id of ['tnt_pub', 'tnt_x'])
      await sys.query(`INSERT INTO tenants (id, name, slug, plan) VALUES ($1, $1, $1, 'team')`, [id]);
    // A publisher's catalogue the planner has statistics for, a rare word in 2 of its listings,
    // and the viewer's own unlisted drafts.
    await sys.query(
      `INSERT INTO marketplace_listings (tenant_id, id, kind, name, description, marketplace_type, status)
       SELECT $1, 'mkt_i_' || g, 'skill', 'Tool ' || g, CASE WHEN g % 1000 = 0 THEN 'zyxrare helper' ELSE
         'sends invoice reminders' END,
         'public', 'approved' FROM generate_series(1, 3000) g`,
      ['tnt_pub'],
    );
    await sys.query(`INSERT INTO marketplace_listings (tenant_id, id, kind, name, marketplace_type, status)
       SELECT 'tnt_x', 'mkt_x_' || g, 'skill', 'Draft ' || g, 'public', 'draft' FROM generate_series(1, 3) g`);
    await sys.query('ANALYZE marketplace_listings');
    await sys.query('ANALYZE marketplace_catalogue');
  });
  after(async () => {
    await built?.close();
  });

  it('leaves ts_match_vq as PostgreSQL ships it', async () => {
    const [fn] = await built.ctx.db.query<{ leakproof: boolean }>(
      SYSTEM,
      `SELECT proleakproof AS leakproof FROM pg_proc WHERE oid =
           'pg_catalog.ts_match_vq(tsvector, tsquery)'::regprocedure`,
    );
    assert.equal(fn?.leakproof, false);
  });

  it(
    'as the application role, matches the catalogue through its text index and the own listings through the ' +
      'unlisted index',
    async () => {
      const f = { kind: 'skill', viewer: 'tnt_x', query: 'zyxrare', sort: 'created_at', limit: 20, offset: 0 } as const;
      const { text, params } = pageSql(f, 3);
      const plan = await built.ctx.db.tx(SYSTEM, async (ex) => {
        const [role] = await ex.query<{ su: boolean }>(
          'SELECT rolsuper AS su FROM pg_roles WHERE rolname = current_user',
        );
        assert.equal(role?.su, false, 'runs as the application role, under RLS');
        await ex.query('SET LOCAL enable_seqscan = off');
        const rows = await ex.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${text}`, params);
        return rows.map((r) => r['QUERY PLAN']).join('\n');
      });
      assert.match(plan, /Bitmap Index Scan on marketplace_catalogue_search/, plan);
      assert.match(plan, /Index Scan using marketplace_listings_unlisted on marketplace_listings l/, plan);
      assert.doesNotMatch(plan, /Seq Scan/, plan);
    },
  );
});
