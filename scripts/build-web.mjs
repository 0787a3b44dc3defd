#!/usr/bin/env node
// Builds the web console (web/ → web/dist) when it is missing or older than its sources.
// `--force` always builds. Runs before `npm start` and `npm test`, so a fresh clone needs only
// `npm install && npm start`.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = join(dirname(fileURLToPath(import.meta.url)), '..', 'web');
const dist = join(web, 'dist', 'index.html');
const SOURCES = ['src', 'index.html', 'vite.config.ts', 'tsconfig.json', 'public'];

function newest(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(path).reduce((m, name) => Math.max(m, newest(join(path, name))), st.mtimeMs);
}

export function webIsStale() {
  if (!existsSync(dist)) return true;
  const built = statSync(dist).mtimeMs;
  return SOURCES.some((s) => newest(join(web, s)) > built);
}

export async function buildWeb({ force = false } = {}) {
  if (!force && !webIsStale()) return false;
  let vite;
  try {
    vite = await import('vite');
  } catch {
    if (existsSync(dist)) {
      console.warn('[build-web] vite is not installed (production install?): serving the existing web/dist');
      return false;
    }
    throw new Error(
      '[build-web] web/dist is missing and vite is not installed: run "npm install" (with dev dependencies), then ' +
        '"npm run build:web"',
    );
  }
  console.log('[build-web] building the web console into web/dist …');
  await vite.build({ configFile: join(web, 'vite.config.ts'), logLevel: 'warn' });
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildWeb({ force: process.argv.includes('--force') }).catch((e) => {
    console.error(e.message ?? e);
    process.exit(1);
  });
}
