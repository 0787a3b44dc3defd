import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  type AgentBundle,
  BundleVerificationError,
  canonicalJson,
  FederationClient,
  verifyAgentBundle,
} from '@atom-platform/sdk';
import { canonicalize } from '../../src/modules/federation/canonical.js';
import { startScripted } from './server.js';

function keyPair(kid: string) {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const x = publicKey.export({ format: 'jwk' }).x!;
  return { kid, privateKey, published: { key_id: kid, alg: 'ed25519', public_key: x } };
}

/** Signs a bundle the way docs/federation.md says: SHA-256 over canonical JSON, Ed25519 over the digest bytes. */
function signBundle(content: Record<string, unknown>, privateKey: KeyObject, kid: string): AgentBundle {
  const body = {
    format: 'atom.bundle',
    version: 1,
    source_instance: 'https://a.example',
    issued_at: new Date().toISOString(),
    nonce: 'n1',
    kind: 'agent_template',
    listing: { id: 'tpl_1' },
    skills: [],
    canvas_components: [],
    ...content,
  };
  const hex = createHash('sha256').update(canonicalJson(body)).digest('hex');
  return {
    ...body,
    digest: { alg: 'sha-256', value: hex },
    signature: {
      alg: 'ed25519',
      key_id: kid,
      value: sign(null, Buffer.from(hex, 'hex'), privateKey).toString('base64url'),
    },
  } as AgentBundle;
}

const template = {
  agent_template: {
    name: 'Sales Agent',
    capabilities: ['sales', 'crm'],
    configuration: { b: 1, a: [2, { z: null, y: 'é' }] },
  },
};

describe('bundle verification (Ed25519 + SHA-256)', () => {
  const a = keyPair('a-2026');
  const other = keyPair('other');

  it('canonical JSON sorts keys at every level, exactly as the server does', () => {
    const v = { b: 1, a: { d: [1, { f: 2, e: 3 }], c: null }, s: 'é\u2028"' };
    assert.equal(canonicalJson(v), '{"a":{"c":null,"d":[1,{"e":3,"f":2}]},"b":1,"s":"é\u2028\\""}');
    assert.equal(canonicalJson(v), canonicalize(v));
  });

  it('accepts a bundle signed by the published key, whatever the key order of the JSON received', () => {
    const bundle = signBundle(template, a.privateKey, a.kid);
    const reordered = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(bundle).reverse())));
    assert.equal(verifyAgentBundle(reordered, [a.published]).signature.key_id, 'a-2026');
  });

  it('refuses changed content, a forged signature, an unknown key and a missing signature', () => {
    const bundle = signBundle(template, a.privateKey, a.kid);
    const tampered = { ...bundle, agent_template: { ...template.agent_template, name: 'Evil Agent' } };
    assert.throws(
      () => verifyAgentBundle(tampered, [a.published]),
      (e) => e instanceof BundleVerificationError && /digest/.test(e.message),
    );
    const resigned = signBundle({ agent_template: tampered.agent_template }, other.privateKey, a.kid);
    assert.throws(
      () => verifyAgentBundle(resigned, [a.published]),
      (e) => e instanceof BundleVerificationError && /signature/.test(e.message),
    );
    assert.throws(
      () => verifyAgentBundle(bundle, [other.published]),
      (e) => e instanceof BundleVerificationError && e.code === 'BUNDLE_VERIFICATION_FAILED',
    );
    assert.throws(
      () => verifyAgentBundle({ ...bundle, signature: undefined } as unknown as AgentBundle, [a.published]),
      BundleVerificationError,
    );
    assert.throws(
      () =>
        verifyAgentBundle(
          { ...bundle, signature: { ...bundle.signature, value: Buffer.alloc(64).toString('base64url') } },
          [a.published],
        ),
      /signature/,
    );
  });

  it('FederationClient sends the federation headers, fetches the published keys once and verifies downloads', async () => {
    const good = signBundle(template, a.privateKey, a.kid);
    const bad = { ...good, skills: [{ injected: true }] };
    const s = await startScripted((r) => {
      if (r.url === '/.well-known/atom-federation.json')
        return { status: 200, body: { instance_url: 'https://a.example', public_keys: [a.published] } };
      if (r.url.startsWith('/api/federation/v1/marketplace/agents?'))
        return {
          status: 200,
          body: {
            items: [{ agent_id: 'tpl_1', name: 'Sales Agent', source_instance: 'https://a.example' }],
            total: 1,
            page: 1,
            page_size: 100,
            has_more: false,
          },
        };
      if (r.url === '/api/federation/v1/marketplace/agents/tpl_1/bundle') return { status: 200, body: good };
      return { status: 200, body: bad };
    });
    try {
      const federation = new FederationClient({
        baseUrl: `${s.url}/api/federation`,
        federationKey: 'fk_secret',
        sourceInstance: 'https://b.example',
      });
      const agents = await federation.discoverAgents({ pageSize: 100 });
      assert.deepEqual(
        agents.map((x) => x.agentId),
        ['tpl_1'],
      );
      assert.equal(agents[0].sourceInstance, 'https://a.example');
      const bundle = await federation.downloadAgentBundle('tpl_1');
      assert.deepEqual(bundle.agent_template, template.agent_template);
      await assert.rejects(federation.downloadAgentBundle('tpl_2'), BundleVerificationError);
      const unchecked = await federation.downloadAgentBundle('tpl_2', { verify: false });
      assert.deepEqual(unchecked.skills, [{ injected: true }]);
      const all: string[] = [];
      for await (const x of federation.iterateAgents()) all.push(x.agentId);
      assert.deepEqual(all, ['tpl_1']);
      assert.equal(s.seen.filter((r) => r.url === '/.well-known/atom-federation.json').length, 1, 'keys fetched once');
      const api = s.seen.filter((r) => r.url.startsWith('/api/'));
      assert.ok(
        api.every(
          (r) =>
            r.headers['x-federation-key'] === 'fk_secret' && r.headers['x-federation-source'] === 'https://b.example',
        ),
      );
    } finally {
      await s.close();
    }
  });
});
