// Which published addresses other homeservers can actually reach. Remote servers refuse
// (or cannot route to) loopback, private, link-local, CGNAT, documentation … ranges.
import ipaddr from 'ipaddr.js';

export type AddressClass =
  | { public: true; family: 4 | 6 }
  | { public: false; family: 4 | 6; range: string }
  | { public: false; family: null; range: 'invalid' };

export function classifyAddress(text: string): AddressClass {
  if (!ipaddr.isValid(text)) return { public: false, family: null, range: 'invalid' };
  let address = ipaddr.parse(text);
  // An IPv4-mapped IPv6 address reaches the embedded IPv4 address.
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    address = (address as ipaddr.IPv6).toIPv4Address();
  }
  const family = address.kind() === 'ipv4' ? 4 : 6;
  const range = address.range();
  return range === 'unicast' ? { public: true, family } : { public: false, family, range };
}
