// Check latency against its critical path, on a rig that delays every DNS and HTTP(S) answer
// by D = 50 ms. Three ways to check, four discovery steps, RUNS timed runs each (median):
// - proxy: GET /api/v1/report from `npm start` (Node adapters).
// - browser: the island alone, on the site served as static files (no proxy): DoH and fetch.
// - browser+proxy: the island on `npm start`, which runs the proxy's report alongside its own.
//
// The round-trip model. The rig's forwarders (tests/rig/helper.ts) delay each chunk the
// server sends by D and nothing else: requests travel at once, and the TCP handshake is
// completed by the forwarder's own listening socket, so it costs nothing. Hence, in D:
// - a DNS question over UDP costs 1 (A and AAAA are asked together);
// - a TLS 1.3 handshake costs 1 (the server's one flight), every HTTP request on an open
//   connection 1;
// - the proxy's HTTP client resolves the URL's host first: a fetch is 1 + 1 + 1 = 3;
// - the proxy's probe of a federation endpoint is TLS + one request round: the version and
//   key requests do not depend on each other, so a checker can have both in flight at once;
// - Chromium resolves rig names through --host-resolver-rules, undelayed: a page fetch is
//   TLS + request = 2; a DoH question is 1 on an open connection, 2 on the first one. A page
//   fetch of an SRV target ends with the handshake, 1: the certificate names the server name,
//   as the spec requires (and the rig does), not the target host in the URL.
// - with a proxy, the page fetches no federation endpoint (the proxy's connection findings
//   take the place of its reachability by fetch): its own chain ends at its discovery.
// Independent work overlaps: the critical path is the longest chain of answers that each
// depend on the one before, with lookups that might be needed started as early as possible
// (the checker starts the server name's SRV, _matrix-fed and legacy _matrix at once, and its
// A/AAAA with the .well-known fetch).
// The client chains never outlast the federation chains below, so they do not count: the
// support .well-known; the client .well-known, then sign-in discovery at its base URL (page
// 2 + 1; proxy 3 + 1 on the rig, where the base URL is the server name: its answer is known and
// the report's connection to it is kept open); and the page's CORS check of the
// client file, an OPTIONS that Chromium preflights itself (TLS and two requests in a row),
// which nothing waits for before the report.
//
// The floor: the same critical path asked by a page that does nothing else, from the home page
// in the state a check starts from (openChecker: loaded, engine in, idle; until 2026-12-04 a
// data file just loaded, whose own loading and first paint kept Chromium busy during the
// floor: about 90 ms of its CPU), each request as soon as the answers it depends on are in
// (floorChain): explicit-port, one DoH question, then the key fetch; default, the DoH question
// and the .well-known at once, then the key fetch on 8448; srv, the SRV question and the
// .well-known at once, the target's A question after the SRV answer, the target's fetch after
// both; wk-srv, the .well-known (and a DoH question that opens the connection meanwhile), the
// delegated name's SRV, the target's A, the target's fetch.
// It reads the bodies the check reads (DoH answers, a delegating .well-known), and a fetch
// ends as the check's does: at the headers, or at an SRV target's failed handshake.
// What it takes beyond its bound is Chromium's and the rig's own cost (TLS handshakes, the
// network service, timers under load), which no page code can remove; a page check's wall
// time minus the floor is what the island adds.
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { base64url, encodeQuery } from '../../src/adapters/browser/dns-wire.ts';
import { proxyReportUrl } from '../../src/adapters/browser/proxy.ts';
import type { Report } from '../../src/checker/report.ts';
import { connectionKey } from '../../src/checker/evidence.ts';
import { DEFAULT_FEDERATION_PORT, parseServerName } from '../../src/checker/server-name.ts';
import { siteFiles } from '../../src/server/static-site.ts';
import { launchChromium } from '../e2e/browser.ts';
import type { ResolvedScenario } from '../rig/build.ts';
import { startRig, type RigState } from '../rig/rig.ts';
import { atMost, figure, median, type Figure } from './figure.ts';
import { BREAKDOWN_PARTS, describeBreakdown, tracePage, type Breakdown } from './page-trace.ts';
import { chromiumCpu, cpuSince, cpuSnapshot, describeSplit, meanSplit, type CpuSplit } from './process-cpu.ts';
import { quietStart } from './quiet.ts';
import { scoped } from './resources.ts';
import { scenarioRow, startRigProxy } from './rig-proxy.ts';

