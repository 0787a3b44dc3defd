/**
 * When to try a model call again and how long to wait: exponential backoff with jitter, unless
 * the server said how long (Retry-After, in seconds or as an HTTP date). One wait is capped.
 */

export interface RetryPolicy {
  /** Retries after the first attempt (3: four attempts in all). */
  maxRetries: number;
  /** First backoff; doubles with each retry (500 ms, 1 s, 2 s), each ±25 % jitter. */
  backoffMs: number;
  /** Cap of a single wait, Retry-After included. */
  maxWaitMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 3, backoffMs: 500, maxWaitMs: 30_000 };

/** Retry-After as milliseconds from `now`; null when absent or unreadable. A past date is 0. */
export function retryAfterMs(header: string | null | undefined, now = Date.now()): number | null {
  if (header == null || header.trim() === '') return null;
  const v = header.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** The wait before retry number `retry` (1-based): the server's Retry-After if given, else backoff. */
export function retryDelayMs(
  policy: RetryPolicy,
  retry: number,
  retryAfter: number | null,
  random = Math.random,
): number {
  const backoff = policy.backoffMs * 2 ** (retry - 1) * (0.75 + random() * 0.5);
  return Math.min(policy.maxWaitMs, Math.round(retryAfter ?? backoff));
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A deadline that moves: it aborts `signal` when `ms` pass without a `touch()`. Before the
 * answer's headers it bounds the wait for them; while a stream flows, each chunk touches it, so a
 * long answer may take as long as it needs but a stalled one is cut off.
 */
export class IdleTimeout {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout;
  fired = false;

  constructor(private readonly ms: number) {
    this.timer = this.arm();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  touch(): void {
    clearTimeout(this.timer);
    this.timer = this.arm();
  }

  clear(): void {
    clearTimeout(this.timer);
  }

  private arm(): NodeJS.Timeout {
    return setTimeout(() => {
      this.fired = true;
      this.controller.abort(new DOMException(`no answer within ${this.ms} ms`, 'TimeoutError'));
    }, this.ms);
  }
}
