// The test browser: Debian's Chromium as launchChromium starts it for every browser test.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, OMNIBOX_POPUP_FEATURES, PLAYWRIGHT_DISABLED_FEATURES } from './browser.ts';

/** The features playwright-core disables itself, read from its bundle (`disabledFeatures = [...]`). */
async function playwrightDisabledFeatures(): Promise<string[]> {
  const require = createRequire(import.meta.url);
  const bundle = await readFile(join(dirname(require.resolve('playwright-core/package.json')), 'lib', 'coreBundle.js'), 'utf8');
  const list = /disabledFeatures = \[([\s\S]*?)\]/.exec(bundle)?.[1];
  if (!list) throw new Error('playwright-core no longer lists its disabled features as "disabledFeatures = [...]": compare PLAYWRIGHT_DISABLED_FEATURES by hand');
  return [...list.replace(/\/\/.*$/gm, '').matchAll(/"([A-Za-z0-9]+)"/g)].map((match) => match[1]);
}

describe('launchChromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());

  it("keeps everything playwright-core disables, as its own --disable-features replaces Playwright's", async () => {
    const theirs = await playwrightDisabledFeatures();
    expect(theirs.length).toBeGreaterThan(5);
    expect(PLAYWRIGHT_DISABLED_FEATURES).toEqual(expect.arrayContaining(theirs));
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto('chrome://version');
      const commandLine = await page.locator('#command_line').textContent();
      const disabled = [...(commandLine ?? '').matchAll(/--disable-features=(\S+)/g)].at(-1)?.[1].split(',');
      expect(disabled).toEqual(expect.arrayContaining([...theirs, ...OMNIBOX_POPUP_FEATURES]));
    } finally {
      await context.close();
    }
  });

  it('opens a browser context without the WebUI pages of a browser window', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto('data:text/html,<p>test</p>');
      const session = await browser.newBrowserCDPSession();
      const { targetInfos } = (await session.send('Target.getTargets')) as { targetInfos: { type: string; url: string }[] };
      expect(targetInfos.filter((target) => target.type !== 'page').map((target) => target.url)).toEqual([]);
      expect(targetInfos.map((target) => target.url)).toContain('data:text/html,<p>test</p>');
    } finally {
      await context.close();
    }
  });
});
