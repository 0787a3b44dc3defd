import PgBoss from 'pg-boss';
import type { Database, Executor } from './db/index.js';

export interface JobOptions {
  retryLimit?: number;
  retryDelay?: number;
  retryBackoff?: boolean;
  expireInSeconds?: number;
  startAfter?: number | Date;
  singletonKey?: string;
}

export interface Job<T> {
  id: string;
  data: T;
  retryCount: number;
}

type Handler<T> = (job: Job<T>) => Promise<void>;
type BatchHandler<T> = (jobs: Job<T>[]) => Promise<void>;

/** A queue's handler with its payload type erased: a queue's jobs carry what was sent to that queue. */
interface Registration {
  handler: Handler<unknown> | null;
  batchHandler?: BatchHandler<unknown>;
  options: JobOptions & { batchSize?: number; pollingIntervalSeconds?: number };
}

/** A background loop that runs beside the queue workers (started and stopped with them) and is woken by name. */
export interface Loop {
  start(): void;
  wake(): void;
  stop(): Promise<void>;
}

/**
 * The channel that wakes workers: a transaction that queues work sends `pg_notify(JOBS_CHANNEL,
 * <queue>)`, delivered on commit (PostgreSQL drops repeats of one payload within a transaction).
 * Polling stays as the fallback when a notification is lost.
 */
export const JOBS_CHANNEL = 'atom_jobs';

const RACE_CODES = new Set(['23505', '42P06', '42P07', '42710', '40P01']);

/**
 * Several processes starting at once race to create pg-boss's schema and queue tables (duplicate
 * objects, or a deadlock between two creators); the loser waits a moment and tries again.
 */
async function raceSafe(fn: () => Promise<unknown>, attempt = 1): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (attempt >= 6 || !RACE_CODES.has((err as { code?: string }).code ?? '')) throw err;
    await new Promise((r) => setTimeout(r, 100 * attempt + Math.random() * 200));
    await raceSafe(fn, attempt + 1);
  }
}

/**
 * The job queue (pg-boss) on the same database as the data. `send` given a transaction's
 * executor writes the job in that transaction: the job table is the outbox, so a committed
 * change always has its follow-up work queued, and a rolled-back one never does.
 */
export class Jobs {
  readonly boss: PgBoss;
  private readonly handlers = new Map<string, Registration>();
  private readonly loops = new Map<string, Loop>();
  private readonly workerIds = new Map<string, string>();
  private unlisten: (() => Promise<void>) | null = null;
  private started = false;

  /** `wrap` decorates every handler as it is registered (metrics, tracing); decided once, at startup. */
  constructor(
    private readonly db: Database,
    private readonly wrap?: <T>(queue: string, handler: Handler<T>) => Handler<T>,
  ) {
    this.boss = new PgBoss({
      db: db.jobsAdapter() as PgBoss.Db,
      schema: 'pgboss',
      supervise: true,
      schedule: false,
      migrate: true,
      maintenanceIntervalSeconds: 10,
    });
    this.boss.on('error', () => undefined);
  }

  /** Declare a queue and its worker. Call before `start`. */
  register<T>(queue: string, handler: Handler<T>, options: Registration['options'] = {}) {
    this.handlers.set(queue, {
      handler: (this.wrap ? this.wrap(queue, handler) : handler) as Handler<unknown>,
      options,
    });
  }

  /** A queue whose worker takes its whole batch at once; a throw fails (and retries) every job of it. */
  registerBatch<T>(queue: string, handler: BatchHandler<T>, options: Registration['options'] = {}) {
    this.handlers.set(queue, { handler: null, batchHandler: handler as BatchHandler<unknown>, options });
  }

  /** A loop (e.g. webhook deliveries) run only where workers run, woken by NOTIFY of `name`. */
  addLoop(name: string, loop: Loop) {
    this.loops.set(name, loop);
  }

  queues(): string[] {
    return [...this.handlers.keys()];
  }

  /** Wakes the worker or loop of `name` in this process now (as a NOTIFY of it would). */
  wake(name: string) {
    const id = this.workerIds.get(name);
    if (id) this.boss.notifyWorker(id);
    this.loops.get(name)?.wake();
  }

