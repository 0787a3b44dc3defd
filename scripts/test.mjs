#!/usr/bin/env node
// `npm test`: every test file under test/, the slowest first, so that the long ones do not start
// last and leave the other workers idle at the end (longest-first scheduling). Extra arguments
// (a reporter, say) are passed to the test runner; file arguments replace the full list.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

// Slowest first (measured: a minute or so each on a quiet 2-core machine); the rest keep path order.
const SLOW_FIRST = [
  'test/modules/workflows/schedule-trigger.test.ts',
  'test/cli.test.ts',
  'test/web/console.test.ts',
  'test/modules/executions-takeover.test.ts',
  'test/sdk/python.test.ts',
  'test/web/workflows.test.ts',
  'test/modules/webhooks-crash.test.ts',
  'test/modules/workflows/resume.test.ts',
  'test/modules/executions-restart.test.ts',
  'test/federation/federation.test.ts',
];

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
const all = testFiles('test');
const files = given.length
  ? given
  : [...SLOW_FIRST.filter((f) => all.includes(f)), ...all.filter((f) => !SLOW_FIRST.includes(f))];

// --liftoff-only: test processes live seconds, so V8's optimising WebAssembly tier (PGlite is
// WebAssembly) costs more CPU than it saves; about 15% less CPU for the whole suite.
// Three files at a time: much of a test's time is spent waiting (timers, other processes).
// ATOM_LAZY_SCHEMAS: each route's schemas compiled on its first use, in every test process and the
// servers and CLI commands they start (1.4 s of CPU per app; test/helpers/app.ts).
const env = { ...process.env, ATOM_LAZY_SCHEMAS: process.env.ATOM_LAZY_SCHEMAS ?? 'true' };
const child = spawn(
  process.execPath,
  [
    '--liftoff-only',
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=3',
    '--test-timeout=600000',
    ...options,
    ...files,
  ],
  { stdio: 'inherit', env },
);
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
