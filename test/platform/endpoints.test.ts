import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT } from '../../scripts/repo-root.js';
import type { Built } from '../../src/app.js';
import { startApp } from '../helpers/app.js';

/** Every METHOD and path the seed documents name (copied to docs/seed-endpoints.txt) is served. */
describe('seed endpoints', () => {
  let built: Built;
  before(async () => {
    built = await startApp();
  });
  after(() => built.close());

  it('are all registered routes (the documentation routes answer)', async () => {
    const served = new Set(built.routes.map((r) => `${r.method} ${r.url.replace(/:[A-Za-z_]+/g, '{}')}`));
    const wanted = readFileSync(join(REPO_ROOT, 'docs/seed-endpoints.txt'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /^(GET|POST|PUT|PATCH|DELETE) \//.test(l))
      .map((l) => l.replace(/\{[^}]+\}/g, '{}'));
    assert.ok(wanted.length > 100);
    const missing = wanted.filter((w) => !served.has(w));
    // The OpenAPI document and its UI are served by plugins, outside the route table: call them.
    for (const path of ['/api/openapi.json', '/api/docs']) {
      const res = await built.app.inject({ method: 'GET', url: path });
      assert.ok(res.statusCode < 400, `${path} → ${res.statusCode}`);
    }
    assert.deepEqual(
      missing.filter((w) => !['GET /api/openapi.json', 'GET /api/docs'].includes(w)),
      [],
    );
  });
});
