// IP addresses for the checker and the proxy: a strict parser for the text forms DNS
// answers and server names carry, RFC 5952 text, and one table of the special-purpose
// ranges that other homeservers cannot reach (the checker's findings) and the proxy must
// not connect to (its SSRF policy). Platform-free and small: it is in the browser bundle.

export interface IpAddress {
  family: 4 | 6;
  /** Network byte order: 4 bytes for IPv4, 16 for IPv6. */
  bytes: Uint8Array;
  /** RFC 4007 zone id, as in fe80::1%eth0: the address then means something on one host only. */
  zoneId?: string;
}

// Decimal octets without leading zeros (RFC 3986 dec-octet): inet_aton reads "010" as
// octal 8 while others read 10, so an address with one is refused, not guessed at.
const DECIMAL_OCTET = '(0|[1-9]\\d{0,2})';
const IPV4_TEXT = new RegExp(`^${DECIMAL_OCTET}\\.${DECIMAL_OCTET}\\.${DECIMAL_OCTET}\\.${DECIMAL_OCTET}$`);
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;
// As ipaddr.js reads zone ids; interface names with other characters ("eth0.100") are not addresses here.
const ZONE_ID = /^[0-9A-Za-z]+$/;

/**
 * Reads dotted-decimal IPv4 or RFC 4291 IPv6 text ("::" compression, a dotted IPv4 tail,
 * a "%zone" suffix). Nothing else: no brackets, no inet_aton spellings such as 127.1.
 */
export function parseAddress(text: string): IpAddress | undefined {
  const percent = text.indexOf('%');
  if (percent >= 0) {
    const zoneId = text.slice(percent + 1);
    const bytes = ZONE_ID.test(zoneId) ? parseIpv6(text.slice(0, percent)) : undefined;
    return bytes && { family: 6, bytes, zoneId };
  }
  const ipv4 = parseIpv4(text);
  if (ipv4) return { family: 4, bytes: ipv4 };
  const ipv6 = parseIpv6(text);
  return ipv6 && { family: 6, bytes: ipv6 };
}

function parseIpv4(text: string): Uint8Array | undefined {
  const octets = IPV4_TEXT.exec(text)?.slice(1).map(Number);
  return octets?.every((octet) => octet <= 255) ? Uint8Array.from(octets) : undefined;
}

function parseIpv6(text: string): Uint8Array | undefined {
  const sides = text.split('::');
  if (sides.length > 2) return undefined;
  const head = groupsOf(sides[0], sides.length === 1);
  const tail = sides.length === 2 ? groupsOf(sides[1], true) : [];
  if (!head || !tail) return undefined;
  const zeros = 8 - head.length - tail.length;
  // "::" stands for at least one zero group; without it there must be exactly eight.
  if (sides.length === 2 ? zeros < 1 : zeros !== 0) return undefined;
  const groups = [...head, ...new Array<number>(zeros).fill(0), ...tail];
  return Uint8Array.from(groups.flatMap((group) => [group >> 8, group & 0xff]));
}

/** The 16-bit groups of one side of "::"; the last side may end in dotted IPv4. */
function groupsOf(text: string, last: boolean): number[] | undefined {
  if (text === '') return [];
  const fields = text.split(':');
  const groups: number[] = [];
  for (const [index, field] of fields.entries()) {
    const ipv4 = last && index === fields.length - 1 ? parseIpv4(field) : undefined;
    if (ipv4) groups.push((ipv4[0] << 8) | ipv4[1], (ipv4[2] << 8) | ipv4[3]);
    else if (HEX_GROUP.test(field)) groups.push(parseInt(field, 16));
    else return undefined;
  }
  return groups;
}

/**
 * Canonical text: dotted decimal, or RFC 5952 IPv6 (lower case, no leading zeros, the
 * longest run of two or more zero groups as "::", the first of equal runs). IPv4-mapped
 * addresses stay in hex (::ffff:7f00:1), as ipaddr.js printed them.
 */
