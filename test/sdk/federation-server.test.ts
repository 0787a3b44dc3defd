import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AuthenticationError, FederationClient } from '@atom-platform/sdk';
import { call } from '../helpers/http.js';
import { missingFrom, routesOfFederation } from './routes.js';
import { startServer, type Server } from './server.js';

/**
 * FederationClient against the server's federation routes (issue 8, not built yet on any branch
 * when this was written): these tests fail until they are served. The client's bundle
 * verification itself is tested in federation.test.ts.
 */
describe('FederationClient against the server', () => {
  let srv: Server;
  before(async () => {
    srv = await startServer();
  });
  after(() => srv.close());

  it('the federation routes the SDK calls are in the OpenAPI document', async () => {
    const doc = (await call(srv.app, 'GET', '/api/openapi.json')).body;
    assert.deepEqual(missingFrom(doc, routesOfFederation), []);
  });

  it('an unknown federation key is FEDERATION_KEY_INVALID', async () => {
    const federation = new FederationClient({ baseUrl: `${srv.url}/api/federation`, federationKey: 'not-a-key', sourceInstance: 'https://b.example', maxRetries: 0 });
    const err = await federation.discoverAgents().catch((e) => e);
    assert.ok(err instanceof AuthenticationError, String(err));
    assert.equal(err.code, 'FEDERATION_KEY_INVALID');
  });
});
