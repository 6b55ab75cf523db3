import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { dist, filesUnder } from '../build/build-helpers.ts';
import { CHECK_HEADS } from '../../src/checker/registry.ts';
import { axeViolations, launchChromium, startServer, watchCsp, watchPage, isLoopbackUrl, type RunningServer } from './browser.ts';

/** Every page the build wrote, as a site path; the global setup built dist/ before this runs. */
const builtPages = filesUnder(dist, /\.html$/).map((file) => file.replace(/(^|\/)index\.html$/, '$1'));

/** A phone's width and a desktop's, for links to headings. */
const ANCHOR_WIDTHS = [412, 1280];
/** How far drawings compared may differ (see unexplainedPixels): levels of 255 in a colour channel, */
const COLOUR_TOLERANCE = 16;
/** and pixels in a screenful. */
const UNEXPLAINED_PIXELS = 24;
/** The viewport height the drawing of guides is compared at, a screenful at a time. */
const SCREEN_HEIGHT = 800;
/** Chromium scrolls to the fragment once at parse time and again at load; 2 px allows rounding. */
const TOLERANCE_PX = 2;
/** Check ids per language: every page load is a second or more on a busy machine. */
const CHECK_SAMPLE = 8;
/** Pages loading at once. */
const ANCHOR_TABS = 4;
const guides = builtPages.filter((path) => /^(de\/)?docs\/.+\/$/.test(path));

/** The rule Expressive Code 0.44 puts second in its stylesheet when its style reset is on. */
const EC_STYLE_RESET = '.expressive-code *:not(:is(svg, svg *)) { all: revert; box-sizing: border-box; }';
/** English guides with code blocks (the German ones have the same blocks and styles). */
const guidesWithCode = guides.filter((path) => !path.startsWith('de/') && readFileSync(join(dist, path, 'index.html'), 'utf8').includes('class="expressive-code'));

/**
 * Links to headings to load afresh: each guide's middle and last heading (the most content above
 * it), every heading link between pages, and a spread of the check ids the report links to.
 */
