#!/usr/bin/env node
// `npm test`: every test file under test/, compiled (scripts/test-build.mjs), run three processes at
// a time, the longest first so that they do not start last and leave the other workers idle at the
// end. The long files run one per process; the others share a process several at a time (a group:
// each file in its own suite, one file after another, its hooks inside that suite), which saves each
// file the start of a process: about 3 s of CPU, a third of a typical file. Extra arguments (a
// reporter, say) are passed to the test runner; file arguments replace the full list and run one per
// process. ATOM_TEST_TSX=true runs the TypeScript sources through tsx instead, one per process.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildTests, TEST_BUILD } from './test-build.mjs';

// One per process, longest first (measured: 30 s to two minutes each on a busy 2-core machine,
// PGlite pass); every other file is grouped.
const SOLO = [
  'test/modules/webhooks-crash.test.ts',
  'test/modules/workflows/schedule-trigger.test.ts',
  'test/platform/migration-upgrade.test.ts',
  'test/web/console.test.ts',
  'test/cli.test.ts',
  'test/modules/executions-takeover.test.ts',
  'test/modules/sandbox-fairness.test.ts',
  'test/sdk/python.test.ts',
  'test/web/workflows.test.ts',
  'test/modules/executions.test.ts',
  'test/modules/workflows/resume.test.ts',
  'test/platform/auth.test.ts',
  'test/platform/restart.test.ts',
  'test/platform/fuzz.test.ts',
  'test/modules/agent-templates-crash.test.ts',
  'test/modules/executions-restart.test.ts',
  'test/modules/workflows/catalogue.test.ts',
  'test/platform/config-secrets.test.ts',
  'test/federation/federation.test.ts',
];
const GROUP_SIZE = 6;

function testFiles(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return testFiles(path);
      return name.endsWith('.test.ts') ? [path] : [];
    });
}

const args = process.argv.slice(2);
const isFile = (a) => /\.(m|c)?[jt]s$/.test(a) && !a.startsWith('-');
const given = args.filter(isFile);
const options = args.filter((a) => !isFile(a));
const fromSource = process.env.ATOM_TEST_TSX === 'true';
if (!fromSource) await buildTests();
const compiled = (f) => join(TEST_BUILD, f.replace(/\.tsx?$/, '.js'));

/** A file that runs the given test files in one process, each inside a suite named for its path. */
function groupFile(n, files) {
  const dir = join(TEST_BUILD, 'groups');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `group-${String(n).padStart(2, '0')}.test.js`);
  const suites = files.map(
    (f) =>
      `describe(${JSON.stringify(f)}, async () => {\n  await import(${JSON.stringify(relative(dir, compiled(f)))});\n});`,
  );
  writeFileSync(
    file,
    `// Written by scripts/test.mjs.\nimport { describe } from 'node:test';\n\n${suites.join('\n')}\n`,
  );
  return file;
}

function plan() {
  if (given.length) return fromSource ? given : given.map(compiled);
  const all = testFiles('test');
  const solo = SOLO.filter((f) => all.includes(f));
  const rest = all.filter((f) => !SOLO.includes(f));
  if (fromSource) return [...solo, ...rest];
  const groups = [];
  for (let i = 0; i < rest.length; i += GROUP_SIZE)
    groups.push(groupFile(groups.length + 1, rest.slice(i, i + GROUP_SIZE)));
  return [...solo.map(compiled), ...groups];
}
const run = plan();

// --liftoff-only: test processes live seconds, so V8's optimising WebAssembly tier (PGlite is
// WebAssembly) costs more CPU than it saves; about 15% less CPU for the whole suite.
// Three files at a time: much of a test's time is spent waiting (timers, other processes).
// ATOM_LAZY_SCHEMAS: each route's schemas compiled on its first use, in every test process and the
// servers and CLI commands they start (1.4 s of CPU per app; test/helpers/app.ts).
// --enable-source-maps: a failure's stack names the TypeScript line (esbuild's inline maps).
const env = {
  ...process.env,
  ATOM_LAZY_SCHEMAS: process.env.ATOM_LAZY_SCHEMAS ?? 'true',
  ...(fromSource ? {} : { ATOM_TEST_BUILD: TEST_BUILD }),
};
const child = spawn(
  process.execPath,
  [
    '--liftoff-only',
    ...(fromSource ? ['--import', 'tsx'] : ['--enable-source-maps']),
    '--test',
    '--test-concurrency=3',
    '--test-timeout=600000',
    ...options,
    ...run,
  ],
  { stdio: 'inherit', env },
);
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
