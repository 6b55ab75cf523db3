// Which addresses the proxy may connect to. A public proxy that connects wherever a
// server name points can be used to scan or attack the operator's own network (SSRF),
// so by default only public unicast addresses pass, at every hop. The ranges are the
// checker's (src/checker/ip.ts), so findings and enforcement draw the same lines.
import ipaddr from 'ipaddr.js';
import { formatAddress, parseAddress, specialPurpose, unmapped, type IpAddress } from '../../checker/ip.ts';

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

/**
 * Reads an address as a connection would: also the odd IPv4 spellings that inet_aton and
 * URL parsers accept (2130706433, 0x7f.1, 0177.0.0.1, 127.1), which ipaddr.js turns into
 * dotted decimal first, so that what is checked is what would be connected to.
 */
function parse(text: string): IpAddress | undefined {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  return parseAddress(ipaddr.IPv4.isValid(bare) ? ipaddr.IPv4.parse(bare).toString() : bare);
}

export function createAddressPolicy(options: { allowPrivate: boolean }): AddressPolicy {
  const { allowPrivate } = options;
  return {
    allowPrivate,
    check(text) {
      const parsed = parse(text);
      if (!parsed) return { allowed: false, address: text, reason: 'not an IP address' };
      const refusal = specialPurpose(parsed);
      if (refusal && (refusal.scope === 'never' || !allowPrivate)) {
        return { allowed: false, address: formatAddress(parsed.bytes, parsed.zoneId), reason: refusal.reason };
      }
      const connectable = unmapped(parsed);
      return { allowed: true, address: formatAddress(connectable.bytes), family: connectable.family };
    },
  };
}

/** The finding text for a refused address, shared by the HTTP client and the prober. */
export function refusalMessage(verdict: Extract<AddressVerdict, { allowed: false }>): string {
  return `address ${verdict.address} is not reachable from the internet (${verdict.reason}); the proxy does not connect to non-public addresses`;
}
