import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { embeddedIPv4, isAllowedAddress } from '../../src/platform/net/address-policy.js';
import { BlockedDestinationError, checkUrl, safeFetch } from '../../src/platform/net/safe-fetch.js';

describe('address policy', () => {
  it('blocks private, loopback, link-local, CGNAT, metadata and reserved ranges', () => {
    for (const a of [
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '127.0.0.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '::1',
      '::',
      'fe80::1',
      'fc00::1',
      'fd00:ec2::254',
    ]) {
      assert.equal(isAllowedAddress(a), false, a);
    }
  });
  it('blocks IPv4 hidden in IPv6 (mapped, NAT64, 6to4)', () => {
    assert.equal(embeddedIPv4('::ffff:127.0.0.1'), '127.0.0.1');
    assert.equal(embeddedIPv4('::ffff:7f00:1'), '127.0.0.1');
    for (const a of [
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:a9fe:a9fe',
      '64:ff9b::10.0.0.1',
      '2002:c0a8:0101::1',
    ]) {
      assert.equal(isAllowedAddress(a), false, a);
    }
  });
  it('allows public addresses', () => {
    for (const a of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '172.32.0.1'])
      assert.equal(isAllowedAddress(a), true, a);
  });
  it('allows loopback only when explicitly enabled', () => {
    assert.equal(isAllowedAddress('127.0.0.1', true), true);
    assert.equal(isAllowedAddress('::ffff:127.0.0.1', true), true);
    assert.equal(isAllowedAddress('10.0.0.1', true), false);
  });
});

describe('safeFetch', () => {
  let server: http.Server;
  let base: string;
  before(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/redirect') {
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' }).end();
        return;
      }
      if (req.url === '/slow') return void setTimeout(() => res.end('late'), 2000);
      res.end('hello');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('refuses loopback and plain http unless development mode allows it', async () => {
    await assert.rejects(safeFetch(`${base}/`), BlockedDestinationError);
    assert.throws(() => checkUrl('http://example.com/'), /https is required/);
    assert.throws(() => checkUrl('https://user:pw@example.com/'), /credentials/);
    assert.throws(() => checkUrl('https://[::ffff:127.0.0.1]/'), BlockedDestinationError);
    assert.throws(() => checkUrl('https://169.254.169.254/'), BlockedDestinationError);
    const res = await safeFetch(`${base}/`, { allowLoopback: true });
    assert.equal(res.status, 200);
    assert.equal(res.body.toString(), 'hello');
  });

  it('refuses a hostname that resolves to loopback', async () => {
    await assert.rejects(safeFetch(`https://localhost:1/`), BlockedDestinationError);
  });

  it('does not follow redirects', async () => {
    const res = await safeFetch(`${base}/redirect`, { allowLoopback: true });
    assert.equal(res.status, 302);
  });

  it('times out', async () => {
    await assert.rejects(safeFetch(`${base}/slow`, { allowLoopback: true, timeoutMs: 200 }), /timed out/);
  });
});
