// Which addresses the proxy may connect to. A public proxy that connects wherever a
// server name points can be used to scan or attack the operator's own network (SSRF),
// so by default only public unicast addresses pass, at every hop. The tables follow the
// IANA special-purpose address registries (not globally reachable entries).
import ipaddr from 'ipaddr.js';

export type AddressVerdict =
  | {
      allowed: true;
      /** The address to connect to: canonical text; IPv4-mapped IPv6 becomes plain IPv4. */
      address: string;
      family: 4 | 6;
    }
  | {
      allowed: false;
      /** Canonical text when the input parsed, else the input as given. */
      address: string;
      /** Why, e.g. "loopback", "private network (RFC 1918)", "IPv4-mapped form of 127.0.0.1 (loopback)". */
      reason: string;
    };

export interface AddressPolicy {
  /** Whether non-public addresses are allowed (FEDCHECK_ALLOW_PRIVATE=1). */
  readonly allowPrivate: boolean;
  check(address: string): AddressVerdict;
}

/** `lan`: refused unless FEDCHECK_ALLOW_PRIVATE=1; `never`: no single host is behind it. */
type Scope = 'lan' | 'never';
type Row<T> = { range: [T, number]; reason: string; scope: Scope };
interface Refusal {
  reason: string;
  scope: Scope;
}

function table<T extends ipaddr.IPv4 | ipaddr.IPv6>(rows: [cidr: string, reason: string, scope?: Scope][]): Row<T>[] {
  return rows.map(([cidr, reason, scope = 'lan']) => ({ range: ipaddr.parseCIDR(cidr) as [T, number], reason, scope }));
}

const ipv4Refused = table<ipaddr.IPv4>([
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

// Checked in order: the more specific entries come first.
const ipv6Refused = table<ipaddr.IPv6>([
  ['::/128', 'unspecified', 'never'],
  ['::1/128', 'loopback'],
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'deprecated site-local'],
  ['fc00::/7', 'unique local (RFC 4193)'],
  ['ff00::/8', 'multicast', 'never'],
  ['64:ff9b:1::/48', 'local-use NAT64 (RFC 8215)'],
  ['100::/64', 'discard-only (RFC 6666)'],
  ['::/96', 'IPv4-compatible (deprecated)'],
  ['2001::/32', 'Teredo tunnel'],
  ['2001:2::/48', 'benchmarking (RFC 5180)'],
  ['2001::/23', 'IETF protocol assignments (reserved)'],
  ['2001:db8::/32', 'documentation (RFC 3849)'],
  ['3fff::/20', 'documentation (RFC 9637)'],
]);
const globalUnicast = ipaddr.IPv6.parseCIDR('2000::/3');

// IPv6 forms that carry an IPv4 address: the IPv4 address decides.
const ipv4Mapped = ipaddr.IPv6.parseCIDR('::ffff:0:0/96');
const nat64 = ipaddr.IPv6.parseCIDR('64:ff9b::/96');
const sixToFour = ipaddr.IPv6.parseCIDR('2002::/16');

function lookUp<T extends ipaddr.IPv4 | ipaddr.IPv6>(address: T, rows: Row<T>[]): Refusal | undefined {
  return rows.find((row) => address.match(row.range));
}

function embeddedIpv4(address: ipaddr.IPv6): { ipv4: ipaddr.IPv4; form: string } | undefined {
  const p = address.parts;
  if (address.match(ipv4Mapped)) return { ipv4: ipv4From(p[6], p[7]), form: 'IPv4-mapped form' };
  if (address.match(nat64)) return { ipv4: ipv4From(p[6], p[7]), form: 'NAT64 form' };
  if (address.match(sixToFour)) return { ipv4: ipv4From(p[1], p[2]), form: '6to4 form' };
  return undefined;
}

function ipv4From(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

/** Why an address is refused, or undefined when it is public unicast. */
function classify(address: ipaddr.IPv4 | ipaddr.IPv6): Refusal | undefined {
  if (address.kind() === 'ipv4') return lookUp(address as ipaddr.IPv4, ipv4Refused);
  const v6 = address as ipaddr.IPv6;
  if (v6.zoneId) return { reason: 'scoped address (zone id)', scope: 'never' };
  const embedded = embeddedIpv4(v6);
  if (embedded) {
    const inner = lookUp(embedded.ipv4, ipv4Refused);
    return inner && { reason: `${embedded.form} of ${embedded.ipv4.toString()} (${inner.reason})`, scope: inner.scope };
  }
  return lookUp(v6, ipv6Refused) ?? (v6.match(globalUnicast) ? undefined : { reason: 'reserved (outside 2000::/3 global unicast)', scope: 'lan' });
}

/**
 * Parses an address in any form ipaddr.js accepts, including the odd IPv4 spellings that
 * inet_aton and URL parsers accept (2130706433, 0x7f.1, 0177.0.0.1, 127.1), so that what is
 * checked is what would be connected to.
 */
function parse(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  try {
    return ipaddr.parse(bare);
  } catch {
    return undefined;
  }
}

export function createAddressPolicy(options: { allowPrivate: boolean }): AddressPolicy {
  const { allowPrivate } = options;
  return {
    allowPrivate,
    check(text) {
      const parsed = parse(text);
      if (!parsed) return { allowed: false, address: text, reason: 'not an IP address' };
      const refusal = classify(parsed);
      if (refusal && (refusal.scope === 'never' || !allowPrivate)) {
        return { allowed: false, address: parsed.toString(), reason: refusal.reason };
      }
      const connectable = parsed.kind() === 'ipv6' && parsed.match(ipv4Mapped) ? embeddedIpv4(parsed as ipaddr.IPv6)!.ipv4 : parsed;
      return { allowed: true, address: connectable.toString(), family: connectable.kind() === 'ipv4' ? 4 : 6 };
    },
  };
}

/** The finding text for a refused address, shared by the HTTP client and the prober. */
export function refusalMessage(verdict: Extract<AddressVerdict, { allowed: false }>): string {
  return `address ${verdict.address} is not reachable from the internet (${verdict.reason}); the proxy does not connect to non-public addresses`;
}
