import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { embeddedOnly } from '../helpers/app.js';
import { entryPoint } from '../helpers/processes.js';

/** One real process loading the configuration on `dir`: what it printed, and its exit code. */
function load(dir: string, startAt = 0): Promise<{ out: string; code: number | null; err: string }> {
  return new Promise((resolve) => {
    const env = {
      ...process.env,
      ATOM_DATA_DIR: dir,
      DATABASE_URL: '',
      ATOM_ADMIN_KEY: '',
      ATOM_ENCRYPTION_KEY: '',
      ATOM_JWT_SECRET: '',
      NODE_ENV: 'development',
      START_AT: String(startAt),
    };
    const child = spawn(process.execPath, entryPoint('test/fixtures/print-secrets.ts'), {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => resolve({ out: out.trim(), code, err }));
  });
}

describe('generated secrets on a shared data directory', embeddedOnly, () => {
  it('processes starting together all settle on the same secrets, and only one says it generated the admin key', async () => {
    for (let round = 0; round < 3; round++) {
      const dir = mkdtempSync(join(tmpdir(), 'atom-secrets-'));
      try {
        // Released at the same moment, well after each process has started.
        const startAt = Date.now() + 3_000;
        const runs = await Promise.all(Array.from({ length: 6 }, () => load(dir, startAt)));
        for (const r of runs) assert.equal(r.code, 0, r.err);
        const digests = new Set(runs.map((r) => r.out.split(' ')[0]));
        assert.equal(digests.size, 1, `all processes use one set of secrets: ${[...digests].join(', ')}`);
        assert.equal(runs.filter((r) => r.out.endsWith('true')).length, 1, 'one process generated the admin key');
        const again = await load(dir);
        assert.deepEqual(again.out, `${[...digests][0]} false`, 'a restart keeps them');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });
});
