import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { chatChannel, chatService, eventView } from './service.js';

/**
 * Server-Sent Events for one session. Replays everything after Last-Event-ID (header or
 * ?last_event_id), then sends new events as the bus announces them (Redis pub/sub across
 * processes), reading them from the database so nothing is skipped or reordered. A comment line
 * every ATOM_SSE_HEARTBEAT_MS keeps the connection open; everything is released on disconnect.
 */
/** Each app's open streams, so a shutting-down server can end them cleanly instead of waiting on them. */
const streams = new WeakMap<AppContext, Set<() => void>>();
export function endAllStreams(ctx: AppContext) {
  for (const end of [...(streams.get(ctx) ?? [])]) end();
}

export async function streamSession(ctx: AppContext, req: FastifyRequest, reply: FastifyReply, tenantId: string, sessionId: string, lastEventId: number) {
  const chat = chatService(ctx);
  await chat.load(tenantId, sessionId);
  reply.hijack();
  const raw = reply.raw;
  for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) raw.setHeader(k, v as string);
  raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  raw.write('retry: 2000\n\n');

  let last = lastEventId;
  let live = true;
  const open = streams.get(ctx) ?? new Set<() => void>();
  streams.set(ctx, open);
  let pending: Promise<void> = Promise.resolve();
  const flush = () => {
    pending = pending.then(async () => {
      if (!live) return;
      for (const e of await chat.events(tenantId, sessionId, last)) {
        raw.write(`id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify(eventView(e))}\n\n`);
        last = Number(e.seq);
      }
    }).catch(() => undefined);
    return pending;
  };
  const unsubscribe = await ctx.bus.subscribe(chatChannel(tenantId, sessionId), () => void flush());
  const heartbeat = setInterval(() => raw.write(`: ping ${new Date().toISOString()}\n\n`), ctx.config.sseHeartbeatMs);
  const close = () => {
    if (!live) return;
    live = false;
    open.delete(end);
    clearInterval(heartbeat);
    unsubscribe();
  };
  const end = () => {
    close();
    raw.end();
  };
  open.add(end);
  req.raw.on('close', close);
  raw.on('close', close);
  await flush();
}
