// Words the island shows, in English; a page in another language passes its own texts
// (CheckerTexts, built at build time by checker-texts.ts), so that the English bundle
// carries no other language. Components read them from TextsContext.
import { createContext, useContext } from 'solid-js';
import type { CheckStatus, ResolutionStep, Verdict } from '../checker/report.ts';

export interface CheckerTexts {
  /** The page's language: dates, and the island's lang attribute. */
  lang: string;
  /** Where this language's pages live ('' for English, '/de' for German): docs links get it. */
  pathPrefix: string;
  verdict: Record<Verdict, string>;
  status: Record<CheckStatus, string>;
  step: Record<ResolutionStep, string>;
  /** Areas in the order a connection is made; names as the docs use them. */
  area: Record<string, string>;
  /** The island's sentences; `{name}` marks where a value goes (see fill). */
  ui: Record<UiKey, string>;
  /** Checks' titles and fixes in this language, by id; without it the report's own (English). */
  checks?: Record<string, { title: string; fix: string }>;
}

export type UiKey = keyof typeof ENGLISH.ui;

export const ENGLISH = {
  lang: 'en',
  pathPrefix: '',
  verdict: {
    pass: 'Federation works',
    warn: 'Federation works, with problems',
    fail: 'Federation fails',
  },
  status: {
    fail: 'Error',
    warn: 'Warning',
    info: 'Note',
    pass: 'OK',
    skip: 'Not tested',
  },
  step: {
    'ip-literal': 'Step 1: the server name is an IP address',
    'explicit-port': 'Step 2: the server name has an explicit port',
    'well-known-ip': 'Step 3.1: .well-known delegates to an IP address',
    'well-known-port': 'Step 3.2: .well-known delegates to a host with a port',
    'well-known-srv': 'Step 3.3: .well-known delegation, then a _matrix-fed._tcp SRV record',
    'well-known-srv-legacy': 'Step 3.4: .well-known delegation, then a deprecated _matrix._tcp SRV record',
    'well-known-default': 'Step 3.5: .well-known delegates to a host, port 8448',
    srv: 'Step 4: a _matrix-fed._tcp SRV record',
    'srv-legacy': 'Step 5: a deprecated _matrix._tcp SRV record',
    default: 'Step 6: the server name itself, port 8448',
  },
  area: {
    name: 'Server name',
    'well-known': '.well-known delegation',
    dns: 'DNS',
    connection: 'Connection',
    tls: 'TLS certificate',
    federation: 'Federation API',
    keys: 'Signing keys',
    client: 'Client discovery',
    support: 'Support contact',
  },
  ui: {
    formLabel: 'Check a server',
    fieldLabel: 'Matrix server name',
    fieldHelp: 'The part after the “:” in a Matrix ID, e.g. example.org for @alice:example.org',
    check: 'Check',
    checking: 'Checking…',
    progress: 'Progress',
    running: 'Running',
    runningSummary: 'Checking {server}… {done} of {total} steps done',
    foundThrough: 'Found through {step}.',
    notTestedHere: 'Not tested from this page',
    allPassed: 'Every check passed.',
    couldNotCheck: 'Could not check {server}: {message}',
    findings: 'Findings',
    fix: 'Fix:',
    about: 'About “{title}”',
    proxyDetecting: 'Looking for a fedcheck proxy…',
    proxyFound: 'Proxy: {url} {version} tests connections, certificates and signing keys; this page checks DNS and .well-known itself.',
    proxyUnreachable:
      'The proxy at {url} does not answer ({error}). Checks run from this page only: connections, certificates and keys will not be tested.',
    proxyNone:
      'No proxy: this page checks DNS and .well-known itself. To test connections, certificates and signing keys too, run {command} and open the checker it serves, or give a proxy URL in the settings.',
    proxyFailed: 'The proxy could not run its part ({error}); connections, certificates and keys were not tested.',
    wellKnownUnreadable: 'This page could not read {url}: it has no CORS headers, which homeservers do not need.',
    discoveryByProxy: 'Discovery, DNS and connections below are what the proxy saw.',
    discoveryByPage:
      'Discovery below went on as if there were no delegation, which may be wrong. The proxy (npm start, or a proxy URL in the settings) reads it the way homeservers do.',
    notTestedCount: 'Not tested from this page: {count} checks',
    notTestedWhat:
      'of connections, TLS certificates, the federation API and signing keys. A web page cannot open TLS connections itself or read other servers’ answers, so it does not claim them.',
    notTestedHow: 'To test them, run the fedcheck proxy ({command}) and use the checker it serves, or give a proxy URL in the settings below.',
    traceTitle: 'How homeservers find {server}',
    traceNoTarget: 'Discovery did not get far enough to name a target.',
    decidedBy: 'Decided by',
    delegatedTo: 'Delegated to',
    hostHeader: 'Host header',
    certificateFor: 'Certificate must be valid for',
    sni: 'SNI',
    sniNone: 'none (IP address)',
    targetsTable: 'Targets table',
    target: 'Target',
    addresses: 'Addresses',
    fromSrv: 'From SRV',
    none: 'none',
    no: 'no',
    srvDetail: '{name} (priority {priority}, weight {weight})',
    steps: 'Steps',
    stepTiming: '{duration} ms, from {start} ms',
    answered: 'answered',
    connectionsTitle: 'Connections tested by the proxy',
    connectionsTable: 'Connections table',
    address: 'Address',
    certificate: 'Certificate',
    homeserver: 'Homeserver',
    refused: 'refused',
    yes: 'yes',
    failed: 'failed',
    certificateDetail: '{subject}, by {issuer}, until {notAfter}',
    copyMarkdown: 'Copy as Markdown',
    downloadJson: 'Download JSON',
    copy: 'Copy',
    copied: 'Copied',
    copyFailed: 'Copy failed: select the text instead',
    recentTitle: 'Recent checks',
    checkAgain: 'Check {server} again',
    settings: 'Settings',
    resolversLegend: 'DNS-over-HTTPS resolvers (every lookup goes to each)',
    remove: 'Remove',
    removeResolver: 'Remove {url}',
    resolverUrl: 'Resolver URL',
    format: 'Format',
    formatFromUrl: 'Format from the URL',
    addResolver: 'Add resolver',
    resolverDuplicate: 'That resolver is already in the list.',
    resetResolvers: 'Reset to Cloudflare and Google',
    proxyLegend: 'Proxy',
    proxyUrl: 'Proxy URL (empty: look for one at this site)',
    addressesLegend: 'Addresses',
    allowPrivate: 'Private addresses are expected (a LAN or a test rig)',
  },
} satisfies Omit<CheckerTexts, 'ui'> & { ui: Record<string, string> };

