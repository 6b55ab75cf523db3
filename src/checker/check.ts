// The entry point shared by the island, the proxy and the CLI: a server name in, a
// fedcheck.report/1 out. Bad input gives a failing report, never an exception.
import { gatherAuth } from './auth-discovery.ts';
import { worstStatus } from './area-groups.ts';
import { gatherSupport, startClientDiscovery } from './client-discovery.ts';
import { reachFromBrowser } from './connections.ts';
import { gatherRtc } from './rtc-discovery.ts';
import { discover, type Discovery, type NetworkContext } from './discovery.ts';
import type { OutgoingTesting } from './outgoing.ts';
import { CHECK_AREAS, type KnownFeature, type CheckArea, type CheckHead, type CheckMeta, type Evidence, type Outcome, type ProbeEvidence, type ReportCheck } from './evidence.ts';
import type { Clock, DnsClient, HttpClient } from './interfaces.ts';
import { CHECK_HEADS, REPORT_CHECKS } from './registry.ts';
import { REPORT_SCHEMA, type CheckStatus, type ConnectionReport, type Finding, type Report, type Verdict } from './report.ts';
import { parseServerName } from './server-name.ts';
import { createTrace, type ProgressEvent } from './trace.ts';

export interface CheckDeps {
  dns: DnsClient;
  http: HttpClient;
  /** `connectionTesting(prober)` from probing.ts. Absent in the browser: then connection, TLS
   * and key checks are reported as not tested. */
  connections?: ConnectionTesting;
  clock: Clock;
  source: Report['source'];
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
  /** Budget for the whole check (default 30 s); each request gets at most 10 s of it. */
  timeoutMs?: number;
  /** Test rigs and LANs: private addresses are expected there, so they are not flagged. */
  allowPrivateAddresses?: boolean;
  /**
   * A page with a proxy: true once the proxy's report is in, whose connection findings take
   * the place of the page's reachability by fetch, so the page fetches no federation endpoint.
   */
  connectionsTestedElsewhere?: Promise<boolean>;
  /** The outgoing federation test (outgoing.ts), for front ends that can receive a fetch. */
  outgoing?: OutgoingTesting;
  /** Names for unstable feature flags (public/unstable-features.json); may still be loading. */
  knownFeatures?: readonly KnownFeature[] | Promise<readonly KnownFeature[]>;
  /** Receives everything the checks were run over, for views that need more than the
   * report (the federation-tester-compatible API). */
  onEvidence?: (evidence: Evidence) => void;
}

