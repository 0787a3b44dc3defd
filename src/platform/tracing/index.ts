import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/index.js';
import type { LlmProvider } from '../llm/provider.js';

/**
 * Optional OpenTelemetry tracing. Off unless an OTLP endpoint is configured
 * (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT): then `startTracing` returns
 * null, the SDK is never loaded, and every place that could trace branches once, at startup (a
 * decorator applied or not) or on `ctx.tracing` being null — no tracer is ever called.
 */
export interface Tracing {
  /** Fastify hooks: a server span per request, named by its route pattern; the request's work are its children. */
  http(app: FastifyInstance): void;
  /** The same database, with a span per statement and transaction (only inside a traced request, job or run). */
  db(db: Database): Database;
  /** A queue handler that runs in a span of its own (a trace root). */
  job<T>(queue: string, handler: (job: T) => Promise<void>): (job: T) => Promise<void>;
  /** A model that runs each chat call in a client span, with the token usage. */
  llm(provider: LlmProvider): LlmProvider;
  /** Runs `fn` in a span (child of the current one, if any). */
  span<T>(name: string, attributes: Record<string, string | number | boolean>, fn: () => Promise<T>): Promise<T>;
  /** Sends every ended span now. */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

export interface TracingOptions {
  url: string;
  serviceName?: string;
}

export async function startTracing(opts: {
  otlpTracesUrl: string | null;
  otelServiceName: string;
}): Promise<Tracing | null> {
  if (!opts.otlpTracesUrl) return null;
  const { createTracing } = await import('./sdk.js');
  return createTracing({ url: opts.otlpTracesUrl, serviceName: opts.otelServiceName });
}

/** A skill's sandbox run, traced when tracing is on (a plain call otherwise). */
export function traceSkillRun<T>(
  tracing: Tracing | null,
  skill: { id: string; name?: string },
  run: () => Promise<T>,
): Promise<T> {
  if (!tracing) return run();
  return tracing.span(
    'skill.run',
    { 'atom.skill.id': skill.id, ...(skill.name ? { 'atom.skill.name': skill.name } : {}) },
    run,
  );
}

/** The model provider, decorated when tracing is on. */
export function traceLlm<P extends LlmProvider | null>(tracing: Tracing | null, provider: P): P {
  return tracing && provider ? (tracing.llm(provider) as P) : provider;
}