const DELAY_MS = 50;
const RUNS = 5;
/** Extra runs of each page case under Chromium's performance trace, for the breakdown. */
const TRACED_RUNS = 3;
const RATIO_TARGET = 1.2;

const DNS = 1;
const TLS = 1;
const REQUEST = 1;
const PROXY_FETCH = DNS + TLS + REQUEST;
const PROXY_PROBE = TLS + REQUEST;
const PAGE_FETCH = TLS + REQUEST;
/** A page's fetch of an SRV target: the handshake fails on the certificate's name. */
const PAGE_FETCH_SRV_TARGET = TLS;
const DOH_FIRST = TLS + REQUEST;
const DOH = REQUEST;

type Mode = 'proxy' | 'browser' | 'browser+proxy';
/** Set in the page: when the form was submitted and when the verdict appeared. */
type Marks = { submitted?: number; verdict?: number };
type MarkedWindow = { benchMarks: Marks; benchVerdict: Promise<void> };
const VERDICT_TIMEOUT_MS = 30_000;

interface Case {
  /** Rig row. The issue asks for delegated + SRV with two addresses; the rig's wk-srv row
   * has one, and a second would be probed in parallel, leaving the bound unchanged. */
  id: string;
  /** Critical path in D, per client. */
  proxy: number;
  browser: number;
  /** The page's discovery alone: its part beside a proxy. */
  browserDiscovery: number;
}

const CASES: Case[] = [
  {
    // Step 3.3: .well-known → SRV of the delegated name → A/AAAA of its target → connect.
    id: 'wk-srv',
    proxy: PROXY_FETCH + DNS + DNS + PROXY_PROBE,
    // The DoH connection opened by the early lookups is ready when the .well-known answers.
    browser: Math.max(PAGE_FETCH, DOH_FIRST) + DOH + DOH + PAGE_FETCH_SRV_TARGET,
    browserDiscovery: Math.max(PAGE_FETCH, DOH_FIRST) + DOH + DOH,
  },
  {
    // Step 4: the .well-known 404 decides, meanwhile SRV → A/AAAA of the target.
    id: 'srv',
    proxy: Math.max(PROXY_FETCH, DNS + DNS) + PROXY_PROBE,
    browser: Math.max(PAGE_FETCH, DOH_FIRST + DOH) + PAGE_FETCH_SRV_TARGET,
    browserDiscovery: Math.max(PAGE_FETCH, DOH_FIRST + DOH),
  },
  {
    // Step 6: the .well-known 404 and no SRV (_matrix-fed and the legacy _matrix, asked
    // together) decide.
    id: 'default',
    proxy: Math.max(PROXY_FETCH, DNS) + PROXY_PROBE,
    browser: Math.max(PAGE_FETCH, DOH_FIRST) + PAGE_FETCH,
    browserDiscovery: Math.max(PAGE_FETCH, DOH_FIRST),
  },
  {
    // Step 2: no .well-known, no SRV: A/AAAA → connect.
    id: 'explicit-port',
    proxy: DNS + PROXY_PROBE,
    browser: DOH_FIRST + PAGE_FETCH,
    browserDiscovery: DOH_FIRST,
  },
];

/** The page and the proxy run side by side; the page reaches the proxy undelayed. */
const bound = (c: Case, mode: Mode) => DELAY_MS * (mode === 'proxy' ? c.proxy : mode === 'browser' ? c.browser : Math.max(c.proxy, c.browserDiscovery));

