import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { openSse } from '../../platform/http/sse.js';
import { chatChannel, chatService, eventView } from './service.js';

export { endAllStreams } from '../../platform/http/sse.js';

/**
 * Server-Sent Events for one session. Replays everything after Last-Event-ID (header or
 * ?last_event_id), then sends new events as the bus announces them (Redis pub/sub across
 * processes), reading them from the database so nothing is skipped or reordered.
 */
export async function streamSession(
  ctx: AppContext,
  req: FastifyRequest,
  reply: FastifyReply,
  tenantId: string,
  sessionId: string,
  lastEventId: number,
) {
  const chat = chatService(ctx);
  await chat.load(tenantId, sessionId);
  const sse = openSse(ctx, req, reply);
  let last = lastEventId;
  let pending: Promise<void> = Promise.resolve();
  const flush = () => {
    pending = pending
      .then(async () => {
        if (!sse.live) return;
        for (const e of await chat.events(tenantId, sessionId, last)) {
          sse.send(e.type, eventView(e), e.seq);
          last = Number(e.seq);
        }
      })
      .catch(() => undefined);
    return pending;
  };
  const unsubscribe = await ctx.bus.subscribe(chatChannel(tenantId, sessionId), () => void flush());
  sse.onClose(unsubscribe);
  if (!sse.live) unsubscribe();
  await flush();
}
