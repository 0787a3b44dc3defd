import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../../scripts/repo-root.js';
import { firstPassOnly, freshDatabaseUrl } from '../helpers/app.js';

const SDK = join(REPO_ROOT, 'sdk/python');
const python = process.env.PYTHON ?? 'python3';
const version = spawnSync(python, ['-c', 'import sys; print(sys.version_info >= (3, 10))'], { encoding: 'utf8' });
const usable = version.status === 0 && version.stdout.trim() === 'True';

/**
 * The Python SDK's own suite (sdk/python/tests, `python3 -m unittest`): it starts one real server
 * (`src/main.ts start`) on this run's database engine, runs every seed Python example against it,
 * the transport, Ed25519 and drift tests. Fails when any Python test fails.
 */
describe('Python SDK', { skip: (!usable && `${python} >= 3.10 not found`) || firstPassOnly.skip }, () => {
  it('python3 -m unittest discover passes against a real server', { timeout: 600_000 }, async (t) => {
    const db = await freshDatabaseUrl();
    try {
      const env = { ...process.env, PYTHONPATH: join(SDK, 'src'), PYTHONDONTWRITEBYTECODE: '1', DATABASE_URL: db.url };
      const child = spawn(python, ['-m', 'unittest', 'discover', '-s', 'tests', '-t', '.'], {
        cwd: SDK,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      assert.equal(code, 0, `python3 -m unittest failed:\n${output.slice(-8000)}`);
      assert.match(output, /Ran \d+ tests/);
      // Examples needing Flask, requests or pytest skip (with the reason) where those are not installed.
      const skipped = /skipped=(\d+)/.exec(output);
      if (skipped) t.diagnostic(`${skipped[1]} Python tests skipped: ${output.slice(-2000)}`);
    } finally {
      await db.drop();
    }
  });
});
