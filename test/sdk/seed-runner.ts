import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const EXAMPLES_DIR = join(import.meta.dirname, 'seed-examples');

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
 * its import line changed. A copy with the placeholders replaced is imported (tsx compiles it), so
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
  const copy = join(EXAMPLES_DIR, `.run-${basename(file, '.ts')}-${randomBytes(4).toString('hex')}.ts`);
  writeFileSync(copy, text);
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
