import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { injector } from './lib/fixtures.js';
import { freshPgDatabase } from './lib/servers.js';

/**
 * Every PostgreSQL statement and Redis command of one request, each with what emitted it (the first
 * frame of ATOM's code under the database layer, or pg-boss), grouped by emitter. Background work the
 * request causes (jobs, outbox subscribers) is included up to BENCH_TRACE_SETTLE_MS after the answer.
 *   node --import tsx bench/trace.ts            (PostgreSQL: a fresh database on BENCH_DATABASE_URL)
 *   BENCH_TRACE_LINES=execute,create BENCH_TRACE_VERBOSE=1 …
 */
type Hit = { kind: 'pg' | 'redis'; text: string; origin: string };
let hits: Hit[] | null = null;

function origin(): string {
  const frames = (new Error().stack ?? '')
    .split('\n')
    .slice(3)
    .map((l) => l.trim());
  const mine = frames.find(
    (f) => /\/src\//.test(f) && !/\/src\/platform\/db\//.test(f) && !/\/src\/platform\/jobs\.ts/.test(f),
  );
  const boss = frames.find((f) => /pg-boss\/src\//.test(f));
  const pick = mine ?? boss ?? frames.find((f) => !/node_modules\/(pg|pg-pool|ioredis)\//.test(f)) ?? '?';
  return pick
    .replace(/^at /, '')
    .replace(/\(?(file:\/\/)?\/[^ ]*\/(src|node_modules)\//, '$2/')
    .replace(/\)$/, '');
}
const pgQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  const a = args[0] as string | { text: string };
  if (hits) hits.push({ kind: 'pg', text: typeof a === 'string' ? a : a.text, origin: origin() });
  return (pgQuery as (...x: unknown[]) => unknown).apply(this, args);
} as typeof pgQuery;
const sendCommand = Redis.prototype.sendCommand;
Redis.prototype.sendCommand = function (this: Redis, ...args: Parameters<typeof sendCommand>) {
  if (hits) hits.push({ kind: 'redis', text: `${args[0].name} ${String(args[0].args?.[0] ?? '')}`, origin: origin() });
  return sendCommand.apply(this, args);
};

const db = process.env.DATABASE_URL === '' ? null : await freshPgDatabase();
const dir = mkdtempSync(join(tmpdir(), 'atom-trace-'));
const config = loadConfig({
  ...process.env,
  DATABASE_URL: db?.url ?? '',
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  ATOM_DATA_DIR: dir,
  LOG_LEVEL: 'silent',
  ATOM_ADMIN_KEY: 'adm_bench',
});
const { app } = await buildApp(config);
const admin = { 'x-admin-key': 'adm_bench' };
const r = await app.inject({
  method: 'POST',
  url: '/api/tenants',
  headers: admin,
  payload: { name: 'Trace', plan: 'enterprise' },
});
const { tenant, key } = r.json().data;
await app.inject({
  method: 'PATCH',
  url: `/api/tenants/${tenant.id}`,
  headers: admin,
  payload: { rate_limit_per_minute: 1_000_000 },
});
const api = injector(app, key);
const agent =
  (await api('POST', '/api/agents', { name: 'agent', role: 'general-assistant', maturity_level: 'student' })).data.agent
    ?.id ?? ((await api('GET', '/api/agents?limit=1')).data.agents[0].id as string);
await api('POST', '/api/v1/skills/private', {
  name: 'Echo',
  description: 'Echo a number back',
  skill_type: 'function',
  code: 'function execute(i) { return { echo: i.n }; }',
  action: 'read',
  input_schema: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] },
});
const settle = Number(process.env.BENCH_TRACE_SETTLE_MS ?? 3000);
const lines: Record<string, () => Promise<unknown>> = {
  execute: () => api('POST', `/api/agents/${agent}/execute`, { task: 'Echo n=1' }),
  create: () => api('POST', '/api/agents', { name: `a ${Math.random()}`, role: 'custom', maturity_level: 'student' }),
  idle: async () => undefined,
};

async function trace(name: string) {
  for (let i = 0; i < 3; i++) await lines[name]!();
  await new Promise((res) => setTimeout(res, settle));
  hits = [];
  const body = await lines[name]!();
  const answered = hits.length;
  await new Promise((res) => setTimeout(res, settle));
  const all = hits;
  hits = null;
  const groups = new Map<string, Hit[]>();
  for (const h of all) groups.set(`${h.kind} ${h.origin}`, [...(groups.get(`${h.kind} ${h.origin}`) ?? []), h]);
  console.log(
    `\n## ${name}: ${all.filter((h) => h.kind === 'pg').length} PG ` +
      `statements, ${all.filter((h) => h.kind === 'redis').length} Redis commands` +
      ` (${answered} before the answer; background up to ${settle} ms after)`,
  );
  if (process.env.BENCH_TRACE_VERBOSE === '1') console.log(String(JSON.stringify(body)).slice(0, 300));
  for (const [g, hs] of groups) {
    console.log(`${String(hs.length).padStart(3)}  ${g}`);
    if (process.env.BENCH_TRACE_VERBOSE === '1')
      for (const h of hs) console.log(`       ${h.text.replace(/\s+/g, ' ').slice(0, 160)}`);
  }
}

for (const name of (process.env.BENCH_TRACE_LINES ?? 'idle,execute,create').split(',')) await trace(name);
await app.close();
// A pooled connection the drop ends may still report it: the trace is printed already.
process.on('uncaughtException', () => undefined);
await db?.drop();
process.exit(0);
