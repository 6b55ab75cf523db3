// What the island costs: the JS the home page loads for it (Solid included) stays under
// 25 KB gzip; the checker engine (once the page is idle) and the report view (when a check
// starts) load after it; docs pages load none of it. Measured on the dist/ the global setup built.
import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHECK_REFERENCE } from '../../src/checker/check-reference.ts';

const dist = fileURLToPath(new URL('../../dist', import.meta.url));
const BUDGET = 25 * 1024;

/** Chunks reachable from `starts` by static imports, and by dynamic imports too if asked. */
function moduleGraph(starts: string[], dynamic: boolean): string[] {
  const seen = new Set<string>();
  const pending = [...starts];
  const imports = dynamic ? /(?:\bfrom\s*|\bimport\s*\(?\s*)["'`]([^"'`]+\.js)["'`]/g : /(?:\bfrom\s*|\bimport\s*)["'`]([^"'`]+\.js)["'`]/g;
  while (pending.length > 0) {
    const url = pending.pop()!;
    if (seen.has(url)) continue;
    seen.add(url);
    const code = readFileSync(join(dist, url), 'utf8');
    for (const match of code.matchAll(imports)) pending.push(posix.join(posix.dirname(url), match[1]));
  }
  return [...seen];
}

const gzipped = (files: string[]) => files.reduce((sum, file) => sum + gzipSync(readFileSync(join(dist, file)), { level: 9 }).length, 0);
const islandUrls = (html: string) => [...html.matchAll(/(?:component|renderer)-url="([^"]+)"/g)].map((match) => match[1]);

describe('island weight', () => {
  const home = readFileSync(join(dist, 'index.html'), 'utf8');
  const atLoad = moduleGraph(islandUrls(home), false);
  const atCheck = moduleGraph(islandUrls(home), true);

  it('hydrates one island on the home page, with client:load', () => {
    expect(home.match(/<astro-island[^>]*component-url="[^"]*Checker[^"]*"[^>]*client="load"/g)).toHaveLength(1);
  });

  it(`loads under ${BUDGET / 1024} KB gzip of island JS, Solid included, with the page`, () => {
    const bytes = gzipped(atLoad);
    console.info(`island JS at page load: ${(bytes / 1024).toFixed(1)} KB gzip (${atLoad.join(', ')})`);
    console.info(`added by the first check: ${(gzipped(atCheck.filter((file) => !atLoad.includes(file))) / 1024).toFixed(1)} KB gzip`);
    expect(bytes).toBeLessThan(BUDGET);
  });

  it('loads the engine and the report view after the page, by dynamic import', () => {
    const later = atCheck.filter((file) => !atLoad.includes(file));
    expect(later.some((file) => /\/check\.[^/]+\.js$/.test(file))).toBe(true);
    expect(later.some((file) => /\/ReportView\.[^/]+\.js$/.test(file))).toBe(true);
  });

  it('leaves out what a page never runs: check descriptions and the per-connection checks', () => {
    const code = atCheck.map((file) => readFileSync(join(dist, file), 'utf8')).join('\n');
    for (const { id, description } of CHECK_REFERENCE) expect(code.includes(description.slice(0, 40)), id).toBe(false);
    // The connection testing module's own text: what a prober's checks report.
    for (const detail of ['Could not connect:', 'The handshake failed:', 'verify_keys']) expect(code.includes(detail), detail).toBe(false);
  });

  it('keeps docs pages free of the island', () => {
    const pages = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.html') && file !== 'index.html');
    expect(pages.length).toBeGreaterThan(0);
    for (const page of pages) {
      const html = readFileSync(join(dist, page), 'utf8');
      expect(islandUrls(html), page).toEqual([]);
      expect(atCheck.filter((file) => html.includes(file)), page).toEqual([]);
    }
  });
});
