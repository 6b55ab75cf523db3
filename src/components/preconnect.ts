// Opens the connections a check needs while the user is still typing: a DoH resolver's TCP,
// TLS and HTTP/2 setup then costs the check nothing. Called when the field gets focus, so
// that viewing the page alone contacts no third party. It asks each resolver one real
// question, for the root's name servers, as the DoH client asks (CORS, no credentials): the
// socket of a <link rel="preconnect"> went unused by Chromium's fetch() in the latency bench,
// so the check paid the handshake again.
import type { DohResolver } from '../adapters/browser/resolvers.ts';

/** A function that warms each resolver's origin once, however often it is called. */
export function resolverWarmer(): (resolvers: DohResolver[]) => void {
  const warmed = new Set<string>();
  return (resolvers) => {
    for (const { url: text, format } of resolvers) {
      const url = new URL(text);
      if (warmed.has(url.origin)) continue;
      warmed.add(url.origin);
      // RFC 8484: base64url of a query with ID 0 and recursion desired for `. IN NS`.
      const question = format === 'json' ? { name: '.', type: 'NS' } : { dns: 'AAABAAABAAAAAAAAAAACAAE' };
      for (const [key, value] of Object.entries(question)) url.searchParams.set(key, value);
      fetch(url, { headers: { accept: `application/dns-${format === 'json' ? 'json' : 'message'}` }, credentials: 'omit' })
        .then((response) => response.arrayBuffer())
        .catch(() => {});
    }
  };
}