export function formatAddress(bytes: Uint8Array, zoneId?: string): string {
  if (bytes.length === 4) return bytes.join('.');
  const groups = Array.from({ length: 8 }, (_, i) => (bytes[2 * i] << 8) | bytes[2 * i + 1]);
  let run = { start: 0, length: 1 };
  for (let start = 0; start < 8; start++) {
    let end = start;
    while (groups[end] === 0) end++;
    if (end - start > run.length) run = { start, length: end - start };
  }
  const hex = groups.map((group) => group.toString(16));
  const text = run.length > 1 ? `${hex.slice(0, run.start).join(':')}::${hex.slice(run.start + run.length).join(':')}` : hex.join(':');
  return zoneId ? `${text}%${zoneId}` : text;
}

/** `lan`: private to a network (the proxy allows it with FEDCHECK_ALLOW_PRIVATE=1); `never`: no single host is behind it. */
export type Scope = 'lan' | 'never';

export interface SpecialPurpose {
  /** Why the address is not public, e.g. "loopback", "IPv4-mapped form of 127.0.0.1 (loopback)". */
  reason: string;
  scope: Scope;
}

interface Range {
  network: Uint8Array;
  bits: number;
}

/** An IPv6 form that carries an IPv4 address at byte `at`: the IPv4 address inside decides. */
export interface Carrier {
  /** "6to4 form", as in "6to4 form of 192.168.1.1 (private network (RFC 1918))". */
  form: string;
  at: number;
  /** Teredo stores the client's address with every bit inverted (RFC 4380 § 4). */
  inverted?: boolean;
}

export interface SpecialPurposeRange extends Range, SpecialPurpose {
  cidr: string;
  carrier?: Carrier;
}

function range(cidr: string): Range {
  const [network, bits] = cidr.split('/');
  return { network: parseAddress(network)!.bytes, bits: Number(bits) };
}

type Row = [cidr: string, reason: string, scope?: Scope] | [cidr: string, carrier: Carrier];

function specialPurposeRanges(rows: Row[]): SpecialPurposeRange[] {
  return rows.map(([cidr, what, scope = 'lan']) =>
    typeof what === 'string' ? { cidr, reason: what, scope, ...range(cidr) } : { cidr, reason: what.form, scope: 'lan', carrier: what, ...range(cidr) },
  );
}

function contains({ network, bits }: Range, bytes: Uint8Array): boolean {
  const whole = bits >> 3;
  for (let i = 0; i < whole; i++) if (bytes[i] !== network[i]) return false;
  const mask = (0xff00 >> (bits & 7)) & 0xff;
  return (bytes[whole] & mask) === (network[whole] & mask);
}