function anchorTargets(): string[] {
  const urls = new Set<string>();
  for (const path of guides) {
    const html = readFileSync(join(dist, path, 'index.html'), 'utf8');
    const ids = [...html.matchAll(/<h[2-6] id="([^"]+)"/g)].map((match) => match[1]);
    for (const id of [ids[Math.floor(ids.length / 2)], ids.at(-1)]) if (id) urls.add(`/${path}#${id}`);
    for (const [, href] of html.matchAll(/href="(\/(?:de\/)?docs\/[^"#]+#[^"]+)"/g)) urls.add(href);
  }
  const step = Math.ceil(CHECK_HEADS.length / CHECK_SAMPLE);
  const checks = CHECK_HEADS.filter((_, index) => index % step === 0 || index === CHECK_HEADS.length - 1);
  for (const { id } of checks) for (const lang of ['', '/de']) urls.add(`${lang}/docs/checks/#${id}`);
  return [...urls].sort();
}

describe('site in Chromium', () => {
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

  it('loads the home page with no console errors, no CSP violation and no request off loopback', async () => {
    const page = await browser.newPage();
    const watched = watchPage(page);
    const violations = await watchCsp(page);
    const response = await page.goto(server.url, { waitUntil: 'networkidle' });
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(await page.locator('h1').first().textContent()).toBe('fedcheck');
    // The island hydrated: its settings read the page's own origin for a proxy.
    await page.locator('.fc-proxy[data-proxy="found"]').waitFor();
    expect(violations).toEqual([]);
    expect(watched.errors).toEqual([]);
    expect(watched.requests.filter((url) => !isLoopbackUrl(url))).toEqual([]);
    await page.close();
  });

  it('shows an inset and a warning callout on a guide, with no CSP violation', async () => {
    const page = await browser.newPage();
    const violations = await watchCsp(page);
    await page.goto(new URL('docs/federation-network/', server.url).href, { waitUntil: 'networkidle' });
    const inset = page.locator('aside.starlight-aside--inset').first();
    const warning = page.locator('aside.starlight-aside--warning').first();
    expect(await inset.isVisible()).toBe(true);
    expect(await warning.isVisible()).toBe(true);
    expect(await inset.getAttribute('aria-label')).toBeTruthy();
    // The aside is styled, not a bare box: Starlight's border and our accent colour apply.
    const border = await warning.evaluate((el) => getComputedStyle(el).borderInlineStartWidth);
    expect(border).not.toBe('0px');
    // Expressive Code's token colours come from style="" attributes, which the policy allows.
    const tokenColour = await page.locator('.expressive-code .ec-line span[style]').first().evaluate((el) => getComputedStyle(el).getPropertyValue('--0'));
    expect(tokenColour).toMatch(/^#/);
    expect(violations).toEqual([]);
    await page.close();
  });

  // The server finds each page's inline scripts and styles with a pattern; Chromium's parser
  // must find no other on any page, or that page would break under its policy.
  it('has every built page to look at, German ones too', () => {
    expect(builtPages).toContain('docs/checks/');
    expect(builtPages).toContain('de/docs/checks/');
  });

  // One test per page: each language adds pages, and each page gets its own time.
  it.each(builtPages)('loads %s with no CSP violation', async (path) => {
    const page = await browser.newPage();
    const violations = await watchCsp(page);
    await page.goto(new URL(path, server.url).href, { waitUntil: 'networkidle' });
    expect(violations, path).toEqual([]);
    await page.close();
  });

  // On a phone's width, where wide tables and long code lines must still be reachable.
  it.each(builtPages)('has no axe violations on %s, in either theme', async (path) => {
    const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
    for (const theme of ['dark', 'light']) {
      // Starlight's theme script reads the saved choice before the page paints.
      await page.addInitScript((chosen) => localStorage.setItem('starlight-theme', chosen), theme);
      await page.goto(new URL(path, server.url).href);
      expect(await page.evaluate(() => document.documentElement.dataset.theme), path).toBe(theme);
      // axe reads a text's background where it is drawn as it scrolls to it; a guide's blocks
      // taking their real size on the way move the page under it. Laid out whole, the page has
      // the same styles (and is drawn the same: 'draws every guide as read …' below).
      await page.evaluate(() => document.documentElement.toggleAttribute('data-layout-all', true));
      expect(await axeViolations(page), `${path} (${theme})`).toEqual([]);
    }
    await page.close();
  }, 600_000); // every page twice: minutes on a loaded machine, more as pages are added

  /** Searches for a word from a guide's body and returns the CSP violations on the way. */
  async function searchFirewalld(page: Page): Promise<string[]> {
    const violations = await watchCsp(page);
    await page.goto(server.url);
    await page.locator('button[data-open-modal]').first().click();
    await page.locator('.pagefind-ui__search-input').fill('firewalld');
    const result = page.locator('.pagefind-ui__result-link').first();
    await result.waitFor({ timeout: 10_000 });
    expect(await result.getAttribute('href')).toContain('/docs/federation-network/');
    return violations;
  }

  it('finds a page through the search box by a word from its body, with no CSP violation', async () => {
    const page = await browser.newPage();
    expect(await searchFirewalld(page)).toEqual([]);
    await page.close();
  });

  it('still searches when Pagefind cannot start its worker and compiles its WebAssembly on the page', async () => {
    const page = await browser.newPage();
    const workers: string[] = [];
    await page.route('**/pagefind/pagefind-worker.js', (route) => {
      workers.push(route.request().url());
      return route.abort();
    });
    expect(await searchFirewalld(page)).toEqual([]);
    expect(workers).not.toEqual([]);
    await page.close();
  });

  // Pagefind's UI (26 KB gzip) was parsed and run at idle on every page, the long task behind
  // Lighthouse's blocking time; it now loads when the search opens (src/components/pagefind-on-open.ts).
  it('requests Pagefind\'s UI only when the search opens, by its button or Ctrl+K, in English and German', async () => {
    // The UI's script is the built file that renders its search input.
    const uiScripts = filesUnder(join(dist, '_astro'), /\.js$/).filter((file) =>
      readFileSync(join(dist, '_astro', file), 'utf8').includes('pagefind-ui__search-input'),
    );
    expect(uiScripts).toHaveLength(1);
    const opens = [
      { path: 'docs/federation-network/', open: (page: Page) => page.locator('button[data-open-modal]').first().click() },
      { path: 'de/docs/federation-network/', open: (page: Page) => page.keyboard.press('Control+k') },
    ];
    for (const { path, open } of opens) {
      const page = await browser.newPage();
      const violations = await watchCsp(page);
      const requested: string[] = [];
      page.on('request', (request) => requested.push(new URL(request.url()).pathname));
      await page.goto(new URL(path, server.url).href, { waitUntil: 'networkidle' });
      // Starlight enables the button, and sets up search, once the page is idle.
      await page.locator('button[data-open-modal]:not([disabled])').first().waitFor();
      await page.evaluate(() => new Promise((idle) => requestIdleCallback(idle)));
      await page.waitForLoadState('networkidle');
      expect(requested.filter((url) => url.endsWith(uiScripts[0])), path).toEqual([]);
      await open(page);
      const input = page.locator('.pagefind-ui__search-input');
      await input.waitFor();
      expect(requested.filter((url) => url.endsWith(uiScripts[0])), path).toHaveLength(1);
      // Opened from the keyboard, typing goes straight into the search field.
      await page.keyboard.type('firewalld');
      expect(await input.inputValue(), path).toBe('firewalld');
      const result = page.locator('.pagefind-ui__result-link').first();
      await result.waitFor({ timeout: 10_000 });
      expect(await result.getAttribute('href'), path).toContain(`/${path}`);
      expect(violations, path).toEqual([]);
      await page.close();
    }
  });

  // Starlight shows one table of contents per width and hides the other. Both set themselves up
  // at idle, the longest tasks after load on a phone; now each waits until it is on screen and
  // the page has scrolled (src/components/starlight/toc-where-shown.ts). Each marks the section
  // being read with aria-current, the mobile one also shows its title.
  it('marks the section being read in the table of contents on screen, set up only once shown and scrolled', async () => {
    const guide = new URL('docs/federation-network/', server.url).href;
    const marked = (page: Page, toc: string) => page.locator(`${toc} a[aria-current="true"]`);
    const markedHrefs = (page: Page, toc: string) => marked(page, toc).evaluateAll((links) => links.map((link) => link.getAttribute('href')));
    /** Scrolls to the heading with that index and waits until that table of contents marks it. */
    async function readHeading(page: Page, toc: string, index: number) {
      const heading = page.locator('main h2[id]').nth(index);
      const id = (await heading.getAttribute('id'))!;
      await readTo(page, `[id="${id}"]`);
      await expect.poll(() => markedHrefs(page, toc), { timeout: 10_000 }).toEqual([`#${id}`]);
      return (await heading.textContent())!.trim();
    }
    /** Past the idle time in which Starlight's tables of contents queue their set-up. */
    const settle = (page: Page) => page.evaluate(() => new Promise((idle) => requestIdleCallback(() => requestAnimationFrame(idle))));
    /** Counts the elements IntersectionObservers are asked to watch; only Starlight's set-up uses one here. */
    const countObserved = (page: Page) =>
      page.addInitScript(() => {
        const observe = IntersectionObserver.prototype.observe;
        (window as unknown as { observed: number }).observed = 0;
        IntersectionObserver.prototype.observe = function (target) {
          (window as unknown as { observed: number }).observed++;
          observe.call(this, target);
        };
      });
    const observed = (page: Page) => page.evaluate(() => (window as unknown as { observed: number }).observed);

    const phone = await browser.newPage({ viewport: { width: 412, height: 800 } });
    await countObserved(phone);
    await phone.goto(guide, { waitUntil: 'load' });
    await settle(phone);
    // At the top, nothing set up yet, and the first entry is the one marked, as Starlight marks it there.
    expect(await observed(phone)).toBe(0);
    expect(await markedHrefs(phone, 'mobile-starlight-toc')).toEqual(['#_top']);
    expect(await phone.locator('mobile-starlight-toc .display-current').textContent()).toBe(await phone.locator('mobile-starlight-toc a').first().textContent());
    const title = await readHeading(phone, 'mobile-starlight-toc', 2);
    expect(await phone.locator('mobile-starlight-toc .display-current').textContent()).toBe(title);
    // The hidden one beside the page did not follow: it was not set up.
    await settle(phone);
    expect(await markedHrefs(phone, 'starlight-toc')).toEqual(['#_top']);
    // Wide enough to show it: it sets itself up and follows the reading.
    await phone.setViewportSize({ width: 1280, height: 800 });
    await readHeading(phone, 'starlight-toc', 4);
    await phone.close();

    const desktop = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await desktop.goto(guide, { waitUntil: 'load' });
    await settle(desktop);
    expect(await markedHrefs(desktop, 'starlight-toc')).toEqual(['#_top']);
    await readHeading(desktop, 'starlight-toc', 3);
    await settle(desktop);
    expect(await markedHrefs(desktop, 'mobile-starlight-toc')).toEqual(['#_top']);
    await desktop.close();

    // Opened at a heading, the table of contents marks it without a scroll by the reader.
    const linked = await browser.newPage({ viewport: { width: 412, height: 800 } });
    const id = (await linked.goto(guide).then(() => linked.locator('main h2[id]').nth(3).getAttribute('id')))!;
    await linked.goto('about:blank');
    await linked.goto(`${guide}#${id}`, { waitUntil: 'load' });
    await expect.poll(() => markedHrefs(linked, 'mobile-starlight-toc'), { timeout: 10_000 }).toEqual([`#${id}`]);
    await linked.close();
  });

  it('answers an unknown path with the 404 page', async () => {
    const response = await fetch(new URL('no/such/page/', server.url));
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('Page not found');
  });

  // The site turns off Expressive Code's style reset (`useStyleReset: false` in astro.config.mjs):
  // its `all: revert` on every element of a code block was a fifth of a guide's style work. The
  // reset keeps site-wide styles out of code blocks, so every element of every code block (and its
  // drawn ::before and ::after) must compute the same style without it as with it, in both themes,
  // at a phone's width and a desktop's. A stylesheet of the site that starts to reach into code
  // blocks fails this with the element and the property.
  it('has guides with code blocks to compare', () => {
    expect(guidesWithCode).toContain('docs/federation-network/');
    expect(guidesWithCode.length).toBeGreaterThan(5);
  });

  it.each(guidesWithCode)("computes the same styles in the code blocks of %s as with Expressive Code's style reset", async (path) => {
    const page = await browser.newPage();
    try {
      await page.goto(new URL(path, server.url).href);
      for (const width of ANCHOR_WIDTHS) {
        await page.setViewportSize({ width, height: 900 });
        for (const theme of ['dark', 'light']) {
          const { compared, differences } = await codeBlockStyleDifferences(page, theme);
          expect(compared, `${path} at ${width} px`).toBeGreaterThan(10);
          expect(differences, `${path} at ${width} px, ${theme} theme`).toEqual([]);
        }
      }
    } finally {
      await page.close();
    }
  });

  // A link to a heading must land on it: the report's findings link to /docs/checks/#<id>, the
  // guides link to each other's headings, and readers share such links. Rendering shortcuts that
  // lay out content only once it scrolls near (content-visibility with an estimated size) put the
  // heading hundreds of pixels off on a fresh load (tests/bench/README.md).
  it('has guides in both languages and links to their headings to check', () => {
    expect(guides).toContain('docs/federation-network/');
    expect(guides).toContain('de/docs/federation-network/');
    expect(anchorTargets().length).toBeGreaterThan(guides.length * 2);
  });

  it.each(ANCHOR_WIDTHS)('puts every target heading at its scroll margin on a fresh load, %i px wide', async (width) => {
    const context = await browser.newContext({ viewport: { width, height: 800 } });
    const misplaced: string[] = [];
    await inTabs(context, anchorTargets(), async (page, target) => {
      const problem = await misplacement(page, new URL(target, server.url));
      if (problem) misplaced.push(problem);
    });
    await context.close();
    expect(misplaced.sort()).toEqual([]);
  }, 600_000);

  // A guide lays out its blocks below the first screen only as the reader nears them
  // (content-visibility in src/styles/content.css): the whole guide's first style and layout pass
  // was most of its blocking time on a phone (tests/bench/README.md). The home page's checker
  // changes as it runs and is never deferred.
  it('defers the layout of a guide below its first screen, and nothing on the home page', async () => {
    const page = await browser.newPage({ viewport: { width: 412, height: 800 } });
    for (const [path, deferred] of [['docs/federation-network/', true], ['de/docs/federation-network/', true], ['', false], ['de/', false]] as const) {
      await page.goto(new URL(path, server.url).href, { waitUntil: 'load' });
      await frames(page, 3);
      const { blocks, skipped } = await page.evaluate(() => {
        const blocks = [...document.querySelectorAll('.sl-markdown-content > *')];
        // A deferred block's own box is laid out (at its estimated size); what it holds is skipped.
        const skipped = blocks.filter((block) => block.firstElementChild && !block.firstElementChild.checkVisibility({ contentVisibilityAuto: true }));
        return { blocks: blocks.length, skipped: skipped.length };
      });
      expect(blocks, path).toBeGreaterThan(3);
      if (deferred) expect(skipped, path).toBeGreaterThan(blocks / 4);
      else expect(skipped, path).toBe(0);
    }
    await page.close();
  });

  // Blocks not yet laid out stand in at an estimated height, so every way of jumping down a guide
  // lays it out whole first (src/components/starlight/Head.astro): a click on a link to a heading
  // of the page (before the browser's own scroll, which must land already), a fragment set without
  // a click (typed into the address bar), a reload that restores where the reader was. Each must
  // put the heading where a fully laid out page would. Every section of the guide: whether a jump
  // would land without this depends on what is above it.
  it.each(ANCHOR_WIDTHS)('lands jumps within a guide on their heading, and a reload where the reader was, %i px wide', async (width) => {
    const page = await browser.newPage({ viewport: { width, height: 800 } });
    // Where the jump left the page when its hashchange event came, before the page's scripts saw it.
    await page.addInitScript(() => addEventListener('hashchange', () => ((window as unknown as { jumpedTo: number }).jumpedTo = scrollY)));
    const jumpedTo = () => page.evaluate(() => (window as unknown as { jumpedTo: number }).jumpedTo);
    const guide = new URL('docs/federation-network/', server.url).href;
    const laidOutWhole = () => page.evaluate(() => document.documentElement.hasAttribute('data-layout-all'));
    const freshAtTop = async () => {
      await page.goto('about:blank');
      await page.goto(guide, { waitUntil: 'load' });
      await frames(page, 3);
      expect(await laidOutWhole()).toBe(false);
    };
    await freshAtTop();
    const ids = await page.locator('main h2[id]').evaluateAll((headings) => headings.map((heading) => heading.id));
    expect(ids.length).toBeGreaterThan(6);
    // Beside the page from 72rem, above it (folded) below that.
    const toc = width < 1152 ? 'mobile-starlight-toc' : 'starlight-toc';
    const misplaced: string[] = [];
    for (const id of ids) {
      await freshAtTop();
      if (toc === 'mobile-starlight-toc') await page.locator(`${toc} summary`).click();
      await page.locator(`${toc} a[href="#${id}"]`).click();
      await frames(page, 3);
      const clicked = await headingPlacementProblem(page, id, await jumpedTo());
      if (clicked) misplaced.push(`#${id} clicked: ${clicked}`);

      await freshAtTop();
      await page.evaluate((id) => (location.hash = id), id);
      await frames(page, 3);
      const typed = await headingPlacementProblem(page, id);
      if (typed) misplaced.push(`#${id} typed: ${typed}`);
    }
    expect(misplaced).toEqual([]);

    // Read down to the middle heading, then reload: the browser puts the page back where it was.
    const readDown = ids[Math.floor(ids.length / 2)];
    await freshAtTop();
    await readTo(page, `[id="${readDown}"]`);
    const heading = page.locator(`[id="${readDown}"]`);
    const before = await heading.evaluate((element) => element.getBoundingClientRect().top);
    await page.reload({ waitUntil: 'load' });
    await frames(page, 3);
    expect(await laidOutWhole()).toBe(true);
    expect(Math.abs((await heading.evaluate((element) => element.getBoundingClientRect().top)) - before)).toBeLessThanOrEqual(TOLERANCE_PX);
    await page.close();
  }, 120_000);

  // What the reader sees of a block once near it must be what the page laid out whole shows: the
  // containment that content-visibility brings must not move a margin or a line, or clip what a
  // block draws. Each screenful of the content column, scrolled through from the top, is taken as
  // read and again with every block's content-visibility turned off by a test style sheet, and
  // the blocks' boxes and the pixels compared. English guides: the German ones are built from
  // the same kinds of block.
  it.each(ANCHOR_WIDTHS)('draws every guide as read the same as laid out whole, %i px wide', async (width) => {
    const context = await browser.newContext({ viewport: { width, height: SCREEN_HEIGHT } });
    const comparer = await context.newPage();
    const differences: string[] = [];
    await inTabs(context, guides.filter((path) => !path.startsWith('de/')), async (page, path) => {
      await page.goto(new URL(path, server.url).href, { waitUntil: 'load' });
      const clip = await page.evaluate(() => {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync('[data-test-whole] .sl-markdown-content > * { content-visibility: visible !important }');
        document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
        // The column below Starlight's fixed header (and, on a phone, the table of contents' bar).
        const { left, width } = document.querySelector('.sl-markdown-content')!.getBoundingClientRect();
        const top = Math.max(...[...document.querySelectorAll('header.header, mobile-starlight-toc nav')].map((bar) => bar.getBoundingClientRect().bottom));
        return { x: Math.floor(left), width: Math.ceil(width), y: Math.ceil(top), height: innerHeight - Math.ceil(top) };
      });
      const asShown = async (whole: boolean) => {
        await page.evaluate((whole) => document.documentElement.toggleAttribute('data-test-whole', whole), whole);
        await frames(page, 3);
        const layout = await page.evaluate(() => {
          const column = document.querySelector('.sl-markdown-content')!;
          const top = column.getBoundingClientRect().top;
          const boxes = [...column.children].map((block) => {
            const box = block.getBoundingClientRect();
            return `${box.top - top}+${box.height}`;
          });
          return { scrollY, boxes };
        });
        return { ...layout, pixels: (await page.screenshot({ clip })).toString('base64') };
      };
      // Laid out whole once, every block remembers its size, as one the reader has passed does.
      await asShown(true);
      for (let y = 0; ; y += clip.height) {
        const end = await page.evaluate((y) => {
          scrollTo(0, y);
          return scrollY + innerHeight >= document.documentElement.scrollHeight;
        }, y);
        const read = await asShown(false);
        const whole = await asShown(true);
        const where = `${path} at ${read.scrollY} px`;
        if (whole.scrollY !== read.scrollY) differences.push(`${where}: scrolled to ${whole.scrollY} px when laid out whole`);
        const moved = read.boxes.findIndex((box, index) => box !== whole.boxes[index]);
        if (moved >= 0) differences.push(`${where}: block ${moved} at ${read.boxes[moved]} as read, ${whole.boxes[moved]} whole`);
        const pixels = await unexplainedPixels(comparer, read.pixels, whole.pixels);
        if (pixels > UNEXPLAINED_PIXELS) differences.push(`${where}: ${pixels} pixels drawn differently`);
        if (end) break;
      }
    });
    await context.close();
    expect(differences.sort()).toEqual([]);
  }, 600_000);
});

/**
 * How many pixels of one screenshot the other cannot account for. Each row is matched against the
 * other's rows a pixel up or down, left or right, a pixel matching within a few levels of each
 * colour channel, and counts its pixels that still differ. A contained block snaps its drawing to
 * whole pixels on its own, so with the column's fractional line heights it may be drawn a pixel
 * off from where the whole page draws it, antialiased a little differently (4 levels of 255
 * measured), or with a pixel of a glyph or an underline's gap more or less. A clipped edge or a
 * line drawn differently is hundreds of pixels. The first and last row may have shifted in from
 * outside the shot and are left out.
 */
async function unexplainedPixels(comparer: Page, first: string, second: string): Promise<number> {
  return comparer.evaluate(
    async ({ first, second, tolerance }) => {
      const decode = async (png: string) => {
        const bitmap = await createImageBitmap(new Blob([Uint8Array.from(atob(png), (char) => char.charCodeAt(0))], { type: 'image/png' }));
        const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
        const context = canvas.getContext('2d')!;
        context.drawImage(bitmap, 0, 0);
        return { width: bitmap.width, height: bitmap.height, pixels: context.getImageData(0, 0, bitmap.width, bitmap.height).data };
      };
      const [a, b] = [await decode(first), await decode(second)];
      const { width, height } = a;
      if (b.width !== width || b.height !== height) return width * height;
      const differing = (y: number, otherY: number, dx: number) => {
        let count = 0;
        // The outermost column on each side may hold pixels a shifted row has pushed out.
        for (let x = 1; x < width - 1; x++) {
          const [mine, theirs] = [(y * width + x) * 4, (otherY * width + x + dx) * 4];
          for (let channel = 0; channel < 3; channel++) {
            if (Math.abs(a.pixels[mine + channel] - b.pixels[theirs + channel]) > tolerance) {
              count++;
              break;
            }
          }
        }
        return count;
      };
      let unexplained = 0;
      for (let y = 1; y < height - 1; y++) {
        unexplained += Math.min(...[0, -1, 1].flatMap((dy) => [0, -1, 1].map((dx) => differing(y, y + dy, dx))));
      }
      return unexplained;
    },
    { first, second, tolerance: COLOUR_TOLERANCE },
  );
}

/**
 * Works through `items` in a few tabs of `context` at once: the page loads are independent, and one
 * after another they take minutes.
 */
async function inTabs<Item>(context: BrowserContext, items: Item[], work: (page: Page, item: Item) => Promise<void>): Promise<void> {
  const pending = [...items];
  const tab = async () => {
    const page = await context.newPage();
    for (let item = pending.pop(); item !== undefined; item = pending.pop()) await work(page, item);
    await page.close();
  };
  await Promise.all(Array.from({ length: ANCHOR_TABS }, tab));
}

/** Waits for `count` rendering steps, after which what a scroll or a style change brings is laid out and drawn. */
async function frames(page: Page, count: number): Promise<void> {
  await page.evaluate(async (count) => {
    for (let frame = 0; frame < count; frame++) await new Promise(requestAnimationFrame);
  }, count);
}

/**
 * Scrolls as a reader does, half a screen at a time, until the element is where a link to it
 * puts it (or the page ends). A jump by script would land by blocks not laid out yet.
 */
async function readTo(page: Page, selector: string): Promise<void> {
  for (let step = 0; step < 500; step++) {
    const moved = await page.evaluate((selector) => {
      const element = document.querySelector(selector);
      if (!element) throw new Error(`no ${selector} on the page`);
      const margin = parseFloat(getComputedStyle(element).scrollMarginTop) + parseFloat(getComputedStyle(document.documentElement).scrollPaddingTop);
      const distance = element.getBoundingClientRect().top - margin;
      const before = scrollY;
      scrollBy(0, Math.sign(distance) * Math.min(Math.abs(distance), innerHeight / 2));
      return Math.abs(scrollY - before) >= 1;
    }, selector);
    await frames(page, 2);
    if (!moved) return;
  }
  throw new Error(`${selector} not reached in 500 steps`);
}

/**
 * What is wrong with where the page is scrolled (or was, at `scrolled`) for the heading with that
 * id, by the page's layout now; nothing when it is at its scroll margin.
 */
async function headingPlacementProblem(page: Page, id: string, scrolled?: number): Promise<string | undefined> {
  const placement = await page.evaluate(([id, scrolled]) => {
    const heading = document.getElementById(id);
    if (!heading) return null;
    // Starlight keeps headings clear of its fixed header with the root's scroll-padding.
    const margin = parseFloat(getComputedStyle(heading).scrollMarginTop) + parseFloat(getComputedStyle(document.documentElement).scrollPaddingTop);
    const top = heading.getBoundingClientRect().top + scrollY;
    const maxScroll = document.documentElement.scrollHeight - innerHeight;
    return { scrollY: scrolled ?? scrollY, expected: Math.max(0, Math.min(top - margin, maxScroll)) };
  }, [id, scrolled] as const);
  if (!placement) return 'no element with that id';
  if (Math.abs(placement.scrollY - placement.expected) > TOLERANCE_PX) {
    return `scrolled to ${placement.scrollY}, at its scroll margin and padding it needs ${placement.expected.toFixed(1)}`;
  }
  return undefined;
}

/** What is wrong with where a fresh load of `url` (with a heading's fragment) scrolled; nothing when it is right. */
async function misplacement(page: Page, url: URL): Promise<string | undefined> {
  // From another document, so that each is a fresh load and not a same-page jump.
  await page.goto('about:blank');
  await page.goto(url.href, { waitUntil: 'load' });
  // Let the rendering that follows load settle: content laid out late moves what is below it.
  await frames(page, 3);
  const problem = await headingPlacementProblem(page, decodeURIComponent(url.hash.slice(1)));
  return problem && `${url.pathname}${url.hash}: ${problem}`;
}

/**
 * Styles in the page's code blocks (in `theme`) that differ from what they are with Expressive
 * Code's style reset put back in its place, second in its stylesheet's layer; `compared`: how
 * many kinds of element (alike in tag, classes and inline style down from their block) were read.
 */
async function codeBlockStyleDifferences(page: Page, theme: string): Promise<{ compared: number; differences: string[] }> {
  return page.evaluate(
    ({ theme, reset }) => {
      document.documentElement.dataset.theme = theme;
      const layer = [...document.styleSheets]
        .flatMap((sheet) => [...sheet.cssRules])
        .find((rule): rule is CSSLayerBlockRule => rule instanceof CSSLayerBlockRule && (rule.cssRules[0] as CSSStyleRule | undefined)?.selectorText === '.expressive-code');
      if (!layer) throw new Error("Expressive Code's stylesheet is not on the page");
      if ([...layer.cssRules].some((rule) => rule.cssText.includes('all: revert'))) throw new Error('the style reset is still in the stylesheet');
      const signature = (element: Element): string => {
        const style = element.getAttribute('style');
        const own = `${element.tagName.toLowerCase()}${[...element.classList].map((name) => `.${name}`).join('')}${style ? `[style="${style}"]` : ''}`;
        const parent = element.parentElement;
        return parent && !parent.classList.contains('expressive-code') ? `${signature(parent)} > ${own}` : own;
      };
      const kinds = new Map<string, Element>();
      for (const element of document.querySelectorAll('.expressive-code *')) {
        const key = signature(element);
        if (!kinds.has(key)) kinds.set(key, element);
      }
      const pseudos = ['', '::before', '::after'];
      const snapshot = () =>
        [...kinds.values()].map((element) =>
          pseudos.map((pseudo): Record<string, string> => {
            const style = getComputedStyle(element, pseudo || null);
            // A pseudo-element without content is not drawn: that is all there is to compare.
            if (pseudo && style.content === 'none') return { content: 'none' };
            return Object.fromEntries([...style].map((property) => [property, style.getPropertyValue(property)]));
          }),
        );
      const without = snapshot();
      layer.insertRule(reset, 1);
      const withReset = snapshot();
      layer.deleteRule(1);
      const differences = new Set<string>();
      [...kinds.keys()].forEach((key, index) =>
        pseudos.forEach((pseudo, p) => {
          const [mine, reset] = [without[index][p], withReset[index][p]];
          // Not drawn either way: nothing else of its style shows.
          if (mine.display === 'none' && reset.display === 'none') return;
          for (const property of new Set([...Object.keys(mine), ...Object.keys(reset)])) {
            if (mine[property] !== reset[property]) differences.add(`${key}${pseudo} ${property}: ${reset[property]} with the reset, ${mine[property]} without`);
          }
        }),
      );
      return { compared: kinds.size, differences: [...differences] };
    },
    { theme, reset: EC_STYLE_RESET },
  );
}
