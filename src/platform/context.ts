import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import type { CredentialResolver } from './auth/resolver.js';
import type { Bus } from './bus.js';
import type { Database } from './db/index.js';
import type { Outbox } from './events.js';
import type { Jobs } from './jobs.js';
import type { Metrics } from './metrics/index.js';
import type { RateStore } from './ratelimit/index.js';
import type { ToolRegistry } from './tools.js';
import type { Tracing } from './tracing/index.js';

/** What every module is built from: shared platform services, no request state. */
export interface AppContext {
  config: Config;
  db: Database;
  jobs: Jobs;
  outbox: Outbox;
  bus: Bus;
  rates: RateStore;
  resolver: CredentialResolver;
  redis: Redis | null;
  /** Tools agents can call, offered by modules (skills, integrations). */
  tools: ToolRegistry;
  /** Prometheus metrics of this app; null when ATOM_METRICS=false. */
  metrics: Metrics | null;
  /** OpenTelemetry tracing; null (the usual case) when no OTLP endpoint is configured. */
  tracing: Tracing | null;
}
