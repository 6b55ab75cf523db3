// The Content-Security-Policy of each built page. Starlight and Astro write inline scripts
// (the theme and sidebar scripts, the island loader, Solid's hydration) and <style>
// elements into the pages, and they differ from page to page; each page's policy allows
// exactly its own by SHA-256 hash, read from the page itself.
//
// Astro's own `security.csp` was not enough: it leaves out Starlight's `is:inline` scripts
// and Solid's hydration script, and it writes a <meta> tag, which cannot carry
// frame-ancestors and comes after the first inline script.
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';

/** What the pages may load and run, besides their own inline scripts and styles. */
const pageDirectives: Record<string, string[]> = {
  'default-src': ["'none'"],
  // Pagefind, the search, compiles its WebAssembly on the page when its worker (which runs
  // under a policy of its own) cannot start.
  'script-src': ["'self'", "'wasm-unsafe-eval'"],
  'style-src': ["'self'"],
  // Expressive Code colours code with style="" attributes, hundreds per page, too many to
  // hash. An attribute cannot run script or select other elements, so this cannot read
  // the page; <style> elements still need their hash.
  'style-src-attr': ["'unsafe-inline'"],
  // Starlight's and Expressive Code's CSS draw icons as data: SVGs.
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  // The checker asks DoH resolvers and any server's /.well-known over HTTPS, and a proxy the
  // user names, which may be plain HTTP (http://127.0.0.1:8080/ while developing). An
  // HTTPS page can reach only loopback over http: (mixed content), and `https:` already
  // lets a script send data anywhere, so a narrower http: list would protect nothing.
  'connect-src': ["'self'", 'https:', 'http:'],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/** An inline <script> or <style> element: attributes (quoted values may hold ">"), then text. */
const inlineElement = /<(script|style)\b((?:[^>"']|"[^"]*"|'[^']*')*)>([\s\S]*?)<\/\1\s*>/gi;

export function pagePolicy(html: string): string {
  const hashes: Record<string, string[]> = { script: [], style: [] };
  for (const [, tag, attributes, text] of html.matchAll(inlineElement)) {
    const kind = tag.toLowerCase();
    if (kind === 'script' && /\ssrc\s*=/i.test(attributes)) continue;
    // The browser hashes the text after the HTML parser turned CR LF and CR into LF.
    const digest = createHash('sha256').update(text.replace(/\r\n?/g, '\n')).digest('base64');
    hashes[kind].push(`'sha256-${digest}'`);
  }
  const directives = { ...pageDirectives };
  directives['script-src'] = [...directives['script-src'], ...new Set(hashes.script)];
  directives['style-src'] = [...directives['style-src'], ...new Set(hashes.style)];
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}

/**
 * The policy of a page file, worked out once per version of the file: a rebuild of the
 * site under the running server changes the pages' inline scripts, and a policy kept from
 * the old build would block them.
 */
export function pagePolicies(): (file: string) => Promise<string> {
  const known = new Map<string, { version: string; policy: string }>();
  return async (file) => {
    const { mtimeMs, size } = await stat(file);
    const version = `${mtimeMs}:${size}`;
    const entry = known.get(file);
    if (entry?.version === version) return entry.policy;
    const policy = pagePolicy(await readFile(file, 'utf8'));
    known.set(file, { version, policy });
    return policy;
  };
}
