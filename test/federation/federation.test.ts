import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT } from '../../scripts/repo-root.js';
import type { Built } from '../../src/app.js';
import { assertBundleShape, verifyBundle } from '../../src/modules/federation/bundle.js';
import { BUNDLE_SCHEMA } from '../../src/modules/federation/bundle-schema.js';
import { bundleDigest, canonicalize } from '../../src/modules/federation/canonical.js';
import { verifyDigest } from '../../src/modules/federation/signing.js';
import { ADMIN_KEY, startApp } from '../helpers/app.js';
import { call, expectError, makeTenant, type TestTenant } from '../helpers/http.js';

/**
 * Two real server instances on loopback, each on its own database: A publishes, B discovers,
 * downloads, verifies and installs over HTTP.
 */
const M = '/api/agent-marketplace';
const V1 = '/api/federation/v1/marketplace';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function instance(): Promise<{ built: Built; url: string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const built = await startApp({ port, publicUrl: url, allowInsecureWebhooks: true });
  await built.app.listen({ port, host: '127.0.0.1' });
  return { built, url };
}

interface Http {
  status: number;
  body: any;
  headers: Headers;
}
async function http(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<Http> {
  const res = await fetch(url, {
    method: opts.method ?? 'GET',
    headers: { ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(opts.headers ?? {}) },
    body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
  });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body, headers: res.headers };
}
const admin = { 'x-admin-key': ADMIN_KEY };
const refused = (r: Http, status: number, code: string) => {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.equal(r.body.error.code, code, JSON.stringify(r.body));
};

let A: { built: Built; url: string };
let B: { built: Built; url: string };
let publisher: TestTenant; // on A
let installer: TestTenant; // on B
let skillId: string; // A's public skill listing
let templateId: string; // A's approved public template
let pendingId: string;
let privateId: string;
let keyForB: string; // issued by A
let keyForBId: string;
let peerOnA: string; // A's record of B
let peerOnB: string; // B's record of A
const fed = () => ({ 'x-federation-key': keyForB, 'x-federation-source': B.url });

before(async () => {
  A = await instance();
  B = await instance();
  publisher = await makeTenant(A.built.app, 'team');
  installer = await makeTenant(B.built.app, 'team');
});
after(async () => {
  await A?.built.close();
  await B?.built.close();
});

