import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { transformSync } from 'esbuild';
import { REPO_ROOT } from '../../scripts/repo-root.js';

/** The seed's text, in the repository. */
const EXAMPLES_DIR = join(REPO_ROOT, 'test/sdk/seed-examples');
/**
 * Where a run copy goes: beside this module, so that its `import '@atom-platform/sdk'` finds the
 * client this test runs against (compiled in .test-build/ under `npm test`, the sources under tsx).
 */
const RUN_DIR = join(import.meta.dirname, 'seed-examples');

export interface RunOptions {
  /** Placeholder values of the seed text ('your-tenant-id', 'sk-your-key', …) and what stands in for them. */
  replace?: [string, string][];
  /** Top-level names the test reads after the example ran (an `export {…}` line is appended to the run copy only). */
  exports?: string[];
  /** Environment the example reads (process.env.ATOM_API_KEY, …), set while it runs. */
  env?: Record<string, string>;
}

/**
 * Runs one seed example (test/sdk/seed-examples/<file>): the file holds the seed's text with only
 * its import line changed. A copy with the placeholders replaced is compiled (esbuild) and imported, so
 * its top-level code runs against the real server; console.log output is collected.
 */
export async function runExample(
  file: string,
  o: RunOptions = {},
): Promise<{ exports: Record<string, any>; logs: string[] }> {
  let text = readFileSync(join(EXAMPLES_DIR, file), 'utf8');
  for (const [from, to] of o.replace ?? []) {
    assert.ok(text.includes(from), `placeholder ${from} not in ${file}`);
    text = text.split(from).join(to);
  }
  if (o.exports?.length) text += `\nexport { ${o.exports.join(', ')} };\n`;
  mkdirSync(RUN_DIR, { recursive: true });
  const copy = join(RUN_DIR, `.run-${basename(file, '.ts')}-${randomBytes(4).toString('hex')}.mjs`);
  writeFileSync(copy, transformSync(text, { loader: 'ts', format: 'esm', target: 'node20' }).code);
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(o.env ?? {})) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  const logs: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => logs.push(args.map(String).join(' '));
  try {
    return { exports: await import(pathToFileURL(copy).href), logs };
  } finally {
    console.log = log;
    unlinkSync(copy);
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
