import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FederationClient, MarketplaceClient } from '@atom-platform/sdk';
import { call, makeTenant, type TestTenant } from '../helpers/http.js';
import { type Server, startServer } from './server.js';

/** The TypeScript SDK's getIntegrationConfig / setIntegrationConfig / installFromBundle against a real server. */
describe('MarketplaceClient integration settings and installFromBundle', () => {
  let srv: Server;
  let t: TestTenant;
  let client: MarketplaceClient;
  before(async () => {
    // publicUrl is where the bundle says it comes from; the server is its own peer here.
    srv = await startServer({ publicUrl: 'https://a.example' });
    t = await makeTenant(srv.app, 'enterprise');
    client = new MarketplaceClient({ baseUrl: `${srv.url}/api`, apiKey: t.key });
  });
  after(() => srv.close());

  it('stores tokens and settings, reads back metadata and settings but never the tokens', async () => {
    const expires = new Date(Date.now() + 3_600_000);
    const set = await client.setIntegrationConfig('airtable', {
      accessToken: 'at-1',
      refreshToken: 'rt-1',
      tokenExpiresAt: expires,
      baseId: 'appXXXX',
      scopes: ['data.records:read'],
    });
    assert.equal(set.provider, 'airtable');
    const got = await client.getIntegrationConfig('airtable');
    assert.deepEqual(
      [got.hasRefreshToken, got.scopes, got.settings],
      [true, ['data.records:read'], { baseId: 'appXXXX' }],
    );
    assert.ok(Math.abs(new Date(got.expiresAt!).getTime() - expires.getTime()) < 1000);
    assert.equal(JSON.stringify(got).includes('at-1'), false);
  });

  it('installs a bundle downloaded from a peer, verified again by the server', async () => {
    const self = srv.built.ctx.config.publicUrl;
    // Its keys pinned from its own well-known document (a port-0 server cannot fetch itself by publicUrl).
    const published = (await call(srv.app, 'GET', '/.well-known/atom-federation.json')).body.public_keys as {
      key_id: string;
      public_key: string;
    }[];
    const public_keys = published.map((k) => ({ key_id: k.key_id, public_key: k.public_key }));
    const peer = await call(srv.app, 'POST', '/api/federation/peers', {
      admin: true,
      body: { name: 'self', base_url: self, public_keys },
    });
    assert.equal(peer.status, 201, JSON.stringify(peer.body));
    const key = (
      await call(srv.app, 'POST', '/api/federation/keys', { admin: true, body: { peer_id: peer.body.data.peer.id } })
    ).body.data.key;
    const pub = await makeTenant(srv.app, 'team');
    const agent = await call(srv.app, 'POST', '/api/agents', {
      key: pub.key,
      body: { name: 'Shared', role: 'custom', maturity_level: 'supervised' },
    });
    const listing = await new MarketplaceClient({ baseUrl: srv.url, apiKey: pub.key }).publishAgent({
      agentId: agent.body.data.agent.id,
      marketplaceType: 'public',
      name: 'Shared',
      description: 'd',
    });
    await call(srv.app, 'POST', `/api/agent-marketplace/agents/${listing.componentId}/approve`, { admin: true });
    const federation = new FederationClient({
      baseUrl: `${srv.url}/api/federation`,
      federationKey: key,
      sourceInstance: self,
    });
    const bundle = await federation.downloadAgentBundle(listing.componentId);
    const r = await client.installFromBundle({ bundle, sourceInstance: bundle.source_instance });
    assert.equal(r.status, 'installed');
    assert.match(r.installationId!, /^ati_/);
    assert.equal(r.originTemplateId, listing.componentId);
    const tampered = { ...bundle, agent_template: { ...(bundle.agent_template as object), name: 'Evil' } };
    await assert.rejects(client.installFromBundle({ bundle: tampered }), (e: { status: number }) => e.status === 422);
  });
});
