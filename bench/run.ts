import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { explainSearch } from './lib/explain.js';
import { CONNECTIONS, hammer, type Result, SECONDS, step } from './lib/load.js';
import { report } from './lib/report.js';
import { freshPgDatabase, PG_URL, postgresReachable, REDIS_URL, startServer } from './lib/servers.js';
import { sseScenario, startReceiver, webhookScenario } from './scenarios/events.js';
import { type AtomTarget, agentScenarios, readScenarios, writeScenarios } from './scenarios/http.js';
import { workflowScenarios } from './scenarios/workflows.js';

/**
 * The benchmark suite: a bare Fastify route, then ATOM on embedded PGlite and on PostgreSQL +
 * Redis, in one run: authenticated reads, search on 100,000 listings (loaded and at low load),
 * writes, skill execution, webhook deliveries and SSE fan-out, each with its ratio to the bare
 * route. Writes bench/results.md (and bench/explain.md on PostgreSQL). Not a test: numbers only.
 *   npm run bench        BENCH_SECONDS (8), BENCH_CONNECTIONS (50)
 *   BENCH_ONLY=agents    the bare route and agent execution on PostgreSQL + Redis only (no catalogue;
 *                        writes bench/results-agents.md)
 *   BENCH_ONLY=workflows the bare route and trivial workflow runs through the signed webhook trigger,
 *                        accepted and completed end to end, on PostgreSQL + Redis only (no catalogue;
 *                        writes bench/results-workflows.md)
 *   BENCH_ONLY=search    the bare route and the search lines on the 100,000-listing catalogue, on
 *                        PostgreSQL + Redis only (writes bench/results-search.md and bench/explain.md)
 */
const ONLY = process.env.BENCH_ONLY ?? '';
/** A focused run: one scenario family on PostgreSQL + Redis, without the catalogue. */
const FOCUSED: Record<string, { scenarios: typeof agentScenarios; file: string }> = {
  agents: { scenarios: agentScenarios, file: 'bench/results-agents.md' },
  workflows: { scenarios: workflowScenarios, file: 'bench/results-workflows.md' },
  search: { scenarios: readScenarios, file: 'bench/results-search.md' },
};
/** Focused runs that need the catalogue loaded. */
const WITH_CATALOGUE = new Set(['search']);
const focused = FOCUSED[ONLY];
const results: Result[] = [];
const bare = await startServer<{ url: string }>('bench/bare-server.ts', {});
results.push(
  await hammer({
    name: 'bare Fastify route',
    engine: '-',
    base: bare.info.url,
    headers: {},
    next: () => ({ path: new URL(bare.info.url).pathname }),
  }),
);
bare.child.kill('SIGKILL');
const bareRate = results[0]!.rate;
let explain = '';
const catalogueSeconds: Record<string, number> = {};

async function suite(engine: string, env: Record<string, string | undefined>) {
  const receiver = await startReceiver();
  step(`${engine}: starting ATOM and loading the 100,000-listing catalogue`);
  const { info, child } = await startServer<AtomTarget>('bench/atom-server.ts', env);
  catalogueSeconds[engine] = info.catalogueSeconds;
  try {
    if (focused) results.push(...(await focused.scenarios(engine, info)));
    else {
      results.push(...(await readScenarios(engine, info)));
      step(`${engine}: webhook deliveries`);
      results.push(await webhookScenario(engine, info, receiver));
      step(`${engine}: SSE fan-out`);
      results.push(await sseScenario(engine, info));
      results.push(...(await writeScenarios(engine, info)));
      results.push(...(await workflowScenarios(engine, info)));
    }
  } finally {
    child.kill('SIGKILL');
    await receiver.close();
  }
}

if (!focused) await suite('PGlite', { DATABASE_URL: '', REDIS_URL: '' });
if (await postgresReachable()) {
  const db = await freshPgDatabase();
  try {
    await suite('PostgreSQL + Redis', {
      DATABASE_URL: db.url,
      REDIS_URL,
      ...(focused && !WITH_CATALOGUE.has(ONLY) ? { BENCH_CATALOGUE: '0' } : {}),
    });
    if (!focused || WITH_CATALOGUE.has(ONLY)) explain = await explainSearch(db.url);
  } finally {
    await db.drop();
  }
} else {
  console.log(`PostgreSQL not reachable at ${PG_URL}: skipped`);
}

const machine =
  `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, ` +
  `Node ${process.version}`;
const text = report({ results, bareRate, machine, connections: CONNECTIONS, seconds: SECONDS, catalogueSeconds });
console.log(text);
if (process.env.BENCH_WRITE !== '0') {
  writeFileSync(focused?.file ?? 'bench/results.md', text);
  if (explain) writeFileSync('bench/explain.md', explain);
}
process.exit(0);
