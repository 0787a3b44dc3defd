import { AsyncLocalStorage } from 'node:async_hooks';
import type { Span, SpanOptions, Tracer } from '@opentelemetry/api';
import { defaultTextMapGetter, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { FastifyInstance } from 'fastify';
import type { LlmProvider } from '../llm/provider.js';
import { tracedDatabase } from './db.js';
import type { Tracing, TracingOptions } from './index.js';

declare module 'fastify' {
  interface FastifyRequest {
    otelSpan: Span | null;
  }
}

/**
 * The SDK side, loaded only when tracing is on. Each app has its own provider and exporter (nothing
 * registered globally: tests build several apps in one process). The current span travels in an
 * AsyncLocalStorage of this instance; spans name their parent explicitly.
 */
export function createTracing(opts: TracingOptions): Tracing {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': opts.serviceName ?? 'atom' }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: opts.url }))],
  });
  const tracer = provider.getTracer('atom');
  const current = new AsyncLocalStorage<Span>();
  const within = (parent: Span | undefined) => (parent ? trace.setSpan(ROOT_CONTEXT, parent) : ROOT_CONTEXT);

  function inSpan<T>(
    name: string,
    options: SpanOptions,
    fn: (span: Span) => Promise<T>,
    parent = current.getStore(),
  ): Promise<T> {
    const span = tracer.startSpan(name, options, within(parent));
    return current
      .run(span, async () => fn(span))
      .then(
        (value) => {
          span.end();
          return value;
        },
        (err: unknown) => {
          failed(span, err);
          span.end();
          throw err;
        },
      );
  }

  const child = <T>(name: string, attributes: Record<string, string>, fn: () => Promise<T>): Promise<T> =>
    current.getStore() ? inSpan(name, { kind: SpanKind.CLIENT, attributes }, fn) : fn();

  return {
    http: (app) => httpSpans(app, tracer, current),
    db: (db) => tracedDatabase(db, child),
    job: (queue, handler) => {
      const options = {
        kind: SpanKind.CONSUMER,
        attributes: { 'messaging.system': 'pg-boss', 'messaging.destination.name': queue },
      };
      return (job) => inSpan(`job ${queue}`, options, () => handler(job), undefined);
    },
    llm: (provider) => tracedLlm(provider, inSpan),
    span: (name, attributes, fn) => inSpan(name, { attributes }, fn),
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

function failed(span: Span, err: unknown) {
  if (err instanceof Error) span.recordException(err);
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
}

/**
 * A server span from `onRequest` to `onResponse`, named `METHOD /route/:pattern`, continuing a
 * caller's `traceparent`. The hooks are callback-style and registered first, so the span entered in
 * `onRequest` is current for the guard's hooks, and entered again in `preValidation`, after the
 * body was read (stream events run outside the request's async context), for the handler.
 */
function httpSpans(app: FastifyInstance, tracer: Tracer, current: AsyncLocalStorage<Span>) {
  const propagator = new W3CTraceContextPropagator();
  app.decorateRequest('otelSpan', null);
  app.addHook('onRequest', (req, _reply, done) => {
    const route = req.routeOptions.url ?? 'unmatched';
    const parent = propagator.extract(ROOT_CONTEXT, req.headers, defaultTextMapGetter);
    const span = tracer.startSpan(
      `${req.method} ${route}`,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': req.method, 'http.route': route, 'url.path': req.url.split('?')[0] },
      },
      parent,
    );
    req.otelSpan = span;
    current.enterWith(span);
    done();
  });
  app.addHook('preValidation', (req, _reply, done) => {
    if (req.otelSpan) current.enterWith(req.otelSpan);
    done();
  });
  app.addHook('onResponse', (req, reply, done) => {
    const span = req.otelSpan;
    if (span) {
      span.setAttribute('http.response.status_code', reply.statusCode);
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    done();
  });
}

type InSpan = <T>(name: string, options: SpanOptions, fn: (span: Span) => Promise<T>) => Promise<T>;

/** Each chat call in a client span with the model's name and token usage (OpenTelemetry's gen_ai conventions). */
function tracedLlm(provider: LlmProvider, inSpan: InSpan): LlmProvider {
  return {
    name: provider.name,
    model: provider.model,
    chat: (messages, tools, options) =>
      inSpan(
        `chat ${provider.model}`,
        {
          kind: SpanKind.CLIENT,
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.system': provider.name,
            'gen_ai.request.model': provider.model,
          },
        },
        async (span) => {
          const r = await provider.chat(messages, tools, options);
          if (r.usage?.prompt_tokens !== undefined)
            span.setAttribute('gen_ai.usage.input_tokens', r.usage.prompt_tokens);
          if (r.usage?.completion_tokens !== undefined)
            span.setAttribute('gen_ai.usage.output_tokens', r.usage.completion_tokens);
          if (r.finish_reason) span.setAttribute('gen_ai.response.finish_reasons', [r.finish_reason]);
          return r;
        },
      ),
  };
}
