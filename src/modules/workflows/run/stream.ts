import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.js';
import { openSse } from '../../../platform/http/sse.js';
import * as repo from './repo.js';
import { runChannel } from './runner.js';
import type { workflowRunsService } from './service.js';

const FALLBACK_MS = 1000;

/**
 * A run's live progress as Server-Sent Events, from its event log: `node` (`{node_id, state,
 * attempt, error?, output?}`) on every node change, `run` (`{status}`) when the run's status
 * changes, then `done` with the whole run, and the stream ends. Each event's id is its number in
 * the log: a client reconnecting with Last-Event-ID gets only what it missed. The runner's bus
 * announcements make it prompt; a re-read each second covers announcements lost between processes.
 */
export async function streamRun(
  ctx: AppContext,
  runs: ReturnType<typeof workflowRunsService>,
  req: FastifyRequest,
  reply: FastifyReply,
  tenantId: string,
  runId: string,
  lastSeq: number,
) {
  await runs.get(tenantId, runId); // 404 before the stream opens
  const sse = openSse(ctx, req, reply);
  let sent = lastSeq;
  let pending: Promise<void> = Promise.resolve();
  const db = ctx.db.as(tenantId);
  const finish = async (seq?: number) => {
    sse.send('done', await runs.get(tenantId, runId), seq);
    sse.end();
  };
  const push = () => {
    pending = pending
      .then(async () => {
        if (!sse.live) return;
        for (const e of await repo.eventsAfter(db, tenantId, runId, sent)) {
          sent = e.seq;
          if (e.type === 'done') return finish(e.seq);
          sse.send(e.type, e.data, e.seq);
        }
        // A run that ended without events (refused by its quota when its schedule fired).
        const run = await repo.get(db, tenantId, runId);
        if (run && repo.TERMINAL.has(run.status) && sent === 0) await finish();
      })
      .catch(() => undefined);
    return pending;
  };
  const unsubscribe = await ctx.bus.subscribe(runChannel(tenantId, runId), () => void push());
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
