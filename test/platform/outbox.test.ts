import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Built } from '../../src/app.js';
import { buildApp } from '../../src/app.js';
import { MODULES } from '../../src/modules/index.js';
import { SYSTEM } from '../../src/platform/db/index.js';
import type { DomainEvent } from '../../src/platform/events.js';
import { freshDatabaseUrl, testConfig } from '../helpers/app.js';
import { makeTenant } from '../helpers/http.js';
import { eventHandled } from '../helpers/jobs.js';

describe('transactional outbox', () => {
  let built: Built;
  let drop: () => Promise<void>;
  const seen: DomainEvent[] = [];
  before(async () => {
    // A test subscriber, registered the way modules register theirs.
    MODULES.push({
      name: 'outbox-test',
      setup: (ctx) =>
        ctx.outbox.subscribe(
          'outbox-test',
          ['test.happened', 'test.after', 'tenant.created'],
          async (e) => void seen.push(e),
        ),
    });
    const db = await freshDatabaseUrl();
    drop = db.drop;
    built = await buildApp(testConfig({ databaseUrl: db.url }));
    MODULES.pop();
  });
  after(async () => {
    await built.close();
    await drop();
  });

  async function waitFor(pred: () => boolean, ms = 10_000) {
    const end = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > end) throw new Error('timed out waiting');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('an event committed with its change reaches subscribers through the job queue', async () => {
    const t = await makeTenant(built.app);
    await built.ctx.db.tx(t.id, (ex) => built.ctx.outbox.emit(ex, t.id, 'test.happened', { n: 1 }));
    await waitFor(() => seen.some((e) => e.type === 'test.happened' && e.tenant_id === t.id));
    assert.ok(
      seen.some((e) => e.type === 'tenant.created' && e.tenant_id === t.id),
      'tenant creation emitted an event',
    );
    const [row] = await built.ctx.db.query<{ n: number }>(
      t.id,
      "SELECT count(*)::int AS n FROM events WHERE type = 'test.happened'",
    );
    assert.equal(row.n, 1);
  });

  it('a rolled-back change leaves neither event nor job', async () => {
    const t = await makeTenant(built.app);
    await assert.rejects(
      built.ctx.db.tx(t.id, async (ex) => {
        await built.ctx.outbox.emit(ex, t.id, 'test.happened', { n: 2 });
        throw new Error('change failed');
      }),
    );
    const [row] = await built.ctx.db.query<{ n: number }>(
      t.id,
      "SELECT count(*)::int AS n FROM events WHERE type = 'test.happened'",
    );
    assert.equal(row.n, 0);
    const jobs = await built.ctx.db.query<{ n: number }>(
      SYSTEM,
      `SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'event.outbox-test'
           AND data->'event'->>'tenant_id' = $1 AND data->'event'->>'type' = 'test.happened'`,
      [t.id],
    );
    assert.equal(jobs[0].n, 0);
    // A later committed event is handled; the rolled-back one never is.
    await built.ctx.db.tx(t.id, (ex) => built.ctx.outbox.emit(ex, t.id, 'test.after', { n: 3 }));
    await eventHandled(built, 'outbox-test', t.id, 'test.after');
    assert.ok(!seen.some((e) => e.tenant_id === t.id && e.type === 'test.happened'));
  });
});