/** What a front end that can open connections adds (probing.ts). */
export interface ConnectionTesting {
  probeAll(discovery: Discovery, ctx: NetworkContext): Promise<ProbeEvidence[]>;
  /** The logic of the registry's PINNED_HEADS: checks over the whole evidence whose evidence
   * (the server name's addresses asked one by one) only such a front end collects. */
  reportChecks: readonly ReportCheck[];
  /** A CONNECTION_HEADS check's findings, one per connection it judges; null without its logic. */
  findings(head: CheckHead, probes: ProbeEvidence[], evidence: Evidence): Finding[] | null;
  summarize(probe: ProbeEvidence, findings: Finding[]): ConnectionReport;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
const REQUEST_TIMEOUT_MS = 10_000;

const NOT_TESTED =
  'Not tested from this page: a browser cannot open TLS connections itself or read federation responses. ' +
  'Run the fedcheck proxy (`npm start`) or give a proxy URL in the settings to test connections, certificates and keys.';

export async function runCheck(input: string, deps: CheckDeps): Promise<Report> {
  const startedAt = deps.clock.now();
  const trace = createTrace(deps.clock, deps.onProgress);
  const budgetMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new Error(`the check took longer than ${budgetMs} ms`)), budgetMs);
  const signal = deps.signal ? AbortSignal.any([deps.signal, deadline.signal]) : deadline.signal;
  const parse = parseServerName(input);
  const evidence: Evidence = {
    input,
    parse,
    nowMs: startedAt,
    allowPrivateAddresses: deps.allowPrivateAddresses === true,
    discovery: null,
    probes: deps.connections ? [] : null,
    browserReach: [],
    client: null,
    rtc: null,
    support: null,
    auth: null,
    outgoing: deps.outgoing ? { kind: 'not-run' } : null,
    knownFeatures: [],
  };
  try {
    if (parse.ok) {
      const ctx: NetworkContext = { ...deps, trace, signal, requestTimeoutMs: Math.min(REQUEST_TIMEOUT_MS, budgetMs) };
      const federation = async () => {
        evidence.discovery = await discover(parse.name, ctx);
        if (deps.connections) evidence.probes = await deps.connections.probeAll(evidence.discovery, ctx);
        // A proxy that failed only after the check's budget ran out leaves no time to fetch.
        else if (!(await deps.connectionsTestedElsewhere) && !signal.aborted) evidence.browserReach = await reachFromBrowser(evidence.discovery, ctx);
        if (deps.outgoing) evidence.outgoing = await deps.outgoing.run(input, evidence.discovery, evidence.probes ?? [], ctx);
      };
      const client = async () => {
        // Sign-in and calls are found at the client base URL that client discovery gave:
        // sign-in as soon as the file is read, calls once the versions are known.
        const { read, followed, complete } = startClientDiscovery(parse.name, ctx);
        await Promise.all([
          read.then((found) => gatherAuth(parse.name, found, ctx)).then((auth) => (evidence.auth = auth)),
          followed.then((found) => gatherRtc(found, ctx)).then((rtc) => (evidence.rtc = rtc)),
          complete.then((client) => (evidence.client = client)),
        ]);
      };
      const support = async () => {
        evidence.support = await gatherSupport(parse.name, ctx);
      };
      const features = async () => {
        evidence.knownFeatures = (await deps.knownFeatures) ?? [];
      };
      await Promise.all([federation(), client(), support(), features()]);
    }
  } finally {
    clearTimeout(timer);
    // The check is over: what still hangs on its signal ends (a proxy's idle connections).
    deadline.abort();
  }
  const checks = evaluate(evidence, deps.connections, deps.outgoing?.checks ?? []);
  deps.onEvidence?.(evidence);
  return {
    schema: REPORT_SCHEMA,
    serverName: input,
    checkedAt: new Date(startedAt).toISOString(),
    source: deps.source,
    durationMs: deps.clock.now() - startedAt,
    verdict: verdictOf(checks),
    areas: areaStatuses(checks),
    resolution: evidence.discovery?.resolution ?? null,
    steps: trace.steps,
    checks,
    connections: deps.connections ? (evidence.probes ?? []).map((probe) => deps.connections!.summarize(probe, checks)) : [],
  };
}

/** Runs every registered check over the evidence, in registry order. */
function evaluate(evidence: Evidence, connections: ConnectionTesting | undefined, outgoingChecks: readonly ReportCheck[]): Finding[] {
  const reportChecks = new Map([...REPORT_CHECKS, ...(connections?.reportChecks ?? []), ...outgoingChecks].map((check) => [check.meta.id, check]));
  return CHECK_HEADS.flatMap((head) => {
    const check = reportChecks.get(head.id);
    if (check) return check.run(evidence).map((outcome) => toFinding(check.meta, outcome));
    return head.area === 'outgoing' ? notTestedOutgoing(head, evidence) : connectionFindings(head, connections, evidence);
  });
}

/** The page says where to get the outgoing test; other front ends without it stay silent. */
function notTestedOutgoing(head: CheckHead, evidence: Evidence): Finding[] {
  if (evidence.probes !== null || !evidence.discovery || head.id !== 'outgoing.reached') return [];
  return [notTested(head, 'Not tested from this page: the fedcheck proxy or CLI tests it when run with a server name of its own.')];
}

/** Without probes (or without the check's logic, which comes with them) it is not tested. */
function connectionFindings(head: CheckHead, connections: ConnectionTesting | undefined, evidence: Evidence): Finding[] {
  const targets = evidence.discovery?.resolution.targets ?? [];
  if (!targets.some((target) => target.addresses.length > 0)) return [];
  return (evidence.probes && connections?.findings(head, evidence.probes, evidence)) ?? [notTested(head, NOT_TESTED)];
}

