import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type Database, openDatabase, SYSTEM } from '../../src/platform/db/index.js';
import { MIGRATIONS_DIR, migrate } from '../../src/platform/db/migrate.js';
import { freshDatabaseUrl } from '../helpers/app.js';

/**
 * Migration 0941 on a database that already holds per-user ratings: two members of one tenant
 * rated the same listing. It keeps the tenant's latest rating, drops the votes on the other, and
 * recomputes the listing's sum and count.
 */
describe('migration 0941: one rating per tenant', () => {
  const dir = mkdtempSync(join(tmpdir(), 'atom-mig-0941-'));
  let db: Database | null = null;
  let drop = async () => {};
  after(async () => {
    await db?.close();
    await drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('collapses duplicates to the latest and recomputes the aggregate', async () => {
    for (const f of readdirSync(MIGRATIONS_DIR).filter((f) => f < '0941'))
      copyFileSync(join(MIGRATIONS_DIR, f), join(dir, f));
    const fresh = await freshDatabaseUrl({ empty: true });
    drop = fresh.drop;
    db = await openDatabase({ databaseUrl: fresh.url, dataDir: '' });
    await migrate(db, dir);
    const q = (sql: string, params: unknown[] = []) => db!.query<Record<string, any>>(SYSTEM, sql, params);
    for (const t of ['tnt_pub', 'tnt_one', 'tnt_two'])
      await q("INSERT INTO tenants (id, name, slug, plan) VALUES ($1, $1, $1, 'team')", [t]);
    await q(
      'INSERT INTO marketplace_listings (tenant_id, id, kind, name, status, rating_sum, rating_count) ' +
        "VALUES ('tnt_pub', 'mkt_l', 'skill', 'L', 'approved', 10, 3)",
    );
    const rate = (tenant: string, id: string, rater: string, rating: number, ago: string) =>
      q(
        `INSERT INTO marketplace_ratings (tenant_id, id, listing_id, rater, rating, created_at, updated_at)
             VALUES ($1, $2, 'mkt_l', $3, $4, now() - $5::interval, now() - $5::interval)`,
        [tenant, id, rater, rating, ago],
      );
    await rate('tnt_one', 'rev_old', 'usr_a', 5, '2 days');
    await rate('tnt_one', 'rev_new', 'usr_b', 1, '1 day');
    await rate('tnt_two', 'rev_two', 'usr_c', 4, '3 days');
    await q(
      'INSERT INTO marketplace_review_votes (tenant_id, review_id, voter, helpful) ' +
        "VALUES ('tnt_two', 'rev_old', 'usr_c', true), ('tnt_two', 'rev_new', 'usr_c', false)",
    );

    await migrate(db);

    const kept = await q(
      "SELECT id, tenant_id, rating FROM marketplace_ratings WHERE listing_id = 'mkt_l' ORDER BY id",
    );
    assert.deepEqual(
      kept.map((r) => [r.id, r.tenant_id, Number(r.rating)]),
      [
        ['rev_new', 'tnt_one', 1],
        ['rev_two', 'tnt_two', 4],
      ],
    );
    const [l] = await q("SELECT rating_sum, rating_count FROM marketplace_listings WHERE id = 'mkt_l'");
    assert.deepEqual([Number(l.rating_sum), Number(l.rating_count)], [5, 2]);
    const votes = await q('SELECT review_id FROM marketplace_review_votes ORDER BY review_id');
    assert.deepEqual(
      votes.map((v) => v.review_id),
      ['rev_new'],
    );
    await assert.rejects(
      rate('tnt_one', 'rev_third', 'usr_d', 3, '0 days'),
      /duplicate key|unique/i,
      'a second rating row per tenant is refused',
    );
  });
});
