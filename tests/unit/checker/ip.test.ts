import { describe, expect, it } from 'vitest';
import { classifyAddress, formatAddress, parseAddress } from '../../../src/checker/ip.ts';

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
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', { public: false, family: 6, reason: 'Teredo tunnel', scope: 'lan' }],
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
