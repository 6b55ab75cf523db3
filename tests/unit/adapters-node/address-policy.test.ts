import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { createAddressPolicy } from '../../../src/adapters/node/address-policy.ts';

const strict = createAddressPolicy({ allowPrivate: false });
const lan = createAddressPolicy({ allowPrivate: true });

describe('address policy, public only', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.5', 'private network (RFC 1918)'],
    ['172.16.0.1', 'private network (RFC 1918)'],
    ['172.31.255.255', 'private network (RFC 1918)'],
    ['192.168.1.1', 'private network (RFC 1918)'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT (RFC 6598)'],
    ['0.0.0.0', 'unspecified ("this network")'],
    ['224.0.0.251', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.2.10', 'documentation (RFC 5737)'],
    ['198.51.100.7', 'documentation (RFC 5737)'],
    ['203.0.113.99', 'documentation (RFC 5737)'],
    ['198.18.0.1', 'benchmarking (RFC 2544)'],
    ['198.19.255.255', 'benchmarking (RFC 2544)'],
    ['192.0.0.8', 'IETF protocol assignments (reserved)'],
    ['240.0.0.1', 'reserved (240.0.0.0/4)'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['fd00::1', 'unique local (RFC 4193)'],
    ['fc12:3456::1', 'unique local (RFC 4193)'],
    ['ff02::1', 'multicast'],
    ['fec0::1', 'deprecated site-local'],
    ['2001:db8::1', 'documentation (RFC 3849)'],
    ['3fff:1::1', 'documentation (RFC 9637)'],
    ['2001:2::1', 'benchmarking (RFC 5180)'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo form of 192.0.2.45 (documentation (RFC 5737))'],
    ['100::1', 'discard-only (RFC 6666)'],
    ['64:ff9b:1::1', 'local-use NAT64 (RFC 8215)'],
    ['::7f00:1', 'IPv4-compatible (deprecated)'],
    ['4000::1', 'reserved (outside 2000::/3 global unicast)'],
    ['::ffff:127.0.0.1', 'IPv4-mapped form of 127.0.0.1 (loopback)'],
    ['::ffff:7f00:1', 'IPv4-mapped form of 127.0.0.1 (loopback)'],
    ['::ffff:10.1.2.3', 'IPv4-mapped form of 10.1.2.3 (private network (RFC 1918))'],
    ['64:ff9b::127.0.0.1', 'NAT64 form of 127.0.0.1 (loopback)'],
    ['64:ff9b::a9fe:a9fe', 'NAT64 form of 169.254.169.254 (link-local)'],
    ['2002:c0a8:0101::1', '6to4 form of 192.168.1.1 (private network (RFC 1918))'],
    ['fe80::1%eth0', 'scoped address (zone id)'],
  ])('refuses %s (%s)', (address, reason) => {
    const verdict = strict.check(address);
    expect(verdict).toMatchObject({ allowed: false, reason });
  });

  it.each([
    ['2130706433', '127.0.0.1'],
    ['0x7f000001', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['0x7f.1', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['167772165', '10.0.0.5'],
    ['[::1]', '::1'],
  ])('normalises the odd literal %s to %s before deciding', (literal, address) => {
    expect(strict.check(literal)).toMatchObject({ allowed: false, address });
  });

  it.each([
    ['8.8.8.8', '8.8.8.8', 4],
    ['1.1.1.1', '1.1.1.1', 4],
    ['0x08080808', '8.8.8.8', 4],
    ['134744072', '8.8.8.8', 4],
    ['::ffff:8.8.8.8', '8.8.8.8', 4],
    ['2606:4700:4700::1111', '2606:4700:4700::1111', 6],
    ['[2a00:1450:4001::200e]', '2a00:1450:4001::200e', 6],
    ['64:ff9b::8.8.8.8', '64:ff9b::808:808', 6],
    ['2002:0808:0808::1', '2002:808:808::1', 6],
  ])('allows the public address %s as %s', (input, address, family) => {
    expect(strict.check(input)).toEqual({ allowed: true, address, family });
  });

  it.each(['example.com', '', '1.2.3.4.5', '256.1.1.1', '08.1.1.1', '::1::2', '[::1'])('refuses %j: not an IP address', (text) => {
    expect(strict.check(text)).toMatchObject({ allowed: false, reason: 'not an IP address' });
  });
});

describe('address policy with FEDCHECK_ALLOW_PRIVATE=1', () => {
  it.each(['127.0.1.5', '10.0.0.5', '::1', 'fd00::1', '169.254.1.1'])('allows %s', (address) => {
    expect(lan.check(address).allowed).toBe(true);
  });
  it('connects to the IPv4 address inside an IPv4-mapped one', () => {
    expect(lan.check('::ffff:127.0.1.2')).toEqual({ allowed: true, address: '127.0.1.2', family: 4 });
  });
  it.each(['0.0.0.0', '224.0.0.1', '255.255.255.255', '::', 'ff02::1', '::ffff:0.0.0.0', 'fe80::1%lo'])(
    'still refuses %s: no single host is behind it',
    (address) => {
      expect(lan.check(address).allowed).toBe(false);
    },
  );
});

// Random addresses inside a CIDR block.
function inBlock(cidr: string): fc.Arbitrary<ipaddr.IPv4> {
  const [base, bits] = ipaddr.IPv4.parseCIDR(cidr);
  const baseValue = base.octets.reduce((n, o) => n * 256 + o, 0);
  const size = 2 ** (32 - bits);
  return fc.integer({ min: 0, max: size - 1 }).map((offset) => fromInteger(baseValue + offset));
}

function fromInteger(n: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
}

const refusedV4 = fc.oneof(
  ...['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/24', '192.0.2.0/24', '192.168.0.0/16', '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24', '224.0.0.0/4', '240.0.0.0/4'].map(inBlock),
);

// Every way of writing one IPv4 address that a resolver, a URL parser or a server name could carry.
function spellings(ip: ipaddr.IPv4): string[] {
  const [a, b, c, d] = ip.octets;
  const n = ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;
  const hex = (x: number) => '0x' + x.toString(16);
  return [
    ip.toString(),
    String(n),
    hex(n),
    `0${a.toString(8)}.${b}.${c}.${d}`,
    `${a}.${(b << 16) + (c << 8) + d}`,
    `${hex(a)}.${hex(b)}.${c}.${d}`,
    `::ffff:${ip.toString()}`,
    ip.toIPv4MappedAddress().toNormalizedString(),
    `64:ff9b::${ip.toString()}`,
    `2002:${((a << 8) + b).toString(16)}:${((c << 8) + d).toString(16)}::1`,
  ];
}

describe('address policy properties', () => {
  it('refuses every spelling of every address in a non-public IPv4 block', () => {
    fc.assert(
      fc.property(refusedV4, (ip) => {
        for (const spelling of spellings(ip)) expect(strict.check(spelling).allowed, spelling).toBe(false);
      }),
    );
  });

  it('every plain spelling of an IPv4 address normalises to the same address and verdict', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }).map(fromInteger), (ip) => {
        const reference = strict.check(ip.toString());
        for (const spelling of spellings(ip).slice(0, 8)) {
          const verdict = strict.check(spelling);
          expect(verdict.allowed, spelling).toBe(reference.allowed);
          if (verdict.allowed) expect(verdict.address).toBe(ip.toString());
        }
      }),
    );
  });

  it('an allowed IPv4 address is one ipaddr.js also calls public', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }).map(fromInteger), (ip) => {
        if (strict.check(ip.toString()).allowed) expect(['unicast', 'as112', 'amt']).toContain(ip.range());
      }),
    );
  });

  it('an allowed IPv6 address is global unicast and never one of ipaddr.js special ranges', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }), (parts) => {
        const ip = new ipaddr.IPv6(parts);
        const verdict = strict.check(ip.toString());
        if (verdict.allowed && verdict.family === 6) {
          expect(ip.match(ipaddr.IPv6.parseCIDR('2000::/3'))).toBe(true);
          expect(['unicast', '6to4', 'rfc6052', 'as112v6', 'amt']).toContain(ip.range());
        }
      }),
    );
  });

  it('with ALLOW_PRIVATE the verdict is the address itself, normalised, for every unicast IPv4 address', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0x01000000, max: 0xdfffffff }).map(fromInteger), (ip) => {
        expect(lan.check(String(ip.octets.reduce((n, o) => n * 256 + o, 0)))).toEqual({ allowed: true, address: ip.toString(), family: 4 });
      }),
    );
  });
});