/** A check this front end cannot run, by its head: a skip needs no fix. */
function notTested(head: CheckHead, detail: string): Finding {
  return { id: head.id, status: 'skip', title: head.title, detail, docs: head.docs };
}

export function toFinding(meta: CheckMeta, outcome: Outcome): Finding {
  const needsFix = outcome.status === 'fail' || outcome.status === 'warn';
  return {
    id: meta.id,
    status: outcome.status,
    title: meta.title,
    detail: outcome.detail,
    docs: meta.docs,
    ...(needsFix ? { fix: outcome.fix ?? meta.fix } : {}),
    ...(outcome.data !== undefined ? { data: outcome.data } : {}),
  };
}

/** The connection a finding is about (`data.connection`), if any. */
export function findingConnection(finding: Finding): string | undefined {
  const data = finding.data as { connection?: unknown } | undefined;
  return typeof data?.connection === 'string' ? data.connection : undefined;
}

/** Areas about clients, not federation: client discovery, sign-in, calls, support. */
export const CLIENT_AREAS: ReadonlySet<string> = new Set(['client', 'auth', 'rtc', 'support']);

/**
 * Their failures cap the verdict at warn: the client areas, and outgoing, because the verdict
 * answers "can others federate with this server" (as FederationOK and probe_success do), and
 * an outgoing test also depends on fedcheck's own name being reachable and on the target's key
 * fetching, which may back off after a failure.
 */
const ADVISORY_AREAS = new Set([...CLIENT_AREAS, 'outgoing']);

export function areaStatuses(findings: Finding[]): Report['areas'] {
  const areaOf = new Map(CHECK_HEADS.map((head) => [head.id, head.area]));
  const statuses = new Map<CheckArea, Set<CheckStatus>>();
  for (const finding of findings) {
    const area = areaOf.get(finding.id);
    if (area === undefined) continue;
    if (!statuses.has(area)) statuses.set(area, new Set());
    statuses.get(area)!.add(finding.status);
  }
  return Object.fromEntries(
    CHECK_AREAS.filter((area) => statuses.has(area)).map((area) => [area, worstStatus(statuses.get(area)!)!]),
  );
}

/**
 * The report with a strict client verdict: failures in the client areas fail it too (asked
 * for with `fedcheck --strict` or `?strict=1`). The checks are the same; only the verdict is
 * computed otherwise, so a shared run serves both.
 */
export function withStrictClientVerdict(report: Report): Report {
  return { ...report, verdict: verdictOf(report.checks, { strictClient: true }), strictClient: true };
}

/**
 * DESIGN.md: fail when federation cannot work (no connection passes, or discovery is
 * broken); warn when it works with problems (one of several addresses fails, deprecated
 * records, expiring certificates, client discovery problems); else pass.
 */
export function verdictOf(findings: Finding[], { strictClient = false }: { strictClient?: boolean } = {}): Verdict {
  const capped = (area: string) => ADVISORY_AREAS.has(area) && !(strictClient && CLIENT_AREAS.has(area));
  const areaOf = new Map(CHECK_HEADS.map((head) => [head.id, head.area]));
  const connections = new Map<string, boolean>();
  let verdict: Verdict = 'pass';
  const worsen = (to: Verdict) => {
    if (to === 'fail' || (to === 'warn' && verdict === 'pass')) verdict = to;
  };
  for (const finding of findings) {
    const connection = findingConnection(finding);
    if (connection !== undefined) connections.set(connection, (connections.get(connection) ?? true) && finding.status !== 'fail');
    if (finding.status === 'warn') worsen('warn');
    if (finding.status === 'fail' && connection === undefined) worsen(capped(areaOf.get(finding.id) ?? '') ? 'warn' : 'fail');
  }
  const working = [...connections.values()].filter(Boolean).length;
  if (connections.size > 0 && working === 0) worsen('fail');
  if (working < connections.size) worsen('warn');
  return verdict;
}
