import autocannon from 'autocannon';
import pg from 'pg';
import { cpuTimes } from './lib/proc.js';
import { freshPgDatabase, PG_URL, REDIS_URL, startServer } from './lib/servers.js';
import type { AtomTarget } from './scenarios/http.js';

/**
 * CPU per request of one line, measured in the server process (utime + stime from /proc), which
 * moves much less with the machine's load than a rate: the instrument issue 21's changes were made
 * and checked with. The bare Fastify route is measured the same way in the same run.
 *   node --import tsx bench/cpu.ts                         # list of 20, PostgreSQL + Redis
 *   BENCH_ENGINE=pglite BENCH_PATH=/api/agents?limit=20 BENCH_PROFILE=/tmp/prof node --import tsx bench/cpu.ts
 * BENCH_PROFILE=<dir> runs the server under `node --cpu-prof` (summarise with bench/cpu-profile.ts).
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const PATH = process.env.BENCH_PATH ?? '/api/agents?limit=20';
const ENGINE = process.env.BENCH_ENGINE ?? 'pg';
const PROFILE = process.env.BENCH_PROFILE;
// BENCH_RATE=N: a fixed request rate (the CPU per second is then fixed cost + rate × cost per request).
const RATE = process.env.BENCH_RATE ? Number(process.env.BENCH_RATE) : undefined;

/** The PostgreSQL backends serving a database (their CPU counts too: they share the machine's cores). */
async function backends(database: string | undefined): Promise<number[]> {
  if (!database) return [];
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  const { rows } = await c.query('SELECT pid FROM pg_stat_activity WHERE datname = $1', [database]);
  await c.end();
  return rows.map((r) => r.pid as number);
}
const sum = (pids: number[]) =>
  pids.reduce((a, p) => {
    try {
      const c = cpuTimes(p);
      return a + c.user + c.sys;
    } catch {
      return a;
    }
  }, 0);

async function measure(pid: number, url: string, headers: Record<string, string>, database?: string) {
  const run = (duration: number) => autocannon({ url, connections: CONNECTIONS, duration, headers, overallRate: RATE });
  await run(2);
  const pids = await backends(database);
  const before = cpuTimes(pid);
  const pgBefore = sum(pids);
  const r = await run(SECONDS);
  const after = cpuTimes(pid);
  const pgCpu = sum(pids) - pgBefore;
  const us = (ms: number) => (ms * 1000) / r.requests.total;
  const bad = r.non2xx + r.errors;
  if (RATE)
    console.log(
      `at ${RATE} req/s: ${((after.user + after.sys - before.user - before.sys) / SECONDS).toFixed(0)} ms CPU per s`,
    );
  return {
    rate: r.requests.average,
    count: r.requests.total,
    cpuUsPerReq: us(after.user + after.sys - before.user - before.sys),
    sysUsPerReq: us(after.sys - before.sys),
    pgUsPerReq: us(pgCpu),
    p99: r.latency.p99,
    bad,
  };
}

const bare = await startServer<{ url: string }>('bench/bare-server.ts', {});
const b = await measure(bare.child.pid!, bare.info.url, {});
bare.child.kill('SIGKILL');

const db = ENGINE === 'pg' ? await freshPgDatabase() : null;
const env = db
  ? { DATABASE_URL: db.url, REDIS_URL, BENCH_CATALOGUE: '0' }
  : { DATABASE_URL: '', REDIS_URL: '', BENCH_CATALOGUE: '0' };
const profileFlags = PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE}`] : [];
const atom = await startServer<AtomTarget>('bench/atom-server.ts', env, profileFlags);
try {
  const trips0 = (await (await fetch(atom.info.stats)).json()) as { pg: number; redis: number };
  const a = await measure(
    atom.child.pid!,
    `${atom.info.base}${PATH}`,
    atom.info.headers,
    db ? new URL(db.url).pathname.slice(1) : undefined,
  );
  const trips1 = (await (await fetch(atom.info.stats)).json()) as { pg: number; redis: number };
  const per = (n: number) => (n / a.count).toFixed(2);
  const line = (name: string, m: typeof b) =>
    `${name.padEnd(28)} ${m.rate.toFixed(0).padStart(7)} req/s  ${m.cpuUsPerReq.toFixed(0).padStart(5)} µs CPU/req ` +
    `(sys ${m.sysUsPerReq.toFixed(0)}, PostgreSQL backends ${m.pgUsPerReq.toFixed(0)})  p99 ${m.p99} ms  ` +
    `non-2xx ${m.bad}`;
  console.log(line('bare', b));
  console.log(line(`${ENGINE} ${PATH}`, a));
  console.log(
    `rate ratio ${((a.rate / b.rate) * 100).toFixed(1)}%  CPU ` +
      `ratio ${((b.cpuUsPerReq / a.cpuUsPerReq) * 100).toFixed(1)}%` +
      `  PG ${per(trips1.pg - trips0.pg)} / Redis ${per(trips1.redis - trips0.redis)} per request (warm-up included)`,
  );
} finally {
  atom.child.kill('SIGTERM');
  await new Promise((r) => atom.child.once('exit', r));
  await db?.drop();
}
process.exit(0);
