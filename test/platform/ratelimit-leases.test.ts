import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { LEASE_SHARE, leasedRateStore } from '../../src/platform/ratelimit/leases.js';
import type { Hit, RateStore } from '../../src/platform/ratelimit/store.js';

/**
 * Counts from leased blocks (src/platform/ratelimit/leases.ts): three stores on three Redis
 * connections stand for three server processes. Needs Redis (CI's second pass).
 */
const enabled = !!process.env.REDIS_URL;
const HOUR = 3_600_000;

describe('rate-limit counts from leased blocks', { skip: !enabled && 'needs REDIS_URL' }, () => {
  const clients: Redis[] = [];
  let commands = 0;
  const prefix = `atom:rl:test:${randomBytes(4).toString('hex')}`;
  const stores = (n: number): RateStore[] => clients.slice(0, n).map((c) => leasedRateStore(c, prefix));

  before(() => {
    for (let i = 0; i < 3; i++) {
      const c = new Redis(process.env.REDIS_URL!, { enableAutoPipelining: true });
      const send = c.sendCommand.bind(c);
      c.sendCommand = ((...args: Parameters<typeof send>) => {
        commands++;
        return send(...args);
      }) as typeof c.sendCommand;
      clients.push(c);
    }
  });
  after(async () => {
    const keys = await clients[0]!.keys(`${prefix}:*`);
    if (keys.length) await clients[0]!.del(...keys);
    await Promise.all(clients.map((c) => c.quit()));
  });

  it('one process counts 1, 2, 3, … exactly, with far fewer round trips than requests', async () => {
    const [store] = stores(1);
    const w = { key: 'one', windowMs: HOUR, max: 100_000 };
    const before = commands;
    const counts: number[] = [];
    for (let i = 0; i < 2000; i++) counts.push((await store!.hit([w]))[0]!.count);
    assert.deepEqual(
      counts,
      Array.from({ length: 2000 }, (_, i) => i + 1),
    );
    assert.ok(commands - before < 2000 / 50, `${commands - before} Redis commands for 2000 requests`);
  });

  it('a burst across three processes never admits more than the limit, and wastes little', async () => {
    const max = 10_000;
    const all = stores(3);
    const w = { key: 'burst', windowMs: HOUR, max };
    const counts: number[] = [];
    // 4,000 requests a process, 100 at a time.
    await Promise.all(
      all.map(async (s) => {
        for (let round = 0; round < 40; round++) {
          const hits = await Promise.all(Array.from({ length: 100 }, () => s.hit([w])));
          counts.push(...hits.map((h) => h[0]!.count));
        }
      }),
    );
    assert.equal(new Set(counts).size, counts.length, 'no number is given twice');
    const admitted = counts.filter((n) => n <= max).length;
    assert.ok(admitted <= max, `admitted ${admitted}`);
    // Numbers reserved and never given: at most a block per process, a block at most 1/LEASE_SHARE of what was left.
    assert.ok(admitted >= max - (3 * max) / LEASE_SHARE, `admitted ${admitted}`);
  });

  it('a small limit is counted request by request: exactly the limit is admitted across processes', async () => {
    const all = stores(3);
    const w = { key: 'small', windowMs: HOUR, max: 30 };
    const hits = await Promise.all(Array.from({ length: 60 }, (_, i) => all[i % 3]!.hit([w])));
    const counts = hits.map((h) => h[0]!.count).sort((a, b) => a - b);
    assert.deepEqual(
      counts,
      Array.from({ length: 60 }, (_, i) => i + 1),
    );
  });

  it('a window without a limit is counted request by request', async () => {
    const [store] = stores(1);
    const before = commands;
    for (let i = 1; i <= 20; i++) assert.equal((await store!.hit([{ key: 'nomax', windowMs: HOUR }]))[0]!.count, i);
    assert.equal(commands - before, 20);
  });

  it('counts two windows at once, and a new window starts again from 1', async () => {
    const [store] = stores(1);
    const windowMs = 2_000;
    // Start early in a window, so ten requests fit in it.
    while (Date.now() % windowMs > 500) await new Promise((r) => setImmediate(r));
    const start = Math.floor(Date.now() / windowMs);
    let hits: Hit[] = [];
    for (let i = 0; i < 10; i++)
      hits = await store!.hit([
        { key: 'short', windowMs, max: 100_000 },
        { key: 'long', windowMs: HOUR, max: 100_000 },
      ]);
    assert.deepEqual(
      hits.map((h) => h.count),
      [10, 10],
    );
    while (Math.floor(Date.now() / windowMs) === start) await new Promise((r) => setTimeout(r, 20));
    hits = await store!.hit([
      { key: 'short', windowMs, max: 100_000 },
      { key: 'long', windowMs: HOUR, max: 100_000 },
    ]);
    assert.deepEqual(
      hits.map((h) => h.count),
      [1, 11],
    );
  });
});
