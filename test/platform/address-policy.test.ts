import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Built } from '../../src/app.js';
import { blockedRange, embeddedIPv4, isAllowedAddress, parseAddress } from '../../src/platform/net/address-policy.js';
import { checkUrl } from '../../src/platform/net/safe-fetch.js';
import { IPV4_SPECIAL, IPV6_SPECIAL } from '../../src/platform/net/special-purpose.js';
import { firstPassOnly, startApp } from '../helpers/app.js';
import { call, expectError, makeTenant } from '../helpers/http.js';

/** The first and last address of a CIDR range, as text. */
function ends(cidr: string): [string, string] {
  const [net, prefixText] = cidr.split('/');
  const bytes = parseAddress(net)!;
  const prefix = Number(prefixText);
  const last = Uint8Array.from(bytes);
  for (let bit = prefix; bit < bytes.length * 8; bit++) last[bit >> 3] |= 0x80 >> (bit & 7);
  const text = (b: Uint8Array) =>
    b.length === 4
      ? [...b].join('.')
      : Array.from({ length: 8 }, (_, i) => ((b[i * 2] << 8) | b[i * 2 + 1]).toString(16)).join(':');
  return [text(bytes), text(last)];
}

describe('address policy: IPv6 forms that hide a non-public address', firstPassOnly, () => {
  const forms: Array<[string, string | null]> = [
    ['::127.0.0.1', '127.0.0.1'], // IPv4-compatible ::/96
    ['::7f00:1', '127.0.0.1'],
    ['::ffff:0:7f00:1', '127.0.0.1'], // IPv4-translated ::ffff:0:0:0/96
    ['::ffff:0:a9fe:a9fe', '169.254.169.254'],
    ['::ffff:127.0.0.1', '127.0.0.1'], // IPv4-mapped
    ['::ffff:a9fe:a9fe', '169.254.169.254'],
    ['0:0:0:0:0:ffff:10.0.0.1', '10.0.0.1'],
    ['64:ff9b::a9fe:a9fe', '169.254.169.254'], // NAT64 well-known prefix
    ['64:ff9b::10.1.2.3', '10.1.2.3'],
    ['64:ff9b:1::a9fe:a9fe', null], // local-use NAT64: refused whole
    ['64:ff9b:1:ffff::8.8.8.8', null],
    ['2002:a9fe:a9fe::1', '169.254.169.254'], // 6to4
    ['2002:7f00:1::', '127.0.0.1'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', null], // Teredo: refused whole
    ['fec0::1', null], // site-local
    ['feff:ffff::1', null],
    ['fe80::1%eth0', null],
    ['fd00:ec2::254', null], // AWS metadata over IPv6 (ULA)
    ['::', null],
    ['::1', null],
    ['0:0:0:0:0:0:0:1', null],
    ['100::1', null],
    ['4000::1', null], // outside global unicast
  ];
  for (const [address, v4] of forms) {
    it(`refuses ${address}`, () => {
      assert.equal(isAllowedAddress(address), false);
      assert.notEqual(blockedRange(address), null);
      if (v4) assert.equal(embeddedIPv4(address), v4);
    });
  }

  it('refuses each form as a URL literal before any connection', () => {
    for (const host of [
      '[::127.0.0.1]',
      '[::ffff:0:7f00:1]',
      '[64:ff9b:1::a9fe:a9fe]',
      '[fec0::1]',
      '[2002:a9fe:a9fe::1]',
      '[64:ff9b::169.254.169.254]',
      '0x7f.1',
      '2130706433',
      '0251.0376.0251.0376',
    ]) {
      assert.throws(() => checkUrl(`https://${host}/hook`), /not a public address/, host);
    }
  });

  it('allows public addresses, also when embedded', () => {
    for (const a of [
      '8.8.8.8',
      '1.1.1.1',
      '172.32.0.1',
      '100.128.0.1',
      '192.0.3.1',
      '2606:4700:4700::1111',
      '64:ff9b::8.8.8.8',
      '::ffff:8.8.8.8',
      '2002:808:808::1',
    ]) {
      assert.equal(isAllowedAddress(a), true, a);
    }
  });

  it('lets development reach loopback only, in every spelling', () => {
    for (const a of ['127.0.0.1', '::1', '::ffff:127.0.0.1', '::127.0.0.1'])
      assert.equal(isAllowedAddress(a, true), true, a);
    for (const a of ['10.0.0.1', '169.254.169.254', '::ffff:0:a9fe:a9fe', 'fec0::1'])
      assert.equal(isAllowedAddress(a, true), false, a);
  });
});

describe('address policy: the IANA special-purpose registries', firstPassOnly, () => {
  for (const r of [...IPV4_SPECIAL, ...IPV6_SPECIAL]) {
    it(`${r.cidr} (${r.name}, ${r.rfc})`, () => {
      const [first, last] = ends(r.cidr);
      if (r.embedded) {
        // Judged by the IPv4 inside: the range's first address embeds 0.0.0.0, refused.
        assert.equal(isAllowedAddress(first), false, first);
        return;
      }
      assert.equal(isAllowedAddress(first), false, first);
      assert.equal(isAllowedAddress(last), false, last);
    });
  }

  it('every entry names its RFC', () => {
    for (const r of [...IPV4_SPECIAL, ...IPV6_SPECIAL]) assert.match(r.rfc, /^RFC \d+$/, r.cidr);
  });
});

describe('webhooks refuse hidden loopback through the API', firstPassOnly, () => {
  let built: Built;
  before(async () => {
    built = await startApp();
  });
  after(() => built.close());

  for (const url of [
    'https://[::ffff:0:7f00:1]/hook',
    'https://[::127.0.0.1]/hook',
    'https://[64:ff9b:1::a9fe:a9fe]/hook',
    'https://[fec0::1]/hook',
  ]) {
    it(`POST /api/webhooks with ${url} is 400 VALIDATION_ERROR`, async () => {
      const t = await makeTenant(built.app);
      const res = await call(built.app, 'POST', '/api/webhooks', {
        key: t.key,
        body: { url, events: ['agent.executed'] },
      });
      expectError(res, 400, 'VALIDATION_ERROR');
      assert.equal(res.body.error.details.field, 'url');
    });
  }
});
