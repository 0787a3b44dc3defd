import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../scripts/repo-root.js';
import { freshDatabaseUrl } from './helpers/app.js';
import { http, sharedSecrets } from './helpers/processes.js';

const ROOT = REPO_ROOT;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/** Plain `node <out>/src/main.js start`: no tsx, no loader, nothing from the test runner's command line. */
function startCompiled(out: string, env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(out, 'src/main.js'), 'start'], {
    cwd: out,
    env: { ...process.env, NODE_OPTIONS: '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /listening on (http:\/\/\S+)/.exec(line);
      if (m) resolve({ url: m[1], child });
    });
    child.once('exit', (code) => reject(new Error(`compiled server exited with ${code}: ${stderr}`)));
  });
}

describe('npm run build: the compiled server', () => {
  // Built outside the repository, with only node_modules linked in: a path that still pointed into
  // src/, migrations/ or web/ of the checkout would not resolve from there.
  const tmp = mkdtempSync(join(tmpdir(), 'atom-build-'));
  const out = join(tmp, 'atom');
  const secrets = sharedSecrets();
  let server: { url: string; child: ChildProcess } | undefined;
  let drop = async () => {};

  before(async () => {
    await promisify(execFile)(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--out', out], { cwd: ROOT });
    symlinkSync(join(ROOT, 'node_modules'), join(tmp, 'node_modules'), 'dir');
    const db = await freshDatabaseUrl();
    drop = db.drop;
    const env = {
      ...secrets,
      DATABASE_URL: db.url,
      REDIS_URL: process.env.REDIS_URL ?? '',
      ATOM_DATA_DIR: join(tmp, 'data'),
    };
    server = await startCompiled(out, env);
  });

  after(async () => {
    if (server && server.child.exitCode === null) {
      const exited = new Promise((r) => server!.child.once('exit', r));
      server.child.kill('SIGTERM');
      await exited;
    }
    await drop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('holds JavaScript, the migrations and the console, and no TypeScript', () => {
    const all = files(out).map((f) => f.slice(out.length + 1));
    assert.deepEqual(
      all.filter((f) => f.endsWith('.ts')),
      [],
    );
    const expected = [
      'src/main.js',
      'src/cluster.js',
      'src/modules/skills/sandbox/worker.js',
      'src/modules/packages/advisories.json',
    ];
    for (const f of [...expected, 'web/dist/index.html', 'package.json', 'build.json'])
      assert.ok(all.includes(f), `${f} is in the build`);
    const migrations = readdirSync(join(ROOT, 'migrations')).map((f) => `migrations/${f}`);
    assert.deepEqual(all.filter((f) => f.startsWith('migrations/')).sort(), migrations.sort());
  });

  it('starts without tsx and serves health, the console, an authenticated route and a sandboxed skill', async () => {
    // Node 20 without a loader refuses any .ts module (ERR_UNKNOWN_FILE_EXTENSION), in the server and in
    // its sandbox worker threads alike: everything below works only if nothing TypeScript is loaded.
    assert.deepEqual(server!.child.spawnargs.slice(1), [join(out, 'src/main.js'), 'start']);
    assert.equal((await http(`${server!.url}/api/health`)).status, 200);
    const page = await http(`${server!.url}/`);
    assert.equal(page.status, 200);
    assert.match(String(page.body), /ATOM console/);

    const admin = { 'x-admin-key': secrets.ATOM_ADMIN_KEY };
    const created = await http(`${server!.url}/api/tenants`, {
      method: 'POST',
      headers: admin,
      body: { name: 'Built', plan: 'team' },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const key = { 'x-api-key': created.body.data.key as string };
    assert.equal((await http(`${server!.url}/api/agents`)).status, 401);
    const agents = await http(`${server!.url}/api/agents`, { headers: key });
    assert.equal(agents.status, 200);
    assert.equal(agents.body.data.pagination.total, 0);

    const skill = await http(`${server!.url}/api/v1/skills/private`, {
      method: 'POST',
      headers: key,
      body: { name: 'Doubler', skill_type: 'function', code: 'function execute(i){return i.n*2}' },
    });
    assert.equal(skill.status, 201, JSON.stringify(skill.body));
    const execute = `${server!.url}/api/skills/${skill.body.skill_id}/execute`;
    const run = await http(execute, { method: 'POST', headers: key, body: { input: { n: 21 } } });
    assert.equal(run.status, 200, JSON.stringify(run.body));
    assert.equal(run.body.output, 42);
    assert.ok(
      !existsSync(join(out, 'src/modules/skills/sandbox/worker-entry.mjs')),
      'the tsx shim of the sandbox worker is not shipped',
    );
  });
});
