import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The repository's root, found upwards from this module: the same whether it runs from the sources
 * (tsx) or compiled into .test-build/ by `npm test`, whose tree holds JavaScript and no src/main.ts.
 * Code that reads the repository's own files (README, docs, migrations, sources) starts here.
 */
function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'src', 'main.ts')) && existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no repository root (src/main.ts) above ${from}`);
  }
}

export const REPO_ROOT = findRoot(import.meta.dirname);
