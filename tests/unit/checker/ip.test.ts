import { describe, expect, it } from 'vitest';
import { createAddressPolicy } from '../../../src/adapters/node/address-policy.ts';
import { classifyAddress, formatAddress, IPV4_SPECIAL_PURPOSE, IPV6_SPECIAL_PURPOSE, parseAddress } from '../../../src/checker/ip.ts';

describe('classifyAddress', () => {
  it.each([
    ['93.184.215.10', { public: true, family: 4 }],
    ['2a01:4f8::10', { public: true, family: 6 }],
    ['127.0.0.1', { public: false, family: 4, reason: 'loopback', scope: 'lan' }],
    ['10.1.2.3', { public: false, family: 4, reason: 'private network (RFC 1918)', scope: 'lan' }],
    ['192.168.0.1', { public: false, family: 4, reason: 'private network (RFC 1918)', scope: 'lan' }],
    ['169.254.1.1', { public: false, family: 4, reason: 'link-local', scope: 'lan' }],
    ['100.64.0.1', { public: false, family: 4, reason: 'carrier-grade NAT (RFC 6598)', scope: 'lan' }],
    ['192.0.2.1', { public: false, family: 4, reason: 'documentation (RFC 5737)', scope: 'lan' }],
    ['224.0.0.1', { public: false, family: 4, reason: 'multicast', scope: 'never' }],
    ['0.0.0.0', { public: false, family: 4, reason: 'unspecified ("this network")', scope: 'never' }],
    ['::1', { public: false, family: 6, reason: 'loopback', scope: 'lan' }],
    ['fe80::1', { public: false, family: 6, reason: 'link-local', scope: 'lan' }],
    ['fe80::1%eth0', { public: false, family: 6, reason: 'scoped address (zone id)', scope: 'never' }],
    ['fd00::1', { public: false, family: 6, reason: 'unique local (RFC 4193)', scope: 'lan' }],
    ['2001:db8::1', { public: false, family: 6, reason: 'documentation (RFC 3849)', scope: 'lan' }],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', { public: false, family: 6, reason: 'Teredo form of 192.0.2.45 (documentation (RFC 5737))', scope: 'lan' }],
    ['::ffff:10.0.0.1', { public: false, family: 4, reason: 'IPv4-mapped form of 10.0.0.1 (private network (RFC 1918))', scope: 'lan' }],
    ['::ffff:93.184.215.10', { public: true, family: 4 }],
    // The IPv4 address inside decides, as the proxy's policy decides.
    ['64:ff9b::93.184.215.10', { public: true, family: 6 }],
    ['2002:5db8:d70a::1', { public: true, family: 6 }],
    ['2002:c0a8:101::1', { public: false, family: 6, reason: '6to4 form of 192.168.1.1 (private network (RFC 1918))', scope: 'lan' }],
    ['not an address', { public: false, family: null, reason: 'not an IP address', scope: 'never' }],
    ['010.0.0.1', { public: false, family: null, reason: 'not an IP address', scope: 'never' }],
  ])('%s', (address, expected) => {
    expect(classifyAddress(address)).toEqual(expected);
  });
});

