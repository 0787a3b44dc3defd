import { hammer } from './lib/load.js';
import { cpuMs } from './lib/proc.js';
import { freshPgDatabase, REDIS_URL, startServer } from './lib/servers.js';
import type { AtomTarget } from './scenarios/http.js';

/**
 * A CPU profile of the server under one hot line (BENCH_PROFILE_LINE: execute | create | list), written to
 * BENCH_PROFILE_DIR by `node --cpu-prof`; prints the rate, the PG statements and Redis commands per
 * request, and the server's CPU time per request (user + system, from its /proc stat). DATABASE_URL=''
 * profiles PGlite.   node --import tsx bench/profile.ts
 */
const line = process.env.BENCH_PROFILE_LINE ?? 'execute';
const dir = process.env.BENCH_PROFILE_DIR ?? '/tmp';
const db = process.env.DATABASE_URL === '' ? null : await freshPgDatabase();
const env = { ...process.env, BENCH_CATALOGUE: '0', DATABASE_URL: db?.url ?? '', REDIS_URL: db ? REDIS_URL : '' };
const { info: t, child } = await startServer<AtomTarget>('bench/atom-server.ts', env, [
  '--cpu-prof',
  `--cpu-prof-dir=${dir}`,
]);
const cpu = () => cpuMs(child.pid!);
const trips = async () => (await fetch(t.stats)).json() as Promise<{ pg: number; redis: number }>;
let n = 0;
const next = {
  execute: () => ({
    method: 'POST',
    path: `/api/agents/${t.agentId}/execute`,
    body: JSON.stringify({ task: 'Echo n=1' }),
  }),
  create: () => ({
    method: 'POST',
    path: '/api/agents',
    body: JSON.stringify({ name: `p ${n++}`, role: 'custom', maturity_level: 'student' }),
  }),
  list: () => ({ path: '/api/agents?limit=20' }),
}[line]!;
const connections = Number(process.env.BENCH_CONNECTIONS ?? (line === 'execute' ? 8 : 50));
const load = {
  name: line,
  engine: db ? 'pg' : 'pglite',
  base: t.base,
  headers: t.headers,
  next,
  connections,
  warm: false,
};
await hammer({ ...load, seconds: 2 });
const [b, c0] = [await trips(), cpu()];
const r = await hammer(load);
const [a, c1] = [await trips(), cpu()];
const per = (x: number) => (x / (r.count ?? 1)).toFixed(2);
console.log(
  JSON.stringify({
    line,
    engine: db ? 'postgres' : 'pglite',
    rate: r.rate.toFixed(1),
    errors: r.errors,
    requests: r.count,
    pg_per_req: per(a.pg - b.pg),
    redis_per_req: per(a.redis - b.redis),
    cpu_ms_per_req: per(c1 - c0),
    p99: r.p99,
  }),
);
child.kill('SIGTERM');
await new Promise((res) => child.once('exit', res));
await db?.drop();
process.exit(0);
