import { readFileSync } from 'node:fs';
import { hammer, step, CONNECTIONS, SECONDS, type Result } from './lib/load.js';
import { startServer } from './lib/servers.js';

/**
 * Issue 22: ATOM's rate limiter against @fastify/rate-limit, on the routes of bench/ratelimit-server.ts
 * (one process, Redis at BENCH_REDIS_URL). Each round hammers the four routes in turn with autocannon
 * (2 s warm-up, then BENCH_SECONDS), so the ratios to the bare route are taken minutes apart at most;
 * the Redis commands each limiter sent during the measured part are divided by its requests, and so
 * is the server's CPU time (utime + stime from /proc: far less disturbed by other work on a shared
 * machine than req/s; Redis's own CPU is not in it).
 *   node --import tsx bench/ratelimit.ts     BENCH_ROUNDS (2), BENCH_SECONDS (8), BENCH_CONNECTIONS (50)
 * Prints a markdown table per round.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
type Info = { base: string; prefix: string };
type Row = Result & { perRequest: number | null; cpuUs: number };
/** The process's CPU time so far, in ms (USER_HZ = 100). */
const cpuMs = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
};
const targets = [
  { path: '/bare', client: null },
  { path: '/ours', client: 'ours' },
  { path: '/plugin', client: 'plugin' },
  { path: '/plugin-pair', client: 'pair' },
] as const;

const { info, child } = await startServer<Info>('bench/ratelimit-server.ts', {});
const stats = async (): Promise<Record<string, number>> => (await fetch(`${info.base}/stats`)).json() as Promise<Record<string, number>>;
const rounds: Row[][] = [];
try {
  for (let round = 1; round <= ROUNDS; round++) {
    const rows: Row[] = [];
    for (const t of targets) {
      // The warm-up is run here so that the round trips are counted over the measured part only.
      await hammer({ name: t.path, engine: `round ${round} warm-up`, base: info.base, headers: {}, next: () => ({ path: t.path }), seconds: 2, warm: false });
      const before = await stats();
      const cpu = cpuMs(child.pid!);
      const r = await hammer({ name: t.path, engine: `round ${round}`, base: info.base, headers: {}, next: () => ({ path: t.path }), warm: false });
      const used = cpuMs(child.pid!) - cpu;
      const after = await stats();
      rows.push({ ...r, perRequest: t.client ? (after[t.client]! - before[t.client]!) / r.count! : null, cpuUs: (used * 1000) / r.count! });
    }
    rounds.push(rows);
  }
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

step('done');
const fmt = (v: number | null, d = 0) => (v === null ? '–' : v.toFixed(d));
console.log(`${new Date().toISOString()}: autocannon, ${CONNECTIONS} connections, ${SECONDS} s per route after a 2 s warm-up, ${ROUNDS} rounds interleaved`);
rounds.forEach((rows, i) => {
  const bare = rows[0]!;
  console.log(`\nRound ${i + 1}\n\n| route | req/s | vs bare | p50 ms | p99 ms | server CPU µs / request | vs bare | Redis commands / request | errors |\n|---|---|---|---|---|---|---|---|---|`);
  for (const r of rows) {
    console.log(`| ${r.name} | ${fmt(r.rate)} | ${(r.rate / bare.rate).toFixed(3)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(r.cpuUs)} | ${(r.cpuUs / bare.cpuUs).toFixed(2)} | ${fmt(r.perRequest, 4)} | ${r.errors} |`);
  }
});
