import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { describe, it } from 'node:test';
import { BundleVerificationError, FederationClient, canonicalJson, verifyAgentBundle, type AgentBundle } from '@atom-platform/sdk';
import { startScripted } from './server.js';

function keyPair(kid: string) {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return { kid, privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid } };
}

/** Signs a payload the way the bundle format says: SHA-256 digest and Ed25519 over canonical JSON. */
function signBundle(payload: Record<string, unknown>, privateKey: KeyObject, kid: string): AgentBundle {
  const bytes = Buffer.from(canonicalJson(payload));
  return {
    format: 'atom.agent-bundle', format_version: 1, source_instance: 'https://a.example', key_id: kid,
    digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`,
    signature: sign(null, bytes, privateKey).toString('base64url'),
    payload,
  };
}

const payload = { agent: { name: 'Sales Agent', capabilities: ['sales', 'crm'], config: { b: 1, a: [2, { z: null, y: 'é' }] } }, skills: [], canvas_components: [] };

describe('agent bundle verification (Ed25519 + SHA-256)', () => {
  const a = keyPair('a-2026');
  const other = keyPair('other');

  it('canonical JSON sorts keys at every level', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: null } }), '{"a":{"c":null,"d":[1,{"e":3,"f":2}]},"b":1}');
  });

  it('accepts a bundle signed by the pinned key, whatever the key order of the JSON received', () => {
    const bundle = signBundle(payload, a.privateKey, a.kid);
    const reordered = JSON.parse(JSON.stringify({ ...bundle, payload: { skills: [], canvas_components: [], agent: { config: { a: [2, { y: 'é', z: null }], b: 1 }, capabilities: ['sales', 'crm'], name: 'Sales Agent' } } }));
    assert.equal(verifyAgentBundle(reordered, [a.jwk]).key_id, 'a-2026');
  });

  it('refuses a changed payload, a forged signature, an unknown key and a missing signature', () => {
    const bundle = signBundle(payload, a.privateKey, a.kid);
    const tampered = { ...bundle, payload: { ...payload, agent: { ...payload.agent, name: 'Evil Agent' } } };
    assert.throws(() => verifyAgentBundle(tampered, [a.jwk]), (e) => e instanceof BundleVerificationError && /digest/.test(e.message));
    const resigned = signBundle(tampered.payload, other.privateKey, a.kid);
    assert.throws(() => verifyAgentBundle(resigned, [a.jwk]), (e) => e instanceof BundleVerificationError && /signature/.test(e.message));
    assert.throws(() => verifyAgentBundle(bundle, [other.jwk]), (e) => e instanceof BundleVerificationError && e.code === 'BUNDLE_VERIFICATION_FAILED');
    assert.throws(() => verifyAgentBundle({ ...bundle, signature: undefined } as unknown as AgentBundle, [a.jwk]), BundleVerificationError);
    assert.throws(() => verifyAgentBundle({ ...bundle, signature: Buffer.alloc(64).toString('base64url') }, [a.jwk]), /signature/);
  });

  it('FederationClient sends the federation headers, fetches the published keys once and verifies downloads', async () => {
    const good = signBundle(payload, a.privateKey, a.kid);
    const bad = { ...good, payload: { ...payload, skills: ['injected'] } };
    const s = await startScripted((r) => {
      if (r.url === '/.well-known/atom-federation.json') return { status: 200, body: { instance: 'https://a.example', keys: [a.jwk] } };
      if (r.url.startsWith('/api/federation/v1/marketplace/agents?')) return { status: 200, body: { agents: [{ agent_id: 'tpl_1', name: 'Sales Agent', source_instance: 'https://a.example' }], total: 1, limit: 100, offset: 0, has_more: false } };
      if (r.url === '/api/federation/v1/marketplace/agents/tpl_1/bundle') return { status: 200, body: good };
      return { status: 200, body: bad };
    });
    try {
      const federation = new FederationClient({ baseUrl: `${s.url}/api/federation`, federationKey: 'fk_secret', sourceInstance: 'https://b.example' });
      const agents = await federation.discoverAgents({ pageSize: 100 });
      assert.deepEqual(agents.map((x) => x.agentId), ['tpl_1']);
      assert.equal(agents[0].sourceInstance, 'https://a.example');
      const bundle = await federation.downloadAgentBundle('tpl_1');
      assert.deepEqual(bundle.payload, payload);
      await assert.rejects(federation.downloadAgentBundle('tpl_2'), BundleVerificationError);
      const unchecked = await federation.downloadAgentBundle('tpl_2', { verify: false });
      assert.deepEqual(unchecked.payload.skills, ['injected']);
      const all: string[] = [];
      for await (const x of federation.iterateAgents()) all.push(x.agentId);
      assert.deepEqual(all, ['tpl_1']);
      assert.equal(s.seen.filter((r) => r.url === '/.well-known/atom-federation.json').length, 1, 'keys fetched once');
      const api = s.seen.filter((r) => r.url.startsWith('/api/'));
      assert.ok(api.every((r) => r.headers['x-federation-key'] === 'fk_secret' && r.headers['x-federation-source'] === 'https://b.example'));
    } finally {
      await s.close();
    }
  });
});
