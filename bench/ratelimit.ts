import { CONNECTIONS, hammer, type Result, step } from './lib/load.js';
import { cpuMs } from './lib/proc.js';
import { startServer } from './lib/servers.js';

/**
 * Issue 22: ATOM's rate limiter against @fastify/rate-limit, on the routes of bench/ratelimit-server.ts
 * (one process, Redis at BENCH_REDIS_URL). A round gives each route BENCH_SECONDS of autocannon in
 * bursts of BENCH_BURST seconds, the four routes taking turns burst by burst (the order rotating), so
 * a change in the machine's load falls on every route alike; the ratios to the bare route are taken
 * within a round. Counted over the measured bursts: requests, the server's CPU time (utime + stime
 * from /proc: far less disturbed by other work on a shared machine than req/s; Redis's own CPU is
 * not in it) and the Redis commands each limiter sent, each divided by the requests. p99 is the
 * median of the bursts' p99s.
 *   node --import tsx bench/ratelimit.ts     BENCH_ROUNDS (2), BENCH_SECONDS (10), BENCH_BURST (2), BENCH_CONNECTIONS
 * (50) Prints a markdown table per round.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const BURST = Number(process.env.BENCH_BURST ?? 2);
type Info = { base: string; prefix: string };
type Row = {
  name: string;
  rate: number;
  p50: number;
  p99: number;
  errors: number;
  perRequest: number | null;
  cpuUs: number;
};
type Sum = {
  requests: number;
  seconds: number;
  cpuMs: number;
  commands: number;
  p50: number[];
  p99: number[];
  errors: number;
};
const targets = [
  { path: '/bare', client: null },
  { path: '/ours', client: 'ours' },
  { path: '/plugin', client: 'plugin' },
  { path: '/plugin-pair', client: 'pair' },
] as const;

const { info, child } = await startServer<Info>('bench/ratelimit-server.ts', {});
const stats = async (): Promise<Record<string, number>> =>
  (await fetch(`${info.base}/stats`)).json() as Promise<Record<string, number>>;
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
const rounds: Row[][] = [];
const burst = async (t: (typeof targets)[number], label: string, seconds: number): Promise<Result> =>
  hammer({
    name: t.path,
    engine: label,
    base: info.base,
    headers: {},
    next: () => ({ path: t.path }),
    seconds,
    warm: false,
  });
try {
  for (const t of targets) await burst(t, 'warm-up', 2);
  for (let round = 1; round <= ROUNDS; round++) {
    const sums = targets.map(
      (): Sum => ({ requests: 0, seconds: 0, cpuMs: 0, commands: 0, p50: [], p99: [], errors: 0 }),
    );
    const bursts = Math.max(1, Math.round(SECONDS / BURST));
    for (let b = 0; b < bursts; b++) {
      for (let k = 0; k < targets.length; k++) {
        const i = (b + k) % targets.length;
        const t = targets[i]!;
        const before = await stats();
        const cpu = cpuMs(child.pid!);
        const r = await burst(t, `round ${round} burst ${b + 1}`, BURST);
        const s = sums[i]!;
        s.cpuMs += cpuMs(child.pid!) - cpu;
        const after = await stats();
        if (t.client) s.commands += after[t.client]! - before[t.client]!;
        s.requests += r.count!;
        s.seconds += BURST;
        s.p50.push(r.p50 ?? 0);
        s.p99.push(r.p99 ?? 0);
        s.errors += r.errors;
      }
    }
    rounds.push(
      targets.map((t, i) => {
        const s = sums[i]!;
        return {
          name: t.path,
          rate: s.requests / s.seconds,
          p50: median(s.p50),
          p99: median(s.p99),
          errors: s.errors,
          perRequest: t.client ? s.commands / s.requests : null,
          cpuUs: (s.cpuMs * 1000) / s.requests,
        };
      }),
    );
  }
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

step('done');
const fmt = (v: number | null, d = 0) => (v === null ? '–' : v.toFixed(d));
console.log(
  `${new Date().toISOString()}: autocannon, ${CONNECTIONS} connections, ${SECONDS} s per route and round ` +
    `in ${BURST} s bursts taking turns, after a 2 s warm-up; ${ROUNDS} rounds`,
);
rounds.forEach((rows, i) => {
  const bare = rows[0]!;
  console.log(
    `\nRound ${i + 1}\n\n| route | req/s | vs bare | p50 ms (median) | p99 ms (median) | server CPU µs / request | ` +
      `vs bare | Redis commands / request | errors |\n|---|---|---|---|---|---|---|---|---|`,
  );
  for (const r of rows) {
    console.log(
      `| ${r.name} | ${fmt(r.rate)} | ${(r.rate / bare.rate).toFixed(3)} | ${fmt(r.p50)} | ${fmt(r.p99)} ` +
        `| ${fmt(r.cpuUs)} | ${(r.cpuUs / bare.cpuUs).toFixed(2)} | ${fmt(r.perRequest, 4)} | ${r.errors} |`,
    );
  }
});
