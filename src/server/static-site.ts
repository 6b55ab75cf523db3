// The built site from dist/: files with their content types, directory index pages, the
// site's own 404 page, caching that suits Astro's output (hashed assets never change,
// pages do), the build's Brotli and gzip copies (src/build/precompress.ts) for clients
// that accept them, and each page's Content-Security-Policy (page-policy.ts).
import { serveStatic, type ServeStaticOptions } from '@hono/node-server/serve-static';
import type { Context, MiddlewareHandler, NotFoundHandler } from 'hono';
import { COMPRESSIBLE_CONTENT_TYPE_REGEX } from 'hono/utils/compress';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pagePolicies } from './page-policy.ts';

/** Astro puts content-hashed bundles under /_astro/. */
const immutablePrefix = '/_astro/';

declare module 'hono' {
  interface ContextVariableMap {
    /** The file serveStatic answered with, without the suffix of a compressed copy. */
    siteFile: string;
  }
}

function siteStatic(options: ServeStaticOptions): MiddlewareHandler {
  return serveStatic({ ...options, precompressed: true, onFound: (file, c) => c.set('siteFile', file.replace(/\.(br|gz|zst)$/, '')) });
}

/** Sets a page's policy on the response serveStatic made for it; other files need none. */
async function setPagePolicy(c: Context, headers: Headers, policyOf: (file: string) => Promise<string>): Promise<void> {
  if (!headers.get('content-type')?.startsWith('text/html')) return;
  headers.set('Content-Security-Policy', await policyOf(c.get('siteFile')));
}

export function siteFiles(siteDir: string): MiddlewareHandler {
  const files = siteStatic({ root: siteDir });
  const policyOf = pagePolicies();
  return async (c, next) => {
    const found = await files(c, next);
    if (found instanceof Response) c.res = found;
    if (c.res.status !== 200 && c.res.status !== 206) return;
    c.header('Cache-Control', cacheControl(c));
    await setPagePolicy(c, c.res.headers, policyOf);
    varyOnEncoding(c);
  };
}

function cacheControl(c: Context): string {
  if (c.req.path.startsWith(immutablePrefix)) return 'public, max-age=31536000, immutable';
  // Pages and unhashed files (favicon, search index) change with each build: revalidate.
  return c.res.headers.get('content-type')?.startsWith('text/html') ? 'no-cache' : 'public, max-age=3600';
}

/**
 * serveStatic says Vary only when it picked a compressed copy; a cache must also keep the
 * plain answer it gives a client that accepts none apart from the compressed ones.
 */
function varyOnEncoding(c: Context): void {
  if (COMPRESSIBLE_CONTENT_TYPE_REGEX.test(c.res.headers.get('content-type') ?? '')) c.header('Vary', 'Accept-Encoding');
}

/**
 * The not-found page in the language of the path asked for: a path under /<lang>/ gets the
 * page Starlight built from that language's 404.md (/<lang>/404/), where there is one.
 */
function notFoundPageOf(siteDir: string): (path: string) => MiddlewareHandler {
  const english = siteStatic({ root: siteDir, path: '404.html' });
  const byLanguage = new Map<string, MiddlewareHandler>();
  return (path) => {
    const lang = /^\/([a-z]{2}(?:-[a-z]{2})?)\//i.exec(path)?.[1].toLowerCase();
    if (!lang) return english;
    if (!byLanguage.has(lang)) {
      const file = `${lang}/404/index.html`;
      byLanguage.set(lang, existsSync(join(siteDir, file)) ? siteStatic({ root: siteDir, path: file }) : english);
    }
    return byLanguage.get(lang)!;
  };
}

export function sitePageNotFound(siteDir: string): NotFoundHandler {
  const pageOf = notFoundPageOf(siteDir);
  const policyOf = pagePolicies();
  return async (c) => {
    const page = pageOf(c.req.path);
    // Plain text for what serveStatic would not answer with the whole page: a Range request
    // (a part of it), methods other than GET and HEAD, a build without a 404 page.
    const found = c.req.header('range') ? undefined : await page(c, async () => {});
    if (!(found instanceof Response)) return c.text('Not found', 404, { 'Cache-Control': 'no-cache' });
    const response = new Response(found.body, { status: 404, headers: found.headers });
    response.headers.set('Cache-Control', 'no-cache');
    response.headers.set('Vary', 'Accept-Encoding');
    await setPagePolicy(c, response.headers, policyOf);
    return response;
  };
}
