// What the island costs, with the bench's own figures and targets (tests/bench/bytes.ts):
// Solid and the island's code under 25 KB gzip, at page load and with the report view it
// loads later; the checker engine, loaded once the page is idle, under its own budget; docs
// pages load none of it. Measured on the dist/ the global setup built.
import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHECK_REFERENCE, CHECK_TRANSLATIONS } from '../../src/checker/check-reference.ts';
import { CONNECTION_CHECKS } from '../../src/checker/probing.ts';
import { OUTGOING_CHECKS } from '../../src/checker/outgoing.ts';
import { checkerTexts, checkTexts } from '../../src/components/checker-texts.ts';
import { bytesFigures, islandFiles, pageScripts } from '../bench/bytes.ts';
import { formatFigure } from '../bench/figure.ts';
import { COMPILE_HINT } from '../../src/build/compile-hints.ts';

const dist = fileURLToPath(new URL('../../dist', import.meta.url));
const islandUrls = (html: string) => pageScripts(html).islands;

describe('island weight', () => {
  const home = readFileSync(join(dist, 'index.html'), 'utf8');
  // What the island loads and the home page's own scripts do not, as the bench counts it.
  const { atLoad, all: atCheck } = islandFiles(dist, pageScripts(home));

  it('hydrates one island on the home page, with client:load', () => {
    expect(home.match(/<astro-island[^>]*component-url="[^"]*Checker[^"]*"[^>]*client="load"/g)).toHaveLength(1);
  });

  it('meets every byte budget of the bench: island at load and with its report view, engine, and everything a check loads', () => {
    const figures = bytesFigures(dist);
    for (const item of figures) console.info(formatFigure(item));
    const island = figures.filter((item) => item.name.startsWith('bytes.island.'));
    expect(island.map((item) => item.name)).toEqual(['bytes.island.load.gzip', 'bytes.island.ui.gzip', 'bytes.island.engine.gzip', 'bytes.island.total.gzip']);
    for (const item of island) expect(item.target, item.name).toBeDefined();
    // Issue 13: everything a check loads is at most 45 KB gzip; the bench may not move that bound.
    expect(island.find((item) => item.name === 'bytes.island.total.gzip')!.target).toEqual({ op: '<=', value: 45 });
    expect(figures.filter((item) => item.met === false).map(formatFigure)).toEqual([]);
  });

  it('loads the engine and the report view after the page, by dynamic import', () => {
    const later = [...atCheck].filter((file) => !atLoad.has(file));
    expect(later.some((file) => /\/check\.[^/]+\.js$/.test(file))).toBe(true);
    expect(later.some((file) => /\/ReportView\.[^/]+\.js$/.test(file))).toBe(true);
  });

  it('marks the island’s own chunk and the engine, and nothing else, for eager compilation on their first line', () => {
    const bundles = readdirSync(join(dist, '_astro')).filter((file) => file.endsWith('.js'));
    const hinted = bundles.filter((file) => readFileSync(join(dist, '_astro', file), 'utf8').startsWith(`${COMPILE_HINT}\n`)).sort();
    expect(hinted).toEqual([expect.stringMatching(/^Checker\.[^/]+\.js$/), expect.stringMatching(/^check\.[^/]+\.js$/)]);
    // The island's chunk is the component the page hydrates; the engine comes later.
    expect(home).toContain(`component-url="/_astro/${hinted[0]}"`);
    expect([...atCheck].filter((file) => !atLoad.has(file)).some((file) => file.endsWith(`/${hinted[1]}`))).toBe(true);
  });

  it('leaves out what a page never runs: check descriptions, the per-connection and outgoing checks and their fixes', () => {
    const code = [...atCheck].map((file) => readFileSync(join(dist, file), 'utf8')).join('\n');
    for (const { id, description } of CHECK_REFERENCE) expect(code.includes(description.slice(0, 40)), id).toBe(false);
    // What a prober's checks report: the connection testing module is not in the bundle.
    for (const detail of ['Could not connect:', 'The handshake failed:', 'Verified the signature of']) expect(code.includes(detail), detail).toBe(false);
    // The page lists those checks by their heads; their fixes come with their logic.
    const unrun = [...CONNECTION_CHECKS, ...OUTGOING_CHECKS].map((check) => check.meta);
    expect(unrun.length).toBeGreaterThan(15);
    for (const { id, fix } of unrun) expect(code.includes(fix.slice(0, 60)), id).toBe(false);
  });

  it('loads the same scripts on every language’s home page: the words come with the page, no bundle carries any', () => {
    const homes = Object.keys(CHECK_TRANSLATIONS).map((lang) => readFileSync(join(dist, lang, 'index.html'), 'utf8'));
    for (const other of homes) expect(islandUrls(other)).toEqual(islandUrls(home));
    const bundles = readdirSync(join(dist, '_astro'), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.js'));
    const code = bundles.map((file) => readFileSync(join(dist, '_astro', file), 'utf8')).join('\n');
    for (const lang of ['en', ...Object.keys(CHECK_TRANSLATIONS)]) {
      const texts = checkerTexts(lang);
      const words = Object.values(texts.ui).filter((text) => text.length > 12);
      expect(words.length, lang).toBeGreaterThan(30);
      // As a string of its own: the engine's findings may start with the same words.
      const literal = (text: string) => ['"', "'", '`'].some((quote) => code.includes(`${quote}${text}${quote}`));
      for (const text of words) expect(literal(text), `${lang}: ${text}`).toBe(false);
      if (lang === 'en') continue;
      for (const [id, check] of Object.entries(checkTexts(lang))) {
        expect(code.includes(check.title), `${lang}: ${id}`).toBe(false);
        // Fixes built by a helper call at module level stay in unless the helper is marked pure.
        expect(code.includes(check.fix.slice(0, 60)), `${lang}: ${id} fix`).toBe(false);
      }
    }
  });

  it('serves the check titles and fixes of each language but English as a file of the site, not in the page', () => {
    for (const lang of Object.keys(CHECK_TRANSLATIONS)) {
      const texts = checkerTexts(lang);
      // Named by its content: a cached file of an older build is never read.
      expect(texts.checkTextsUrl, lang).toMatch(new RegExp(`^/${lang}/check-texts\\.[0-9a-z]+\\.json$`));
      const served = JSON.parse(readFileSync(join(dist, texts.checkTextsUrl!), 'utf8'));
      expect(served, lang).toEqual(checkTexts(lang));
      // The page's HTML (its island's props) carries none: it was most of the German home page.
      const page = readFileSync(join(dist, lang, 'index.html'), 'utf8');
      const titles = Object.values(served as ReturnType<typeof checkTexts>).map((check) => check.title.replaceAll('"', '&quot;'));
      expect(titles.filter((title) => page.includes(title)), lang).toEqual([]);
      expect(page.length, lang).toBeLessThan(home.length * 1.3);
    }
  });

  it('keeps docs pages free of the island', () => {
    const homes = ['index.html', ...Object.keys(CHECK_TRANSLATIONS).map((lang) => join(lang, 'index.html'))];
    const pages = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.html') && !homes.includes(file));
    expect(pages.length).toBeGreaterThan(0);
    for (const page of pages) {
      const html = readFileSync(join(dist, page), 'utf8');
      expect(islandUrls(html), page).toEqual([]);
      expect([...atCheck].filter((file) => html.includes(file)), page).toEqual([]);
    }
  });
});
