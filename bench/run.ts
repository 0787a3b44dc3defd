import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { createInterface } from 'node:readline';
import pg from 'pg';

/**
 * Load benchmark: a bare Fastify route against ATOM's authenticated, rate-limited,
 * tenant-scoped list, on embedded PGlite and (when reachable) PostgreSQL + Redis, in one run.
 * Reports requests/s, p99 latency and the ratio to the bare route. Not a test: numbers only.
 *   npm run bench               (BENCH_SECONDS=10 BENCH_CONNECTIONS=50 by default)
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

interface Target { url: string; headers: Record<string, string> }
interface Result { name: string; rps: number; p99: number; errors: number; non2xx: number }

async function startServer(script: string, env: Record<string, string | undefined>): Promise<{ target: Target; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return { target: JSON.parse(line) as Target, child };
}

async function load(name: string, target: Target): Promise<Result> {
  await autocannon({ url: target.url, headers: target.headers, connections: CONNECTIONS, duration: 2 }); // warm-up
  const r = await autocannon({ url: target.url, headers: target.headers, connections: CONNECTIONS, duration: SECONDS });
  return { name, rps: r.requests.average, p99: r.latency.p99, errors: r.errors, non2xx: r.non2xx };
}

async function postgresReachable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

async function freshPgDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `atom_bench_${Date.now()}`;
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const d = new pg.Client({ connectionString: PG_URL });
      await d.connect();
      await d.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await d.end();
    },
  };
}

async function measure(name: string, script: string, env: Record<string, string | undefined>): Promise<Result> {
  const { target, child } = await startServer(script, env);
  try {
    return await load(name, target);
  } finally {
    child.kill('SIGKILL');
  }
}

const results: Result[] = [];
const bare = await measure('bare Fastify route', 'bench/bare-server.ts', {});
results.push(bare);
results.push(await measure('authenticated list, PGlite', 'bench/atom-server.ts', { DATABASE_URL: '', REDIS_URL: '' }));
if (await postgresReachable()) {
  const db = await freshPgDatabase();
  try {
    results.push(await measure('authenticated list, PostgreSQL + Redis', 'bench/atom-server.ts', { DATABASE_URL: db.url, REDIS_URL }));
  } finally {
    await db.drop();
  }
} else {
  console.log(`PostgreSQL not reachable at ${PG_URL}: skipped`);
}

const rows = results.map((r) => `| ${r.name} | ${Math.round(r.rps)} | ${r.p99} | ${(r.rps / bare.rps * 100).toFixed(1)}% | ${r.errors + r.non2xx} |`);
const table = ['| target | requests/s | p99 ms | vs bare | errors+non-2xx |', '|---|---|---|---|---|', ...rows].join('\n');
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const report = `# Benchmark results\n\n${new Date().toISOString()} — ${machine}\n\nautocannon, ${CONNECTIONS} connections, ${SECONDS} s per target after a 2 s warm-up; load generator and server share the machine.\n\n${table}\n\nTarget kept by later work: authenticated list on PostgreSQL >= 25% of the bare route.\n`;
console.log(report);
if (process.env.BENCH_WRITE !== '0') writeFileSync('bench/results.md', report);
process.exit(0);