export function latencyFigures(siteDir: string): Promise<Figure[]> {
  return scoped(async (use) => {
    const { state: rig } = use(await startRig({ latencyMs: DELAY_MS }));
    const proxy = use(await startRigProxy(rig, siteDir, { FEDCHECK_RATE_LIMIT: 'off' }));
    const staticSite = use(await serveStatically(siteDir));
    const browser = await launchChromium({ hostResolverRules: rig.hostResolverRules, home: rig.nss.home });
    use({ stop: () => browser.close() });

    /** `traced`: the run's label, to trace it. */
    const timers: Record<Mode, (row: ResolvedScenario, traced?: string) => Promise<Timed>> = {
      proxy: async (row) => ({ wallMs: await timeProxyReport(proxyReportUrl(proxy.url, row.serverName), row) }),
      browser: (row, traced) => timeBrowserCheck(browser, rig, staticSite.url, row, 'none', traced),
      'browser+proxy': (row, traced) => timeBrowserCheck(browser, rig, proxy.url, row, 'found', traced),
    };
    const load = await quietStart('latency');
    const figures: Figure[] = [];
    for (const [mode, time] of Object.entries(timers) as [Mode, (row: ResolvedScenario, traced?: string) => Promise<Timed>][]) {
      await time(scenarioRow(rig, CASES[0].id)); // warm-up: JIT, the engine chunk's first compile
      for (const c of CASES) {
        const row = scenarioRow(rig, c.id);
        const timed: Timed[] = [];
        for (let run = 0; run < RUNS; run++) timed.push(await time(row));
        const wall = median(timed.map((run) => run.wallMs));
        const lowerBound = bound(c, mode);
        const name = `latency.${mode}.${c.id}`;
        figures.push(figure(`${name}.wall`, Math.round(wall), 'ms'), figure(`${name}.bound`, lowerBound, 'ms'), figure(`${name}.ratio`, wall / lowerBound, 'x', atMost(RATIO_TARGET)));
        if (mode !== 'proxy') figures.push(...cpuFigures(name, timed));
        if (mode === 'browser') {
          const floors: Timed[] = [];
          for (let run = 0; run < RUNS; run++) floors.push(await timeFloor(browser, rig, staticSite.url, row));
          const floor = median(floors.map((run) => run.wallMs));
          figures.push(figure(`${name}.floor`, Math.round(floor), 'ms'), figure(`${name}.floor-ratio`, floor / lowerBound, 'x'), ...cpuFigures(`${name}.floor`, floors));
        }
        if (mode !== 'proxy') figures.push(...(await breakdownFigures(name, row, time)));
      }
    }
    return [...figures, ...load.figures()];
  });
}

interface Timed {
  wallMs: number;
  breakdown?: Breakdown;
  /** CPU of the bench's process tree from just before the submit to just after the verdict (untraced runs). */
  cpu?: CpuSplit;
}

/**
 * What Chromium's processes worked per check, the mean over the timed runs, beside the ratio:
 * on two cores, the time a check takes beyond its floor goes with it. The split by process
 * (and the rig's, the proxy's and the bench's own) is printed.
 */
function cpuFigures(name: string, timed: Timed[]): Figure[] {
  const splits = timed.map((run) => run.cpu).filter((split) => split !== undefined);
  if (splits.length !== timed.length) throw new Error(`${name}: a timed run came back without its CPU time`);
  const mean = meanSplit(splits);
  console.log(`# ${name} CPU per check (ms, mean of ${splits.length}): ${describeSplit(mean)}`);
  return [figure(`${name}.chromium-cpu`, Math.round(chromiumCpu(mean)), 'ms')];
}

/** Traced runs of one page case: each printed as it ends, their medians as figures. */
async function breakdownFigures(name: string, row: ResolvedScenario, time: (row: ResolvedScenario, traced: string) => Promise<Timed>): Promise<Figure[]> {
  const traced: Breakdown[] = [];
  for (let run = 0; run < TRACED_RUNS; run++) {
    const result = await time(row, `${name}.${run + 1}`);
    if (!result.breakdown) throw new Error(`${name}: a traced run came back without its trace`);
    traced.push(result.breakdown);
    console.log(`# ${name} traced run ${run + 1}: ${describeBreakdown(result.wallMs, result.breakdown)}`);
  }
  return BREAKDOWN_PARTS.map(({ key, label, unit }) => figure(`${name}.traced.${label}`, median(traced.map((breakdown) => breakdown[key])), unit));
}