/** Most severe first: the order findings are listed in (not-tested ones go on one line). */
export const STATUS_ORDER: CheckStatus[] = ['fail', 'warn', 'info', 'pass'];

export const TextsContext = createContext<CheckerTexts>(ENGLISH);
export const useTexts = () => useContext(TextsContext);

/** A sentence split at its `{name}` places, each filled with its value (text or an element). */
export function fillParts<T>(template: string, values: Record<string, T>): (string | T)[] {
  return template.split(/\{(\w+)\}/).map((part, index) => (index % 2 === 1 && part in values ? values[part] : part));
}

/** A sentence with its `{name}` places filled in with text. */
export function fill(template: string, values: Record<string, string | number>): string {
  return fillParts(template, values).join('');
}

/** A finding's title and fix in the page's language: a fix written for this one finding stays as the report has it. */
export function findingText(texts: CheckerTexts, finding: { id: string; title: string; fix?: string }, defaultFix: string | undefined) {
  const translated = texts.checks?.[finding.id];
  if (!translated) return { title: finding.title, fix: finding.fix };
  return { title: translated.title, fix: finding.fix !== undefined && finding.fix === defaultFix ? translated.fix : finding.fix };
}

/** Our own docs links in the page's language. */
export function localDocs(texts: CheckerTexts, href: string): string {
  return href.startsWith('/docs/') ? `${texts.pathPrefix}${href}` : href;
}
