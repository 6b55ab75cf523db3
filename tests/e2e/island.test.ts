// The checker island in real Chromium against the rig: the rig's DoH servers as resolvers
// (`?resolver=`), test names mapped to loopback by --host-resolver-rules, the rig CA trusted
// through its NSS HOME. Once with the proxy (`npm start`), once from dist/ served statically.
import { describe, it, expect, beforeAll, afterAll, inject } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createServer, type Server } from 'node:http';
import { cp, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { once } from 'node:events';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { axeViolations, launchChromium, startServer, watchCsp, watchPage, type RunningServer } from './browser.ts';
import { areaStatuses } from '../../src/checker/check.ts';
import { worstStatus } from '../../src/checker/area-groups.ts';
import type { CheckStatus, Finding } from '../../src/checker/report.ts';
import { checkerTexts, checkTexts } from '../../src/components/checker-texts.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

const rig = inject('rig');
const scenario = (id: string) => {
  const row = rig.scenarios.find((candidate) => candidate.id === id);
  if (!row?.enabled) throw new Error(`rig scenario ${id} is missing or disabled`);
  return row;
};

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json' };

/**
 * The site as built by the global setup, copied away: other runs in the same checkout
 * rebuild dist/ and would swap the island's chunks under a loaded page.
 */
let dist: string;
let browser: Browser;
let proxy: RunningServer;
let site: { url: string; server: Server };
const dialogs: string[] = [];

beforeAll(async () => {
  dist = await mkdtemp(join(tmpdir(), 'fedcheck-island-'));
  await cp(join(root, 'dist'), dist, { recursive: true });
  proxy = await startServer({
    FEDCHECK_ALLOW_PRIVATE: '1',
    FEDCHECK_DNS_SERVERS: rig.dns.server,
    NODE_EXTRA_CA_CERTS: rig.ca.root,
    FEDCHECK_SITE_DIR: dist,
  });
  site = await serveStatically();
  browser = await launchChromium({ hostResolverRules: rig.hostResolverRules, home: rig.nss.home });
});
afterAll(async () => {
  await browser?.close();
  await proxy?.stop();
  site?.server.close();
  await rm(dist, { recursive: true, force: true });
});

/** A fresh page (own storage) that records any dialog a script opens. */
async function newPage(): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  return page;
}

