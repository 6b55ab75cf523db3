// The checking engine of the page, loaded after the page (the core is most of the island's
// weight): the core with DoH and fetch, and, when a proxy was found, the proxy's report,
// which the island has already requested, merged in for what a page cannot see.
import { areaStatuses, CLIENT_AREAS, runCheck, verdictOf } from '../../checker/check.ts';
import type { ProgressEvent } from '../../checker/trace.ts';
export { connectionKey } from '../../checker/evidence.ts';
import { checkHead, PINNED_HEADS } from '../../checker/registry.ts';
import { dnsResolversAgree } from '../../checker/checks/dns.ts';
import { reportToMarkdown } from '../../checker/markdown.ts';
import type { Finding, Report, TraceStep } from '../../checker/report.ts';
import { knownFeatureTable, type KnownFeature } from '../../checker/evidence.ts';
import { dohClient, fanoutDns } from './doh.ts';
import type { DohResolver } from './resolvers.ts';
import { browserHttp } from './http.ts';
import type { ProxyRun } from './proxy.ts';

export interface BrowserCheckOptions {
  resolvers: DohResolver[];
  /** The proxy's part, started by the caller (runProxy), when a proxy was found. */
  proxyRun: Promise<ProxyRun> | null;
  /** LANs and test rigs: private addresses are expected there. */
  allowPrivateAddresses: boolean;
  signal: AbortSignal;
  onProgress: (event: ProgressEvent) => void;
}

export interface BrowserCheckOutcome {
  report: Report;
  /** Why the proxy's part is missing although a proxy was found. */
  proxyError?: string;
  /**
   * The server .well-known this page could not read (no CORS headers, which homeservers do
   * not need), and whose discovery the report shows instead: the proxy's, or the page's own,
   * which went on as if there were no delegation.
   */
  unreadableWellKnown?: { url: string; discoveryBy: 'proxy' | 'page' };
}

export type BrowserCheck = (serverName: string, options: BrowserCheckOptions) => Promise<BrowserCheckOutcome>;

/** What only the proxy can test: raw connections, TLS details, the federation API, keys, and
 * outgoing federation (the target fetching the proxy's own keys); and the checks that ask each
 * of the server name's addresses, which a page cannot choose. */
const PROXY_AREAS = new Set(['connection', 'tls', 'federation', 'keys', 'outgoing']);
const PROXY_CHECKS = new Set(PINNED_HEADS.map((head) => head.id));

/**
 * The names of unstable feature flags, a data file of the site, read as the engine loads so
 * that a check neither waits for it nor parses it meanwhile. None when it cannot be read;
 * the next check asks again then.
 */
let knownFeatures: Promise<readonly KnownFeature[]> | undefined;
const readKnownFeatures = () =>
  (knownFeatures ??= fetch('/unstable-features.json')
    .then((response) => (response.ok ? response.json() : Promise.reject()))
    .then(knownFeatureTable)
    .catch(() => ((knownFeatures = undefined), [])));
void readKnownFeatures();

export const checkFromBrowser: BrowserCheck = async (serverName, options) => {
  const report = await runCheck(serverName, {
    knownFeatures: readKnownFeatures(),
    dns: fanoutDns(options.resolvers.map((resolver) => dohClient(resolver))),
    http: browserHttp(),
    clock: { now: () => Date.now() },
    source: 'browser',
    signal: options.signal,
    onProgress: options.onProgress,
    allowPrivateAddresses: options.allowPrivateAddresses,
    connectionsTestedElsewhere: options.proxyRun?.then((run) => run.proxied !== null),
  });
  const unreadable = unreadableServerWellKnown(report);
  const blindSpot = (discoveryBy: 'proxy' | 'page') => (unreadable ? { unreadableWellKnown: { url: unreadable, discoveryBy } } : {});
  if (!options.proxyRun) return { report, ...blindSpot('page') };
  const { step, proxied, error } = await options.proxyRun;
  if (!proxied) return { report: { ...report, steps: [...report.steps, step] }, proxyError: error, ...blindSpot('page') };
  return { report: mergeReports(report, proxied, step), ...blindSpot('proxy') };
};