  async start(runWorkers: boolean) {
    await raceSafe(() => this.boss.start());
    for (const [queue, reg] of this.handlers) await this.declareQueue(queue, reg.options);
    if (runWorkers) {
      for (const [queue, reg] of this.handlers) {
        const batchSize = reg.options.batchSize ?? 1;
        const id = await this.boss.work<unknown>(
          queue,
          { batchSize, pollingIntervalSeconds: reg.options.pollingIntervalSeconds ?? 0.5, includeMetadata: true },
          async (jobs) => {
            // A full batch means more may be waiting: fetch again at once instead of after the interval.
            if (jobs.length >= batchSize) this.wake(queue);
            await this.runBatch(queue, reg, jobs);
          },
        );
        this.workerIds.set(queue, id);
      }
      this.unlisten = await this.db.listen(JOBS_CHANNEL, (name) => this.wake(name)).catch(() => null);
      for (const loop of this.loops.values()) loop.start();
    }
    this.started = true;
  }

  /**
   * Creates the queue, and gives its row the registration's expiry: jobs the outbox writes take
   * `expire_in` from that row, so an event job whose process died mid-batch is retried after it
   * instead of pg-boss's 15 minutes. `createQueue` leaves an existing row alone, hence the update
   * (installations whose queues predate the setting).
   */
  private async declareQueue(queue: string, options: Registration['options']) {
    await raceSafe(() => this.boss.createQueue(queue));
    const { expireInSeconds } = options;
    if (expireInSeconds) await raceSafe(() => this.boss.updateQueue(queue, { name: queue, expireInSeconds }));
  }

  /**
   * pg-boss waits its polling interval between fetches unless woken (a NOTIFY, or a full batch):
   * jobs of a batch run concurrently, and a failing job is failed on its own (it is
   * retried) while the others complete. Only a batch that failed entirely is thrown back whole.
   */
  private async runBatch(queue: string, reg: Registration, jobs: PgBoss.JobWithMetadata<unknown>[]) {
    const view = (job: PgBoss.JobWithMetadata<unknown>) => ({ id: job.id, data: job.data, retryCount: job.retryCount });
    if (reg.batchHandler) {
      const views = jobs.map(view);
      if (!this.wrap) return reg.batchHandler(views);
      // Each job of the batch is counted and timed (metrics, tracing) with the batch's outcome; the
      // batch runs inside the first job's wrapper (its span), which calls it before the others start.
      let all: Promise<void> | null = null;
      const each = this.wrap(queue, () => (all ??= reg.batchHandler!(views)));
      await Promise.all(views.map((job) => each(job)));
      return;
    }
    const handler = reg.handler!;
    const outcomes = await Promise.allSettled(jobs.map((job) => handler(view(job))));
    const failed = outcomes.flatMap((o, i) =>
      o.status === 'rejected' ? [{ job: jobs[i]!, reason: o.reason as unknown }] : [],
    );
    if (failed.length && failed.length === jobs.length) throw failed[0]!.reason;
    for (const f of failed) {
      await this.boss
        .fail(queue, f.job.id, { message: f.reason instanceof Error ? f.reason.message : String(f.reason) })
        .catch(() => undefined);
    }
  }

  async send<T extends object>(
    queue: string,
    data: T,
    options: JobOptions = {},
    ex?: Executor,
  ): Promise<string | null> {
    const db = ex
      ? { executeSql: async (text: string, values: unknown[]) => ({ rows: await ex.query(text, values) }) }
      : undefined;
    return this.boss.send(queue, data, {
      retryLimit: 5,
      retryBackoff: true,
      ...options,
      ...(db ? { db } : {}),
    } as PgBoss.SendOptions);
  }

  async healthy(): Promise<boolean> {
    if (!this.started) return false;
    try {
      await this.db.jobsAdapter().executeSql('SELECT 1 FROM pgboss.version LIMIT 1', []);
      return true;
    } catch {
      return false;
    }
  }

  async stop() {
    if (!this.started) return;
    this.started = false;
    await this.unlisten?.().catch(() => undefined);
    await Promise.all([...this.loops.values()].map((l) => l.stop()));
    await this.boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    // pg-boss records the last completions right after its workers stop, without awaiting them.
    await new Promise((r) => setTimeout(r, 100));
  }
}
