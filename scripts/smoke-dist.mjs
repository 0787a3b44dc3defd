#!/usr/bin/env node
// Starts the compiled server (dist/, npm run build) under each given Node and checks it answers:
// health 200, an admin call, an authenticated API call, and a function skill run in the sandbox's
// worker threads. Each server runs on its own fresh embedded database (migrations applied under
// that Node), all at once. CI runs it under the machine's Node and Node 22.
//   node scripts/smoke-dist.mjs [node|22 …]     default: this Node
// A major version ("22") means Node from the npm registry's node-linux-<arch> package, unpacked
// once into ~/.cache/atom/node-<major> (XDG_CACHE_HOME respected) and reused while present.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// A safety net for a hang, not a performance bound: a fresh embedded database on a loaded 2-core
// machine took over 90 s (about 10 s of CPU).
const START_DEADLINE_MS = 300_000;

export function cachedNode(major) {
  const dir = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'atom', `node-${major}`);
  const bin = join(dir, 'bin', 'node');
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  const pkg = `node-${process.platform}-${process.arch}@${major}`;
  console.log(`[smoke] fetching ${pkg} from the npm registry into ${dir}`);
  const packed = execFileSync('npm', ['pack', pkg, '--silent', '--pack-destination', dir], { encoding: 'utf8' });
  const tgz = packed.trim().split('\n').pop();
  execFileSync('tar', ['-xzf', join(dir, tgz), '-C', dir, '--strip-components=1']);
  rmSync(join(dir, tgz));
  return bin;
}

async function call(url, path, { method = 'GET', headers = {}, body } = {}) {
  const type = body ? { 'content-type': 'application/json' } : {};
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { ...type, ...headers },
    body: body && JSON.stringify(body),
  });
  const json = await res.json().catch(() => null);
  return { status: res.status, body: json };
}

function expect(what, res, status) {
  if (res.status !== status)
    throw new Error(`${what}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function smoke(node) {
  const version = execFileSync(node, ['-v'], { encoding: 'utf8' }).trim();
  const dataDir = mkdtempSync(join(tmpdir(), 'atom-smoke-'));
  const admin = `adm_${randomBytes(12).toString('hex')}`;
  const env = {
    ...process.env,
    NODE_OPTIONS: '',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    DATABASE_URL: '',
    REDIS_URL: '',
    ATOM_DATA_DIR: dataDir,
    ATOM_ADMIN_KEY: admin,
  };
  const started = Date.now();
  const child = spawn(node, [join(ROOT, 'dist/src/main.js'), 'start'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  try {
    const url = await new Promise((res, rej) => {
      createInterface({ input: child.stdout }).on('line', (l) => {
        const m = /listening on (\S+)/.exec(l);
        if (m) res(m[1]);
      });
      child.once('exit', (c) => rej(new Error(`exited with ${c}: ${stderr}`)));
      setTimeout(
        () => rej(new Error(`not listening after ${START_DEADLINE_MS} ms: ${stderr}`)),
        START_DEADLINE_MS,
      ).unref();
    });
    const ms = Date.now() - started;
    expect('GET /api/health', await call(url, '/api/health'), 200);
    const body = { name: 'Smoke', plan: 'team' };
    const tenant = await call(url, '/api/tenants', { method: 'POST', headers: { 'x-admin-key': admin }, body });
    const key = expect('POST /api/tenants', tenant, 201).data.key;
    const auth = { 'x-api-key': key };
    expect('GET /api/agents without a key', await call(url, '/api/agents'), 401);
    expect('GET /api/agents', await call(url, '/api/agents', { headers: auth }), 200);
    const skill = { name: 'Doubler', skill_type: 'function', code: 'function execute(i){return i.n*2}' };
    const created = await call(url, '/api/v1/skills/private', { method: 'POST', headers: auth, body: skill });
    const id = expect('POST /api/v1/skills/private', created, 201).skill_id;
    const ran = await call(url, `/api/skills/${id}/execute`, {
      method: 'POST',
      headers: auth,
      body: { input: { n: 21 } },
    });
    const run = expect('a function skill run', ran, 200);
    if (run.output !== 42) throw new Error(`the skill returned ${JSON.stringify(run)}`);
    console.log(
      `[smoke] Node ${version}: compiled server listening after ${ms} ms (fresh database); health, admin, API key, ` +
        `sandbox OK`,
    );
  } catch (e) {
    throw new Error(`[smoke] Node ${version}: ${e.message}`);
  } finally {
    if (child.exitCode === null)
      await new Promise((r) => {
        child.once('exit', r);
        child.kill('SIGTERM');
      });
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (!existsSync(join(ROOT, 'dist/build.json'))) {
  console.error('[smoke] dist/ is not built: npm run build');
  process.exit(1);
}
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : ['node'];
const nodes = wanted.map((n) => (/^\d+$/.test(n) ? cachedNode(n) : n === 'node' ? process.execPath : n));
const results = await Promise.allSettled(nodes.map(smoke));
for (const r of results) if (r.status === 'rejected') console.error(r.reason.message);
process.exit(results.every((r) => r.status === 'fulfilled') ? 0 : 1);
