#!/usr/bin/env node
// `npm test` runs the tests compiled, not through tsx: tsx's loader costs each test process about
// 2 s of CPU (its hooks thread and cache lookups for every module), a fifth of a typical test
// file's CPU and more than 3 minutes of a CI run on a 2-core machine. Compiled once per run
// (about a second), into .test-build/:
//   src/, migrations/, web/dist/      the server as `npm run build` makes it (scripts/build.mjs)
//   test/, scripts/, sdk/src/, web/src/   every .ts/.tsx compiled beside its path; test/'s other
//                                     files (fixtures) copied
//   sdk/package.json, node_modules/@atom-platform/sdk → ../../sdk
//                                     so `import '@atom-platform/sdk'` finds the compiled client
// Tests read the repository's own files (docs, migrations, sources) from the repository root
// (scripts/repo-root.ts), and processes they start run from .test-build/ too (ATOM_TEST_BUILD,
// entryPoint() in test/helpers/processes.ts).
import { cpSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildServer, ROOT } from './build.mjs';

export const TEST_BUILD = join(ROOT, '.test-build');

/** Sources to compile under `dir`; test/sdk/seed-examples holds seed text the tests compile themselves. */
function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return p.endsWith(join('test', 'sdk', 'seed-examples')) ? [] : sources(p);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

export async function buildTests(out = TEST_BUILD) {
  const started = Date.now();
  await buildServer({ out, quiet: true });
  const { build } = await import('esbuild');
  await build({
    entryPoints: ['test', 'scripts', 'sdk/src', 'web/src'].flatMap((d) => sources(join(ROOT, d))),
    outdir: out,
    outbase: ROOT,
    bundle: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    jsx: 'automatic',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  cpSync(join(ROOT, 'test'), join(out, 'test'), {
    recursive: true,
    filter: (p) => !/\.tsx?$/.test(p) && !relative(ROOT, p).startsWith(join('test', 'sdk', 'seed-examples')),
  });
  writeFileSync(
    join(out, 'sdk', 'package.json'),
    `${JSON.stringify({ name: '@atom-platform/sdk', type: 'module', exports: { '.': './src/index.js' } }, null, 2)}\n`,
  );
  mkdirSync(join(out, 'node_modules', '@atom-platform'), { recursive: true });
  symlinkSync('../../sdk', join(out, 'node_modules', '@atom-platform', 'sdk'));
  console.log(`[test] compiled the server and the tests into ${relative(ROOT, out)}/ in ${Date.now() - started} ms`);
}
