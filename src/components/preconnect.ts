// Opens the connections a check needs while the user is still typing: a DoH resolver's TCP,
// TLS and HTTP/2 setup then costs the check nothing. Called when the field gets focus, so
// that viewing the page alone contacts no third party. It asks each resolver one real
// question, for the root's name servers (any resolver has them cached), with the check's
// own request mode: Chromium's fetch() did not use the socket of a <link rel="preconnect">
// (measured in the latency bench's browser contexts), so the check paid the handshake again.
import type { DohResolver } from '../adapters/browser/resolvers.ts';

/** RFC 8484 GET: a query with ID 0, recursion desired, for `. IN NS`, base64url. */
const ROOT_NS_QUERY = 'AAABAAABAAAAAAAAAAACAAE';

/** A function that warms each resolver's origin once, however often it is called. */
export function resolverWarmer(): (resolvers: DohResolver[]) => void {
  const warmed = new Set<string>();
  return (resolvers) => {
    for (const resolver of resolvers) {
      const url = new URL(resolver.url);
      if (warmed.has(url.origin)) continue;
      warmed.add(url.origin);
      const json = resolver.format === 'json';
      if (json) {
        url.searchParams.set('name', '.');
        url.searchParams.set('type', 'NS');
      } else url.searchParams.set('dns', ROOT_NS_QUERY);
      // The same request as the DoH client's (CORS, no credentials, safelisted Accept), so
      // that its connection is the one the check's questions use.
      fetch(url.href, { headers: { accept: json ? 'application/dns-json' : 'application/dns-message' }, credentials: 'omit' })
        .then((response) => response.arrayBuffer())
        .catch(() => {});
    }
  };
}
