import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { CONNECTIONS, hammer, type Result, SECONDS, step } from './lib/load.js';
import { freshPgDatabase, postgresReachable, REDIS_URL, startServer } from './lib/servers.js';
import { startReceiver } from './scenarios/events.js';
import { HOT, hotScenarios, TARGETS } from './scenarios/hot.js';
import type { AtomTarget } from './scenarios/http.js';

/**
 * Issue 21's hot paths, twice (BENCH_ROUNDS), each round with its own bare Fastify route: the
 * authenticated list of 20, agent create, agent execution and webhook deliveries, on PostgreSQL +
 * Redis and on PGlite, with round trips per request. Writes bench/results-hot.md.
 *   npm run bench:hot
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
type Round = { bare: number; results: Result[] };
const rounds: Round[] = [];

async function engineRun(engine: string, env: Record<string, string | undefined>): Promise<Result[]> {
  const receiver = await startReceiver();
  step(`${engine}: starting ATOM`);
  const { info, child } = await startServer<AtomTarget>('bench/atom-server.ts', { ...env, BENCH_CATALOGUE: '0' });
  try {
    return await hotScenarios(engine, info, receiver);
  } finally {
    child.kill('SIGKILL');
    await receiver.close();
  }
}

for (let round = 1; round <= ROUNDS; round++) {
  step(`round ${round} of ${ROUNDS}`);
  const bare = await startServer<{ url: string }>('bench/bare-server.ts', {});
  const path = new URL(bare.info.url).pathname;
  const b = await hammer({
    name: 'bare Fastify route',
    engine: '-',
    base: bare.info.url,
    headers: {},
    next: () => ({ path }),
  });
  bare.child.kill('SIGKILL');
  const results: Result[] = [];
  if (await postgresReachable()) {
    const db = await freshPgDatabase();
    try {
      results.push(...(await engineRun('PostgreSQL + Redis', { DATABASE_URL: db.url, REDIS_URL })));
    } finally {
      await db.drop();
    }
  }
  results.push(...(await engineRun('PGlite', { DATABASE_URL: '', REDIS_URL: '' })));
  rounds.push({ bare: b.rate, results });
}

const num = (v: number) => (v >= 100 ? String(Math.round(v)) : v.toFixed(1));
const pct = (v: number) => `${(v * 100).toFixed(v < 0.1 ? 2 : 1)}%`;
function row(r0: Result): string {
  const same = rounds.map((r) => r.results.find((x) => x.name === r0.name && x.engine === r0.engine)!);
  const measure = (r: Result, i: number) => (TARGETS[r.name]?.rate ? r.rate : r.rate / rounds[i]!.bare);
  const values = same.map(measure);
  const spread = (Math.max(...values) - Math.min(...values)) / Math.max(...values);
  const target = TARGETS[r0.name]!;
  const onPostgres = (rd: Round) => rd.results.find((x) => x.name === r0.name && x.engine !== 'PGlite')!;
  const pgTarget = r0.engine === 'PGlite' ? rounds.map((rd, i) => measure(onPostgres(rd), i)) : null;
  const met = pgTarget
    ? values.every((v, i) => v >= 0.4 * pgTarget[i]!)
    : values.every((v) => v >= (target.rate ?? target.ratio!));
  const share = (i: number) => (target.rate ? '' : `${pct(values[i]!)}, `);
  const shown = same.map((r, i) => `${num(r.rate)} ${r.unit} (${share(i)}p99 ${r.p99 ?? '–'})`).join(' · ');
  const per = (r: Result, n: number) => (n / r.count!).toFixed(1);
  const perReq = same
    .map((r) => (r.trips && r.count ? `${per(r, r.trips.pg)} / ${per(r, r.trips.redis)}` : '–'))
    .join(' · ');
  const goal = pgTarget ? '≥ 40% of PostgreSQL' : target.rate ? `≥ ${target.rate}/s` : `≥ ${pct(target.ratio!)}`;
  const errors = same.reduce((a, r) => a + r.errors, 0);
  return (
    `| ${r0.name} | ${r0.engine} | ${shown} | ${pct(spread)} | ${goal} | ${met ? 'met' : '**not met**'} ` +
    `| ${perReq} | ${errors} |`
  );
}

const machine =
  `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, ` +
  `Node ${process.version}`;
const text = [
  '# Hot paths (issue 21)',
  '',
  `${new Date().toISOString()} — ${machine}; autocannon, ${CONNECTIONS} connections (8 for execution), ${SECONDS} s ` +
    `after a 2 s warm-up;`,
  `${ROUNDS} rounds, each with its own bare Fastify ` +
    `route: ${rounds.map((r) => `${Math.round(r.bare)} req/s`).join(', ')}.`,
  '',
  '| path | engine | rate per round (vs bare, p99 ms) | spread | target | | PG statements / Redis commands per ' +
    'request | errors |',
  '|---|---|---|---|---|---|---|---|',
  ...rounds[0]!.results.map(row),
  '',
  'Statements and commands are counted in the server over the measured part, background work (jobs,',
  'outbox, pg-boss maintenance) included, and divided by the requests (deliveries for the webhook line).',
  'PGlite runs in-process, so it has no round trips to count. Spread: (max − min) / max of the rounds.',
  `Lines: ${Object.values(HOT).join('; ')}.`,
  '',
].join('\n');
console.log(text);
if (process.env.BENCH_WRITE !== '0') writeFileSync('bench/results-hot.md', text);
process.exit(0);
