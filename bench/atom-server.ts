import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { CATALOGUE, injector, insertCatalogue } from './lib/fixtures.js';

/**
 * ATOM prepared for the benchmark: one enterprise tenant whose per-minute limit is raised out of
 * the way (the limiter still counts every request), 25 agents and API keys, a catalogue of 100,000
 * public skills from another tenant, a trivial function skill, a chat session, and two activated
 * trivial workflows (trigger → transform → output) with their webhook secrets. Prints the targets as one JSON line.
 */
// Round trips, counted for bench/results.md: every statement sent to PostgreSQL (pg's Client.query,
// which BEGIN/COMMIT/SET and pg-boss also go through) and every Redis command. PGlite is in-process.
const trips = { pg: 0, redis: 0 };
const pgQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  trips.pg += 1;
  return (pgQuery as (...a: unknown[]) => unknown).apply(this, args);
} as typeof pgQuery;
const sendCommand = Redis.prototype.sendCommand;
Redis.prototype.sendCommand = function (this: Redis, ...args: Parameters<typeof sendCommand>) {
  trips.redis += 1;
  return sendCommand.apply(this, args);
};

const dir = mkdtempSync(join(tmpdir(), 'atom-bench-'));
const config = loadConfig({
  ...process.env,
  ATOM_DATA_DIR: dir,
  LOG_LEVEL: 'silent',
  ATOM_ADMIN_KEY: 'adm_bench',
  ATOM_ALLOW_INSECURE_WEBHOOKS: 'true',
  ATOM_WEBHOOK_RETRY_SCHEDULE_MS: '1000',
});
const { app, ctx } = await buildApp(config);
const admin = { 'x-admin-key': 'adm_bench' };
const tenant = async (name: string) => {
  const r = await app.inject({
    method: 'POST',
    url: '/api/tenants',
    headers: admin,
    payload: { name, plan: 'enterprise' },
  });
  const { tenant: t, key } = r.json().data;
  const raised = await app.inject({
    method: 'PATCH',
    url: `/api/tenants/${t.id}`,
    headers: admin,
    payload: { rate_limit_per_minute: 1_000_000 },
  });
  if (raised.statusCode !== 200) throw new Error(`rate limit not raised: ${raised.body}`);
  return { id: t.id as string, key: key as string };
};
const t = await tenant('Bench');
const publisher = await tenant('Bench publisher');
const api = injector(app, t.key);
for (let i = 0; i < 25; i++) {
  await api('POST', '/api/agents', { name: `agent ${i}`, role: 'general-assistant', maturity_level: 'student' });
  await api('POST', '/api/api-keys', { name: `key ${i}` });
}
const started = Date.now();
if (process.env.BENCH_CATALOGUE !== '0') await insertCatalogue(ctx, publisher.id);
const catalogueSeconds = (Date.now() - started) / 1000;
// BENCH_CATALOGUE=0 skips the 100,000 listings (a run that measures only writes and executions).
const skill = await api('POST', '/api/v1/skills/private', {
  name: 'Echo',
  description: 'Echo a number back',
  skill_type: 'function',
  code: 'function execute(i) { return { echo: i.n }; }',
  action: 'read',
  input_schema: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] },
});
const agent = (await api('GET', '/api/agents?limit=1')).data.agents[0].id as string;
const session = (await api('POST', '/api/sessions', { agent_id: agent })).data.session.id as string;
// Two trivial workflows fired by their webhook (one warms up, one is measured), activated: the secret is shown once.
const workflows: { id: string; secret: string }[] = [];
for (const name of ['Bench hook (warm-up)', 'Bench hook']) {
  const w = await api('POST', '/api/workflows', {
    name,
    nodes: [
      { id: 'in', type: 'trigger' },
      { id: 'shape', type: 'transform', config: { expression: '{"n": input.n, "double": input.n * 2}' } },
      { id: 'out', type: 'output', config: { expression: 'nodes.shape' } },
    ],
    edges: [
      { source: 'in', target: 'shape' },
      { source: 'shape', target: 'out' },
    ],
  });
  const activated = await api('POST', `/api/workflows/${w.workflow.id}/activate`, {});
  workflows.push({ id: w.workflow.id, secret: activated.triggers.webhook.secret });
}

// The bench's side door: GET / gives the round-trip counters; POST /emit?n=N writes N agent.created
// events through the outbox in one transaction (the start of the webhook line, timed from its commit).
const stats = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (req.method !== 'POST') return void res.end(JSON.stringify(trips));
  const n = Number(url.searchParams.get('n') ?? 1);
  ctx.db
    .tx(t.id, async (ex) => {
      for (let i = 0; i < n; i++)
        await ctx.outbox.emit(ex, t.id, 'agent.created', { agent: { id: `agt_emit_${i}`, name: `emitted ${i}` } });
    })
    .then(
      () => res.end(JSON.stringify({ committed: Date.now() })),
      (err) => res.writeHead(500).end(String(err)),
    );
});
await new Promise<void>((r) => stats.listen(0, '127.0.0.1', r));
const statsUrl = `http://127.0.0.1:${(stats.address() as AddressInfo).port}/`;

const address = await app.listen({ port: 0, host: '127.0.0.1' });
const target = {
  base: address,
  key: t.key,
  headers: { 'x-api-key': t.key },
  skillId: skill.skill_id,
  sessionId: session,
  agentId: agent,
  workflows,
  stats: statsUrl,
  catalogue: CATALOGUE,
  catalogueSeconds,
};
process.stdout.write(`${JSON.stringify(target)}\n`);
process.on('SIGTERM', () => process.exit(0));
