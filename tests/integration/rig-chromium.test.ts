// The rig as Chromium sees it (the hand-off to the browser e2e tests): the NSS db in the
// rig HOME makes the test CA trusted, --host-resolver-rules sends rig names to loopback,
// both DoH endpoints are readable cross-origin, and bad certificates are still rejected.
import { chromium, type Browser, type Page } from 'playwright-core';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const rig = inject('rig');
const CHROMIUM = '/usr/bin/chromium';
let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run', `--host-resolver-rules=${rig.hostResolverRules}`],
    env: { ...process.env, HOME: rig.nss.home },
  });
  page = await browser.newPage();
}, 60_000);
afterAll(async () => browser?.close());

/** fetch() from the page; 'ok:<status>' or 'error'. */
const pageFetch = (url: string, init: RequestInit = {}) =>
  page.evaluate(
    async ([u, i]) => {
      try {
        const r = await fetch(u as string, i as RequestInit);
        return `ok:${r.status}`;
      } catch {
        return 'error';
      }
    },
    [url, init] as const,
  );

describe.skipIf(!existsSync(CHROMIUM))('rig in Chromium', () => {
  it('trusts the test CA through the NSS db and maps rig names to loopback', async () => {
    const res = await page.goto('https://good.fed.test/.well-known/matrix/server');
    expect(res?.status()).toBe(200);
    expect(JSON.parse((await res?.text()) ?? '{}')).toEqual({ 'm.server': 'matrix.good.fed.test' });
  });

  it('reads both DoH flavours cross-origin (CORS), with the same answer', async () => {
    const json = await page.evaluate(async (u) => (await fetch(u, { headers: { accept: 'application/dns-json' } })).json(), `${rig.doh.json}?name=good.fed.test&type=A`);
    const good = rig.scenarios.find((s) => s.id === 'good')!;
    expect(json.Answer[0].data).toBe(good.address);
    // RFC 8484 GET: "AAABAAABAAAAAAAABGdvb2QDZmVkBHRlc3QAAAEAAQ" = good.fed.test A
    const wire = await page.evaluate(async (u) => {
      const r = await fetch(u, { headers: { accept: 'application/dns-message' } });
      const b = new Uint8Array(await r.arrayBuffer());
      return { status: r.status, last4: Array.from(b.slice(-4)) };
    }, `${rig.doh.wire}?dns=AAABAAABAAAAAAAABGdvb2QDZmVkBHRlc3QAAAEAAQ`);
    expect(wire.status).toBe(200);
    expect(wire.last4.join('.')).toBe(good.address);
  });

  it('still rejects expired, wrong-name, self-signed and chain-less certificates', async () => {
    for (const id of ['cert-expired', 'cert-wrong-name', 'cert-self-signed', 'cert-no-intermediate']) {
      expect(await pageFetch(`https://${id}.fed.test:8448/_matrix/federation/v1/version`, { mode: 'no-cors' }), id).toBe('error');
    }
    expect(await pageFetch('https://default.fed.test:8448/_matrix/federation/v1/version', { mode: 'no-cors' })).toBe('ok:0');
  });

  it('reaches an IP-literal server (iPAddress SAN), and fails closed ports and unknown names', async () => {
    const ip = rig.scenarios.find((s) => s.id === 'ip-literal')!;
    expect(await pageFetch(`https://${ip.address}:8448/_matrix/federation/v1/version`)).toBe('ok:200');
    expect(await pageFetch('https://refused.fed.test:8448/', { mode: 'no-cors' })).toBe('error');
    expect(await pageFetch('https://nxdomain.fed.test/', { mode: 'no-cors' })).toBe('error');
    expect(await pageFetch('https://example.org/', { mode: 'no-cors' })).toBe('error');
  });

  it('sees missing CORS as unreadable but reachable', async () => {
    const url = 'https://wk-no-cors.fed.test/.well-known/matrix/server';
    expect(await pageFetch(url)).toBe('error');
    expect(await pageFetch(url, { mode: 'no-cors' })).toBe('ok:0');
  });
});