/** The site as a static host would serve it: files only, no API. */
async function serveStatically(): Promise<{ url: string; server: Server }> {
  const server = createServer(async (request, response) => {
    const path = join(dist, decodeURIComponent(new URL(request.url!, 'http://x').pathname));
    const file = path.startsWith(dist) && (await stat(path).catch(() => null))?.isDirectory() ? join(path, 'index.html') : path;
    try {
      const body = await readFile(file);
      response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/`, server };
}

interface Outcome {
  verdict: string | null;
  step: string | null;
  text: string;
}

/**
 * Opens a deep link with the rig's DoH resolvers and waits for the verdict. `privateParam`:
 * the ?private= value, or null to leave the decision to the saved setting and the proxy.
 */
async function check(page: Page, base: string, serverName: string, resolvers = [rig.doh.json, rig.doh.wire], privateParam: string | null = '1'): Promise<Outcome> {
  const url = new URL(base);
  url.searchParams.set('server', serverName);
  for (const resolver of resolvers) url.searchParams.append('resolver', resolver);
  if (privateParam !== null) url.searchParams.set('private', privateParam);
  await page.goto(url.href);
  const summary = page.locator('.fc-summary[data-verdict]');
  await summary.waitFor({ timeout: 45_000 });
  return {
    verdict: await summary.getAttribute('data-verdict'),
    step: await summary.getAttribute('data-resolution-step'),
    text: await page.locator('.fc-checker').innerText(),
  };
}

const findingStatus = (page: Page, id: string) => page.locator(`.fc-finding[data-check="${id}"]`).first().getAttribute('data-status');

/** The worst status among the findings the page shows for checks whose ids start with `prefix` (the report's area rule). */
async function shownStatus(page: Page, prefix: string): Promise<string | null> {
  const statuses = await page.locator(`.fc-finding[data-check^="${prefix}"]`).evaluateAll((items) => items.map((item) => item.getAttribute('data-status')));
  return worstStatus(statuses as CheckStatus[]) ?? null;
}

/** The rig's sign-in rows: each states the auth area it must show. */
const SIGN_IN = rig.scenarios.filter((row) => row.enabled && row.expect.areas?.auth !== undefined).map((row) => row.id);

describe('checker island on the German page, with the proxy', () => {
  const de = checkerTexts('de');
  const deChecks = checkTexts('de');
  let page: Page;
  beforeAll(async () => {
    page = await newPage();
  });

  it('gives the verdict and the findings’ titles and fixes in German, with links to the German check reference', async () => {
    const violations = await watchCsp(page);
    const row = scenario('cert-expired');
    const outcome = await check(page, new URL('de/', proxy.url).href, row.serverName);
    expect(outcome.verdict).toBe(row.expect.verdict);
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    expect(await page.locator('.fc-summary').innerText()).toContain(`${de.verdict.fail}: ${row.serverName}`);
    const expiry = page.locator('.fc-finding[data-check="tls.certificate.expiry"]').first();
    expect(await expiry.getAttribute('data-status')).toBe('fail');
    const text = await expiry.innerText();
    expect(text).toContain(deChecks['tls.certificate.expiry'].title);
    expect(text).toContain(`${de.ui.fix} ${deChecks['tls.certificate.expiry'].fix}`);
    expect(await expiry.locator('a.fc-docs').getAttribute('href')).toBe('/de/docs/checks/#tls.certificate.expiry');
    // Every finding shown carries its German title.
    for (const finding of await page.locator('.fc-finding[data-check]').all()) {
      const id = (await finding.getAttribute('data-check'))!;
      expect(await finding.locator('.fc-finding-title').innerText(), id).toContain(deChecks[id].title);
    }
    expect(await page.locator('#fc-findings-title').innerText()).toBe(de.ui.findings);
    expect(violations).toEqual([]);
  });

  it('has no axe violations when finished', async () => {
    expect(await axeViolations(page)).toEqual([]);
  });
});

describe('checker island with the proxy (npm start)', () => {
  let page: Page;
  beforeAll(async () => {
    page = await newPage();
  });

  it('finds the proxy at its own origin', async () => {
    await page.goto(proxy.url);
    await page.locator('.fc-proxy[data-proxy="found"]').waitFor();
  });

  it.each(['good', 'wk-srv', 'srv', 'wk-srv-legacy', 'cert-expired', 'nxdomain', 'srv-servfail', 'version-404', 'dnssec-signed', 'dnssec-unsigned', 'dnssec-bogus'])(
    'shows the verdict and the deciding step the rig expects for %s',
    async (id) => {
      const row = scenario(id);
      const outcome = await check(page, proxy.url, row.serverName);
      expect({ verdict: outcome.verdict, step: outcome.step }, outcome.text).toEqual({ verdict: row.expect.verdict, step: row.expect.step });
      expect(await page.locator('[data-notice="not-tested"]').count()).toBe(0);
    },
  );

  it.each(SIGN_IN)('shows the sign-in area and the verdict the rig expects for %s', async (id) => {
    const row = scenario(id);
    const outcome = await check(page, proxy.url, row.serverName);
    expect({ verdict: outcome.verdict, auth: await shownStatus(page, 'auth.') }).toEqual({ verdict: row.expect.verdict, auth: row.expect.areas!.auth });
  });

  it('shows the proxy\'s certificate finding for an expired certificate', async () => {
    await check(page, proxy.url, scenario('cert-expired').serverName);
    expect(await findingStatus(page, 'tls.certificate.expiry')).toBe('fail');
    expect(await page.locator('.fc-connections').innerText()).toContain(':8448');
  });

  it('says what is wrong right under the verdict, before the trace, which stays open after a failure', async () => {
    await check(page, proxy.url, scenario('cert-expired').serverName);
    const expiry = page.locator('.fc-to-fix .fc-problem[data-check="tls.certificate.expiry"]');
    expect(await expiry.getAttribute('data-status')).toBe('fail');
    expect(await expiry.locator('.fc-fix').innerText()).toMatch(/^Fix: \S/);
    expect(await expiry.locator('a.fc-docs').getAttribute('href')).toBe('/docs/checks/#tls.certificate.expiry');
    // On the screen: the verdict, then the problems, then the actions and the trace below them.
    const top = async (selector: string) => (await page.locator(selector).first().boundingBox())!.y;
    const tops = [await top('.fc-summary'), await top('.fc-to-fix'), await top('.fc-actions'), await top('details.fc-trace')];
    expect([...tops].sort((a, b) => a - b)).toEqual(tops);
    expect(await page.evaluate(() => document.querySelector('.fc-summary')!.nextElementSibling!.firstElementChild!.className)).toBe('fc-to-fix');
    expect(await page.locator('details.fc-trace[open]').count()).toBe(2);
    expect(await page.locator('.fc-summary .fc-area-groups li[data-group="federation"]').getAttribute('data-status')).toBe('fail');
  });

  it('folds the trace and the waterfall after a pass, and opens them on a click', async () => {
    const row = scenario('good');
    await check(page, proxy.url, row.serverName);
    expect(await page.locator('.fc-to-fix').count()).toBe(0);
    expect(await page.locator('details.fc-trace').count()).toBe(2);
    expect(await page.locator('details.fc-trace[open]').count()).toBe(0);
    const waterfall = page.locator('details.fc-waterfall');
    expect(await waterfall.locator('.fc-steps').isVisible()).toBe(false);
    await waterfall.locator('summary').click();
    expect(await waterfall.locator('.fc-steps').isVisible()).toBe(true);
    expect(await page.locator('.fc-summary .fc-area-groups li').first().innerText()).toBe('OK Federation');
  });

  it('uses the proxy\'s discovery when CORS hides the server .well-known from the page', async () => {
    const row = scenario('wk-no-cors');
    const outcome = await check(page, proxy.url, row.serverName);
    expect({ verdict: outcome.verdict, step: outcome.step }).toEqual({ verdict: row.expect.verdict, step: row.expect.step });
    expect(await page.locator('[data-notice="well-known-unreadable"]').innerText()).toContain('what the proxy saw');
    expect(await findingStatus(page, 'client.wellknown.cors')).toBe('warn');
  });

  it('reads a .well-known with CORS headers itself', async () => {
    await check(page, proxy.url, scenario('good').serverName);
    expect(await page.locator('[data-notice="well-known-unreadable"]').count()).toBe(0);
    expect(await findingStatus(page, 'client.wellknown.cors')).toBe('pass');
  });

  it('flags resolvers that disagree', async () => {
    const outcome = await check(page, proxy.url, scenario('split-dns').serverName, [rig.doh.json, rig.doh.altJson]);
    expect(outcome.verdict).toBe('warn');
    expect(await findingStatus(page, 'dns.resolvers.agree')).toBe('warn');
  });

  it('shows an XSS payload in m.server as text', async () => {
    const outcome = await check(page, proxy.url, scenario('wk-xss').serverName);
    expect(outcome.verdict).toBe('fail');
    expect(outcome.text).toContain('<img src=x onerror=alert(1)>');
    expect(await page.locator('.fc-checker img').count()).toBe(0);
    expect(dialogs).toEqual([]);
  });

  it('runs a check under the server\'s Content-Security-Policy without a violation', async () => {
    const guarded = await newPage();
    const violations = await watchCsp(guarded);
    const row = scenario('wk-srv');
    const outcome = await check(guarded, proxy.url, row.serverName);
    expect({ verdict: outcome.verdict, step: outcome.step }).toEqual({ verdict: row.expect.verdict, step: row.expect.step });
    expect((await fetch(proxy.url)).headers.get('content-security-policy')).toContain("connect-src 'self' https: http:");
    expect(violations).toEqual([]);
  });

  it('reaches a proxy the user names at another plain-HTTP origin, within the policy', async () => {
    const guarded = await newPage();
    const violations = await watchCsp(guarded);
    const elsewhere = new URL(proxy.url);
    elsewhere.hostname = 'localhost';
    const url = new URL(proxy.url);
    url.searchParams.set('proxy', elsewhere.href);
    const outcome = await check(guarded, url.href, scenario('cert-expired').serverName);
    expect(outcome.verdict).toBe('fail');
    expect(await guarded.locator('.fc-proxy[data-proxy="found"]').count()).toBe(1);
    expect(await findingStatus(guarded, 'tls.certificate.expiry')).toBe('fail');
    expect(violations).toEqual([]);
  });

  it('has no axe violations when finished, in both themes', async () => {
    await check(page, proxy.url, scenario('wk-srv-legacy').serverName);
    expect(await axeViolations(page)).toEqual([]);
    await page.evaluate(() => document.documentElement.setAttribute('data-theme', 'light'));
    expect(await axeViolations(page)).toEqual([]);
  });

  it("fits a phone's width when finished, without axe violations", async () => {
    const phone = await newPage();
    await phone.setViewportSize({ width: 360, height: 740 });
    // A report with long names, a DNS record snippet and the connection table.
    await check(phone, proxy.url, scenario('wk-srv-legacy').serverName);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBe(0);
    expect(await axeViolations(phone)).toEqual([]);
    await phone.close();
  });
});

describe('checker island served statically, without a proxy', () => {
  let page: Page;
  beforeAll(async () => {
    page = await newPage();
  });

  it('has no axe violations while idle, and says no proxy was found', async () => {
    await page.goto(site.url);
    await page.locator('.fc-proxy[data-proxy="none"]').waitFor();
    expect(await axeViolations(page)).toEqual([]);
  });

  it('runs a submitted name, puts it in the URL and completes with the honest "not tested" state', async () => {
    const watched = watchPage(page);
    await page.goto(`${site.url}?resolver=${encodeURIComponent(rig.doh.json)}&private=1`);
    await page.locator('.fc-proxy[data-proxy="none"]').waitFor();
    await page.getByLabel('Matrix server name').fill(scenario('good').serverName);
    await page.keyboard.press('Enter');
    await page.locator('.fc-summary[data-verdict]').waitFor({ timeout: 45_000 });
    expect(new URL(page.url()).searchParams.get('server')).toBe(scenario('good').serverName);
    expect(await page.locator('.fc-summary').getAttribute('data-resolution-step')).toBe('well-known-default');
    expect(await page.locator('[data-notice="not-tested"]').innerText()).toContain('npm start');
    expect(await findingStatus(page, 'browser.reachability')).toBe('pass');
    expect(await page.locator('.fc-finding[data-status="skip"]').count()).toBeGreaterThan(0);
    expect(watched.errors.filter((error) => !error.includes('404'))).toEqual([]);
  });

  it('is usable with the keyboard alone', async () => {
    await page.goto(`${site.url}?resolver=${encodeURIComponent(rig.doh.json)}&private=1`);
    await page.getByLabel('Matrix server name').focus();
    await page.keyboard.type(scenario('srv').serverName);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Check');
    await page.keyboard.press('Space');
    await page.locator('.fc-summary[data-verdict]').waitFor({ timeout: 45_000 });
    await page.locator('.fc-settings summary').focus();
    await page.keyboard.press('Enter');
    expect(await page.locator('.fc-settings').getAttribute('open')).not.toBeNull();
    // The only resolver cannot be removed, so its button is disabled and skipped.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('fc-resolver-url');
  });

  it('follows SRV delegation from the page', async () => {
    const row = scenario('wk-srv');
    const outcome = await check(page, site.url, row.serverName);
    expect(outcome.step).toBe('well-known-srv');
    expect(outcome.text).toContain(`${row.expect.delegatedServerName}`);
  });

  it('sees an expired certificate as unreachable from this browser', async () => {
    const outcome = await check(page, site.url, scenario('cert-expired').serverName);
    expect(outcome.verdict).toBe('fail');
    expect(await findingStatus(page, 'browser.reachability')).toBe('fail');
  });

  it.each(SIGN_IN)('shows the sign-in area the rig expects for %s from the page alone', async (id) => {
    await check(page, site.url, scenario(id).serverName);
    expect(await shownStatus(page, 'auth.')).toBe(scenario(id).expect.areas!.auth);
  });

  it('says it could not read a .well-known without CORS', async () => {
    await check(page, site.url, scenario('wk-no-cors').serverName);
    expect(await page.locator('[data-notice="well-known-unreadable"]').innerText()).toContain('may be wrong');
  });

  it('reports a SERVFAIL from its own DoH resolvers as a DNS error', async () => {
    const row = scenario('srv-servfail');
    const outcome = await check(page, site.url, row.serverName);
    expect({ verdict: outcome.verdict, step: outcome.step }).toEqual({ verdict: row.expect.verdict, step: row.expect.step });
    expect(await findingStatus(page, 'dns.srv')).toBe('fail');
    expect(await page.locator('.fc-finding[data-check="dns.srv"]').first().innerText()).toContain('SERVFAIL');
  });

  it('flags resolvers that disagree', async () => {
    await check(page, site.url, scenario('split-dns').serverName, [rig.doh.json, rig.doh.altJson]);
    expect(await findingStatus(page, 'dns.resolvers.agree')).toBe('warn');
  });

  it('has no axe violations on a finished report', async () => {
    await check(page, site.url, scenario('good').serverName);
    expect(await axeViolations(page)).toEqual([]);
  });
});

describe('checker island served statically, with ?proxy=', () => {
  it('uses the proxy at the given URL and merges its connection results', async () => {
    const page = await newPage();
    const row = scenario('cert-expired');
    const url = new URL(site.url);
    url.searchParams.set('proxy', proxy.url);
    await page.goto(url.href);
    await page.locator('.fc-proxy[data-proxy="found"]').waitFor();
    const asked: string[] = [];
    page.on('request', (request) => asked.push(request.url()));
    const outcome = await check(page, url.href, row.serverName);
    expect({ verdict: outcome.verdict, step: outcome.step }).toEqual({ verdict: row.expect.verdict, step: row.expect.step });
    expect(await findingStatus(page, 'tls.certificate.expiry')).toBe('fail');
    expect(await page.locator('[data-notice="not-tested"]').count()).toBe(0);
    // The proxy's connection findings take the place of the page's fetch of the keys.
    expect(asked.filter((requested) => requested.endsWith('/_matrix/key/v2/server'))).toEqual([]);
    expect(asked.some((requested) => requested.endsWith('/.well-known/matrix/server'))).toBe(true);
  });

  it('says so when the given proxy does not answer, and checks without it', async () => {
    const page = await newPage();
    const url = new URL(site.url);
    url.searchParams.set('proxy', site.url);
    const asked: string[] = [];
    page.on('request', (request) => asked.push(request.url()));
    const outcome = await check(page, url.href, scenario('good').serverName);
    expect(await page.locator('.fc-proxy[data-proxy="unreachable"]').innerText()).toContain(site.url);
    expect(outcome.verdict).toBe('pass');
    expect(await page.locator('[data-notice="not-tested"]').count()).toBe(1);
    expect(asked.filter((requested) => requested.endsWith('/_matrix/key/v2/server')).length).toBeGreaterThan(0);
    expect(await findingStatus(page, 'browser.reachability')).toBe('pass');
  });
});

/** The area statuses the page shows: each area's worst finding, as the report computes them. */
async function shownAreas(page: Page) {
  const shown = await page.locator('.fc-finding[data-check]').evaluateAll((items) =>
    items.map((item) => ({ id: item.getAttribute('data-check'), status: item.getAttribute('data-status') })),
  );
  return areaStatuses(shown as Finding[]);
}

// Calls and support rows (and any other row that states area statuses): the page's own
// fetches are the truth for CORS, with the proxy and without it.
describe('rows with expected area statuses in the island', () => {
  const rows = rig.scenarios.filter((row) => row.enabled && row.expect.areas);
  let page: Page;
  beforeAll(async () => {
    page = await newPage();
  });

  it.each(rows.map((row) => [row.id]))('%s, with the proxy', async (id) => {
    const row = scenario(id);
    const outcome = await check(page, proxy.url, row.serverName);
    expect(await shownAreas(page), outcome.text).toMatchObject(row.expect.areas!);
    expect(outcome.verdict).toBe(row.expect.verdict);
  });

  // Without a proxy the page tests what a browser can read; the rest of a row's areas is not tested there.
  const PAGE_TESTED = new Set(['name', 'well-known', 'dns', 'client', 'auth', 'rtc', 'support']);
  const pageAreas = (row: (typeof rows)[number]) => Object.fromEntries(Object.entries(row.expect.areas!).filter(([area]) => PAGE_TESTED.has(area)));
  const pageRows = rows.filter((row) => Object.keys(pageAreas(row)).length > 0);
  it.each(pageRows.map((row) => [row.id]))('%s, served statically without a proxy', async (id) => {
    const row = scenario(id);
    const outcome = await check(page, site.url, row.serverName);
    expect(await shownAreas(page), outcome.text).toMatchObject(pageAreas(row));
  });
});

describe('the proxy\'s address policy (FEDCHECK_ALLOW_PRIVATE)', () => {
  it('a page served by a proxy that allows private addresses does not flag the rig\'s; ?private=0 still does', async () => {
    const page = await newPage();
    const row = scenario('good');
    const outcome = await check(page, proxy.url, row.serverName, undefined, null);
    expect(outcome.verdict).toBe('pass');
    expect(await findingStatus(page, 'dns.addresses.public')).toBe('info');
    expect(await page.locator('[data-private="from-proxy"]').count()).toBe(1);
    await check(page, proxy.url, row.serverName, undefined, '0');
    expect(await findingStatus(page, 'dns.addresses.public')).toBe('fail');
  });

  it('a page without a proxy flags them unless ?private=1', async () => {
    const page = await newPage();
    await check(page, site.url, scenario('good').serverName, undefined, null);
    expect(await findingStatus(page, 'dns.addresses.public')).toBe('fail');
  });
});

describe('faults: the page ends with a complete report that says what failed', () => {
  it.each([
    ['answers an HTML page', 'https://doh-faults.fed.test/resolve'],
    ['is not listening', 'https://doh-down.fed.test/dns-query'],
  ])('one of two DoH resolvers %s: the other one\'s answers decide, and the report names it', async (_what, broken) => {
    const page = await newPage();
    const row = scenario('good');
    const outcome = await check(page, proxy.url, row.serverName, [rig.doh.json, broken]);
    expect({ verdict: outcome.verdict, step: outcome.step }).toEqual({ verdict: row.expect.verdict, step: row.expect.step });
    expect(await findingStatus(page, 'dns.resolvers.answer')).toBe('info');
    expect(await page.locator('.fc-finding[data-check="dns.resolvers.answer"]').first().innerText()).toContain(broken);
  });

  it('the proxy is killed (by PID) in the middle of a check: the page keeps its own results and says the proxy\'s part is missing', async () => {
    const doomed = await startServer({
      FEDCHECK_ALLOW_PRIVATE: '1',
      FEDCHECK_DNS_SERVERS: rig.dns.server,
      NODE_EXTRA_CA_CERTS: rig.ca.root,
      FEDCHECK_SITE_DIR: dist,
    });
    try {
      const page = await newPage();
      const url = new URL(site.url);
      url.searchParams.set('proxy', doomed.url);
      url.searchParams.set('server', scenario('version-timeout').serverName);
      url.searchParams.append('resolver', rig.doh.json);
      url.searchParams.set('private', '1');
      // The proxy's part of this row waits for a version answer that never comes: it is
      // still running when the proxy dies.
      const proxyAsked = page.waitForRequest((request) => request.url().startsWith(`${doomed.url}api/v1/report`));
      await page.goto(url.href);
      await proxyAsked;
      const gone = once(doomed.process, 'exit');
      process.kill(doomed.process.pid!, 'SIGKILL');
      await gone;
      const summary = page.locator('.fc-summary[data-verdict]');
      await summary.waitFor({ timeout: 45_000 });
      expect(await page.locator('[data-notice="proxy-failed"]').innerText()).toContain('The proxy could not run its part');
      expect(await page.locator('[data-notice="not-tested"]').count()).toBe(1);
      // The page's own findings are all there: discovery, DNS, its own reach of the server.
      for (const id of ['wellknown.server.status', 'dns.targets.resolve', 'browser.reachability']) {
        expect(await page.locator(`.fc-finding[data-check="${id}"]`).count(), id).toBeGreaterThan(0);
      }
    } finally {
      await doomed.stop();
    }
  }, 120_000);
});
