import type { AppContext } from '../../platform/context.js';
import { SYSTEM } from '../../platform/db/index.js';
import type { Loop } from '../../platform/jobs.js';
import { failDisabled, LEASE_MS, post, settleFailure } from './delivery.js';
import * as repo from './repo.js';

export interface LoopOptions {
  /** Most deliveries claimed by one statement. */
  batch: number;
  /**
   * Most POSTs in flight to one endpoint from this process (as many again are claimed ahead): a slow receiver holds
   * only its own.
   */
  perEndpoint: number;
  /** Most deliveries in flight in this process. */
  maxInFlight: number;
  /** Idle poll (due retries, notifications lost). */
  pollMs: number;
  /** 2xx answers are recorded together, at the latest this long after they arrive. */
  flushMs: number;
}

interface Line {
  waiting: repo.ClaimedDelivery[];
  sending: number;
}

/**
 * An endpoint's line holds this many times `perEndpoint` claimed deliveries; it is refilled a `perEndpoint` at a time.
 */
const AHEAD = 3;

const DEFAULTS: LoopOptions = { batch: 200, perEndpoint: 16, maxInFlight: 512, pollMs: 500, flushMs: 10 };

/**
 * The delivery log is its own queue: this loop claims due deliveries (one statement for a batch,
 * leased), POSTs each over its destination's keep-alive pool, records 2xx answers in batches and
 * failures one by one (retry schedule, disabling). Woken by NOTIFY when deliveries are inserted,
 * by its own retries' due times, and by a poll as the fallback.
 */
export function deliveryLoop(ctx: AppContext, options: Partial<LoopOptions> = {}): Loop {
  const o = { ...DEFAULTS, ...options };
  /** Claimed and not yet answered, per endpoint. */
  const held = new Map<string, number>();
  const lines = new Map<string, Line>();
  const sends = new Set<Promise<void>>();
  const succeeded: { tenantId: string; id: string; code: number }[] = [];
  let inFlight = 0;
  let claiming = false;
  let again = false;
  let more = false;
  let stopped = true;
  let poll: NodeJS.Timeout | null = null;
  let soonTimer: NodeJS.Timeout | null = null;
  let flushTimer: NodeJS.Timeout | null = null;
  let flushing: Promise<void> = Promise.resolve();
  const report = (err: unknown) => void ctx.jobs.boss.emit('error', err);

  async function pump(): Promise<void> {
    if (stopped) return;
    if (claiming) {
      again = true;
      return;
    }
    claiming = true;
    try {
      do {
        again = false;
        const limit = Math.min(o.batch, o.maxInFlight - inFlight);
        if (limit <= 0) {
          more = true;
          return;
        }
        // An endpoint whose line is full is left out of the claim: its due rows are still there.
        const perEndpoint = AHEAD * o.perEndpoint;
        const full = [...held].filter(([, n]) => n >= perEndpoint).map(([id]) => id);
        const rows = await repo.claimDue(ctx.db.as(SYSTEM), { limit, perEndpoint, held, full, leaseMs: LEASE_MS });
        for (const d of rows) start(d);
        // Any row claimed, or a full line left out, may leave more due (a claim can return fewer rows
        // than there is room for: rows locked by another process are skipped): claim again when a line
        // has room, until a claim finds nothing. Only then does the loop wait for a NOTIFY or the poll.
        more = rows.length > 0 || full.length > 0;
        if (rows.length === limit) again = true;
      } while (again && !stopped);
    } catch (err) {
      report(err);
    } finally {
      claiming = false;
    }
  }

  /** Claims again shortly, so that several freed slots share one claim. */
  function soon(ms = 2) {
    if (soonTimer || stopped) return;
    soonTimer = setTimeout(() => {
      soonTimer = null;
      void pump();
    }, ms);
  }

  /**
   * Claimed deliveries wait in their endpoint's line; at most `perEndpoint` of them are sent at
   * once. Twice as many more are claimed ahead, so a fast endpoint does not wait for a claim's
   * round trip, and one claim refills a third of a line at least. The lease covers the wait: two
   * rounds of attempts that each end within their deadline.
   */
  function start(d: repo.ClaimedDelivery) {
    inFlight += 1;
    held.set(d.endpoint_id, (held.get(d.endpoint_id) ?? 0) + 1);
    const line = lines.get(d.endpoint_id) ?? { waiting: [], sending: 0 };
    lines.set(d.endpoint_id, line);
    line.waiting.push(d);
    drain(d.endpoint_id, line);
  }

  function drain(endpointId: string, line: Line) {
    while (line.sending < o.perEndpoint && line.waiting.length) {
      const d = line.waiting.shift()!;
      line.sending += 1;
      const p = deliver(d)
        .catch(report)
        .finally(() => {
          sends.delete(p);
          line.sending -= 1;
          inFlight -= 1;
          const n = (held.get(endpointId) ?? 1) - 1;
          if (n > 0) held.set(endpointId, n);
          else held.delete(endpointId);
          if (!line.waiting.length && !line.sending) lines.delete(endpointId);
          else drain(endpointId, line);
          if (more && n <= (AHEAD - 1) * o.perEndpoint) soon();
        });
      sends.add(p);
    }
  }

  async function deliver(d: repo.ClaimedDelivery) {
    if (d.endpoint.status !== 'active') return void (await failDisabled(ctx, d, d.endpoint));
    const r = await post(ctx, d.endpoint, d);
    if (r.error === null) {
      succeeded.push({ tenantId: d.tenant_id, id: d.id, code: r.code! });
      if (succeeded.length >= o.batch) flush();
      else flushTimer ??= setTimeout(flush, o.flushMs);
      return;
    }
    const result = await settleFailure(ctx, d, d.endpoint, r);
    const due = result.next_attempt_at ? Date.parse(result.next_attempt_at) - Date.now() : null;
    if (due !== null && due < o.pollMs) setTimeout(() => void pump(), Math.max(due, 0) + 5).unref();
  }

  /** Records the 2xx answers so far in one statement; a failure leaves them leased, sent again when the lease ends. */
  function flush(): Promise<void> {
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = null;
    const batch = succeeded.splice(0);
    if (!batch.length) return flushing;
    flushing = flushing
      .then(() => repo.recordSucceeded(ctx.db.as(SYSTEM), batch))
      .then(() => ctx.metrics?.webhookDelivery('delivered', batch.length))
      .catch(report);
    return flushing;
  }

  return {
    start() {
      stopped = false;
      poll = setInterval(() => void pump(), o.pollMs).unref();
      void pump();
    },
    wake: () => void pump(),
    async stop() {
      stopped = true;
      if (poll) clearInterval(poll);
      if (soonTimer) clearTimeout(soonTimer);
      soonTimer = null;
      // In-flight POSTs end within their deadline; their answers are recorded before the database closes.
      await Promise.allSettled([...sends]);
      await flush();
    },
  };
}
