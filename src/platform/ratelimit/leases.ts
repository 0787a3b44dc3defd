import type { Redis } from 'ioredis';
import type { Hit, RateStore, Window } from './store.js';

/**
 * Fixed-window counters in Redis, shared by every server process, handed out from leases
 * (docs/decisions.md, "Issue 21: rate limits from leased counts").
 *
 * A window's count is the number of requests it has seen; each request gets the next number. A
 * process takes numbers from Redis in blocks (`INCRBY key n` reserves the n numbers up to the
 * result) and gives them to its requests without a round trip. A number is never given twice, so a
 * window never admits more than its limit, across any number of processes. What a block costs:
 * numbers a process reserved and did not use before the window ended count as used, so the others
 * see up to that many fewer remaining. The block is at most 1/LEASE_SHARE of what the window had
 * left when it was taken (and at most MAX_LEASE): a window with less than 2 × LEASE_SHARE left is
 * counted request by request, as are windows whose limit the caller does not give, so small limits
 * (the free plan's, a test's 3 a minute) are counted exactly. The next block is fetched in the
 * background when half of the current one is used, so a steady stream of requests never waits on
 * Redis.
 */
export const LEASE_SHARE = 64;
export const MAX_LEASE = 256;

/** How many numbers to reserve at once for a window whose known count is `known`. */
export function leaseSize(max: number | undefined, known: number): number {
  if (max === undefined) return 1;
  return Math.max(1, Math.min(MAX_LEASE, Math.floor((max - known) / LEASE_SHARE)));
}

interface Slot {
  resetMs: number;
  /** Reserved numbers not yet given out: [from, to] blocks, oldest first. */
  blocks: Array<[number, number]>;
  /** The highest count Redis has answered for this window. */
  known: number;
  /** A block being fetched. */
  pending: Promise<void> | null;
}

// INCRBY every window key by its amount, setting its expiry on first use; one round trip.
const SCRIPT = `
local out = {}
for i, key in ipairs(KEYS) do
  local by = tonumber(ARGV[2 * i - 1])
  local n = redis.call('INCRBY', key, by)
  if n == by then redis.call('PEXPIRE', key, ARGV[2 * i]) end
  out[i] = n
end
return out`;

type Leasing = Redis & { atomRateLease(n: number, ...args: string[]): Promise<number[]> };

export function leasedRateStore(redis: Redis, prefix = 'atom:rl'): RateStore {
  const r = redis as Leasing;
  if (typeof r.atomRateLease !== 'function') r.defineCommand('atomRateLease', { lua: SCRIPT });
  const slots = new Map<string, Slot>();
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [k, s] of slots) if (s.resetMs <= now && !s.pending) slots.delete(k);
  }, 60_000);
  sweep.unref();

  /** One round trip: adds `amounts[i]` to each key; answers the new counts. */
  async function incr(keys: string[], amounts: number[], windowsMs: number[]): Promise<number[]> {
    const args: string[] = [];
    for (let i = 0; i < keys.length; i++) args.push(String(amounts[i]), String(windowsMs[i] + 1000));
    return r.atomRateLease(keys.length, ...keys, ...args);
  }

  function take(slot: Slot): number | null {
    const block = slot.blocks[0];
    if (!block) return null;
    const n = block[0]++;
    if (block[0] > block[1]) slot.blocks.shift();
    return n;
  }

  const left = (slot: Slot) => slot.blocks.reduce((a, b) => a + b[1] - b[0] + 1, 0);

  function reserve(slot: Slot, key: string, w: Window, size: number) {
    slot.pending = incr([key], [size], [w.windowMs])
      .then(([n]) => addBlock(slot, n!, size))
      .finally(() => {
        slot.pending = null;
      });
    return slot.pending;
  }

  function addBlock(slot: Slot, n: number, size: number) {
    slot.known = Math.max(slot.known, n);
    slot.blocks.push([n - size + 1, n]);
  }

  /** Fetches the next block in the background once half of the last one is given out. */
  function prefetch(slot: Slot, key: string, w: Window) {
    if (slot.pending || w.max === undefined) return;
    const size = leaseSize(w.max, slot.known);
    if (size > 1 && left(slot) * 2 < size) reserve(slot, key, w, size).catch(() => undefined);
  }

  function slotOf(w: Window, now: number): [string, Slot] {
    const start = Math.floor(now / w.windowMs) * w.windowMs;
    const key = `${prefix}:${w.key}:${start}`;
    let slot = slots.get(key);
    if (!slot) {
      slot = { resetMs: start + w.windowMs, blocks: [], known: 0, pending: null };
      slots.set(key, slot);
    }
    return [key, slot];
  }

  /**
   * Counts one request in every window. Each window's number comes from its block when one is
   * reserved; windows counted request by request share one round trip, as without leases.
   */
  async function hit(windows: Window[]): Promise<Hit[]> {
    const now = Date.now();
    const at = windows.map((w) => slotOf(w, now));
    const out: Array<Hit | undefined> = new Array(windows.length);
    for (let open = windows.length; open > 0; ) {
      const direct: number[] = [];
      const waits: Promise<unknown>[] = [];
      for (let i = 0; i < windows.length; i++) {
        if (out[i]) continue;
        const [key, slot] = at[i]!;
        const n = take(slot);
        if (n !== null) {
          out[i] = { count: n, resetMs: slot.resetMs };
          open--;
          prefetch(slot, key, windows[i]!);
        } else if (slot.pending) {
          waits.push(slot.pending);
        } else {
          const size = leaseSize(windows[i]!.max, slot.known);
          if (size === 1) direct.push(i);
          else waits.push(reserve(slot, key, windows[i]!, size));
        }
      }
      if (direct.length > 0) {
        // Counted request by request: concurrent requests do not wait on each other.
        waits.push(
          incr(
            direct.map((i) => at[i]![0]),
            direct.map(() => 1),
            direct.map((i) => windows[i]!.windowMs),
          ).then((counts) => {
            direct.forEach((i, j) => {
              const slot = at[i]![1];
              slot.known = Math.max(slot.known, counts[j]!);
              out[i] = { count: counts[j]!, resetMs: slot.resetMs };
              open--;
            });
          }),
        );
      }
      if (waits.length > 0) await Promise.all(waits);
    }
    return out as Hit[];
  }

  return {
    hit,
    async close() {
      clearInterval(sweep);
    },
  };
}
