import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { GENERATED_FILE, renderOpenApiTypes } from '../../scripts/sdk-types.js';
import { OPERATIONS } from '../../sdk/src/generated/openapi.js';
import { firstPassOnly } from '../helpers/app.js';
import { call } from '../helpers/http.js';
import { missingFrom, routesHere } from './routes.js';
import { type Server, startServer } from './server.js';

describe('SDK and server cannot drift', firstPassOnly, () => {
  let srv: Server;
  let doc: any;
  before(async () => {
    srv = await startServer();
    doc = (await call(srv.app, 'GET', '/api/openapi.json')).body;
  });
  after(() => srv.close());

  it('sdk/src/generated/openapi.ts is what a fresh server generates (run `npm run sdk:types` after changing routes)', () => {
    const fresh = renderOpenApiTypes(doc);
    const committed = readFileSync(GENERATED_FILE, 'utf8');
    if (fresh !== committed) {
      const a = fresh.split('\n');
      const b = committed.split('\n');
      const line = a.findIndex((l, i) => l !== b[i]);
      assert.fail(
        `generated types are stale from line ${line + 1}: server has ${JSON.stringify(a[line])}, file ` +
          `has ${JSON.stringify(b[line])}. Run \`npm run sdk:types\`.`,
      );
    }
    assert.equal(
      OPERATIONS.length,
      Object.values(doc.paths).reduce(
        (n: number, p: any) =>
          n + Object.keys(p).filter((m) => ['get', 'put', 'post', 'delete', 'patch'].includes(m)).length,
        0,
      ),
    );
  });

  it('every route the SDK calls (outside the marketplaces built on other branches) is in the OpenAPI document', () => {
    assert.ok(routesHere.length >= 15);
    assert.deepEqual(missingFrom(doc, routesHere), []);
  });

  it('the check catches a route the server does not serve', () => {
    assert.deepEqual(
      missingFrom(doc, [
        ['bogus', { method: 'GET', path: '/api/agents/{id}/nothing' }],
        ['wrongMethod', { method: 'PATCH', path: '/api/agents/{id}' }],
      ]),
      ['bogus: GET /api/agents/{id}/nothing', 'wrongMethod: PATCH /api/agents/{id}'],
    );
  });
});
