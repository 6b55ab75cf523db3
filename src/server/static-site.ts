// The built site from dist/: files with their content types, directory index pages, the
// site's own 404 page, and caching that suits Astro's output (hashed assets never change,
// pages do).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Context, MiddlewareHandler, NotFoundHandler } from 'hono';

/** Astro puts content-hashed bundles under /_astro/. */
const immutablePrefix = '/_astro/';

export function siteFiles(siteDir: string): MiddlewareHandler {
  const files = serveStatic({ root: siteDir });
  return async (c, next) => {
    const found = await files(c, next);
    if (found instanceof Response) c.res = found;
    if (c.res.status !== 200 && c.res.status !== 206) return;
    c.header('Cache-Control', cacheControl(c));
    c.header('X-Content-Type-Options', 'nosniff');
  };
}

function cacheControl(c: Context): string {
  if (c.req.path.startsWith(immutablePrefix)) return 'public, max-age=31536000, immutable';
  // Pages and unhashed files (favicon, search index) change with each build: revalidate.
  return c.res.headers.get('content-type')?.startsWith('text/html') ? 'no-cache' : 'public, max-age=3600';
}

export function sitePageNotFound(siteDir: string): NotFoundHandler {
  return async (c) => {
    const page = await readFile(path.join(siteDir, '404.html'), 'utf8').catch(() => null);
    c.header('Cache-Control', 'no-cache');
    return page === null ? c.text('Not found', 404) : c.html(page, 404);
  };
}
