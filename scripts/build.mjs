#!/usr/bin/env node
// Compiles the server to JavaScript: src/**/*.ts → <out>/src/**/*.js (esbuild, one file per source
// file, ESM, the same transform tsx applies in development and in the tests), with what the server
// reads at run time beside it, so <out> is complete on its own (plus node_modules):
//   <out>/src/…            the server; non-TypeScript files of src/ (advisories.json, …) copied as they are
//   <out>/migrations/      read by src/platform/db/migrate.ts (../../../migrations from its module)
//   <out>/web/dist/        the console, served by src/platform/http/console.ts (../../../web/dist)
//   <out>/package.json     {"type":"module"}: the .js files are ESM wherever <out> is
//   <out>/build.json       written last; its time is what "fresh" is measured against
// Usage: node scripts/build.mjs [--out DIR] [--if-stale]
//   --out DIR    default <repo>/dist
//   --if-stale   do nothing when <out> is newer than every source (prestart uses it)
// Type checking is not part of the build: `npm run typecheck` (CI runs it before anything else).
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_OUT = join(ROOT, 'dist');
/** What the compiled output is made from: newer than build.json → stale. */
const SOURCES = ['src', 'migrations', 'web/dist', 'package.json'];
/**
 * Development-only files of src/ left out of the build: the sandbox worker's tsx shim (compiled, it loads worker.js).
 */
const DEV_ONLY = new Set(['modules/skills/sandbox/worker-entry.mjs']);

function newest(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(path).reduce((m, name) => Math.max(m, newest(join(path, name))), st.mtimeMs);
}

/** The reason <out> cannot be used as it is, or null when it is complete and newer than every source. */
export function staleReason(out = DEFAULT_OUT) {
  const stamp = join(out, 'build.json');
  if (!existsSync(stamp)) return `${relative(ROOT, out) || out}/ has not been built`;
  const built = statSync(stamp).mtimeMs;
  const changed = SOURCES.find((s) => newest(join(ROOT, s)) > built);
  return changed ? `${changed}/ changed since ${relative(ROOT, out) || out}/ was built` : null;
}

function tsFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return tsFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

async function compile(tmp) {
  const { build } = await import('esbuild');
  const src = join(ROOT, 'src');
  await build({
    entryPoints: tsFiles(src),
    outdir: join(tmp, 'src'),
    outbase: src,
    bundle: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  // Everything else under src/ (JSON read at run time, …) goes beside the compiled modules.
  const copied = (p) =>
    statSync(p).isDirectory() || (!p.endsWith('.ts') && !DEV_ONLY.has(relative(src, p).split(sep).join('/')));
  cpSync(src, join(tmp, 'src'), { recursive: true, filter: copied });
}

export async function buildServer({ out = DEFAULT_OUT, ifStale = false, quiet = false } = {}) {
  const { buildWeb } = await import('./build-web.mjs');
  await buildWeb();
  if (ifStale && !staleReason(out)) return false;
  const started = Date.now();
  const tmp = `${out}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    await compile(tmp);
    cpSync(join(ROOT, 'migrations'), join(tmp, 'migrations'), { recursive: true });
    if (existsSync(join(ROOT, 'web/dist'))) cpSync(join(ROOT, 'web/dist'), join(tmp, 'web/dist'), { recursive: true });
    writeFileSync(join(tmp, 'package.json'), `${JSON.stringify({ type: 'module', private: true }, null, 2)}\n`);
    writeFileSync(
      join(tmp, 'build.json'),
      `${JSON.stringify({ built_at: new Date().toISOString(), node: process.version }, null, 2)}\n`,
    );
    rmSync(out, { recursive: true, force: true });
    renameSync(tmp, out);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  if (!quiet)
    console.log(`[build] compiled the server into ${relative(ROOT, out) || out}/ in ${Date.now() - started} ms`);
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--out');
  const out = at >= 0 && args[at + 1] ? resolve(args[at + 1]) : DEFAULT_OUT;
  buildServer({ out, ifStale: args.includes('--if-stale') }).catch((e) => {
    console.error(e.message ?? e);
    process.exit(1);
  });
}
