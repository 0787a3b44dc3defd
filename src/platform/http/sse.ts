import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';

/**
 * A Server-Sent Events response: headers (keeping the ones hooks set, such as rate limits), a
 * retry hint, a comment line every ATOM_SSE_HEARTBEAT_MS so proxies keep it open, and clean-up
 * when the client goes away or the server shuts down (`endAllStreams`).
 */
export interface SseStream {
  send(event: string, data: unknown, id?: string | number): void;
  end(): void;
  onClose(fn: () => void): void;
  readonly live: boolean;
}

const streams = new WeakMap<AppContext, Set<() => void>>();

/** Ends every open stream of this app (called before the server closes). */
export function endAllStreams(ctx: AppContext) {
  for (const end of [...(streams.get(ctx) ?? [])]) end();
}

export function openSse(ctx: AppContext, req: FastifyRequest, reply: FastifyReply): SseStream {
  reply.hijack();
  const raw = reply.raw;
  for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) raw.setHeader(k, v as string);
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  raw.write('retry: 2000\n\n');
  const open = streams.get(ctx) ?? new Set<() => void>();
  streams.set(ctx, open);
  const closers: (() => void)[] = [];
  let live = true;
  const heartbeat = setInterval(() => raw.write(`: ping ${new Date().toISOString()}\n\n`), ctx.config.sseHeartbeatMs);
  const close = () => {
    if (!live) return;
    live = false;
    open.delete(end);
    clearInterval(heartbeat);
    for (const fn of closers) fn();
  };
  const end = () => {
    close();
    raw.end();
  };
  open.add(end);
  req.raw.on('close', close);
  raw.on('close', close);
  return {
    send(event, data, id) {
      if (live) raw.write(`${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    end,
    onClose: (fn) => closers.push(fn),
    get live() {
      return live;
    },
  };
}
