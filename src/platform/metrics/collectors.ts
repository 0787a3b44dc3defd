import { Counter, Gauge, type Registry } from 'prom-client';
import { type Database, SYSTEM } from '../db/index.js';

/** The skill sandbox pool as it stands (skills/sandbox `sandboxStats()`). */
export interface SandboxStats {
  workers: number;
  pool_size: number;
  busy: number;
  queued: number;
  terminated_on_deadline: number;
  refused_busy: number;
}

export interface CollectorSources {
  db: Database;
  queues: () => string[];
  sandbox?: () => SandboxStats;
}

/** A scrape reads the job table at most this often; scrapes in between get the last answer. */
export const QUEUE_STATS_TTL_MS = 5_000;

/**
 * Jobs not yet started, per queue: due now (`ready`) or waiting for their start time (`scheduled`:
 * delayed sends and retries with backoff), and how long the oldest due job has waited. Only rows
 * pg-boss's fetch index covers (`state < 'active'`), so the cost follows the backlog, not the
 * table's history of completed jobs.
 */
const QUEUE_SQL = `SELECT name, start_after <= now() AS due, count(*)::int AS jobs,
  EXTRACT(EPOCH FROM now() - min(start_after))::float8 AS oldest_s
  FROM pgboss.job WHERE state < 'active' GROUP BY name, start_after <= now()`;

interface QueueRow {
  name: string;
  due: boolean;
  jobs: number;
  oldest_s: number;
}

/** One read shared by the scrapes within the TTL (and by the two gauges of one scrape). */
function cachedQueueRows(db: Database): () => Promise<QueueRow[]> {
  let last: { at: number; rows: Promise<QueueRow[]> } | null = null;
  return () => {
    const now = Date.now();
    if (!last || now - last.at >= QUEUE_STATS_TTL_MS) {
      last = { at: now, rows: db.query<QueueRow>(SYSTEM, QUEUE_SQL).catch(() => []) };
    }
    return last.rows;
  };
}

function queueGauges(registry: Registry, s: CollectorSources) {
  const rows = cachedQueueRows(s.db);
  const registers = [registry];
  new Gauge({
    name: 'atom_job_queue_depth',
    help: 'Jobs waiting in a queue: ready (due now) or scheduled (start later, retries with backoff)',
    labelNames: ['queue', 'state'],
    registers,
    async collect() {
      const found = await rows();
      this.reset();
      for (const queue of s.queues()) for (const state of ['ready', 'scheduled']) this.set({ queue, state }, 0);
      for (const r of found) this.set({ queue: r.name, state: r.due ? 'ready' : 'scheduled' }, r.jobs);
    },
  });
  new Gauge({
    name: 'atom_job_queue_oldest_age_seconds',
    help: 'How long the oldest ready job of a queue has been due (0: none waiting)',
    labelNames: ['queue'],
    registers,
    async collect() {
      const found = await rows();
      this.reset();
      for (const queue of s.queues()) this.set({ queue }, 0);
      for (const r of found) if (r.due) this.set({ queue: r.name }, Math.max(0, r.oldest_s));
    },
  });
}

function sandboxGauges(registry: Registry, read: () => SandboxStats) {
  const registers = [registry];
  const gauge = (name: string, help: string, pick: (s: SandboxStats) => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(pick(read()));
      },
    });
  gauge('atom_sandbox_workers', 'Skill sandbox worker threads alive', (s) => s.workers);
  gauge('atom_sandbox_workers_busy', 'Skill sandbox workers running a skill', (s) => s.busy);
  gauge('atom_sandbox_pool_size', 'Skill sandbox workers the pool keeps at most', (s) => s.pool_size);
  gauge('atom_sandbox_queue_length', 'Skill runs waiting for a sandbox worker', (s) => s.queued);
  const counter = (name: string, help: string, pick: (s: SandboxStats) => number) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(pick(read()));
      },
    });
  counter(
    'atom_sandbox_deadline_terminations_total',
    "Sandbox workers terminated at a run's deadline",
    (s) => s.terminated_on_deadline,
  );
  counter('atom_sandbox_refused_total', 'Skill runs refused as SANDBOX_BUSY (this process)', (s) => s.refused_busy);
}

/** PostgreSQL's connection pool; the embedded database has one session and no pool (README). */
function poolGauges(registry: Registry, db: Database) {
  const stats = db.poolStats?.bind(db);
  if (!stats) return;
  new Gauge({
    name: 'atom_db_pool_connections',
    help: 'PostgreSQL pool connections: open (total) and idle',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const s = stats();
      this.set({ state: 'total' }, s.total);
      this.set({ state: 'idle' }, s.idle);
    },
  });
  new Gauge({
    name: 'atom_db_pool_waiting',
    help: 'Queries waiting for a PostgreSQL pool connection',
    registers: [registry],
    collect() {
      this.set(stats().waiting);
    },
  });
}

/** Gauges read at scrape time from state that lives elsewhere. */
export function registerCollectors(registry: Registry, s: CollectorSources) {
  queueGauges(registry, s);
  if (s.sandbox) sandboxGauges(registry, s.sandbox);
  poolGauges(registry, s.db);
}
