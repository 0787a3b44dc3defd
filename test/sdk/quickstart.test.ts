import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../../scripts/repo-root.js';
import { firstPassOnly } from '../helpers/app.js';
import { makeTenant, type TestTenant } from '../helpers/http.js';
import { type Server, startServer } from './server.js';

const run = promisify(execFile);
const ROOT = REPO_ROOT;

describe('sdk/examples/quickstart.ts', firstPassOnly, () => {
  let srv: Server;
  let t: TestTenant;
  before(async () => {
    srv = await startServer();
    t = await makeTenant(srv.app, 'team');
  });
  after(() => srv.close());

  it('runs against a live server with ATOM_URL and ATOM_API_KEY', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'sdk/examples/quickstart.ts'], {
      cwd: ROOT,
      env: { ...process.env, ATOM_URL: srv.url, ATOM_API_KEY: t.key },
      timeout: 60_000,
    });
    assert.match(stdout, /created agent agt_\S+ \(student\)/);
    assert.match(
      stdout,
      /execution exe_\S+: failed \(No installed skill matches this task\.\)/,
      'a fresh tenant has no skills; the execution was polled to its end',
    );
    assert.match(stdout, /webhook \S+ → https:\/\/example\.com\/atom-hooks, secret whsec_/);
    assert.match(stdout, /deleted agent agt_/);
  });

  it('exits 1 with the error code on a bad key, 2 without one', async () => {
    const bad = await run(process.execPath, ['--import', 'tsx', 'sdk/examples/quickstart.ts'], {
      cwd: ROOT,
      env: { ...process.env, ATOM_URL: srv.url, ATOM_API_KEY: 'sk-atomnotarealkey' },
    }).catch((e) => e);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /INVALID_API_KEY \(401\)/);
    const none = await run(process.execPath, ['--import', 'tsx', 'sdk/examples/quickstart.ts'], {
      cwd: ROOT,
      env: { ...process.env, ATOM_URL: srv.url, ATOM_API_KEY: '' },
    }).catch((e) => e);
    assert.equal(none.code, 2);
  });
});
