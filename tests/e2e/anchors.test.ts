// A link to a heading must land on it: the report's findings link to /docs/checks/#<id>, the
// guides link to each other's headings, and readers share such links. Rendering shortcuts that
// lay out content only once it scrolls near (content-visibility with an estimated size) put the
// heading hundreds of pixels off on a fresh load, so every target is checked on a fresh load,
// on a phone's width and a desktop's.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { dist, filesUnder, readBuilt } from '../build/build-helpers.ts';
import { CHECK_METAS } from '../../src/checker/registry.ts';
import { launchChromium, startServer, type RunningServer } from './browser.ts';

const WIDTHS = [412, 1280];
/** Chromium scrolls to the fragment once at parse time and again at load; 2 px allows rounding. */
const TOLERANCE_PX = 2;
/** Check ids per language: every page load is a second or more on a busy machine. */
const CHECK_SAMPLE = 8;

const guides = filesUnder(dist, /^(de\/)?docs\/.+\/index\.html$/).map((file) => file.replace(/index\.html$/, ''));

/** A guide's headings (Starlight's ids), in document order. */
function headingIds(path: string): string[] {
  return [...readBuilt(`${dist}/${path}index.html`).matchAll(/<h[2-6] id="([^"]+)"/g)].map((match) => match[1]);
}

/** Per guide: its middle and last heading (the most content above it), and every anchor another page links to. */
function targets(): string[] {
  const urls = new Set<string>();
  for (const path of guides) {
    const ids = headingIds(path);
    for (const id of [ids[Math.floor(ids.length / 2)], ids.at(-1)]) if (id) urls.add(`/${path}#${id}`);
  }
  for (const path of guides) {
    for (const [, href] of readBuilt(`${dist}/${path}index.html`).matchAll(/href="(\/(?:de\/)?docs\/[^"#]+#[^"]+)"/g)) urls.add(href);
  }
  // The report's links: a spread of check ids over the whole check reference page.
  const step = Math.ceil(CHECK_METAS.length / CHECK_SAMPLE);
  const checks = CHECK_METAS.filter((_, index) => index % step === 0 || index === CHECK_METAS.length - 1);
  for (const { id } of checks) for (const lang of ['', '/de']) urls.add(`${lang}/docs/checks/#${id}`);
  return [...urls].sort();
}

describe('links to headings in Chromium', () => {
  let browser: Browser;
  let server: RunningServer;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('finds guides and targets to check', () => {
    expect(guides).toContain('docs/federation-network/');
    expect(guides).toContain('de/docs/federation-network/');
    expect(targets().length).toBeGreaterThan(guides.length * 2);
  });

  it.each(WIDTHS)('puts every target heading at its scroll margin on a fresh load, %i px wide', async (width) => {
    const context = await browser.newContext({ viewport: { width, height: 800 } });
    const page = await context.newPage();
    const misplaced: string[] = [];
    for (const target of targets()) {
      // From another document, so that each is a fresh load and not a same-page jump.
      await page.goto('about:blank');
      await page.goto(new URL(target, server.url).href, { waitUntil: 'load' });
      const id = decodeURIComponent(new URL(target, server.url).hash.slice(1));
      const placement = await page.evaluate(async (id) => {
        // Let the rendering that follows load settle: content laid out late moves what is below it.
        for (let frame = 0; frame < 3; frame++) await new Promise(requestAnimationFrame);
        const heading = document.getElementById(id);
        if (!heading) return null;
        // Starlight keeps headings clear of its fixed header with the root's scroll-padding.
        const margin = parseFloat(getComputedStyle(heading).scrollMarginTop) + parseFloat(getComputedStyle(document.documentElement).scrollPaddingTop);
        const top = heading.getBoundingClientRect().top + scrollY;
        const maxScroll = document.documentElement.scrollHeight - innerHeight;
        return { scrollY, expected: Math.max(0, Math.min(top - margin, maxScroll)) };
      }, id);
      if (!placement) misplaced.push(`${target}: no element with that id`);
      else if (Math.abs(placement.scrollY - placement.expected) > TOLERANCE_PX) {
        misplaced.push(`${target}: scrolled to ${placement.scrollY}, at its scroll margin and padding it needs ${placement.expected.toFixed(1)}`);
      }
    }
    await context.close();
    expect(misplaced).toEqual([]);
  }, 900_000);
});