async function timeProxyReport(url: string, row: ResolvedScenario): Promise<number> {
  const started = performance.now();
  const response = await fetch(url);
  const report = (await response.json()) as Report;
  const elapsed = performance.now() - started;
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${JSON.stringify(report)}`);
  const seen = { verdict: report.verdict, step: report.resolution?.step };
  if (seen.verdict !== row.expect.verdict || seen.step !== row.expect.step) {
    throw new Error(`${row.id}: the proxy reported ${JSON.stringify(seen)}, the rig expects ${JSON.stringify({ verdict: row.expect.verdict, step: row.expect.step })}`);
  }
  return elapsed;
}

/**
 * One check in a fresh browser context (no open connections, no caches), timed in the page
 * from the form's submit to the verdict (under Chromium's performance trace when `traced`).
 * The step must be the rig's; the verdict may differ from the proxy's, as a page cannot
 * reach an SRV target whose certificate names the server.
 */
async function timeBrowserCheck(
  browser: Browser,
  rig: RigState,
  base: string,
  row: ResolvedScenario,
  proxyState: 'none' | 'found',
  traced?: string,
): Promise<Timed> {
  const { context, page } = await openChecker(browser, rig, base, proxyState);
  try {
    await page.evaluate(() => {
      const bench = window as unknown as MarkedWindow;
      const marks: Marks = (bench.benchMarks = {});
      document.addEventListener('submit', () => (marks.submitted = performance.now()), { capture: true });
      bench.benchVerdict = new Promise((resolve) => {
        new MutationObserver((_, observer) => {
          if (!document.querySelector('.fc-summary[data-verdict]')) return;
          marks.verdict = performance.now();
          observer.disconnect();
          resolve();
        }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-verdict'] });
      });
    });
    await page.getByLabel('Matrix server name').fill(row.serverName);
    const trace = traced ? await tracePage(page, traced) : null;
    const cpuBefore = traced ? null : cpuSnapshot();
    await page.keyboard.press('Enter');
    // The page's own observer says when: a Playwright locator would poll the page on every
    // frame (matching, visibility, layout boxes), on the main thread that the check needs.
    // (Until 2026-12-04 the bench waited with a locator: 3–40 ms of that work per run.)
    await page.evaluate(
      (timeoutMs) =>
        Promise.race([
          (window as unknown as MarkedWindow).benchVerdict,
          new Promise((_, reject) => setTimeout(() => reject(new Error(`no verdict within ${timeoutMs / 1000} s`)), timeoutMs)),
        ]),
      VERDICT_TIMEOUT_MS,
    );
    const cpu = cpuBefore && cpuSince(cpuBefore);
    const breakdown = await trace?.stop();
    const step = await page.locator('.fc-summary[data-verdict]').getAttribute('data-resolution-step');
    if (step !== row.expect.step) throw new Error(`${row.id}: the page (proxy ${proxyState}) decided by ${step}, the rig expects ${row.expect.step}`);
    const marks = await page.evaluate(() => (window as unknown as MarkedWindow).benchMarks);
    if (marks.submitted === undefined || marks.verdict === undefined) throw new Error(`${row.id}: the page did not record its submit and verdict times`);
    return { wallMs: marks.verdict - marks.submitted, ...(breakdown ? { breakdown } : {}), ...(cpu ? { cpu } : {}) };
  } finally {
    await context.close();
  }
}

/** A fresh context on the home page as a user finds it before typing: loaded, the proxy's state shown, the engine in. */
async function openChecker(browser: Browser, rig: RigState, base: string, proxyState: 'none' | 'found'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    // One resolver: fanning out to several would time the slowest of equals.
    const url = new URL(base);
    url.searchParams.set('resolver', rig.doh.wire);
    url.searchParams.set('private', '1');
    await page.goto(url.href);
    await page.locator(`.fc-proxy[data-proxy="${proxyState}"]`).waitFor({ state: 'attached' });
    // A user types once the page has loaded: the check starts with the engine in, which the
    // island loads when the page is idle and which reads the site's feature table as it loads.
    // (Until 2026-12-04 the bench typed at once, and the engine's load fell into some runs.)
    await page.waitForFunction(() => performance.getEntriesByName(new URL('/unstable-features.json', location.href).href).length > 0);
    return { context, page };
  } catch (error) {
    await context.close();
    throw error;
  }
}

/**
 * One request of a floor, ended as the check ends it: a DoH question or a delegating
 * .well-known by its body, a .well-known 404 or a key fetch by its headers, an SRV target by
 * its failed handshake (the certificate names the server name). `after`: the requests whose
 * answers it waits for.
 */
interface FloorRequest {
  url: string;
  kind: 'doh' | 'delegation' | 'not-found' | 'keys' | 'wrong-name';
  after: number[];
}

/** A row's critical path as requests (see "The floor" above), from the rig's own records. */
function floorChain(row: ResolvedScenario, dohUrl: string): FloorRequest[] {
  const parsed = parseServerName(row.serverName);
  if (!parsed.ok) throw new Error(parsed.error);
  const { host, port } = parsed.name;
  const doh = (name: string, type: 'A' | 'SRV') => {
    const url = new URL(dohUrl);
    url.searchParams.set('dns', base64url(encodeQuery(name, type)));
    return url.href;
  };
  const keys = (name: string, onPort: number) => `https://${connectionKey(name, onPort)}/_matrix/key/v2/server`;
  if (port !== undefined) return [{ url: doh(host, 'A'), kind: 'doh', after: [] }, { url: keys(host, port), kind: 'keys', after: [0] }];
  const wellKnown = `https://${host}/.well-known/matrix/server`;
  const delegated = row.expect.delegatedServerName;
  const srvName = `_matrix-fed._tcp.${delegated ?? host}`;
  const srv = row.dns.find((record) => record.type === 'SRV' && record.name === srvName);
  if (!srv) {
    if (delegated) throw new Error(`${row.id}: no floor for a delegation without SRV`);
    return [
      { url: wellKnown, kind: 'not-found', after: [] },
      { url: doh(host, 'A'), kind: 'doh', after: [] },
      { url: keys(host, DEFAULT_FEDERATION_PORT), kind: 'keys', after: [0, 1] },
    ];
  }
  const [, , targetPort, dotted] = srv.value.split(' ');
  const target = dotted.replace(/\.$/, '');
  const targetKeys = keys(target, Number(targetPort));
  return delegated
    ? [
        { url: wellKnown, kind: 'delegation', after: [] },
        // The server name's own question opens the DoH connection meanwhile, as in the check.
        { url: doh(host, 'A'), kind: 'doh', after: [] },
        { url: doh(srvName, 'SRV'), kind: 'doh', after: [0, 1] },
        { url: doh(target, 'A'), kind: 'doh', after: [2] },
        { url: targetKeys, kind: 'wrong-name', after: [3] },
      ]
    : [
        { url: wellKnown, kind: 'not-found', after: [] },
        { url: doh(srvName, 'SRV'), kind: 'doh', after: [] },
        { url: doh(target, 'A'), kind: 'doh', after: [1] },
        { url: targetKeys, kind: 'wrong-name', after: [0, 2] },
      ];
}

