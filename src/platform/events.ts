import type { Executor } from './db/index.js';
import { newId } from './ids.js';
import { JOBS_CHANNEL, type Jobs } from './jobs.js';

export interface DomainEvent<T = Record<string, unknown>> {
  id: string;
  tenant_id: string;
  type: string;
  data: T;
  created_at: string;
}

export type EventHandler = (event: DomainEvent) => Promise<void>;
export type EventBatchHandler = (events: DomainEvent[]) => Promise<void>;

/** Job options of every subscriber's job (pg-boss's defaults for the rest, read from its queue row as `send` does). */
const RETRY_LIMIT = 10;

/**
 * The event row, one pg-boss job per subscribed queue (the columns pg-boss's own insert fills,
 * with `retryLimit` 10 and backoff, other values from the queue row or pg-boss's defaults) and a
 * NOTIFY per queue that wakes its worker on commit: one statement, one round trip. The created_at
 * text is the event's, in the job and in the returned event alike.
 */
const EMIT_SQL = `
WITH ev AS (
  INSERT INTO events (tenant_id, id, type, data) VALUES ($1, $2, $3, $4::jsonb)
  RETURNING to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at
), job AS (
  INSERT INTO pgboss.job (name, data, retry_limit, retry_delay, retry_backoff, expire_in, keep_until, dead_letter,
    policy)
  SELECT q.name,
         jsonb_build_object('event', jsonb_build_object(
           'id', $2::text, 'tenant_id', $1::text, 'type', $3::text, 'data', $4::jsonb, 'created_at', ev.created_at)),
         ${RETRY_LIMIT}, GREATEST(COALESCE(q.retry_delay, 0), 1), true,
         COALESCE(q.expire_seconds * interval '1 second', interval '15 minutes'),
         now() + COALESCE(q.retention_minutes * interval '1 minute', interval '14 days'),
         q.dead_letter, q.policy
    FROM ev, pgboss.queue q
   WHERE q.name = ANY($5::text[])
)
SELECT ev.created_at, (SELECT count(pg_notify('${JOBS_CHANNEL}', n)) FROM unnest($5::text[]) AS n) AS notified FROM ev`;

/**
 * Domain events through the transactional outbox. `emit` must be given the executor of the
 * transaction that makes the change: the event row and one job per subscriber commit with it.
 * Subscribers (webhooks, streaming, federation) each get their own queue, so one failing
 * subscriber retries without replaying the others.
 */
export class Outbox {
  private readonly subscribers = new Map<string, { types: Set<string> | null }>();

  private readonly observe?: (type: string, data: object) => void;
  private readonly expireInSeconds: number;

  /**
   * `observe` sees every event as it is written (metrics count executions and runs from them).
   * `expireInSeconds`: a subscriber's job still active after this long (its process was killed
   * mid-batch) is retried; handlers must finish well within it.
   */
  constructor(
    private readonly jobs: Jobs,
    options: { expireInSeconds: number; observe?: (type: string, data: object) => void },
  ) {
    this.observe = options.observe;
    this.expireInSeconds = options.expireInSeconds;
  }

  /** `types` null: every event. Call before the job queue starts. */
  subscribe(name: string, types: string[] | null, handler: EventHandler) {
    const queue = `event.${name}`;
    this.subscribers.set(queue, { types: types ? new Set(types) : null });
    this.jobs.register<{ event: DomainEvent }>(queue, (job) => handler(job.data.event), {
      retryLimit: RETRY_LIMIT,
      batchSize: 50,
      expireInSeconds: this.expireInSeconds,
    });
  }

  /**
   * A subscriber that takes up to `batchSize` events at once (e.g. one query for a batch). A throw
   * retries the whole batch, so the handler must be idempotent per event (outbox delivery is
   * at-least-once anyway).
   */
  subscribeBatch(name: string, types: string[] | null, handler: EventBatchHandler, batchSize = 500) {
    const queue = `event.${name}`;
    this.subscribers.set(queue, { types: types ? new Set(types) : null });
    const options = { retryLimit: RETRY_LIMIT, batchSize, expireInSeconds: this.expireInSeconds };
    this.jobs.registerBatch<{ event: DomainEvent }>(queue, (jobs) => handler(jobs.map((j) => j.data.event)), options);
  }

  async emit<T extends object>(ex: Executor, tenantId: string, type: string, data: T): Promise<DomainEvent<T>> {
    const id = newId('evt');
    const queues = [...this.subscribers].filter(([, sub]) => !sub.types || sub.types.has(type)).map(([queue]) => queue);
    const [row] = await ex.query<{ created_at: string }>(EMIT_SQL, [tenantId, id, type, JSON.stringify(data), queues]);
    this.observe?.(type, data);
    return { id, tenant_id: tenantId, type, data, created_at: row!.created_at };
  }
}
