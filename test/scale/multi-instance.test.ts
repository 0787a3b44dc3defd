import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freshDatabaseUrl } from '../helpers/app.js';
import { roomInThisMinute } from '../helpers/clock.js';
import { http, type ServerProcess, sharedSecrets, startServerProcess } from '../helpers/processes.js';
import { waitUntil } from '../helpers/receiver.js';

/**
 * Three server processes on one PostgreSQL and one Redis (CI's second pass provides both; the
 * embedded database belongs to a single process, so this file is skipped without them).
 */
const enabled = !!process.env.DATABASE_URL && !!process.env.REDIS_URL;

describe('three processes on PostgreSQL + Redis', { skip: !enabled && 'needs DATABASE_URL and REDIS_URL' }, () => {
  const secrets = sharedSecrets();
  const admin = { 'x-admin-key': secrets.ATOM_ADMIN_KEY };
  let servers: ServerProcess[] = [];
  let drop: () => Promise<void>;
  let dir: string;

  before(async () => {
    const db = await freshDatabaseUrl();
    drop = db.drop;
    dir = mkdtempSync(join(tmpdir(), 'atom-scale-'));
    const env = {
      ...secrets,
      DATABASE_URL: db.url,
      REDIS_URL: process.env.REDIS_URL!,
      ATOM_DATA_DIR: dir,
      ATOM_API_KEY_CACHE_SECONDS: '300',
    };
    const started = await Promise.allSettled([0, 1, 2].map(() => startServerProcess(env)));
    servers = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = started.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.kill()));
    await drop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function tenantWithLimit(perMinute: number) {
    const created = await http(`${servers[0].url}/api/tenants`, {
      method: 'POST',
      headers: admin,
      body: { name: 'Scale', plan: 'enterprise' },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.data.tenant.id;
    await http(`${servers[1].url}/api/tenants/${id}`, {
      method: 'PATCH',
      headers: admin,
      body: { rate_limit_per_minute: perMinute },
    });
    return { id, key: created.body.data.key as string };
  }

  it('a burst spread across the processes admits no more than the rate limit', async () => {
    const t = await tenantWithLimit(30);
    // Windows are fixed minutes: keep the burst inside one.
    await roomInThisMinute();
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        http(`${servers[i % 3].url}/api/auth/me`, { headers: { 'x-api-key': t.key } }),
      ),
    );
    const ok = results.filter((r) => r.status === 200).length;
    const limited = results.filter((r) => r.status === 429).length;
    assert.equal(ok, 30);
    assert.equal(limited, 30);
  });

  it('a key revoked on one process is refused by all of them at once, despite a 300 s cache', async () => {
    const t = await tenantWithLimit(1000);
    const made = await http(`${servers[0].url}/api/api-keys`, {
      method: 'POST',
      headers: { 'x-api-key': t.key },
      body: { name: 'shared' },
    });
    const key = made.body.data.key;
    for (const s of servers)
      assert.equal(
        (await http(`${s.url}/api/auth/me`, { headers: { 'x-api-key': key } })).status,
        200,
        'cached everywhere',
      );
    const revoke = await http(`${servers[2].url}/api/api-keys/${made.body.data.api_key.id}`, {
      method: 'DELETE',
      headers: { 'x-api-key': t.key },
    });
    assert.equal(revoke.status, 200);
    // The Redis broadcast reaches each process within moments; the key's cache entry lives 300 s.
    for (const s of servers)
      await waitUntil(
        async () => (await http(`${s.url}/api/auth/me`, { headers: { 'x-api-key': key } })).status === 401,
        10_000,
      );
  });

  it('killing one process loses nothing: the others serve the same data', async () => {
    const t = await tenantWithLimit(1000);
    await servers[1].kill('SIGKILL');
    const me = await http(`${servers[2].url}/api/auth/me`, { headers: { 'x-api-key': t.key } });
    assert.equal(me.status, 200);
    const health = await http(`${servers[0].url}/api/health`);
    assert.equal(health.body.data.status, 'ok');
    assert.equal(health.body.data.redis.status, 'ok');
  });
});

describe('npm run start:cluster', { skip: !enabled && 'needs DATABASE_URL and REDIS_URL' }, () => {
  it('runs several server processes on one port', async () => {
    const db = await freshDatabaseUrl();
    const dir = mkdtempSync(join(tmpdir(), 'atom-cluster-'));
    const { createServer } = await import('node:net');
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const cluster = await startServerProcess(
      {
        ...sharedSecrets(),
        DATABASE_URL: db.url,
        REDIS_URL: process.env.REDIS_URL!,
        ATOM_DATA_DIR: dir,
        ATOM_WORKERS: '2',
        PORT: String(port),
      },
      'src/cluster.ts',
      [],
    );
    try {
      const pids = new Set<string>();
      const until = Date.now() + 20_000;
      while (pids.size < 2 && Date.now() < until) {
        const res = await fetch(`${cluster.url}/api/health`, { headers: { connection: 'close' } });
        assert.equal(res.status, 200);
        pids.add(res.headers.get('x-served-by') ?? '');
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(pids.size, 2, 'both processes answered');
    } finally {
      await cluster.kill();
      await db.drop(); // WITH (FORCE): the killed processes' connections do not hold it
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
