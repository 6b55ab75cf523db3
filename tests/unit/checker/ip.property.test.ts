// Property tests of the core IP module with ipaddr.js as the oracle: text out is its RFC
// 5952 text, text in is what it reads strictly (less the differences named below), and
// the verdicts are those of the proxy's address policy before the table moved to the core.
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { createAddressPolicy, type AddressVerdict } from '../../../src/adapters/node/address-policy.ts';
import {
  classifyAddress,
  formatAddress,
  IPV4_SPECIAL_PURPOSE,
  IPV6_SPECIAL_PURPOSE,
  parseAddress,
  type SpecialPurpose,
  type SpecialPurposeRange,
} from '../../../src/checker/ip.ts';
import { RUNS, TIMEOUT } from './fuzz-runs.ts';

const bytesOf = (length: 4 | 16) => fc.uint8Array({ minLength: length, maxLength: length });
// IPv6 with runs of zero groups, so that "::" placement gets exercised.
const zeroRich = fc
  .array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 })
  .map((groups) => Uint8Array.from(groups.flatMap((group) => [group >> 8, group & 0xff])));
const anyAddressBytes = fc.oneof(bytesOf(4), bytesOf(16), zeroRich);

describe('property: formatAddress and parseAddress', () => {
  it('formats as ipaddr.js does (RFC 5952), and parses back to the same bytes', () => {
    fc.assert(
      fc.property(anyAddressBytes, (bytes) => {
        const text = formatAddress(bytes);
        expect(text).toBe(ipaddr.fromByteArray([...bytes]).toString());
        expect(parseAddress(text)).toEqual({ family: bytes.length === 4 ? 4 : 6, bytes });
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);

  const dotted = fc
    .array(fc.oneof(fc.integer({ min: 0, max: 300 }).map(String), fc.stringMatching(/^0\d{1,3}$/)), { minLength: 3, maxLength: 5 })
    .map((parts) => parts.join('.'));
  const addressLike = fc.oneof(
    fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF:.%z'), maxLength: 45 }),
    fc
      .tuple(fc.array(fc.oneof(fc.stringMatching(/^[0-9a-fA-F]{1,5}$/), fc.constant('')), { maxLength: 10 }), fc.option(dotted))
      .map(([groups, tail]) => [...groups, ...(tail === null ? [] : [tail])].join(':')),
    // Nearer to valid: up to nine groups, "::" somewhere or nowhere, maybe a dotted tail.
    fc
      .tuple(fc.array(fc.stringMatching(/^[0-9a-fA-F]{1,4}$/), { maxLength: 9 }), fc.option(fc.nat(9)), fc.option(dotted))
      .map(([groups, gap, tail]) => {
        const fields = [...groups, ...(tail === null ? [] : [tail])];
        if (gap === null) return fields.join(':');
        const at = Math.min(gap, fields.length);
        return `${fields.slice(0, at).join(':')}::${fields.slice(at).join(':')}`;
      }),
    dotted,
    fc.ipV4(),
    fc.ipV4Extended(),
    fc.ipV6(),
    fc.tuple(fc.ipV6(), fc.stringMatching(/^[0-9a-zA-Z.-]{0,5}$/)).map(([address, zone]) => `${address}%${zone}`),
  );

  /**
   * ipaddr.js's strict reading, less one deliberate difference: it reads the dotted IPv4
   * tail of IPv6 loosely (leading zeros, as in ::ffff:010.0.0.1); RFC 4291 says dotted decimal.
   */
  function oracleAccepts(text: string): boolean {
    if (ipaddr.IPv4.isValidFourPartDecimal(text)) return true;
    if (!ipaddr.IPv6.isValid(text)) return false;
    const address = text.split('%')[0];
    const tail = address.slice(address.lastIndexOf(':') + 1);
    return !tail.includes('.') || ipaddr.IPv4.isValidFourPartDecimal(tail);
  }

  it('accepts what ipaddr.js accepts strictly, and reads the same bytes and zone id', () => {
    fc.assert(
      fc.property(addressLike, (text) => {
        const parsed = parseAddress(text);
        expect(parsed !== undefined, text).toBe(oracleAccepts(text));
        if (!parsed) return;
        const oracle = ipaddr.parse(text);
        const expected = oracle.toByteArray();
        // ipaddr.js reads ::1.2.3.4 as IPv4-mapped (::ffff:1.2.3.4); RFC 4291 calls it IPv4-compatible (::102:304).
        if (/^::[\d.]+(%|$)/.test(text)) expected.splice(10, 2, 0, 0);
        expect([...parsed.bytes], text).toEqual(expected);
        expect(parsed.zoneId, text).toBe(oracle.kind() === 'ipv6' ? (oracle as ipaddr.IPv6).zoneId : undefined);
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);
});

// The address policy as it was on ipaddr.js, over the same table rows: the oracle for the
// byte matching, the embedded IPv4 forms and the verdicts that replaced it.
function ipaddrRows(ranges: SpecialPurposeRange[]) {
  return ranges.map(({ cidr, reason, scope }) => ({ range: ipaddr.parseCIDR(cidr), reason, scope }));
}
const ipaddrV4Rows = ipaddrRows(IPV4_SPECIAL_PURPOSE);
const ipaddrV6Rows = ipaddrRows(IPV6_SPECIAL_PURPOSE.filter((row) => !row.carrier));
// The forms that carry IPv4, from the RFCs (Teredo: RFC 4380 § 4, the client address inverted).
const IPV4_CARRIERS: [cidr: string, form: string, part: number, inverted: boolean][] = [
  ['::ffff:0:0/96', 'IPv4-mapped form', 6, false],
  ['64:ff9b::/96', 'NAT64 form', 6, false],
  ['2002::/16', '6to4 form', 1, false],
  ['2001::/32', 'Teredo form', 6, true],
];

function ipaddrLookUp(address: ipaddr.IPv4 | ipaddr.IPv6, rows: ReturnType<typeof ipaddrRows>): SpecialPurpose | undefined {
  const row = rows.find(({ range }) => address.match(range));
  return row && { reason: row.reason, scope: row.scope };
}

function ipaddrClassify(address: ipaddr.IPv4 | ipaddr.IPv6): SpecialPurpose | undefined {
  if (address.kind() === 'ipv4') return ipaddrLookUp(address, ipaddrV4Rows);
  const v6 = address as ipaddr.IPv6;
  for (const [cidr, form, part, inverted] of IPV4_CARRIERS) {
    if (!v6.match(ipaddr.IPv6.parseCIDR(cidr))) continue;
    const [high, low] = v6.parts.slice(part, part + 2).map((group) => (inverted ? group ^ 0xffff : group));
    const ipv4 = new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
    const inner = ipaddrLookUp(ipv4, ipaddrV4Rows);
    return inner && { reason: `${form} of ${ipv4.toString()} (${inner.reason})`, scope: inner.scope };
  }
  const outside = !v6.match(ipaddr.IPv6.parseCIDR('2000::/3'));
  return ipaddrLookUp(v6, ipaddrV6Rows) ?? (outside ? { reason: 'reserved (outside 2000::/3 global unicast)', scope: 'lan' } : undefined);
}

function ipaddrVerdict(text: string, allowPrivate: boolean): AddressVerdict {
  const address = ipaddr.parse(text);
  const refusal = ipaddrClassify(address);
  if (refusal && (refusal.scope === 'never' || !allowPrivate)) return { allowed: false, address: address.toString(), reason: refusal.reason };
  const connectable = address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() ? (address as ipaddr.IPv6).toIPv4Address() : address;
  return { allowed: true, address: connectable.toString(), family: connectable.kind() === 'ipv4' ? 4 : 6 };
}

const policies = [createAddressPolicy({ allowPrivate: false }), createAddressPolicy({ allowPrivate: true })];

function expectSameVerdicts(bytes: Uint8Array): void {
  const text = ipaddr.fromByteArray([...bytes]).toString();
  for (const policy of policies) expect(policy.check(text), text).toEqual(ipaddrVerdict(text, policy.allowPrivate));
  const refusal = ipaddrClassify(ipaddr.parse(text));
  expect(classifyAddress(text), text).toMatchObject(refusal ? { public: false, reason: refusal.reason } : { public: true });
}

const toBigInt = (bytes: Uint8Array) => bytes.reduce((n, byte) => (n << 8n) | BigInt(byte), 0n);
const fromBigInt = (n: bigint, length: number) => Uint8Array.from({ length }, (_, i) => Number((n >> BigInt(8 * (length - 1 - i))) & 0xffn));

const ALL_RANGES = [...IPV4_SPECIAL_PURPOSE, ...IPV6_SPECIAL_PURPOSE].map(({ cidr }) => cidr).concat('2000::/3', ...IPV4_CARRIERS.map(([cidr]) => cidr));

/** The first and last address of a range, and their neighbours outside it. */
function boundaries(cidr: string): Uint8Array[] {
  const [network, bits] = ipaddr.parseCIDR(cidr);
  const length = network.kind() === 'ipv4' ? 4 : 16;
  const first = toBigInt(Uint8Array.from(network.toByteArray()));
  const last = first + (1n << BigInt(length * 8 - bits)) - 1n;
  const all = (1n << BigInt(length * 8)) - 1n;
  return [first - 1n, first, last, last + 1n].filter((n) => n >= 0n && n <= all).map((n) => fromBigInt(n, length));
}

/** The IPv6 forms that carry an IPv4 address. */
function carriersOf(ipv4: Uint8Array): Uint8Array[] {
  return [
    Uint8Array.of(...new Array(10).fill(0), 0xff, 0xff, ...ipv4),
    Uint8Array.of(0, 0x64, 0xff, 0x9b, ...new Array(8).fill(0), ...ipv4),
    Uint8Array.of(0x20, 0x02, ...ipv4, ...new Array(10).fill(0)),
    Uint8Array.of(0x20, 0x01, 0, 0, 0x41, 0x36, 0xe3, 0x78, 0x80, 0, 0x63, 0xbf, ...ipv4.map((byte) => byte ^ 0xff)),
  ];
}

describe('property: the verdicts are those of the ipaddr.js address policy', () => {
  it('at the first and last address of every range and just outside it, also in IPv6 forms that carry IPv4', () => {
    for (const cidr of ALL_RANGES) {
      for (const bytes of boundaries(cidr)) {
        expectSameVerdicts(bytes);
        if (bytes.length === 4) carriersOf(bytes).forEach(expectSameVerdicts);
      }
    }
  });

  const inSomeRange = fc.tuple(fc.constantFrom(...ALL_RANGES), bytesOf(16)).map(([cidr, random]) => {
    const [network, bits] = ipaddr.parseCIDR(cidr);
    const length = network.kind() === 'ipv4' ? 4 : 16;
    const hostBits = BigInt(length * 8 - bits);
    const host = toBigInt(random.subarray(0, length)) & ((1n << hostBits) - 1n);
    return fromBigInt(toBigInt(Uint8Array.from(network.toByteArray())) | host, length);
  });

  it('for random addresses, addresses inside the ranges, and IPv4 carried in IPv6', () => {
    fc.assert(
      fc.property(fc.oneof(anyAddressBytes, inSomeRange, fc.tuple(bytesOf(4), fc.nat(3)).map(([ipv4, form]) => carriersOf(ipv4)[form])), expectSameVerdicts),
      { numRuns: RUNS },
    );
  }, TIMEOUT);
});
