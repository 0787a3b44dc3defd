#!/usr/bin/env node
// Start-up time and memory of the server, from the TypeScript sources through tsx and compiled
// (npm run build), on embedded PGlite and, with DATABASE_URL, on PostgreSQL (+ REDIS_URL).
//   node bench/startup.mjs [runs=5]          (needs dist/: npm run build)
// Each run starts a server process on an already migrated database (a restart, as in production),
// and records: wall time from spawn to the "listening" line and to the first health 200, the
// process's CPU time (user + system, /proc) at that point, resident memory (VmRSS) then, and again
// after 300 requests (health, an authenticated agent list, 20 sandboxed function-skill runs).
// A warm-up run of each kind comes first and is not counted. Also: the import time of src/app.ts
// through tsx against dist/src/app.js, in fresh processes. Node: ATOM_BENCH_NODE (default this one).
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const NODE = process.env.ATOM_BENCH_NODE ?? process.execPath;
const RUNS = Number(process.argv[2] ?? 5);
const MODES = { tsx: ['--import', 'tsx', 'src/main.ts', 'start'], compiled: ['dist/src/main.js', 'start'] };
const CLK = Number(execFileSync('getconf', ['CLK_TCK']).toString());

function proc(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1];
  return { cpuMs: ((Number(stat[11]) + Number(stat[12])) / CLK) * 1000, rssMb: Number(rss) / 1024 };
}

async function req(url, init = {}) {
  const res = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...(init.headers ?? {}) } });
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

async function once(mode, env) {
  const t0 = performance.now();
  const childEnv = { ...process.env, ...env, PORT: '0', LOG_LEVEL: 'silent' };
  const child = spawn(NODE, MODES[mode], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((res, rej) => {
    createInterface({ input: child.stdout }).on('line', (l) => {
      const m = /listening on (\S+)/.exec(l);
      if (m) res(m[1]);
    });
    child.once('exit', (c) => rej(new Error(`${mode} exited ${c}`)));
  });
  const listening = performance.now() - t0;
  await req(`${url}/api/health`);
  const healthy = performance.now() - t0;
  const atStart = proc(child.pid);
  const post = (path, headers, body) => req(`${url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  const t = await post('/api/tenants', { 'x-admin-key': env.ATOM_ADMIN_KEY }, { name: 'Bench', plan: 'enterprise' });
  const key = { 'x-api-key': t.data.key };
  const skill = await post('/api/v1/skills/private', key, {
    name: 'D',
    skill_type: 'function',
    code: 'function execute(i){return i.n*2}',
  });
  for (let i = 0; i < 140; i++)
    await Promise.all([req(`${url}/api/health`), req(`${url}/api/agents`, { headers: key })]);
  for (let i = 0; i < 20; i++) await post(`/api/skills/${skill.skill_id}/execute`, key, { input: { n: 1 } });
  const afterLoad = proc(child.pid);
  await new Promise((r) => {
    child.once('exit', r);
    child.kill('SIGTERM');
  });
  return { listening, healthy, cpuMs: atStart.cpuMs, rssStart: atStart.rssMb, rssAfter: afterLoad.rssMb };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (xs, unit, d = 0) =>
  `${median(xs).toFixed(d)} ${unit} (${Math.min(...xs).toFixed(d)}–${Math.max(...xs).toFixed(d)})`;

async function engine(name, env) {
  console.log(`\n${name}, ${RUNS} runs each after a warm-up; median (min–max)`);
  console.log('| runtime | to "listening" | to health 200 | CPU at start | RSS after start | RSS after 300 requests |');
  console.log('|---|---|---|---|---|---|');
  for (const mode of Object.keys(MODES)) {
    await once(mode, env);
    const rs = [];
    for (let i = 0; i < RUNS; i++) rs.push(await once(mode, env));
    const col = (k, u, d) =>
      fmt(
        rs.map((r) => r[k]),
        u,
        d,
      );
    const cells = [
      col('listening', 'ms'),
      col('healthy', 'ms'),
      col('cpuMs', 'ms'),
      col('rssStart', 'MB'),
      col('rssAfter', 'MB'),
    ];
    console.log(`| ${mode} | ${cells.join(' | ')} |`);
  }
}

function importTimes() {
  const probe = (args, file) => {
    // Wall time of the import, and the process's CPU time (user + system) up to its end, start included.
    const code =
      `const t=performance.now();await import(${JSON.stringify(join(ROOT, file))});const w=performance.now()-t;` +
      'const c=process.cpuUsage();console.log(JSON.stringify({w,c:(c.user+c.system)/1000}));process.exit(0)';
    const env = { ...process.env, LOG_LEVEL: 'silent' };
    return JSON.parse(execFileSync(NODE, [...args, '--input-type=module', '-e', code], { cwd: ROOT, env }).toString());
  };
  const rows = { tsx: [], compiled: [] };
  for (let i = 0; i <= RUNS; i++) {
    const a = probe(['--import', 'tsx'], 'src/app.ts');
    const b = probe([], 'dist/src/app.js');
    if (i > 0) {
      rows.tsx.push(a);
      rows.compiled.push(b);
    }
  }
  const both = (rs) =>
    `wall ${fmt(
      rs.map((r) => r.w),
      'ms',
    )}, process CPU ${fmt(
      rs.map((r) => r.c),
      'ms',
    )}`;
  console.log(`\nimport of the app module, ${RUNS} fresh processes each:`);
  console.log(`  tsx src/app.ts:   ${both(rows.tsx)}\n  dist/src/app.js:  ${both(rows.compiled)}`);
}

const secrets = {
  ATOM_ADMIN_KEY: `adm_${randomBytes(12).toString('hex')}`,
  ATOM_JWT_SECRET: randomBytes(32).toString('base64'),
  ATOM_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
};
console.log(`Node ${execFileSync(NODE, ['-v']).toString().trim()}, ${new Date().toISOString()}`);
importTimes();
const dataDir = mkdtempSync(join(tmpdir(), 'atom-startup-'));
try {
  await engine('PGlite (embedded, data directory)', {
    ...secrets,
    DATABASE_URL: '',
    REDIS_URL: '',
    ATOM_DATA_DIR: dataDir,
  });
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
if (process.env.DATABASE_URL) {
  await engine('PostgreSQL + Redis', {
    ...secrets,
    DATABASE_URL: process.env.DATABASE_URL,
    REDIS_URL: process.env.REDIS_URL ?? '',
  });
}