async function agentOnA(name: string): Promise<string> {
  const r = await call(A.built.app, 'POST', '/api/agents', {
    key: publisher.key,
    body: {
      name,
      description: `${name} agent`,
      role: 'marketing-agent',
      maturity_level: 'supervised',
      capabilities: ['sales', 'crm'],
      configuration: { temperature: 0.3, api_key: 'sk-live-never-leaves' },
    },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.data.agent.id;
}

async function publishTemplate(agentId: string, type: 'public' | 'private', name: string): Promise<string> {
  const r = await call(A.built.app, 'POST', `${M}/publish`, {
    key: publisher.key,
    body: {
      agent_id: agentId,
      marketplace_type: type,
      name,
      description: `${name} for outreach`,
      capabilities: ['sales', 'outreach'],
      pricing_tier: 'team',
      tags: ['sales'],
    },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.component_id;
}

describe('federation between two instances', () => {
  it('A publishes a template with a required skill; the platform admin approves it', async () => {
    const c = await call(A.built.app, 'POST', '/api/v1/skills/private', {
      key: publisher.key,
      body: {
        name: 'CRM Lookup',
        description: 'Finds a contact',
        skill_type: 'function',
        code: 'function execute(i){return {found: i.name}}',
        action: 'lookup',
      },
    });
    assert.equal(c.status, 201, JSON.stringify(c.body));
    const p = await call(A.built.app, 'POST', '/api/skills/publish', {
      key: publisher.key,
      body: { skill_id: c.body.skill_id },
    });
    skillId = p.body.marketplace_id;
    assert.equal((await call(A.built.app, 'POST', `/api/skills/approve/${skillId}`, { admin: true })).status, 200);

    const agent = await agentOnA('Sales Bot');
    assert.equal(
      (
        await call(A.built.app, 'POST', '/api/skills/install', {
          key: publisher.key,
          body: { skill_id: skillId, agent_id: agent },
        })
      ).status,
      200,
    );
    templateId = await publishTemplate(agent, 'public', 'Sales Automation Agent');
    pendingId = await publishTemplate(await agentOnA('Pending Bot'), 'public', 'Pending Agent');
    privateId = await publishTemplate(await agentOnA('Private Bot'), 'private', 'Private Agent');
    assert.equal((await call(A.built.app, 'POST', `${M}/agents/${templateId}/approve`, { admin: true })).status, 200);
  });

  it('each instance publishes its Ed25519 key at the well-known URL', async () => {
    const w = await http(`${A.url}/.well-known/atom-federation.json`);
    assert.equal(w.status, 200);
    assert.equal(w.body.instance_url, A.url);
    assert.equal(w.body.public_keys.length, 1);
    const k = w.body.public_keys[0];
    assert.equal(k.alg, 'ed25519');
    assert.equal(Buffer.from(k.public_key, 'base64url').length, 32);
    assert.deepEqual([k.jwk.kty, k.jwk.crv, k.jwk.x], ['OKP', 'Ed25519', k.public_key]);
    const again = await http(`${A.url}/.well-known/atom-federation.json`);
    assert.equal(again.body.public_keys[0].key_id, k.key_id, 'the key pair is generated once and kept');
    const sealed = await A.built.ctx.db.query('*', 'SELECT private_key_sealed FROM federation_instance_keys');
    assert.match(String(sealed[0].private_key_sealed), /^v1\./, 'the private key is sealed at rest');
  });

  it('admins register each other as peers; A issues a key for B (shown once, stored hashed)', async () => {
    refused(
      await http(`${A.url}/api/federation/peers`, {
        method: 'POST',
        headers: { 'x-api-key': publisher.key },
        body: { name: 'B', base_url: B.url },
      }),
      403,
      'FORBIDDEN',
    );
    const pa = await http(`${A.url}/api/federation/peers`, {
      method: 'POST',
      headers: admin,
      body: { name: 'Instance B', base_url: B.url },
    });
    assert.equal(pa.status, 201, JSON.stringify(pa.body));
    assert.equal(pa.body.data.public_key_status, 'fetched');
    peerOnA = pa.body.data.peer.id;
    refused(
      await http(`${A.url}/api/federation/peers`, {
        method: 'POST',
        headers: admin,
        body: { name: 'again', base_url: `${B.url}/` },
      }),
      409,
      'ALREADY_EXISTS',
    );

    const k = await http(`${A.url}/api/federation/keys`, {
      method: 'POST',
      headers: admin,
      body: { peer_id: peerOnA, name: 'for B' },
    });
    assert.equal(k.status, 201, JSON.stringify(k.body));
    keyForB = k.body.data.key;
    keyForBId = k.body.data.federation_key.id;
    assert.match(keyForB, /^atomfed_/);
    assert.equal(k.body.data.federation_key.active, true);
    const stored = await A.built.ctx.db.query('*', 'SELECT key_hash FROM federation_keys WHERE id = $1', [keyForBId]);
    assert.notEqual(stored[0].key_hash, keyForB);
    const list = await http(`${A.url}/api/federation/keys?peer_id=${peerOnA}`, { headers: admin });
    assert.equal(list.body.data.keys.length, 1);
    assert.equal(JSON.stringify(list.body).includes(keyForB), false, 'the key is never shown again');
    refused(
      await http(`${A.url}/api/federation/keys`, { method: 'POST', headers: admin, body: { peer_id: 'peer_nope' } }),
      404,
      'PEER_NOT_FOUND',
    );

    const pb = await http(`${B.url}/api/federation/peers`, {
      method: 'POST',
      headers: admin,
      body: { name: 'Instance A', base_url: A.url, outbound_key: keyForB },
    });
    assert.equal(pb.status, 201, JSON.stringify(pb.body));
    assert.equal(pb.body.data.public_key_status, 'fetched');
    assert.equal(pb.body.data.peer.has_outbound_key, true);
    assert.equal(JSON.stringify(pb.body).includes(keyForB), false);
    peerOnB = pb.body.data.peer.id;
    const sealed = await B.built.ctx.db.query('*', 'SELECT outbound_key_sealed FROM federation_peers WHERE id = $1', [
      peerOnB,
    ]);
    assert.equal(
      String(sealed[0].outbound_key_sealed).includes(keyForB),
      false,
      'our key for the peer is sealed at rest',
    );
  });

  it('discovery lists only approved public templates, with filters and paging, to a valid key', async () => {
    const r = await http(`${A.url}${V1}/agents`, { headers: fed() });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const ids = r.body.items.map((i: any) => i.id);
    assert.ok(ids.includes(templateId));
    assert.equal(ids.includes(pendingId), false, 'pending is not discoverable');
    assert.equal(ids.includes(privateId), false, 'private is not discoverable');
    const item = r.body.items.find((i: any) => i.id === templateId);
    assert.deepEqual(
      [item.agent_id, item.source_instance, item.maturity_level, item.pricing_tier],
      [templateId, A.url, 'supervised', 'team'],
    );
    assert.deepEqual(item.required_skills, [skillId]);
    assert.equal(item.source_tenant_id, undefined, 'no tenant data beyond the listing');
    assert.deepEqual([r.body.total, r.body.page, r.body.page_size, r.body.has_more], [1, 1, 50, false]);
    assert.equal(r.headers.get('x-ratelimit-limit'), '1000', 'per-key federation limit');

    for (const q of [
      'capability=legal',
      'min_rating=4',
      'pricing_tier=enterprise',
      'maturity_level=student',
      'query=zebra',
    ]) {
      const f = await http(`${A.url}${V1}/agents?${q}`, { headers: fed() });
      assert.equal(f.body.items.length, 0, q);
    }
    const hit = await http(`${A.url}${V1}/agents?capability=sales&query=sales&page=1&page_size=1`, { headers: fed() });
    assert.deepEqual(
      hit.body.items.map((i: any) => i.id),
      [templateId],
    );
    assert.equal((await http(`${A.url}${V1}/agents?page_size=101`, { headers: fed() })).status, 400);

    refused(await http(`${A.url}${V1}/agents/${pendingId}/bundle`, { headers: fed() }), 404, 'AGENT_NOT_FOUND');
    refused(await http(`${A.url}${V1}/agents/${privateId}/bundle`, { headers: fed() }), 404, 'AGENT_NOT_FOUND');

    const skills = await http(`${A.url}${V1}/skills`, { headers: fed() });
    assert.deepEqual(
      skills.body.items.map((i: any) => i.id),
      [skillId],
    );
  });

  it('refuses a missing, wrong, mis-sourced or tenant credential with 401 FEDERATION_KEY_INVALID', async () => {
    refused(await http(`${A.url}${V1}/agents`), 401, 'FEDERATION_KEY_INVALID');
    refused(
      await http(`${A.url}${V1}/agents`, { headers: { ...fed(), 'x-federation-key': `${keyForB}x` } }),
      401,
      'FEDERATION_KEY_INVALID',
    );
    refused(
      await http(`${A.url}${V1}/agents`, { headers: { ...fed(), 'x-federation-key': 'nonsense' } }),
      401,
      'FEDERATION_KEY_INVALID',
    );
    const log = A.built.app.log as unknown as { warn: (...a: unknown[]) => void };
    const warn = log.warn;
    const logged: any[] = [];
    log.warn = (...a: unknown[]) => void logged.push(a[0]);
    try {
      refused(
        await http(`${A.url}${V1}/agents`, {
          headers: { ...fed(), 'x-federation-source': 'https://evil.example.com' },
        }),
        401,
        'FEDERATION_KEY_INVALID',
      );
    } finally {
      log.warn = warn;
    }
    assert.deepEqual(
      logged.map((l) => [l.federation_source, l.reason]),
      [['https://evil.example.com', "source does not match the key's peer"]],
    );
    refused(
      await http(`${A.url}${V1}/agents`, { headers: { 'x-federation-key': keyForB } }),
      401,
      'FEDERATION_KEY_INVALID',
    );
    refused(
      await http(`${A.url}${V1}/agents/${templateId}/bundle`, { headers: { 'x-api-key': publisher.key } }),
      401,
      'FEDERATION_KEY_INVALID',
    );
    // The seed's own header typo is accepted as the source.
    assert.equal(
      (await http(`${A.url}${V1}/agents`, { headers: { 'x-federation-key': keyForB, 'x-tederation-source': B.url } }))
        .status,
      200,
    );
  });

  it('a bundle is signed, documented by its JSON Schema, and carries the template and its skill', async () => {
    const r = await http(`${A.url}${V1}/agents/${templateId}/bundle`, { headers: fed() });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const b: any = structuredClone(r.body);
    assertBundleShape(r.body as unknown);
    assert.deepEqual([b.format, b.version, b.kind, b.source_instance], ['atom.bundle', 1, 'agent_template', A.url]);
    assert.equal(b.listing.id, templateId);
    assert.deepEqual(
      b.skills.map((s: any) => s.listing.id),
      [skillId],
    );
    assert.match(b.skills[0].content.code, /function execute/);
    assert.deepEqual(b.canvas_components, []);
    assert.equal(JSON.stringify(b).includes('sk-live-never-leaves'), false, 'credentials were stripped at publish');
    assert.equal(JSON.stringify(b).includes(publisher.id), false, 'no publisher tenant id');
    assert.equal(bundleDigest(b), b.digest.value);
    const w = await http(`${A.url}/.well-known/atom-federation.json`);
    assert.equal(b.signature.key_id, w.body.public_keys[0].key_id);
    assert.ok(verifyDigest(w.body.public_keys[0].public_key, b.digest.value, b.signature.value));
    const again = (await http(`${A.url}${V1}/agents/${templateId}/bundle`, { headers: fed() })).body;
    assert.notEqual(again.nonce, b.nonce, 'every download has a fresh nonce');
  });

  it('B installs by template id: verified, agent at intern with source_instance, skill installed', async () => {
    const r = await call(B.built.app, 'POST', '/api/federation/install', {
      key: installer.key,
      body: { peer_id: peerOnB, template_id: templateId },
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.success, true);
    assert.equal(r.body.created, true);
    assert.equal(r.body.source_instance, A.url);
    assert.equal(r.body.origin_template_id, templateId);
    assert.equal(r.body.maturity_level, 'intern');
    assert.equal(r.body.installed_skills.length, 1);
    assert.deepEqual(
      r.body.imported_skills.map((s: any) => s.origin_id),
      [skillId],
    );

    const agent = await call(B.built.app, 'GET', `/api/agents/${r.body.agent_id}`, { key: installer.key });
    assert.equal(agent.status, 200);
    assert.equal(agent.body.data.agent.maturity_level, 'intern');
    const imports = await call(B.built.app, 'GET', '/api/federation/installs', { key: installer.key });
    const row = imports.body.items.find((i: any) => i.kind === 'agent_template');
    assert.deepEqual([row.agent_id, row.source_instance, row.origin_listing_id], [r.body.agent_id, A.url, templateId]);
    const skillRow = imports.body.items.find((i: any) => i.kind === 'skill');
    assert.equal(skillRow.source_instance, A.url);
    const installed = await B.built.ctx.db.query(
      '*',
      'SELECT listing_id, target_id FROM marketplace_installs WHERE tenant_id = $1 AND kind = $2',
      [installer.id, 'skill'],
    );
    assert.deepEqual(
      installed.map((x) => [x.listing_id, x.target_id]),
      [[skillRow.local_listing_id, r.body.agent_id]],
    );
    const local = await call(B.built.app, 'GET', `${M}/agents/${r.body.template_id}`, { key: installer.key });
    assert.equal(
      local.body.agent.marketplace_type,
      'private',
      "the copy is the tenant's own, not on B's public marketplace",
    );

    // Re-install: nothing duplicated.
    const again = await call(B.built.app, 'POST', '/api/federation/install', {
      key: installer.key,
      body: { peer_id: peerOnB, agent_id: templateId },
    });
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal(again.body.created, false);
    assert.equal(again.body.agent_id, r.body.agent_id);
    const listings = await B.built.ctx.db.query(
      '*',
      'SELECT count(*)::int AS n FROM marketplace_listings WHERE tenant_id = $1',
      [installer.id],
    );
    assert.equal(listings[0].n, 2);
    const after = (
      await call(B.built.app, 'GET', '/api/federation/installs?kind=agent_template', { key: installer.key })
    ).body.items;
    assert.deepEqual(
      after.map((i: any) => [i.local_listing_id, i.digest]),
      [[row.local_listing_id, row.digest]],
      'one import row; the digest of the bundle the copy was made from',
    );
  });

  it('B accepts a downloaded bundle once; the same nonce again is a replay', async () => {
    const b = (await http(`${A.url}${V1}/agents/${templateId}/bundle`, { headers: fed() })).body;
    // Workflow 2's form: the bundle and the source instance it came from.
    const r = await call(B.built.app, 'POST', '/api/federation/install', {
      key: installer.key,
      body: { bundle: b, source_instance: A.url },
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.peer_id, peerOnB);
    expectError(
      await call(B.built.app, 'POST', '/api/federation/install', {
        key: installer.key,
        body: { peer_id: peerOnB, bundle: b },
      }),
      422,
      'BUNDLE_REPLAYED',
    );
    expectError(
      await call(B.built.app, 'POST', '/api/federation/install', { key: installer.key, body: { bundle: b } }),
      422,
      'BUNDLE_REPLAYED',
    );
  });

  it('refuses a tampered bundle: changed byte → digest mismatch; recomputed digest → signature invalid', async () => {
    const b = (await http(`${A.url}${V1}/agents/${templateId}/bundle`, { headers: fed() })).body;
    const tampered = structuredClone(b);
    tampered.agent_template.name = `${b.agent_template.name.slice(0, -1)}X`;
    expectError(
      await call(B.built.app, 'POST', '/api/federation/install', {
        key: installer.key,
        body: { peer_id: peerOnB, bundle: tampered },
      }),
      422,
      'BUNDLE_DIGEST_MISMATCH',
    );
    tampered.digest.value = bundleDigest(tampered);
    expectError(
      await call(B.built.app, 'POST', '/api/federation/install', {
        key: installer.key,
        body: { peer_id: peerOnB, bundle: tampered },
      }),
      422,
      'BUNDLE_SIGNATURE_INVALID',
    );
    const code = structuredClone(b);
    code.skills[0].content.code = 'function execute(){return "pwned"}';
    code.digest.value = bundleDigest(code);
    expectError(
      await call(B.built.app, 'POST', '/api/federation/install', {
        key: installer.key,
        body: { peer_id: peerOnB, bundle: code },
      }),
      422,
      'BUNDLE_SIGNATURE_INVALID',
    );
    const wrongVersion = { ...b, version: 2 };
    expectError(
      await call(B.built.app, 'POST', '/api/federation/install', {
        key: installer.key,
        body: { peer_id: peerOnB, bundle: wrongVersion },
      }),
      422,
      'BUNDLE_INVALID',
    );
    // The untampered bundle was never consumed by those refusals.
    assert.equal(
      (
        await call(B.built.app, 'POST', '/api/federation/install', {
          key: installer.key,
          body: { peer_id: peerOnB, bundle: b },
        })
      ).status,
      200,
    );
  });

  it('refuses an unknown peer, a bundle from another peer, and bad input', async () => {
    expectError(
      await call(B.built.app, 'POST', '/api/federation/install', {
        key: installer.key,
        body: { peer_id: 'peer_unknown', template_id: templateId },
      }),
      404,
      'PEER_NOT_FOUND',
    );
    const b = (await http(`${A.url}${V1}/agents/${templateId}/bundle`, { headers: fed() })).body;
    const other = await call(B.built.app, 'POST', '/api/federation/peers', {
      admin: true,
      body: { name: 'Other', base_url: 'http://127.0.0.1:9', public_key: 'A'.repeat(43) },
    });
    assert.equal(other.status, 201, JSON.stringify(other.body));
    expectError(
      await call(B.built.app, 'POST', '/api/federation/install', {
        key: installer.key,
        body: { peer_id: other.body.data.peer.id, bundle: b },
      }),
      422,
      'BUNDLE_SOURCE_MISMATCH',
    );
    expectError(
      await call(B.built.app, 'POST', '/api/federation/install', { key: installer.key, body: { peer_id: peerOnB } }),
      400,
      'MISSING_REQUIRED_FIELD',
    );
    expectError(
      await call(B.built.app, 'POST', '/api/federation/install', {
        key: installer.key,
        body: { template_id: templateId },
      }),
      400,
      'MISSING_REQUIRED_FIELD',
    );
    expectError(
      await call(B.built.app, 'POST', '/api/federation/install', {
        key: installer.key,
        body: { source_instance: 'https://unknown.example.com', template_id: templateId },
      }),
      404,
      'PEER_NOT_FOUND',
    );
    expectError(
      await call(B.built.app, 'POST', '/api/federation/install', {
        key: installer.key,
        body: { peer_id: peerOnB, template_id: pendingId },
      }),
      404,
      'AGENT_NOT_FOUND',
    );
    expectError(
      await call(B.built.app, 'POST', '/api/federation/install', {
        key: installer.key,
        body: { peer_id: peerOnB, template_id: templateId, bundle: { format: 'atom.bundle' } },
      }),
      422,
      'BUNDLE_INVALID',
    );
    expectError(
      await call(B.built.app, 'POST', '/api/federation/peers', {
        admin: true,
        body: { name: 'x', base_url: 'ftp://example.com' },
      }),
      400,
      'VALIDATION_ERROR',
    );
    // A key given by the admin (instead of fetched) gets the id A publishes it under, so it verifies as is.
    const wk = (await http(`${A.url}/.well-known/atom-federation.json`)).body.public_keys[0];
    const pinned = await http(`${B.url}/api/federation/peers/${peerOnB}`, {
      method: 'PATCH',
      headers: admin,
      body: { public_key: wk.public_key },
    });
    assert.deepEqual(
      pinned.body.data.peer.public_keys.map((k: any) => k.key_id),
      [wk.key_id],
    );
    assert.equal(
      (
        await call(B.built.app, 'POST', '/api/federation/install', {
          key: installer.key,
          body: { peer_id: peerOnB, template_id: templateId },
        })
      ).status,
      200,
    );
  });

  it('a viewer cannot install; another tenant sees none of these imports', async () => {
    const viewer = await call(B.built.app, 'POST', '/api/api-keys', {
      key: installer.key,
      body: { name: 'v', role: 'viewer' },
    });
    expectError(
      await call(B.built.app, 'POST', '/api/federation/install', {
        key: viewer.body.data.key,
        body: { peer_id: peerOnB, template_id: templateId },
      }),
      403,
      'INSUFFICIENT_PERMISSIONS',
    );
    const other = await makeTenant(B.built.app, 'team');
    const imports = await call(B.built.app, 'GET', '/api/federation/installs', { key: other.key });
    assert.deepEqual([imports.status, imports.body.items.length], [200, 0]);
  });

  it('B also installs a skill alone from its bundle', async () => {
    const other = await makeTenant(B.built.app, 'team');
    const r = await call(B.built.app, 'POST', '/api/federation/install', {
      key: other.key,
      body: { peer_id: peerOnB, skill_id: skillId },
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(
      [r.body.kind, r.body.origin_skill_id, r.body.source_instance, r.body.created],
      ['skill', skillId, A.url, true],
    );
    const run = await call(B.built.app, 'POST', `/api/skills/${r.body.skill_id}/execute`, {
      key: other.key,
      body: { input: { name: 'Ada' } },
    });
    assert.equal(run.status, 200, JSON.stringify(run.body));
    assert.deepEqual(run.body.output, { found: 'Ada' });
    // The governance action declared on A travels with the bundle: B's agents see a `lookup` tool, not `execute`.
    assert.equal(
      (await call(B.built.app, 'GET', `/api/skills/${r.body.skill_id}`, { key: other.key })).body.skill.action,
      'lookup',
    );
  });

  it('rotation: two keys work at once; a revoked or expired key is refused', async () => {
    const second = await http(`${A.url}/api/federation/keys`, {
      method: 'POST',
      headers: admin,
      body: { peer_id: peerOnA, name: 'rotation', expires_in_days: 30 },
    });
    assert.equal(second.status, 201);
    const k2 = second.body.data.key;
    assert.equal((await http(`${A.url}${V1}/agents`, { headers: fed() })).status, 200);
    assert.equal((await http(`${A.url}${V1}/agents`, { headers: { ...fed(), 'x-federation-key': k2 } })).status, 200);

    const revoked = await http(`${A.url}/api/federation/keys/${keyForBId}`, { method: 'DELETE', headers: admin });
    assert.equal(revoked.status, 200);
    assert.equal(revoked.body.data.federation_key.active, false);
    refused(await http(`${A.url}${V1}/agents`, { headers: fed() }), 401, 'FEDERATION_KEY_INVALID');
    assert.equal((await http(`${A.url}${V1}/agents`, { headers: { ...fed(), 'x-federation-key': k2 } })).status, 200);
    // B still holds the revoked key: its install is refused by A and reported as a peer error.
    const viaB = await call(B.built.app, 'POST', '/api/federation/install', {
      key: installer.key,
      body: { peer_id: peerOnB, template_id: templateId },
    });
    expectError(viaB, 502, 'FEDERATION_PEER_ERROR');
    assert.equal(viaB.body.error.details.peer_code, 'FEDERATION_KEY_INVALID');
    // B's admin switches to the new key.
    assert.equal(
      (
        await http(`${B.url}/api/federation/peers/${peerOnB}`, {
          method: 'PATCH',
          headers: admin,
          body: { outbound_key: k2 },
        })
      ).status,
      200,
    );
    assert.equal(
      (
        await call(B.built.app, 'POST', '/api/federation/install', {
          key: installer.key,
          body: { peer_id: peerOnB, template_id: templateId },
        })
      ).status,
      200,
    );

    await A.built.ctx.db.query(
      '*',
      "UPDATE federation_keys SET expires_at = now() - interval '1 second' " +
        "WHERE key_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')",
      [k2],
    );
    refused(
      await http(`${A.url}${V1}/agents`, { headers: { ...fed(), 'x-federation-key': k2 } }),
      401,
      'FEDERATION_KEY_INVALID',
    );
    refused(
      await http(`${A.url}/api/federation/keys`, {
        method: 'POST',
        headers: admin,
        body: { peer_id: peerOnA, expires_at: '2001-01-01T00:00:00Z' },
      }),
      400,
      'VALIDATION_ERROR',
    );
  });

  it('each key has its own 1,000/hour budget', async () => {
    const issue = async () =>
      (await http(`${A.url}/api/federation/keys`, { method: 'POST', headers: admin, body: { peer_id: peerOnA } })).body
        .data.key as string;
    const [k1, k2] = [await issue(), await issue()];
    const hit = (k: string) =>
      A.built.app.inject({
        method: 'GET',
        url: `${V1}/skills?page_size=1`,
        headers: { 'x-federation-key': k, 'x-federation-source': B.url },
      });
    let last = await hit(k1);
    for (let i = 1; i < 1000; i++) last = await hit(k1);
    assert.equal(last.statusCode, 200);
    assert.equal(last.headers['x-ratelimit-remaining'], '0');
    const over = await hit(k1);
    assert.equal(over.statusCode, 429);
    assert.equal(JSON.parse(over.body).error.code, 'RATE_LIMIT_EXCEEDED');
    assert.ok(Number(over.headers['retry-after']) > 0);
    assert.equal((await hit(k2)).statusCode, 200, 'another key of the same peer is not affected');
  });

  it('removing a peer removes its keys; disabled peers cannot be installed from', async () => {
    const k = await http(`${A.url}/api/federation/keys`, {
      method: 'POST',
      headers: admin,
      body: { peer_id: peerOnA },
    });
    assert.equal(
      (await http(`${A.url}${V1}/agents`, { headers: { ...fed(), 'x-federation-key': k.body.data.key } })).status,
      200,
    );
    assert.equal(
      (await http(`${A.url}/api/federation/peers/${peerOnA}`, { method: 'DELETE', headers: admin })).status,
      200,
    );
    refused(
      await http(`${A.url}${V1}/agents`, { headers: { ...fed(), 'x-federation-key': k.body.data.key } }),
      401,
      'FEDERATION_KEY_INVALID',
    );
    refused(await http(`${A.url}/api/federation/peers/${peerOnA}`, { headers: admin }), 404, 'PEER_NOT_FOUND');

    assert.equal(
      (
        await http(`${B.url}/api/federation/peers/${peerOnB}`, {
          method: 'PATCH',
          headers: admin,
          body: { status: 'disabled' },
        })
      ).body.data.peer.status,
      'disabled',
    );
    expectError(
      await call(B.built.app, 'POST', '/api/federation/install', {
        key: installer.key,
        body: { peer_id: peerOnB, template_id: templateId },
      }),
      404,
      'PEER_NOT_FOUND',
    );
  });
});

describe('bundle format', () => {
  it('canonical JSON sorts keys at every depth and has no whitespace', () => {
    assert.equal(
      canonicalize({ b: 1, a: [{ d: null, c: 'x' }], é: true, A: 0.5 }),
      '{"A":0.5,"a":[{"c":"x","d":null}],"b":1,"é":true}',
    );
    assert.equal(canonicalize({ x: undefined, y: [undefined] }), '{"y":[null]}');
    assert.equal(canonicalize('\u2028"'), JSON.stringify('\u2028"'));
    assert.throws(() => canonicalize({ n: Number.NaN }));
    assert.equal(bundleDigest({ a: 1, digest: 'x', signature: 'y' }), bundleDigest({ a: 1 }));
  });

  it('the committed JSON Schema is the one the server validates with', () => {
    const doc = JSON.parse(readFileSync(join(REPO_ROOT, 'docs/federation/bundle.schema.json'), 'utf8'));
    assert.deepEqual(doc, JSON.parse(JSON.stringify(BUNDLE_SCHEMA)));
  });

  it('a bundle older than ten minutes is refused even when correctly signed', async () => {
    const b = (await http(`${A.url}/.well-known/atom-federation.json`)).body;
    const bundle = (await (async () => {
      // Sign a fresh bundle through A's own builder (no HTTP needed for this check).
      const { bundleBuilder } = await import('../../src/modules/federation/bundle.js');
      return bundleBuilder(A.built.ctx).skill(skillId);
    })()) as unknown;
    const keys = async () => b.public_keys;
    await verifyBundle(bundle, { base_url: A.url }, keys);
    await assert.rejects(
      verifyBundle(bundle, { base_url: A.url }, keys, Date.now() + 11 * 60_000),
      (e: any) => e.code === 'BUNDLE_EXPIRED',
    );
    await assert.rejects(
      verifyBundle(bundle, { base_url: A.url }, keys, Date.now() - 6 * 60_000),
      (e: any) => e.code === 'BUNDLE_EXPIRED',
    );
  });
});
