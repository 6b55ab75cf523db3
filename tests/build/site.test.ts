// Checks on the real build in dist/ (built once by tests/build/global-setup.ts).
import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { root, dist, filesUnder, builtPageFor, readBuilt } from './build-helpers.ts';
import { moduleGraph, pageScripts } from '../bench/bytes.ts';

const sources = filesUnder(join(root, 'content/docs'), /\.mdx?$/);
const repository = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).repository.url
  .replace(/^git\+/, '')
  .replace(/\.git$/, '');

/** The text of Starlight's main content column, tags stripped. */
function mainText(html: string): string {
  const main = html.match(/<main[^>]*>([\s\S]*)<\/main>/)?.[1] ?? '';
  return main.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/g, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
}

function committed(source: string): boolean {
  const log = spawnSync('git', ['log', '-1', '--format=%ct', '--', `content/docs/${source}`], { cwd: root, encoding: 'utf8' });
  return log.status === 0 && log.stdout.trim() !== '';
}

describe('built site', () => {
  it('has a page for every docs source, each with real content', () => {
    expect(sources.length).toBeGreaterThan(1);
    for (const source of sources) {
      const page = builtPageFor(source);
      expect(existsSync(page), `${source} → ${page}`).toBe(true);
      const html = readBuilt(page);
      const frontmatterTitle = readFileSync(join(root, 'content/docs', source), 'utf8').match(/^title:\s*(.+)$/m)?.[1];
      expect(html).toContain(`<title>${frontmatterTitle}`);
      // Title and navigation alone are not content: the body must carry real text.
      expect(mainText(html).length, `${source} body`).toBeGreaterThan(200);
    }
  });

  it('serves a 404 page that points readers onwards', () => {
    const html = readBuilt(join(dist, '404.html'));
    expect(html).toContain('Page not found');
    expect(html).toContain('href="/docs/troubleshooting/"');
  });

  it('ships a favicon and links it', () => {
    expect(existsSync(join(dist, 'favicon.svg'))).toBe(true);
    expect(readBuilt(join(dist, 'index.html'))).toMatch(/<link rel="shortcut icon" href="\/favicon.svg"/);
  });

  it('builds the Pagefind search index', () => {
    expect(existsSync(join(dist, 'pagefind', 'pagefind.js'))).toBe(true);
    expect(filesUnder(join(dist, 'pagefind'), /\.pf_fragment$/).length).toBeGreaterThan(0);
  });

  it('gives guide pages an edit link to the repository and, once committed, a last-updated date', () => {
    const guides = sources.filter((s) => s.startsWith('docs/'));
    expect(guides.length).toBeGreaterThan(0);
    for (const source of guides) {
      const html = readBuilt(builtPageFor(source));
      expect(html).toContain(`href="${repository}/edit/main/content/docs/${source}"`);
      if (committed(source)) expect(html, source).toMatch(/<time datetime="\d{4}-\d\d-\d\dT/);
    }
  });

  it('references no other origin for scripts, styles, fonts or images', () => {
    for (const page of filesUnder(dist, /\.html$/)) {
      const html = readBuilt(join(dist, page));
      const external = [...html.matchAll(/<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)="(https?:)?\/\/[^"]*"/g)]
        .map(([tag]) => tag)
        .filter((tag) => !/rel="(?:canonical|alternate|sitemap)"/.test(tag));
      expect(external, page).toEqual([]);
    }
    for (const css of filesUnder(join(dist, '_astro'), /\.css$/)) {
      expect(readBuilt(join(dist, '_astro', css)), css).not.toMatch(/url\((["']?)(https?:)?\/\//);
    }
  });

  // Each stylesheet a page links blocks its first paint: the island's went on every guide
  // once (src/build/site-chunks.ts), while a stylesheet left out would leave a component bare.
  it("styles what each page renders, and gives the island's stylesheet only to the pages with the island", () => {
    const pages = filesUnder(dist, /\.html$/).map((page) => ({ page, html: readBuilt(join(dist, page)) }));
    const withIsland = pages.filter(({ html }) => /class="fc-checker[ "]/.test(html)).map(({ page }) => page);
    expect(withIsland.sort()).toEqual(['de/index.html', 'index.html']);
    for (const { page, html } of pages) {
      const css = pageStyles(html);
      expect(css.includes('.fc-checker'), page).toBe(withIsland.includes(page));
      // Astro marks the elements of a component with scoped styles with the scope's class.
      const markup = html.replace(/<(script|style)\b[\s\S]*?<\/\1>/g, '');
      const unstyled = [...new Set(markup.match(/\bastro-[a-z0-9]{8}\b/g))].filter((scope) => !css.includes(`.${scope}`));
      expect(unstyled, page).toEqual([]);
    }
  });

  // A module's static imports are fetched only once it has arrived: a chunk that a page's scripts
  // import but the page does not name is one more round trip before they run, on every page that
  // loads them (src/build/site-chunks.ts).
  it('names every chunk that its scripts and islands import, so that none waits for another to arrive', () => {
    for (const page of filesUnder(dist, /\.html$/)) {
      const { external, islands } = pageScripts(readBuilt(join(dist, page)));
      const named = [...external, ...islands];
      expect(named, page).not.toEqual([]);
      expect([...moduleGraph(dist, named, false)].filter((path) => !named.includes(path)), page).toEqual([]);
    }
  });
});

/** The CSS a built page applies on screen: its linked stylesheets and its <style> elements. */
function pageStyles(html: string): string {
  const linked = [...html.matchAll(/<link rel="stylesheet" href="\/(_astro\/[^"]+\.css)"(?! media="print")/g)].map(([, file]) => readBuilt(join(dist, file)));
  const inline = [...html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/g)].map(([, css]) => css);
  return [...linked, ...inline].join('\n');
}
