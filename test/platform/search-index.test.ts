import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Built } from '../../src/app.js';
import { rankedSql } from '../../src/modules/marketplace/search.js';
import { SYSTEM } from '../../src/platform/db/index.js';
import { startApp } from '../helpers/app.js';


/**
 * Full-text search must be able to use its GIN index beneath row level security (the server marks
 * ts_match_vq LEAKPROOF at start). With sequential scans priced out, a plan that still scans means
 * the index cannot be used under the policy. bench/explain.md shows the plans on 100,000 listings.
 */
describe('marketplace search under row level security', () => {
  let built: Built;
  before(async () => { built = await startApp(); });
  after(async () => { await built?.close(); });

  it('can use the GIN index on the search vector as the application role, for the condition the engine sends', async () => {
    const { text, params } = rankedSql({ kind: 'skill', viewer: 'tnt_x', query: 'invoice', sort: 'popularity', limit: 20, offset: 0 });
    const condition = /l\.search @@ plainto_tsquery\('english', \$(\d+)\)/;
    assert.match(text, condition, 'the engine filters the viewer\'s own listings with the indexed vector');
    assert.equal(params[Number(condition.exec(text)![1]) - 1], 'invoice');
    const plan = await built.ctx.db.tx(SYSTEM, async (ex) => {
      const [role] = await ex.query<{ su: boolean }>('SELECT rolsuper AS su FROM pg_roles WHERE rolname = current_user');
      assert.equal(role?.su, false, 'runs as the application role, under RLS');
      await ex.query('SET LOCAL enable_seqscan = off');
      const rows = await ex.query<{ 'QUERY PLAN': string }>(`EXPLAIN SELECT id FROM marketplace_listings WHERE search @@ plainto_tsquery('english', $1)`, ['invoice']);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    });
    assert.match(plan, /Bitmap Index Scan on marketplace_listings_search/, plan);
  });
});
