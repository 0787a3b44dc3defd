import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { type CollectorSources, registerCollectors } from './collectors.js';

/** Seconds; from a cached read (~1 ms) to a slow model-backed request. */
const HTTP_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const JOB_BUCKETS = [0.005, 0.025, 0.1, 0.5, 1, 5, 15, 60, 300];
/** Status codes as label text, made once each (prom-client takes a string label ~30% faster than a number). */
const STATUS_TEXT: string[] = [];
/** The route label of a request no route matched: one series, whatever the URL. */
export const UNMATCHED = 'unmatched';

/** The database, the registered queues (reported as 0 when empty) and the sandbox pool, read on scrape. */
export type MetricsSources = CollectorSources;

/** What a webhook delivery attempt ended as (see webhooks/delivery.ts). */
export type DeliveryOutcome = 'delivered' | 'retry_scheduled' | 'failed' | 'endpoint_disabled';

/**
 * The Prometheus metrics of one app instance, in a registry of its own (tests build several apps in
 * one process; the global default registry would refuse the second). Counters and histograms are
 * updated where things happen; gauges of state held elsewhere (job queues, sandbox, database pool)
 * are read when scraped.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly http: Histogram<'route' | 'method' | 'status'>;
  private readonly errors: Counter<'code'>;
  private readonly deliveries: Counter<'outcome'>;
  private readonly executions: Counter<'status'>;
  private readonly workflowRuns: Counter<'status'>;
  private readonly events: Counter<'type'>;
  private readonly jobs: Counter<'queue' | 'outcome'>;
  private readonly jobSeconds: Histogram<'queue'>;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.http = new Histogram({
      name: 'atom_http_request_duration_seconds',
      help: 'HTTP requests by route pattern, method and status, and how long they took',
      labelNames: ['route', 'method', 'status'],
      buckets: HTTP_BUCKETS,
      registers,
    });
    this.errors = new Counter({
      name: 'atom_http_errors_total',
      help: "Error responses by the envelope's error code",
      labelNames: ['code'],
      registers,
    });
    this.deliveries = new Counter({
      name: 'atom_webhook_deliveries_total',
      help: 'Webhook delivery attempts by outcome',
      labelNames: ['outcome'],
      registers,
    });
    const counter = <L extends string>(name: string, help: string, labelNames: L[]) =>
      new Counter<L>({ name, help, labelNames, registers });
    this.executions = counter('atom_agent_executions_total', 'Agent executions that ended, by status', ['status']);
    this.workflowRuns = counter('atom_workflow_runs_total', 'Workflow runs that ended, by status', ['status']);
    this.events = counter('atom_events_emitted_total', 'Domain events written to the outbox, by type', ['type']);
    this.jobs = counter('atom_jobs_total', 'Queue jobs this process ran, by queue and outcome', ['queue', 'outcome']);
    this.jobSeconds = new Histogram({
      name: 'atom_job_duration_seconds',
      help: 'How long this process took to run a queue job',
      labelNames: ['queue'],
      buckets: JOB_BUCKETS,
      registers,
    });
    registerCollectors(this.registry, sources);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The text exposition format, for a scrape. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  /** One finished HTTP request; `route` is the route pattern (undefined: no route matched). */
  request(route: string | undefined, method: string, status: number, seconds: number, errorCode: string | null) {
    STATUS_TEXT[status] ??= String(status);
    this.http.observe({ route: route ?? UNMATCHED, method, status: STATUS_TEXT[status] }, seconds);
    if (errorCode !== null) this.errors.inc({ code: errorCode });
  }

  webhookDelivery(outcome: DeliveryOutcome, count = 1) {
    this.deliveries.inc({ outcome }, count);
  }

  /** Every domain event; the ends of executions and workflow runs are counted from theirs. */
  event(type: string, data: object) {
    this.events.inc({ type });
    if (type === 'agent.executed') {
      this.executions.inc({ status: String((data as { status?: unknown }).status ?? 'unknown') });
    } else if (type.startsWith('workflow.run.')) this.workflowRuns.inc({ status: type.slice('workflow.run.'.length) });
  }

  /** Wraps a queue handler so each job is counted and timed. */
  job<T>(queue: string, handler: (job: T) => Promise<void>): (job: T) => Promise<void> {
    return async (job) => {
      const end = this.jobSeconds.startTimer({ queue });
      try {
        await handler(job);
        this.jobs.inc({ queue, outcome: 'completed' });
      } catch (err) {
        this.jobs.inc({ queue, outcome: 'failed' });
        throw err;
      } finally {
        end();
      }
    };
  }
}
