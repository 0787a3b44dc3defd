import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AuthenticationError, BundleVerificationError, FederationClient, MarketplaceClient } from '@atom-platform/sdk';
import { call, makeTenant } from '../helpers/http.js';
import { missingFrom, routesOfFederation } from './routes.js';
import { type Server, startServer } from './server.js';

/** FederationClient against a real instance: discovery, a signed bundle, its verification with the published key. */
describe('FederationClient against the server', () => {
  let srv: Server;
  let federationKey: string;
  let templateId: string;
  const peerUrl = 'https://b.example';
  before(async () => {
    srv = await startServer();
    const peer = await call(srv.app, 'POST', '/api/federation/peers', {
      admin: true,
      body: { name: 'B', base_url: peerUrl },
    });
    assert.equal(peer.status, 201, JSON.stringify(peer.body));
    const key = await call(srv.app, 'POST', '/api/federation/keys', {
      admin: true,
      body: { peer_id: peer.body.data.peer.id },
    });
    federationKey = key.body.data.key;
    const pub = await makeTenant(srv.app, 'team');
    const marketplace = new MarketplaceClient({ baseUrl: `${srv.url}/api`, tenantId: pub.id, apiToken: pub.key });
    const agent = await call(srv.app, 'POST', '/api/agents', {
      key: pub.key,
      body: { name: 'Federated Sales', role: 'custom', maturity_level: 'supervised', capabilities: ['sales'] },
    });
    const r = await marketplace.publishAgent({
      agentId: agent.body.data.agent.id,
      marketplaceType: 'public',
      name: 'Federated Sales',
      description: 'Sales outreach',
      capabilities: ['sales'],
      maturityLevel: 'supervised',
      pricingTier: 'team',
    });
    templateId = r.componentId;
    await call(srv.app, 'POST', `/api/agent-marketplace/agents/${templateId}/approve`, { admin: true });
  });
  after(() => srv.close());

  it('the federation routes the SDK calls are in the OpenAPI document', async () => {
    const doc = (await call(srv.app, 'GET', '/api/openapi.json')).body;
    assert.deepEqual(missingFrom(doc, routesOfFederation), []);
  });

  it('discovers, downloads and verifies a bundle with the key the instance publishes', async () => {
    const federation = new FederationClient({
      baseUrl: `${srv.url}/api/federation`,
      federationKey,
      sourceInstance: peerUrl,
    });
    const agents = await federation.discoverAgents({ capability: 'sales' });
    assert.deepEqual(
      agents.map((a) => a.agentId),
      [templateId],
    );
    const bundle = await federation.downloadAgentBundle(templateId);
    assert.deepEqual(
      [bundle.format, bundle.kind, (bundle.agent_template as any).name],
      ['atom.bundle', 'agent_template', 'Federated Sales'],
    );
    const [published] = await federation.publicKeys();
    assert.equal((published as any).key_id, bundle.signature.key_id);
    // The same verification refuses a bundle changed in transit.
    const { verifyAgentBundle } = await import('@atom-platform/sdk');
    assert.throws(
      () =>
        verifyAgentBundle({ ...bundle, agent_template: { ...(bundle.agent_template as object), name: 'Evil' } }, [
          published,
        ]),
      BundleVerificationError,
    );
  });

  it('an unknown federation key, or the right key from the wrong source, is FEDERATION_KEY_INVALID', async () => {
    for (const [key, source] of [
      ['not-a-key', peerUrl],
      [federationKey, 'https://c.example'],
    ]) {
      const federation = new FederationClient({
        baseUrl: `${srv.url}/api/federation`,
        federationKey: key,
        sourceInstance: source,
        maxRetries: 0,
      });
      const err = await federation.discoverAgents().catch((e) => e);
      assert.ok(err instanceof AuthenticationError, String(err));
      assert.equal(err.code, 'FEDERATION_KEY_INVALID');
    }
  });
});
