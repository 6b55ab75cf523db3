// Opens the connections a check needs while the user is still typing: a DoH resolver's TCP,
// TLS and HTTP/2 setup then costs the check nothing. Called when the field gets focus, so
// that viewing the page alone contacts no third party.
export function preconnect(urls: string[], doc: Document = document): void {
  const open = new Set([...doc.head.querySelectorAll<HTMLLinkElement>('link[rel="preconnect"]')].map((link) => new URL(link.href).origin));
  for (const url of urls) {
    const origin = new URL(url).origin;
    if (open.has(origin)) continue;
    open.add(origin);
    const link = doc.createElement('link');
    link.rel = 'preconnect';
    link.href = origin;
    // The DoH fetches are CORS requests without credentials: they use the anonymous connection.
    link.crossOrigin = 'anonymous';
    doc.head.append(link);
  }
}
