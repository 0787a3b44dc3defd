import autocannon from 'autocannon';
import type { Database } from '../src/platform/db/index.js';
import { Metrics } from '../src/platform/metrics/index.js';
import { cpuMs } from './lib/proc.js';
import { freshPgDatabase, startServer } from './lib/servers.js';

/**
 * What metrics (and tracing) cost a request: `GET /api/agents/:id` (API key, one SELECT) on three
 * server processes, metrics off / on / on with tracing, hammered in turn, ROUNDS times. Reported:
 * req/s (wall clock: noisy on a shared machine) and the server's CPU time per request (utime+stime
 * from /proc, which a busy machine disturbs far less), each with its ratio to `off`. Then the
 * hook's own work in a tight loop.
 *   node --import tsx bench/metrics-overhead.ts   BENCH_REQUESTS (2000), BENCH_CONNECTIONS (10), BENCH_ROUNDS (3)
 *   BENCH_ENGINE=postgres                          each server on a fresh PostgreSQL database (BENCH_DATABASE_URL's
 * server) Only the Node process's CPU is counted: PostgreSQL's own work is the same with or without metrics.
 */
type App = { name: string; url: string; key: string; agent: string };
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const pg = process.env.BENCH_ENGINE === 'postgres';
const dbs: Awaited<ReturnType<typeof freshPgDatabase>>[] = [];
for (let i = 0; pg && i < 3; i++) {
  dbs.push(await freshPgDatabase());
  await new Promise((r) => setTimeout(r, 2)); // the databases are named by the millisecond
}
const servers = await Promise.all(
  ['off', 'on', 'tracing'].map((v, i) =>
    startServer<App>('bench/metrics-server.ts', {
      BENCH_VARIANT: v,
      ...(pg ? { BENCH_DATABASE_URL: dbs[i]!.url } : {}),
    }),
  ),
);
const rates: Record<string, number[]> = {};
const cpu: Record<string, number[]> = {};
const hammer = (a: App, amount: number) =>
  autocannon({
    url: `${a.url}/api/agents/${a.agent}`,
    headers: { 'x-api-key': a.key },
    connections: CONNECTIONS,
    amount,
  });
try {
  for (const { info } of servers) await hammer(info, 500);
  for (let round = 0; round < ROUNDS; round++) {
    for (const { info, child } of servers) {
      const before = cpuMs(child.pid!);
      const r = await hammer(info, REQUESTS);
      const used = cpuMs(child.pid!) - before;
      if (r.non2xx || r.errors) throw new Error(`${info.name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
      rates[info.name] ??= [];
      rates[info.name].push(r.requests.average);
      cpu[info.name] ??= [];
      cpu[info.name].push((used * 1000) / r.requests.total);
      const perRequest = ((used * 1000) / r.requests.total).toFixed(0);
      process.stderr.write(
        `round ${round + 1} ${info.name}: ${r.requests.average} req/s, ${perRequest} µs CPU/request\n`,
      );
    }
  }
} finally {
  for (const { child } of servers) child.kill('SIGKILL');
  await Promise.all(dbs.map((d) => d.drop().catch(() => undefined)));
}
console.log(`${pg ? 'PostgreSQL' : 'PGlite'}, ${REQUESTS} requests x ${ROUNDS} rounds, ${CONNECTIONS} connections`);
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
for (const name of Object.keys(rates)) {
  const r = mean(rates[name]!);
  const c = mean(cpu[name]!);
  const rate = `${r.toFixed(0).padStart(6)} req/s (x${(r / mean(rates.off!)).toFixed(3)})`;
  const used = `${c.toFixed(0).padStart(5)} µs CPU/request (x${(c / mean(cpu.off!)).toFixed(3)})`;
  console.log(`${name.padEnd(8)} ${rate}   ${used}   rounds: ${cpu[name]!.map((x) => x.toFixed(0)).join(', ')}`);
}

// The onResponse hook's work alone: one histogram observation.
const metrics = new Metrics({ db: {} as Database, queues: () => [] });
const N = 1_000_000;
const routes = ['/api/agents/:id', '/api/agents', '/api/skills/:id/execute', '/api/webhooks/:id'];
for (let i = 0; i < 100_000; i++) metrics.request(routes[i & 3], 'GET', 200, 0.003, null);
const t0 = process.hrtime.bigint();
for (let i = 0; i < N; i++) metrics.request(routes[i & 3], 'GET', 200, (i % 50) / 1000, null);
const ns = Number(process.hrtime.bigint() - t0) / N;
// The same loop updating a Map: how much the machine's load inflates a loop like this one right now.
const baseline = new Map<string, number>();
const t1 = process.hrtime.bigint();
for (let i = 0; i < N; i++) {
  const k = `${routes[i & 3]} GET 200`;
  baseline.set(k, (baseline.get(k) ?? 0) + 1);
}
const mapNs = Number(process.hrtime.bigint() - t1) / N;
console.log(`hook work alone: ${ns.toFixed(0)} ns per request (${N} observations over 4 routes)`);
console.log(`a Map update in the same loop: ${mapNs.toFixed(0)} ns, for scale`);
process.exit(0);
