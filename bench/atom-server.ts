import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';

/**
 * ATOM with one enterprise tenant whose per-minute limit is raised out of the way (the limiter
 * still counts every request), 25 API keys to list, serving the authenticated, tenant-scoped,
 * rate-limited list GET /api/api-keys.
 */
const dir = mkdtempSync(join(tmpdir(), 'atom-bench-'));
const config = loadConfig({ ...process.env, ATOM_DATA_DIR: dir, LOG_LEVEL: 'silent', ATOM_ADMIN_KEY: 'adm_bench' });
const { app } = await buildApp(config);
const admin = { 'x-admin-key': 'adm_bench', 'content-type': 'application/json' };
const created = await app.inject({ method: 'POST', url: '/api/tenants', headers: admin, payload: { name: 'Bench', plan: 'enterprise' } });
const { tenant, key } = created.json().data;
await app.inject({ method: 'PATCH', url: `/api/tenants/${tenant.id}`, headers: admin, payload: { rate_limit_per_minute: 1_000_000 } });
for (let i = 0; i < 24; i++) {
  await app.inject({ method: 'POST', url: '/api/api-keys', headers: { 'x-api-key': key, 'content-type': 'application/json' }, payload: { name: `key ${i}` } });
}
const address = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(JSON.stringify({ url: `${address}/api/api-keys?limit=20`, headers: { 'x-api-key': key } }) + '\n');
process.on('SIGTERM', () => process.exit(0));
