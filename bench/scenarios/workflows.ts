import { createHmac } from 'node:crypto';
import { hammer, type Result, step } from '../lib/load.js';
import type { AtomTarget } from './http.js';

type Hook = { id: string; secret: string };

/**
 * Signed calls on a workflow's webhook, as a sender would make them: Standard Webhooks headers
 * (a fresh message id and the current timestamp each time) over a body that changes each call.
 */
function signedCalls(w: Hook) {
  const key = Buffer.from(w.secret.replace(/^whsec_/, ''), 'base64');
  let n = 0;
  return () => {
    n += 1;
    const body = JSON.stringify({ n, sent_by: 'bench' });
    const id = `msg_bench_${n}`;
    const ts = Math.floor(Date.now() / 1000);
    const signature = `v1,${createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest('base64')}`;
    return {
      method: 'POST',
      path: `/api/workflows/${w.id}/webhook`,
      body,
      headers: { 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signature },
    };
  };
}

async function get(t: AtomTarget, path: string): Promise<any> {
  const res = await fetch(`${t.base}${path}`, { headers: t.headers });
  if (!res.ok) throw new Error(`GET ${path} → ${res.status} ${await res.text()}`);
  return res.json();
}
const total = async (t: AtomTarget, w: Hook, status?: string) =>
  (await get(t, `/api/workflows/${w.id}/runs?limit=1${status ? `&status=${status}` : ''}`)).total as number;

/** Waits until no run of the workflow is queued or running (polled every 50 ms); returns when it saw that. */
async function drained(t: AtomTarget, w: Hook): Promise<number> {
  const end = Date.now() + 300_000;
  for (;;) {
    const [queued, running] = await Promise.all([total(t, w, 'queued'), total(t, w, 'running')]);
    if (queued + running === 0) return Date.now();
    if (Date.now() > end) throw new Error(`runs still queued (${queued}) or running (${running}) after 5 minutes`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every run of the workflow with `status`, paged through the API (newest first). */
async function runsOf(
  t: AtomTarget,
  w: Hook,
  status: string,
): Promise<{ created_at: string; finished_at: string | null }[]> {
  const out: { created_at: string; finished_at: string | null }[] = [];
  for (let offset = 0; ; offset += 100) {
    const page = await get(t, `/api/workflows/${w.id}/runs?status=${status}&limit=100&offset=${offset}`);
    out.push(...page.runs);
    if (!page.has_more) return out;
  }
}

/**
 * Trivial workflow runs (trigger → transform → output) through the webhook trigger: each call is
 * verified (HMAC), rate limited (Redis on PostgreSQL; the tenant's per-minute limit is raised out
 * of the way), counted against the daily quota and written as a run with its watchdog job in one
 * transaction, answered 202, and run in the same process right after. Two figures: calls accepted
 * per second (autocannon), and runs that reached `completed` per second, counted afterwards from
 * the API, from the first call to the last run's finished_at.
 */
export async function workflowScenarios(engine: string, t: AtomTarget): Promise<Result[]> {
  const [warm, measured] = t.workflows as [Hook, Hook];
  const h = { base: t.base, headers: t.headers, engine };
  // Warm-up on another workflow, drained before the measured one starts, so its runs do not overlap.
  await hammer({ ...h, name: 'workflow webhook (warm-up)', next: signedCalls(warm), seconds: 2, warm: false });
  await drained(t, warm);

  const started = Date.now();
  const accepted = await hammer({
    ...h,
    name: 'workflow runs through the signed webhook trigger',
    next: signedCalls(measured),
    warm: false,
  });
  step(`${engine}: waiting for the accepted runs to finish`);
  const drainedAt = await drained(t, measured);
  const all = await total(t, measured);
  const completed = await runsOf(t, measured, 'completed');
  const lastFinished = Math.max(...completed.map((r) => Date.parse(r.finished_at!)));
  const seconds = (lastFinished - started) / 1000;
  const latencies = completed.map((r) => Date.parse(r.finished_at!) - Date.parse(r.created_at)).sort((a, b) => a - b);
  const q = (p: number) =>
    latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]! : null;
  return [
    {
      ...accepted,
      name: 'workflow run via signed webhook (trigger → transform → output): 202 accepted',
      note: `${all} runs created; the run goes on after the 202`,
    },
    {
      name: 'workflow runs completed end to end (same calls)',
      engine,
      rate: completed.length / seconds,
      unit: 'runs/s',
      p50: q(0.5),
      p99: q(0.99),
      errors: all - completed.length,
      note:
        `${completed.length} of ${all} runs completed; over ${seconds.toFixed(1)} s from the first call to the last ` +
        `finished_at ` +
        `(all finished ${((drainedAt - started) / 1000).toFixed(1)} s after the first call, as polled); latency = ` +
        `run created → finished`,
    },
  ];
}
