import type { Executor } from './db/index.js';
import { newId } from './ids.js';
import type { Jobs } from './jobs.js';

export interface DomainEvent<T = Record<string, unknown>> {
  id: string;
  tenant_id: string;
  type: string;
  data: T;
  created_at: string;
}

export type EventHandler = (event: DomainEvent) => Promise<void>;

/**
 * Domain events through the transactional outbox. `emit` must be given the executor of the
 * transaction that makes the change: the event row and one job per subscriber commit with it.
 * Subscribers (webhooks, streaming, federation) each get their own queue, so one failing
 * subscriber retries without replaying the others.
 */
export class Outbox {
  private readonly subscribers = new Map<string, { types: Set<string> | null; handler: EventHandler }>();

  /** `observe` sees every event as it is written (metrics count executions and runs from them). */
  constructor(private readonly jobs: Jobs, private readonly observe?: (type: string, data: object) => void) {}

  /** `types` null: every event. Call before the job queue starts. */
  subscribe(name: string, types: string[] | null, handler: EventHandler) {
    const queue = `event.${name}`;
    this.subscribers.set(queue, { types: types ? new Set(types) : null, handler });
    this.jobs.register<{ event: DomainEvent }>(queue, (job) => handler(job.data.event), { retryLimit: 10, batchSize: 50 });
  }

  async emit<T extends object>(ex: Executor, tenantId: string, type: string, data: T): Promise<DomainEvent<T>> {
    const id = newId('evt');
    const [row] = await ex.query<{ created_at: Date }>(
      'INSERT INTO events (tenant_id, id, type, data) VALUES ($1, $2, $3, $4) RETURNING created_at',
      [tenantId, id, type, JSON.stringify(data)],
    );
    const event: DomainEvent<T> = { id, tenant_id: tenantId, type, data, created_at: new Date(row.created_at).toISOString() };
    this.observe?.(type, data);
    for (const [queue, sub] of this.subscribers) {
      if (sub.types && !sub.types.has(type)) continue;
      await this.jobs.send(queue, { event }, { retryLimit: 10, retryBackoff: true }, ex);
    }
    return event;
  }
}
