import type { Redis } from 'ioredis';

export interface Window {
  key: string;
  windowMs: number;
}

export interface Hit {
  count: number;
  resetMs: number; // epoch ms when this window resets
}

/** Fixed-window counters. One call counts a request in several windows at once. */
export interface RateStore {
  hit(windows: Window[]): Promise<Hit[]>;
  close(): Promise<void>;
}

export function memoryRateStore(): RateStore {
  const counters = new Map<string, Hit>();
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [k, v] of counters) if (v.resetMs <= now) counters.delete(k);
  }, 60_000);
  sweep.unref();
  return {
    async hit(windows) {
      const now = Date.now();
      return windows.map(({ key, windowMs }) => {
        const start = Math.floor(now / windowMs) * windowMs;
        const id = `${key}:${start}`;
        const entry = counters.get(id) ?? { count: 0, resetMs: start + windowMs };
        entry.count += 1;
        counters.set(id, entry);
        return { ...entry };
      });
    },
    async close() {
      clearInterval(sweep);
    },
  };
}

// INCR every window key and set its expiry on first use; one round trip for all windows.
const SCRIPT = `
local out = {}
for i, key in ipairs(KEYS) do
  local n = redis.call('INCR', key)
  if n == 1 then redis.call('PEXPIRE', key, ARGV[i]) end
  out[i] = n
end
return out`;

/** Shared across server processes: every instance counts against the same windows. */
export function redisRateStore(redis: Redis, prefix = 'atom:rl'): RateStore {
  return {
    async hit(windows) {
      const now = Date.now();
      const starts = windows.map((w) => Math.floor(now / w.windowMs) * w.windowMs);
      const keys = windows.map((w, i) => `${prefix}:${w.key}:${starts[i]}`);
      const ttls = windows.map((w) => String(w.windowMs + 1000));
      const counts = (await redis.eval(SCRIPT, keys.length, ...keys, ...ttls)) as number[];
      return windows.map((w, i) => ({ count: counts[i], resetMs: starts[i] + w.windowMs }));
    },
    async close() {},
  };
}
