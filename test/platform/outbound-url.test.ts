import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Built } from '../../src/app.js';
import { startApp } from '../helpers/app.js';
import { call, makeTenant, type TestTenant } from '../helpers/http.js';

/** Endpoints an api skill must not be created with: each is 400 VALIDATION_ERROR on `endpoint`. */
const HOSTILE: string[] = [
  // schemes other than https
  'http://example.com/run',
  'HTTP://example.com/run',
  'ftp://example.com/x',
  'file:///etc/passwd',
  'file://localhost/etc/passwd',
  'gopher://example.com:70/_GET',
  'data:text/plain,hello',
  'javascript:alert(1)',
  'ws://example.com/',
  'wss://example.com/',
  'dict://example.com:11211/',
  'ldap://example.com/',
  'sftp://example.com/',
  'tftp://example.com/x',
  'jar:https://example.com/a.jar!/',
  // credentials
  'https://user:pass@example.com/',
  'https://user@example.com/',
  'https://:secret@example.com/',
  // cloud metadata, by address and by name
  'https://169.254.169.254/latest/meta-data/',
  'https://[fd00:ec2::254]/latest/',
  'https://metadata.google.internal/computeMetadata/v1/',
  'https://metadata.google.internal./',
  'https://METADATA.GOOGLE.INTERNAL/',
  'https://metadata/',
  'https://instance-data/latest',
  'https://100.100.100.200/latest/meta-data/',
  'https://192.0.0.192/opc/v1/',
  'https://kubernetes.default.svc/',
  // loopback and private addresses in every spelling
  'https://127.0.0.1/',
  'https://127.1/',
  'https://2130706433/',
  'https://0x7f000001/',
  'https://0177.0.0.1/',
  'https://0/',
  'https://0.0.0.0/',
  'https://10.0.0.1/',
  'https://172.16.0.1/',
  'https://192.168.1.1/',
  'https://224.0.0.1/',
  'https://255.255.255.255/',
  'https://[::1]/',
  'https://[::]/',
  'https://[::ffff:127.0.0.1]/',
  'https://[::ffff:0:7f00:1]/',
  'https://[::127.0.0.1]/',
  'https://[64:ff9b::a9fe:a9fe]/',
  'https://[64:ff9b:1::a9fe:a9fe]/',
  'https://[2002:a9fe:a9fe::1]/',
  'https://[fec0::1]/',
  'https://[fe80::1]/',
  // private host names
  'https://localhost/',
  'https://localhost./',
  'https://api.localhost/',
  'https://%6c%6f%63%61%6c%68%6f%73%74/',
  'https://ⓛⓞⓒⓐⓛⓗⓞⓢⓣ/',
  'https://redis/',
  'https://db.internal/',
  'https://printer.local/',
  'https://router.home.arpa/',
  // not a URL, or one parsers read differently
  '',
  'not a url',
  'example.com/path',
  '//example.com/x',
  '/relative/path',
  'https:example.com',
  'https:/example.com',
  'https:\\\\example.com',
  ' https://example.com/',
  'https://example.com/\n',
  'https://exa mple.com/',
  'https://',
  `https://${'a'.repeat(2100)}.com/`,
];

describe('api skill endpoints are validated when created', () => {
  let built: Built;
  let t: TestTenant;
  before(async () => {
    built = await startApp();
    t = await makeTenant(built.app);
  });
  after(() => built.close());

  it(`refuses ${HOSTILE.length} hostile endpoints on POST /api/v1/skills/private`, async () => {
    assert.ok(HOSTILE.length >= 60);
    const accepted: string[] = [];
    for (const endpoint of HOSTILE) {
      const res = await call(built.app, 'POST', '/api/v1/skills/private', {
        key: t.key,
        body: { name: 'Hostile', skill_type: 'api', endpoint },
      });
      if (
        res.status !== 400 ||
        res.body.error?.code !== 'VALIDATION_ERROR' ||
        res.body.error.details?.field !== 'endpoint'
      ) {
        accepted.push(`${JSON.stringify(endpoint)} → ${res.status} ${JSON.stringify(res.body.error ?? res.body)}`);
      }
    }
    assert.deepEqual(accepted, []);
  });

  it('refuses them on the public marketplace submit too', async () => {
    for (const endpoint of [
      'http://example.com/',
      'https://[::ffff:0:7f00:1]/',
      'https://metadata.google.internal/',
      'file:///etc/passwd',
      'https://u:p@example.com/',
    ]) {
      const res = await call(built.app, 'POST', '/api/public/v1/marketplace/submit', {
        key: t.key,
        body: { name: 'Hostile', skill_type: 'api', endpoint, action: 'read' },
      });
      assert.equal(res.status, 400, endpoint);
      assert.equal(res.body.error.code, 'VALIDATION_ERROR', endpoint);
      assert.equal(res.body.error.details.field, 'endpoint', endpoint);
    }
  });

  it('refuses a non-string endpoint', async () => {
    const res = await call(built.app, 'POST', '/api/v1/skills/private', {
      key: t.key,
      body: { name: 'Hostile', skill_type: 'api', endpoint: { href: 'https://example.com' } },
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.details.field, 'endpoint');
  });

  it('accepts public https endpoints', async () => {
    for (const endpoint of [
      'https://api.example.com/v1/run',
      'https://skills.example.org:8443/run?x=1',
      'https://[2606:4700:4700::1111]/run',
      'https://8.8.8.8/run',
    ]) {
      const res = await call(built.app, 'POST', '/api/v1/skills/private', {
        key: t.key,
        body: { name: 'Fine', skill_type: 'api', endpoint },
      });
      assert.equal(res.status, 201, `${endpoint}: ${JSON.stringify(res.body)}`);
    }
  });
});

describe('api skill endpoints in insecure development mode', () => {
  let built: Built;
  let t: TestTenant;
  before(async () => {
    built = await startApp({ allowInsecureWebhooks: true });
    t = await makeTenant(built.app);
  });
  after(() => built.close());

  it('allows http to loopback only', async () => {
    for (const endpoint of ['http://127.0.0.1:9/run', 'http://localhost:9/run', 'http://[::1]:9/run']) {
      const res = await call(built.app, 'POST', '/api/v1/skills/private', {
        key: t.key,
        body: { name: 'Dev', skill_type: 'api', endpoint },
      });
      assert.equal(res.status, 201, `${endpoint}: ${JSON.stringify(res.body)}`);
    }
    for (const endpoint of [
      'http://example.com/run',
      'http://10.0.0.1/run',
      'https://169.254.169.254/',
      'file:///etc/passwd',
      'https://metadata.google.internal/',
    ]) {
      const res = await call(built.app, 'POST', '/api/v1/skills/private', {
        key: t.key,
        body: { name: 'Dev', skill_type: 'api', endpoint },
      });
      assert.equal(res.status, 400, endpoint);
      assert.equal(res.body.error.details.field, 'endpoint', endpoint);
    }
  });
});
