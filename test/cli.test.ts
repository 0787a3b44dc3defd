import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { embeddedOnly } from './helpers/app.js';
import { call } from './helpers/http.js';
import { entryPoint } from './helpers/processes.js';

const run = promisify(execFile);

describe('CLI', embeddedOnly, () => {
  it('`atom tenant create` prints a tenant id and a working key; `atom migrate` is idempotent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atom-cli-'));
    const env = { ...process.env, ATOM_DATA_DIR: dir, DATABASE_URL: '', REDIS_URL: '', LOG_LEVEL: 'silent' };
    try {
      const migrated = await run(process.execPath, [...entryPoint('src/main.ts'), 'migrate'], { env });
      assert.match(migrated.stdout, /Applied: 0001_platform\.sql/);
      const again = await run(process.execPath, [...entryPoint('src/main.ts'), 'migrate'], { env });
      assert.match(again.stdout, /up to date/);
      const { stdout } = await run(
        process.execPath,
        [...entryPoint('src/main.ts'), 'tenant', 'create', '--name', 'Acme', '--plan', 'team'],
        { env },
      );
      const tenant = /Tenant:\s+(tnt_\w+)/.exec(stdout)?.[1];
      const key = /API key:\s+(sk-atom\w+)/.exec(stdout)?.[1];
      assert.ok(tenant && key, stdout);
      const bad = await run(
        process.execPath,
        [...entryPoint('src/main.ts'), 'tenant', 'create', '--name', 'X', '--plan', 'gold'],
        { env },
      ).catch((e) => e);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /--plan must be/);

      const built = await buildApp({ ...loadConfig(env), logLevel: 'silent' });
      try {
        const me = await call(built.app, 'GET', '/api/auth/me', { key });
        assert.equal(me.status, 200);
        assert.equal(me.body.data.tenant_id, tenant);
        assert.equal(me.body.data.plan, 'team');
      } finally {
        await built.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
