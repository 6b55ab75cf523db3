import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, startServer, watchPage, isLoopbackUrl, type RunningServer } from './browser.ts';

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

  it('loads the home page with no console errors and no request off loopback', async () => {
    const page = await browser.newPage();
    const watched = watchPage(page);
    await page.goto(server.url, { waitUntil: 'networkidle' });
    expect(await page.locator('h1').first().textContent()).toBe('fedcheck');
    expect(watched.errors).toEqual([]);
    expect(watched.requests.filter((url) => !isLoopbackUrl(url))).toEqual([]);
    await page.close();
  });

  it('shows an inset and a warning callout on a guide', async () => {
    const page = await browser.newPage();
    await page.goto(new URL('docs/federation-network/', server.url).href);
    const inset = page.locator('aside.starlight-aside--inset').first();
    const warning = page.locator('aside.starlight-aside--warning').first();
    expect(await inset.isVisible()).toBe(true);
    expect(await warning.isVisible()).toBe(true);
    expect(await inset.getAttribute('aria-label')).toBeTruthy();
    // The aside is styled, not a bare box: Starlight's border and our accent colour apply.
    const border = await warning.evaluate((el) => getComputedStyle(el).borderInlineStartWidth);
    expect(border).not.toBe('0px');
    await page.close();
  });

  it('finds a page through the search box by a word from its body', async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.locator('button[data-open-modal]').first().click();
    await page.locator('.pagefind-ui__search-input').fill('firewalld');
    const result = page.locator('.pagefind-ui__result-link').first();
    await result.waitFor({ timeout: 10_000 });
    expect(await result.getAttribute('href')).toContain('/docs/federation-network/');
    await page.close();
  });

  it('answers an unknown path with the 404 page', async () => {
    const response = await fetch(new URL('no/such/page/', server.url));
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('Page not found');
  });
});