/** Markdown for a support room; docs links point at the site this page was loaded from. */
export function renderMarkdown(report: Report): string {
  return reportToMarkdown(report, { docsBase: location.origin });
}

/** The server .well-known URL when the page's read of it was blocked by missing CORS headers. */
export function unreadableServerWellKnown(report: Report): string | undefined {
  const requests = report.steps.flatMap((step) => step.requests);
  return requests.find((request) => request.url.endsWith('/.well-known/matrix/server') && request.error?.startsWith('cors:'))?.url;
}

/** The registry's area of a check; a newer proxy's unknown ids go by their first word. */
export function areaOf(id: string): string {
  return checkHead(id)?.area ?? id.split('.')[0];
}

/**
 * The browser's report with the proxy's connection, TLS, federation and key findings, and
 * those over each address of the server name, in place of its own (not tested, or the weaker
 * reachability by fetch, which would otherwise count as extra working connections in the
 * verdict), plus a finding when the two DNS views found different targets. The browser's own discovery (DoH, .well-known reads) stays,
 * unless CORS hid the server .well-known from it: then discovery is the proxy's too.
 */
export function mergeReports(browser: Report, proxy: Report, proxyStep: TraceStep): Report {
  const blind = unreadableServerWellKnown(browser) !== undefined;
  // The page sees the client areas best (web clients need CORS). One it has no finding in
  // (sign-in when the client file was unreadable), or only one it could not decide (a client
  // file the browser could not reach), is the proxy's.
  const undecided = (finding: Finding) => (finding.data as { unreachableFromBrowser?: boolean } | undefined)?.unreachableFromBrowser === true;
  const seenByPage = new Set(browser.checks.filter((finding) => !undecided(finding)).map((finding) => areaOf(finding.id)));
  const fromProxy = (finding: Finding) => {
    const area = areaOf(finding.id);
    return CLIENT_AREAS.has(area) ? !seenByPage.has(area) : blind || PROXY_AREAS.has(area) || PROXY_CHECKS.has(finding.id);
  };
  const checks = [
    ...browser.checks.filter((finding) => !fromProxy(finding)),
    ...proxy.checks.filter(fromProxy),
    ...(blind ? [] : dnsViewDifference(browser, proxy)),
  ];
  return {
    ...browser,
    verdict: verdictOf(checks),
    areas: areaStatuses(checks),
    resolution: blind ? proxy.resolution : browser.resolution,
    steps: [...browser.steps, proxyStep],
    checks,
    connections: proxy.connections,
  };
}

function describeTargets(report: Report): string {
  const resolution = report.resolution;
  if (!resolution) return 'no resolution';
  const targets = resolution.targets.map(
    (target) => `${target.host}:${target.port} → ${[...target.addresses].sort().join(', ') || 'no address'}`,
  );
  return `${resolution.step}, ${targets.join('; ') || 'no target'}`;
}

/** The proxy's resolver is one more view of DNS: a difference is the resolvers-agree finding. */
function dnsViewDifference(browser: Report, proxy: Report): Finding[] {
  const seenByBrowser = describeTargets(browser);
  const seenByProxy = describeTargets(proxy);
  if (seenByBrowser === seenByProxy) return [];
  const meta = dnsResolversAgree.meta;
  return [
    {
      id: meta.id,
      status: 'warn',
      title: meta.title,
      detail: `This browser's DNS-over-HTTPS view and the proxy's DNS view lead to different targets. Browser: ${seenByBrowser}. Proxy: ${seenByProxy}. The proxy tested its own targets.`,
      docs: meta.docs,
      fix: meta.fix,
      data: { browser: seenByBrowser, proxy: seenByProxy },
    },
  ];
}
