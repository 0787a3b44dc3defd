/**
 * The IANA special-purpose address registries (IPv4: iana.org/assignments/iana-ipv4-special-registry,
 * IPv6: iana.org/assignments/iana-ipv6-special-registry), as data. Every entry that is not
 * "globally reachable" is here, with the RFC that defines it, plus multicast and the deprecated
 * ranges. `embedded` marks IPv6 ranges that carry an IPv4 address: those are judged by the IPv4
 * policy applied to the embedded address instead of being refused outright.
 *
 * A few registry entries that are globally reachable are refused anyway because they sit inside
 * a larger non-global block and no outbound call of ours has a reason to reach them (the anycast
 * service addresses 192.0.0.9/10 inside 192.0.0.0/24, and 2001:1::1–3, AMT, AS112 and ORCHIDv2
 * inside 2001::/23). Teredo (2001::/32) is inside 2001::/23 and refused whole. Outside this list an
 * IPv6 address must also be global unicast (2000::/3) to be allowed.
 */
export interface SpecialRange {
  cidr: string;
  rfc: string;
  name: string;
  /** IPv6 only: where the embedded IPv4 address sits, judged by the IPv4 policy. */
  embedded?: 'last32' | '6to4';
}

export const IPV4_SPECIAL: readonly SpecialRange[] = [
  { cidr: '0.0.0.0/8', rfc: 'RFC 791', name: '"This network"' },
  { cidr: '10.0.0.0/8', rfc: 'RFC 1918', name: 'Private-Use' },
  { cidr: '100.64.0.0/10', rfc: 'RFC 6598', name: 'Shared Address Space (CGNAT)' },
  { cidr: '127.0.0.0/8', rfc: 'RFC 1122', name: 'Loopback' },
  { cidr: '169.254.0.0/16', rfc: 'RFC 3927', name: 'Link Local (cloud metadata 169.254.169.254)' },
  { cidr: '172.16.0.0/12', rfc: 'RFC 1918', name: 'Private-Use' },
  { cidr: '192.0.0.0/24', rfc: 'RFC 6890', name: 'IETF Protocol Assignments' },
  { cidr: '192.0.0.0/29', rfc: 'RFC 7335', name: 'IPv4 Service Continuity Prefix (DS-Lite)' },
  { cidr: '192.0.0.8/32', rfc: 'RFC 7600', name: 'IPv4 dummy address' },
  { cidr: '192.0.0.170/31', rfc: 'RFC 8880', name: 'NAT64/DNS64 Discovery' },
  { cidr: '192.0.2.0/24', rfc: 'RFC 5737', name: 'Documentation (TEST-NET-1)' },
  { cidr: '192.88.99.0/24', rfc: 'RFC 7526', name: 'Deprecated 6to4 Relay Anycast' },
  { cidr: '192.168.0.0/16', rfc: 'RFC 1918', name: 'Private-Use' },
  { cidr: '198.18.0.0/15', rfc: 'RFC 2544', name: 'Benchmarking' },
  { cidr: '198.51.100.0/24', rfc: 'RFC 5737', name: 'Documentation (TEST-NET-2)' },
  { cidr: '203.0.113.0/24', rfc: 'RFC 5737', name: 'Documentation (TEST-NET-3)' },
  { cidr: '224.0.0.0/4', rfc: 'RFC 5771', name: 'Multicast' },
  { cidr: '240.0.0.0/4', rfc: 'RFC 1112', name: 'Reserved' },
  { cidr: '255.255.255.255/32', rfc: 'RFC 8190', name: 'Limited Broadcast' },
];

export const IPV6_SPECIAL: readonly SpecialRange[] = [
  { cidr: '::/128', rfc: 'RFC 4291', name: 'Unspecified Address' },
  { cidr: '::1/128', rfc: 'RFC 4291', name: 'Loopback Address' },
  { cidr: '::/96', rfc: 'RFC 4291', name: 'IPv4-compatible (deprecated)', embedded: 'last32' },
  { cidr: '::ffff:0:0/96', rfc: 'RFC 4291', name: 'IPv4-mapped Address', embedded: 'last32' },
  { cidr: '::ffff:0:0:0/96', rfc: 'RFC 2765', name: 'IPv4-translated Address (SIIT)', embedded: 'last32' },
  {
    cidr: '64:ff9b::/96',
    rfc: 'RFC 6052',
    name: 'IPv4-IPv6 Translation (NAT64 well-known prefix)',
    embedded: 'last32',
  },
  { cidr: '64:ff9b:1::/48', rfc: 'RFC 8215', name: 'IPv4-IPv6 Translation (local-use NAT64)' },
  { cidr: '100::/64', rfc: 'RFC 6666', name: 'Discard-Only Address Block' },
  { cidr: '100:0:0:1::/64', rfc: 'RFC 9780', name: 'Dummy IPv6 Prefix' },
  { cidr: '2001::/32', rfc: 'RFC 4380', name: 'TEREDO (refused whole: inside 2001::/23, a tunnel to a NATed client)' },
  { cidr: '2001::/23', rfc: 'RFC 2928', name: 'IETF Protocol Assignments' },
  { cidr: '2001:2::/48', rfc: 'RFC 5180', name: 'Benchmarking' },
  { cidr: '2001:10::/28', rfc: 'RFC 4843', name: 'Deprecated (previously ORCHID)' },
  { cidr: '2001:db8::/32', rfc: 'RFC 3849', name: 'Documentation' },
  { cidr: '2002::/16', rfc: 'RFC 3056', name: '6to4', embedded: '6to4' },
  { cidr: '3fff::/20', rfc: 'RFC 9637', name: 'Documentation' },
  { cidr: '5f00::/16', rfc: 'RFC 9602', name: 'Segment Routing (SRv6) SIDs' },
  { cidr: 'fc00::/7', rfc: 'RFC 4193', name: 'Unique-Local' },
  { cidr: 'fe80::/10', rfc: 'RFC 4291', name: 'Link-Local Unicast' },
  { cidr: 'fec0::/10', rfc: 'RFC 3879', name: 'Site-Local (deprecated)' },
  { cidr: 'ff00::/8', rfc: 'RFC 4291', name: 'Multicast' },
];
