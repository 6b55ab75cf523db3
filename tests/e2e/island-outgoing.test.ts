// The page shows the proxy's outgoing federation result: fedcheck run as `npm start` with a
// server name of its own, serving HTTPS itself (FEDCHECK_TLS_CERT) at that name in the rig,
// so the rig's notary stand-ins fetch its keys from the very process the page talks to.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, launchChromium, startServer, type RunningServer } from './browser.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const rig = inject('rig');
const serverName = (id: string) => rig.scenarios.find((row) => row.id === id && row.enabled)!.serverName;

let dist: string;
let browser: Browser;
let proxy: RunningServer;
let page: Page;
let pageUrl: string;

beforeAll(async () => {
  // A copy of the built site: other runs in this checkout may rebuild dist/ meanwhile.
  dist = await mkdtemp(join(tmpdir(), 'fedcheck-island-outgoing-'));
  await cp(join(root, 'dist'), dist, { recursive: true });
  const port = await freePort(rig.identity.address);
  proxy = await startServer(
    {
      FEDCHECK_ALLOW_PRIVATE: '1',
      FEDCHECK_DNS_SERVERS: rig.dns.server,
      NODE_EXTRA_CA_CERTS: rig.ca.root,
      FEDCHECK_SITE_DIR: dist,
      FEDCHECK_SERVER_NAME: `${rig.identity.names.v4}:${port}`,
      FEDCHECK_KEY_FILE: rig.identity.signingKeyFile,
      FEDCHECK_TLS_CERT: rig.identity.chainFile,
      FEDCHECK_TLS_KEY: rig.identity.keyFile,
    },
    { host: rig.identity.address, port },
  );
  pageUrl = `https://${rig.identity.names.v4}:${port}/`;
  browser = await launchChromium({ hostResolverRules: rig.hostResolverRules, home: rig.nss.home });
  page = await (await browser.newContext()).newPage();
});
afterAll(async () => {
  await browser?.close();
  await proxy?.stop();
  await rm(dist, { recursive: true, force: true });
});

async function check(name: string): Promise<{ verdict: string | null; status: string | null; text: string }> {
  const url = new URL(pageUrl);
  url.searchParams.set('server', name);
  url.searchParams.append('resolver', rig.doh.json);
  url.searchParams.set('private', '1');
  await page.goto(url.href);
  const summary = page.locator('.fc-summary[data-verdict]');
  await summary.waitFor({ timeout: 45_000 });
  await page.locator('.fc-proxy[data-proxy="found"]').waitFor();
  const finding = page.locator('.fc-finding[data-check="outgoing.reached"]').first();
  return { verdict: await summary.getAttribute('data-verdict'), status: await finding.getAttribute('data-status'), text: await finding.innerText() };
}

describe('the page with a proxy that has a server name of its own', () => {
  it('shows that a server reached fedcheck, from where', async () => {
    const outcome = await check(serverName('outgoing-good'));
    expect(outcome.status, outcome.text).toBe('pass');
    expect(outcome.text).toContain(`fetched ${rig.identity.names.v4}:`);
    expect(outcome.text).toContain('User-Agent "fedcheck-rig-notary/good"');
    expect(outcome.verdict).toBe('pass');
  });

  it('shows broken outgoing federation, with the verdict capped at warn', async () => {
    const outcome = await check(serverName('outgoing-egress-blocked'));
    expect(outcome.status, outcome.text).toBe('fail');
    expect(outcome.text).toContain('answered the key query without');
    expect(outcome.verdict).toBe('warn');
  });

  it('shows "could not test" for a server that refuses key queries', async () => {
    const outcome = await check(serverName('outgoing-refuses'));
    expect(outcome.status, outcome.text).toBe('info');
    expect(outcome.text).toContain('Could not test outgoing federation');
    expect(outcome.text).toContain('HTTP 404 M_UNRECOGNIZED');
  });
});