/** A row's floor, asked from the home page (the island's origin) in the state a check starts from. */
async function timeFloor(browser: Browser, rig: RigState, base: string, row: ResolvedScenario): Promise<Timed> {
  const chain = floorChain(row, rig.doh.wire);
  const { context, page } = await openChecker(browser, rig, base, 'none');
  try {
    const cpuBefore = cpuSnapshot();
    const wallMs = await page.evaluate(async (requests) => {
      const started = performance.now();
      const ask = async ({ url, kind }: (typeof requests)[number]) => {
        const headers: HeadersInit = kind === 'doh' ? { accept: 'application/dns-message' } : {};
        const response = await fetch(url, { credentials: 'omit', cache: 'no-store', headers }).catch((error: Error) => {
          if (kind === 'wrong-name') return null;
          throw new Error(`${url}: ${error.message}`);
        });
        if (response === null) return;
        const expected = kind === 'not-found' ? 404 : kind === 'wrong-name' ? 'a failed handshake' : 200;
        if (response.status !== expected) throw new Error(`${url}: HTTP ${response.status}, expected ${expected}`);
        if (kind === 'doh' || kind === 'delegation') await response.arrayBuffer();
        else void response.body?.cancel();
      };
      const answered: Promise<void>[] = [];
      for (const [index, request] of requests.entries()) answered[index] = Promise.all(request.after.map((before) => answered[before])).then(() => ask(request));
      await Promise.all(answered);
      return performance.now() - started;
    }, chain);
    return { wallMs, cpu: cpuSince(cpuBefore) };
  } finally {
    await context.close();
  }
}

/** The site as a static host serves it: the files, no API, so the island finds no proxy. */
async function serveStatically(siteDir: string): Promise<{ url: string; stop(): Promise<void> }> {
  const server = serve({ fetch: new Hono().use('*', siteFiles(siteDir)).fetch, hostname: '127.0.0.1', port: 0 }) as Server;
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    stop: () => {
      const closed = once(server, 'close');
      server.close();
      server.closeAllConnections();
      return closed.then(() => {});
    },
  };
}