describe('parseAddress and formatAddress', () => {
  it.each([
    ['1.2.3.4', '1.2.3.4'],
    ['::', '::'],
    ['::1', '::1'],
    ['1::', '1::'],
    ['2001:DB8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0000:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
    ['::ffff:127.0.0.1', '::ffff:7f00:1'],
    ['1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:102:304'],
    // RFC 4291's IPv4-compatible form; ipaddr.js reads it as IPv4-mapped (::ffff:1.2.3.4).
    ['::1.2.3.4', '::102:304'],
  ])('%s is %s', (text, canonical) => {
    const address = parseAddress(text);
    expect(address && formatAddress(address.bytes)).toBe(canonical);
  });

  it('carries a zone id', () => {
    expect(parseAddress('fe80::1%eth0')).toEqual({ family: 6, bytes: parseAddress('fe80::1')!.bytes, zoneId: 'eth0' });
  });

  it.each([
    '', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1.2.3.04', '0x7f.0.0.1', '2130706433', '127.1', ' 1.2.3.4',
    ':', ':::', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7:8::', '1:2:3:4:5:6:7::8', '::1::', '1::2::3',
    ':1::', '1:', '12345::', 'g::', '::1.2.3', '::1.2.3.4:1', '1.2.3.4::', '::ffff:010.0.0.1', '[::1]',
    '1.2.3.4%eth0', 'fe80::1%', 'fe80::1%eth-0', 'fe80::1%%eth0',
  ])('refuses %j', (text) => {
    expect(parseAddress(text)).toBeUndefined();
  });
});

// Every row of the one table, with an address inside it, as the registries and RFCs give
// them (IANA IPv4/IPv6 special-purpose registries, RFC 6890); the findings (classifyAddress)
// and the proxy's policy must say the same of it.
describe('each special-purpose range, for the findings and the proxy alike', () => {
  const cases: [cidr: string, inside: string, reason: string | null][] = [
    ['0.0.0.0/8', '0.1.2.3', 'unspecified ("this network")'],
    ['10.0.0.0/8', '10.255.0.1', 'private network (RFC 1918)'],
    ['100.64.0.0/10', '100.127.255.254', 'carrier-grade NAT (RFC 6598)'],
    ['127.0.0.0/8', '127.0.1.1', 'loopback'],
    ['169.254.0.0/16', '169.254.169.254', 'link-local'],
    ['172.16.0.0/12', '172.31.0.1', 'private network (RFC 1918)'],
    ['192.0.0.0/24', '192.0.0.170', 'IETF protocol assignments (reserved)'],
    ['192.0.2.0/24', '192.0.2.1', 'documentation (RFC 5737)'],
    ['192.88.99.0/24', '192.88.99.1', 'deprecated 6to4 relay anycast (reserved)'],
    ['192.168.0.0/16', '192.168.1.1', 'private network (RFC 1918)'],
    ['198.18.0.0/15', '198.19.0.1', 'benchmarking (RFC 2544)'],
    ['198.51.100.0/24', '198.51.100.1', 'documentation (RFC 5737)'],
    ['203.0.113.0/24', '203.0.113.1', 'documentation (RFC 5737)'],
    ['224.0.0.0/4', '239.255.255.250', 'multicast'],
    ['255.255.255.255/32', '255.255.255.255', 'broadcast'],
    ['240.0.0.0/4', '250.1.2.3', 'reserved (240.0.0.0/4)'],
    ['::/128', '::', 'unspecified'],
    ['::1/128', '::1', 'loopback'],
    // RFC 4291 2.5.5.2: the IPv4 address inside decides.
    ['::ffff:0:0/96', '::ffff:192.168.0.1', 'IPv4-mapped form of 192.168.0.1 (private network (RFC 1918))'],
    // RFC 6052 2.1 example form; 3.1: the well-known prefix never carries non-global IPv4.
    ['64:ff9b::/96', '64:ff9b::10.0.0.1', 'NAT64 form of 10.0.0.1 (private network (RFC 1918))'],
    // RFC 3056 2: 2002:V4ADDR::/48.
    ['2002::/16', '2002:a9fe:a9fe::1', '6to4 form of 169.254.169.254 (link-local)'],
    // RFC 4380 4: the client address, inverted, in the last 32 bits (here ~7f000001).
    ['2001::/32', '2001:0:4136:e378:8000:63bf:80ff:fffe', 'Teredo form of 127.0.0.1 (loopback)'],
    ['fe80::/10', 'febf::1', 'link-local'],
    ['fec0::/10', 'fec0::1', 'deprecated site-local'],
    ['fc00::/7', 'fdff::1', 'unique local (RFC 4193)'],
    ['ff00::/8', 'ff02::fb', 'multicast'],
    // RFC 8215: a network's own translator, whatever the IPv4 address in it.
    ['64:ff9b:1::/48', '64:ff9b:1::808:808', 'local-use NAT64 (RFC 8215)'],
    ['100::/64', '100::1', 'discard-only (RFC 6666)'],
    ['::/96', '::808:808', 'IPv4-compatible (deprecated)'],
    ['2001:2::/48', '2001:2::1', 'benchmarking (RFC 5180)'],
    ['2001::/23', '2001:100::1', 'IETF protocol assignments (reserved)'],
    ['2001:db8::/32', '2001:db8::1', 'documentation (RFC 3849)'],
    ['3fff::/20', '3fff:fff::1', 'documentation (RFC 9637)'],
  ];
  const strict = createAddressPolicy({ allowPrivate: false });

  it('covers every row of the table', () => {
    expect(cases.map(([cidr]) => cidr)).toEqual([...IPV4_SPECIAL_PURPOSE, ...IPV6_SPECIAL_PURPOSE].map((row) => row.cidr));
  });

  it.each(cases)('%s: %s is %s', (_cidr, inside, reason) => {
    expect(classifyAddress(inside)).toMatchObject({ public: false, reason });
    expect(strict.check(inside)).toMatchObject({ allowed: false, reason });
  });

  it.each([
    // Forms that carry a public IPv4 address are as public as it is (RFC 4380's own example
    // server, and a client at 8.8.8.8; 6to4 and NAT64 of 8.8.8.8).
    ['2001:0:4136:e378:8000:63bf:f7f7:f7f7', 6],
    ['2002:808:808::1', 6],
    ['64:ff9b::808:808', 6],
    ['::ffff:8.8.8.8', 4],
  ] as const)('%s carries a public IPv4 address: public, and the proxy connects', (address, family) => {
    expect(classifyAddress(address)).toEqual({ public: true, family });
    expect(strict.check(address)).toMatchObject({ allowed: true, family });
  });
});
