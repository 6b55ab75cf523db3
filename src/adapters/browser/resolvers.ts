// DoH resolver settings: which URLs to ask and in which format. Kept apart from the DoH
// client so the page can show and edit settings before the checker itself is loaded.

export type DohFormat = 'json' | 'wire';

export interface DohResolver {
  url: string;
  format: DohFormat;
}

export const DEFAULT_RESOLVERS: DohResolver[] = [
  { url: 'https://cloudflare-dns.com/dns-query', format: 'json' },
  { url: 'https://dns.google/resolve', format: 'json' },
];

/** Why a resolver URL was refused: the key of the page's sentence for it (labels.en.ts), in
 * its reader's language. */
export type ResolverProblem = 'resolverNotUrl' | 'resolverNotHttps';

/**
 * Reads a resolver URL as typed in settings or `?resolver=`. Without an explicit format,
 * Google's `/resolve` path and Cloudflare's `?ct=application/dns-json` mean the JSON API;
 * anything else is RFC 8484.
 */
export function parseResolver(text: string, format?: DohFormat): { ok: true; resolver: DohResolver } | { ok: false; problem: ResolverProblem } {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return { ok: false, problem: 'resolverNotUrl' };
  }
  if (url.protocol !== 'https:') return { ok: false, problem: 'resolverNotHttps' };
  const json = url.pathname.endsWith('/resolve') || url.searchParams.get('ct') === 'application/dns-json';
  return { ok: true, resolver: { url: url.href, format: format ?? (json ? 'json' : 'wire') } };
}
