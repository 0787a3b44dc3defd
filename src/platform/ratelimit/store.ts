export interface Window {
  key: string;
  windowMs: number;
  /** The window's limit, when the caller has one: a shared store may then count from leased blocks (leases.ts). */
  max?: number;
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

/** Shared across server processes: every instance counts against the same windows (leases.ts). */
export { leasedRateStore as redisRateStore } from './leases.js';
