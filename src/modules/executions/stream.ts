import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { openSse } from '../../platform/http/sse.js';
import { executionChannel } from './channel.js';
import type { executionsService } from './service.js';

const FINAL = new Set(['completed', 'failed', 'cancelled']);
const FALLBACK_MS = 1000;

/**
 * Live progress of one execution as Server-Sent Events: `step` for each new reasoning-trace step
 * (its id is the step number, so Last-Event-ID resumes after it), `token` for each piece of a
 * model's answer as it streams (`{"text","turn"}`: the last turn's texts make the final summary),
 * `progress` when status or progress change, then `done` with the whole execution, and the stream ends. The database is
 * the source of truth; the runner's bus announcements (heartbeat, park, end) make it prompt, and a
 * one-second re-read covers announcements lost between processes.
 */
export async function streamExecution(
  ctx: AppContext,
  executions: ReturnType<typeof executionsService>,
  req: FastifyRequest,
  reply: FastifyReply,
  ids: { tenantId: string; agentId: string; executionId: string },
  lastStep: number,
) {
  const read = () => executions.get(ids.tenantId, ids.agentId, ids.executionId);
  await read(); // 404 for an unknown or foreign execution, before the stream opens
  const sse = openSse(ctx, req, reply);
  let sentSteps = lastStep;
  let lastState = '';
  let pending: Promise<void> = Promise.resolve();
  const push = () => {
    pending = pending
      .then(async () => {
        if (!sse.live) return;
        const v = await read();
        for (const step of (v.reasoning_trace ?? []).slice(sentSteps)) sse.send('step', step, ++sentSteps);
        const state = `${v.status}:${v.progress}:${v.awaiting_approval ?? ''}`;
        if (state !== lastState) {
          lastState = state;
          sse.send('progress', {
            execution_id: v.execution_id,
            status: v.status,
            progress: v.progress,
            awaiting_approval: v.awaiting_approval,
          });
        }
        if (FINAL.has(v.status)) {
          sse.send('done', v);
          sse.end();
        }
      })
      .catch(() => undefined);
    return pending;
  };
  // A model's answer streams as `token` events (not replayed on resume: the final answer is in `done`).
  const onMessage = (message: string) => {
    const token = message.startsWith('{')
      ? (JSON.parse(message) as { type?: string; text?: string; turn?: number })
      : null;
    if (token?.type === 'token' && sse.live) {
      pending = pending.then(() => {
        if (sse.live) sse.send('token', { text: token.text, turn: token.turn });
      });
      return;
    }
    void push();
  };
  const unsubscribe = await ctx.bus.subscribe(executionChannel(ids.tenantId, ids.executionId), onMessage);
  const timer = setInterval(() => void push(), FALLBACK_MS);
  sse.onClose(() => {
    unsubscribe();
    clearInterval(timer);
  });
  if (!sse.live) {
    unsubscribe();
    clearInterval(timer);
  }
  await push();
}
