#!/usr/bin/env node
// Runs the server: the compiled dist/ when it is built and newer than every source (npm run build),
// else the TypeScript sources through tsx, with a one-line notice. The arguments are main's
// (`start`, `migrate`, `seed`, `tenant create …`); `--cluster` runs src/cluster.ts instead
// (several server processes on one port; each forked process comes back here and runs main).
// ATOM_FROM_SOURCE=1 always runs the sources.
import cluster from 'node:cluster';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFAULT_OUT, ROOT, staleReason } from './build.mjs';

const args = process.argv.slice(2);
const entry = args[0] === '--cluster' && cluster.isPrimary ? 'cluster' : 'main';
if (args[0] === '--cluster') args.shift();
// main reads process.argv.slice(2); argv[1] stays this script, which cluster.fork() runs again.
process.argv.splice(2, process.argv.length - 2, ...args);

const why = process.env.ATOM_FROM_SOURCE === '1' ? 'ATOM_FROM_SOURCE=1' : staleReason(DEFAULT_OUT);
if (why === null) {
  await import(pathToFileURL(join(DEFAULT_OUT, 'src', `${entry}.js`)).href);
} else {
  if (cluster.isPrimary)
    console.error(`[start] running the TypeScript sources through tsx (${why}; npm run build compiles them)`);
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(ROOT, 'src', `${entry}.ts`)).href);
}