// The IANA special-purpose address registries (RFC 6890), the entries not globally
// reachable; the one table that the checker's findings and the proxy's SSRF policy read.
// Checked in order: the more specific entries come first. The tables are built at load
// time; "pure" lets bundles that only parse (the server-name form) leave them out.
export const IPV4_SPECIAL_PURPOSE = /* @__PURE__ */ specialPurposeRanges([
  ['0.0.0.0/8', 'unspecified ("this network")', 'never'],
  ['10.0.0.0/8', 'private network (RFC 1918)'],
  ['100.64.0.0/10', 'carrier-grade NAT (RFC 6598)'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'],
  ['172.16.0.0/12', 'private network (RFC 1918)'],
  ['192.0.0.0/24', 'IETF protocol assignments (reserved)'],
  ['192.0.2.0/24', 'documentation (RFC 5737)'],
  ['192.88.99.0/24', 'deprecated 6to4 relay anycast (reserved)'],
  ['192.168.0.0/16', 'private network (RFC 1918)'],
  ['198.18.0.0/15', 'benchmarking (RFC 2544)'],
  ['198.51.100.0/24', 'documentation (RFC 5737)'],
  ['203.0.113.0/24', 'documentation (RFC 5737)'],
  ['224.0.0.0/4', 'multicast', 'never'],
  ['255.255.255.255/32', 'broadcast', 'never'],
  ['240.0.0.0/4', 'reserved (240.0.0.0/4)'],
]);

// The four forms that embed an IPv4 address reach (or, for NAT64, translate to) that
// address, so it decides, in the findings and in the proxy alike: IPv4-mapped (RFC 4291
// 2.5.5.2), the NAT64 well-known prefix (RFC 6052 3.1: never for non-global IPv4), 6to4
// (RFC 3056 2: the /48 of a global IPv4 address) and Teredo (RFC 4380 4: the client's
// NAT-mapped address, inverted, in the last 32 bits). Local-use NAT64 (RFC 8215) is a
// network's own translator: never global, whatever it carries.
export const IPV6_SPECIAL_PURPOSE = /* @__PURE__ */ specialPurposeRanges([
  ['::/128', 'unspecified', 'never'],
  ['::1/128', 'loopback'],
  ['::ffff:0:0/96', { form: 'IPv4-mapped form', at: 12 }],
  ['64:ff9b::/96', { form: 'NAT64 form', at: 12 }],
  ['2002::/16', { form: '6to4 form', at: 2 }],
  ['2001::/32', { form: 'Teredo form', at: 12, inverted: true }],
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'deprecated site-local'],
  ['fc00::/7', 'unique local (RFC 4193)'],
  ['ff00::/8', 'multicast', 'never'],
  ['64:ff9b:1::/48', 'local-use NAT64 (RFC 8215)'],
  ['100::/64', 'discard-only (RFC 6666)'],
  ['::/96', 'IPv4-compatible (deprecated)'],
  ['2001:2::/48', 'benchmarking (RFC 5180)'],
  ['2001::/23', 'IETF protocol assignments (reserved)'],
  ['2001:db8::/32', 'documentation (RFC 3849)'],
  ['3fff::/20', 'documentation (RFC 9637)'],
]);
const GLOBAL_UNICAST = /* @__PURE__ */ range('2000::/3');
const IPV4_MAPPED = /* @__PURE__ */ range('::ffff:0:0/96');

/** The IPv4 address an IPv6 address of a carrier range carries. */
export function carriedIpv4(bytes: Uint8Array, carrier: Carrier): Uint8Array {
  const ipv4 = bytes.slice(carrier.at, carrier.at + 4);
  return carrier.inverted ? ipv4.map((byte) => byte ^ 0xff) : ipv4;
}

/** Why an address is not public unicast, or undefined when it is. */
export function specialPurpose(address: IpAddress): SpecialPurpose | undefined {
  const { bytes } = address;
  const lookUp = (ranges: SpecialPurposeRange[], what: Uint8Array) => ranges.find((row) => contains(row, what));
  if (address.family === 4) {
    const row = lookUp(IPV4_SPECIAL_PURPOSE, bytes);
    return row && { reason: row.reason, scope: row.scope };
  }
  if (address.zoneId) return { reason: 'scoped address (zone id)', scope: 'never' };
  const row = lookUp(IPV6_SPECIAL_PURPOSE, bytes);
  if (row?.carrier) {
    const ipv4 = carriedIpv4(bytes, row.carrier);
    const inner = lookUp(IPV4_SPECIAL_PURPOSE, ipv4);
    return inner && { reason: `${row.carrier.form} of ${formatAddress(ipv4)} (${inner.reason})`, scope: inner.scope };
  }
  if (row) return { reason: row.reason, scope: row.scope };
  return contains(GLOBAL_UNICAST, bytes) ? undefined : { reason: 'reserved (outside 2000::/3 global unicast)', scope: 'lan' };
}

/** The address a connection reaches: an IPv4-mapped IPv6 address reaches the IPv4 address inside. */
export function unmapped(address: IpAddress): IpAddress {
  return address.family === 6 && contains(IPV4_MAPPED, address.bytes) ? { family: 4, bytes: address.bytes.slice(12) } : address;
}

export type AddressClass =
  | { public: true; family: 4 | 6 }
  | { public: false; family: 4 | 6; reason: string; scope: Scope }
  | { public: false; family: null; reason: 'not an IP address'; scope: 'never' };

/** Whether other homeservers can reach a published address, and its family as they connect to it. */
export function classifyAddress(text: string): AddressClass {
  const address = parseAddress(text);
  if (!address) return { public: false, family: null, reason: 'not an IP address', scope: 'never' };
  const { family } = unmapped(address);
  const special = specialPurpose(address);
  return special ? { public: false, family, ...special } : { public: true, family };
}
