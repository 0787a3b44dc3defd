import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';

/**
 * One ATOM app on an embedded in-memory database (or BENCH_DATABASE_URL), as BENCH_VARIANT says: `off`
 * (ATOM_METRICS=false),
 * `on` (the default), `tracing` (metrics, and spans exported to a loopback OTLP sink that drops
 * them). No job workers, so background polling does not blur the CPU time per request. Prints one
 * JSON line: the URL, a tenant key and an agent id to read. See bench/metrics-overhead.ts.
 */
const variant = process.env.BENCH_VARIANT ?? 'on';
let otlpTracesUrl: string | null = null;
if (variant === 'tracing') {
  const sink = http.createServer((req, res) =>
    req.resume().on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}')),
  );
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  otlpTracesUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/v1/traces`;
}
const admin = { 'x-admin-key': 'adm_bench_key' };
const env = {
  DATABASE_URL: process.env.BENCH_DATABASE_URL ?? 'memory://',
  ATOM_ADMIN_KEY: 'adm_bench_key',
  LOG_LEVEL: 'silent',
  PORT: '0',
  ATOM_RUN_WORKERS: 'false',
};
const { app } = await buildApp({ ...loadConfig(env), metricsEnabled: variant !== 'off', otlpTracesUrl });
const url = await app.listen({ port: 0, host: '127.0.0.1' });
const tenant = await app.inject({
  method: 'POST',
  url: '/api/tenants',
  headers: admin,
  payload: { name: variant, plan: 'enterprise' },
});
const key = tenant.json().data.key as string;
const tenantId = tenant.json().data.tenant.id as string;
await app.inject({
  method: 'PATCH',
  url: `/api/tenants/${tenantId}`,
  headers: admin,
  payload: { rate_limit_per_minute: 1_000_000 },
});
const agentBody = { name: 'A', role: 'custom', maturity_level: 'student' };
const agent = await app.inject({
  method: 'POST',
  url: '/api/agents',
  headers: { 'x-api-key': key },
  payload: agentBody,
});
console.log(JSON.stringify({ name: variant, url, key, agent: agent.json().data.agent.id }));
