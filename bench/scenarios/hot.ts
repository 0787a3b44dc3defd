import type { Result } from '../lib/load.js';
import { hammer } from '../lib/load.js';
import type { startReceiver } from './events.js';
import type { AtomTarget } from './http.js';

/**
 * The hot paths of issue 21, each with the PostgreSQL statements and Redis commands it cost per
 * request (counted in the server process over the measured part, background work included):
 * an authenticated list of 20, agent create (transaction + outbox event), agent execution (the
 * embedded planner calling one trivial function skill, answered synchronously) and webhook
 * deliveries end to end.
 */
export async function hotScenarios(
  engine: string,
  t: AtomTarget,
  receiver: Awaited<ReturnType<typeof startReceiver>>,
): Promise<Result[]> {
  const h = { base: t.base, headers: t.headers, engine };
  let n = 0;
  const out: Result[] = [];
  // BENCH_LINES=list,create,execute,webhooks runs only those lines (all by default).
  const lines = new Set((process.env.BENCH_LINES ?? 'list,create,execute,webhooks').split(','));
  if (lines.has('list'))
    out.push(await counted(t, () => hammer({ ...h, name: HOT.list, next: () => ({ path: '/api/agents?limit=20' }) })));
  if (lines.has('create'))
    out.push(
      await counted(t, () =>
        hammer({
          ...h,
          name: HOT.create,
          next: () => ({
            method: 'POST',
            path: '/api/agents',
            body: JSON.stringify({ name: `hot ${n++}`, role: 'custom', maturity_level: 'student' }),
          }),
        }),
      ),
    );
  if (lines.has('execute'))
    out.push({
      ...(await counted(t, () =>
        hammer({
          ...h,
          name: HOT.execute,
          connections: 8,
          next: () => ({
            method: 'POST',
            path: `/api/agents/${t.agentId}/execute`,
            body: JSON.stringify({ task: 'Echo n=1' }),
          }),
        }),
      )),
      note: '8 connections: beyond the sandbox queue a tenant is answered 429 SANDBOX_BUSY',
    });
  if (lines.has('webhooks')) out.push(await counted(t, () => deliveries(engine, t, receiver)));
  return out;
}

export const HOT = {
  list: 'authenticated list of 20 (GET /api/agents?limit=20)',
  create: 'agent create (POST /api/agents: transaction + outbox event)',
  execute: 'agent execution (embedded planner → one function skill, sync)',
  webhooks: 'webhook deliveries end to end (event → signed POST → 2xx recorded)',
};

/** Issue 21's targets: a share of the bare route, or an absolute rate for deliveries. */
export const TARGETS: Record<string, { ratio?: number; rate?: number }> = {
  [HOT.list]: { ratio: 0.25 },
  [HOT.create]: { ratio: 0.03 },
  [HOT.execute]: { ratio: 0.03 },
  [HOT.webhooks]: { rate: 1000 },
};

async function trips(t: AtomTarget): Promise<{ pg: number; redis: number }> {
  return (await fetch(t.stats)).json() as Promise<{ pg: number; redis: number }>;
}

async function counted(t: AtomTarget, run: () => Promise<Result>): Promise<Result> {
  const before = await trips(t);
  const r = await run();
  const after = await trips(t);
  return { ...r, trips: { pg: after.pg - before.pg, redis: after.redis - before.redis } };
}

const EVENTS = Number(process.env.BENCH_WEBHOOK_EVENTS ?? 3000);

/**
 * N agent.created events committed at once (through the bench server's side door, so the line does
 * not measure agent create again), then timed from the commit until the webhook's delivery log
 * holds N succeeded deliveries: each one signed, POSTed to the loopback receiver, answered 2xx and
 * recorded.
 */
async function deliveries(
  engine: string,
  t: AtomTarget,
  receiver: Awaited<ReturnType<typeof startReceiver>>,
): Promise<Result> {
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${t.base}${path}`, { ...init, headers: { ...t.headers, 'content-type': 'application/json' } }).then(
      (r) => r.json() as Promise<any>,
    );
  const hook = await api('/api/webhooks', {
    method: 'POST',
    body: JSON.stringify({ url: receiver.url, events: ['agent.created'] }),
  });
  if (!hook.success) throw new Error(`webhook not created: ${JSON.stringify(hook)}`);
  const id = hook.data?.webhook?.id ?? hook.data?.id;
  receiver.reset();
  const { committed } = (await (await fetch(`${t.stats}emit?n=${EVENTS}`, { method: 'POST' })).json()) as {
    committed: number;
  };
  const recorded = async () =>
    (await api(`/api/webhooks/${id}/deliveries?status=succeeded&limit=1`)).data.pagination.total as number;
  const deadline = committed + 180_000;
  let done = await recorded();
  while (done < EVENTS && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    done = await recorded();
  }
  const seconds = (Date.now() - committed) / 1000;
  await api(`/api/webhooks/${id}`, { method: 'DELETE' });
  return {
    name: HOT.webhooks,
    engine,
    rate: done / seconds,
    unit: 'deliveries/s',
    p50: null,
    p99: null,
    errors: EVENTS - done,
    count: EVENTS,
    note: `${EVENTS} events committed at once; ${receiver.count} POSTs received`,
  };
}
