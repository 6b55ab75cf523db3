// "Resolving server names" (server-server API), steps 1-6, as one module: given a parsed
// server name it finds the addresses, ports, Host header, SNI and certificate name that a
// spec-following homeserver would use, and records every lookup in the trace.
//
// Latency is the longest chain of dependent round trips: the .well-known fetch and steps
// 4-6 for the server name start together, so the addresses of its SRV targets are asked
// while the .well-known is still on its way; the legacy SRV goes out with _matrix-fed's, A
// and AAAA always go in parallel, and all SRV targets resolve at once.
import type { Clock, DnsClient, DnsResult, HttpClient, HttpResult, SrvData } from './interfaces.ts';
import type { CheckStatus, Resolution, ResolutionStep, ResolutionTarget } from './report.ts';
import { DEFAULT_FEDERATION_PORT, dnsQueryName, isIpLiteral, type ServerName } from './server-name.ts';
import { fetchHttp, queryDns, type Trace } from './trace.ts';
import { interpretServerWellKnown, WELL_KNOWN_MAX_BYTES, type ServerWellKnown } from './well-known.ts';

export const MAX_REDIRECTS = 10;

export interface NetworkContext {
  dns: DnsClient;
  http: HttpClient;
  clock: Clock;
  trace: Trace;
  signal: AbortSignal;
  requestTimeoutMs: number;
}

/** The A and AAAA answers for one host. CNAMEs show up in the answers (the chain). */
export interface HostLookup {
  host: string;
  a: DnsResult;
  aaaa: DnsResult;
  addresses: string[];
  /** Aliases met on the way (CNAME targets), in order. */
  aliases: string[];
}

export interface SrvLookup {
  /** The SRV owner name, e.g. `_matrix-fed._tcp.example.org`. */
  name: string;
  result: DnsResult;
  /** The SRV records in RFC 2782 order (see `orderSrvRecords`). */
  records: SrvData[];
}

export interface WellKnownFetch {
  url: string;
  response: HttpResult;
  interpretation: ServerWellKnown;
}

export interface ServerWellKnownEvidence extends WellKnownFetch {
  /** The same request sent to each address of the host, when the HTTP client can pin addresses. */
  perAddress: (WellKnownFetch & { address: string })[];
}

export interface Discovery {
  name: ServerName;
  resolution: Resolution;
  /** Step 3; absent for IP literals and explicit ports, which skip it. */
  wellKnown?: ServerWellKnownEvidence;
  /** The SRV lookups of the step that was taken; `legacy` only when `_matrix-fed` had no records. */
  srv?: { fed: SrvLookup; legacy?: SrvLookup };
  /** True when the SRV answer is the single target "." (RFC 2782: service decidedly not available). */
  federationDisabled: boolean;
  /** Address lookups behind `resolution.targets`, one per distinct host. */
  hosts: HostLookup[];
}

/** Each distinct DNS question is asked once per discovery; later steps reuse early answers. */
interface DiscoveryContext extends NetworkContext {
  lookups: Map<string, Promise<unknown>>;
}

function once<T>(ctx: DiscoveryContext, question: string, ask: () => Promise<T>): Promise<T> {
  let answer = ctx.lookups.get(question) as Promise<T> | undefined;
  if (answer === undefined) {
    answer = ask();
    ctx.lookups.set(question, answer);
  }
  return answer;
}

export async function discover(name: ServerName, network: NetworkContext): Promise<Discovery> {
  // Step 1: IP literal. No .well-known, no SRV; no SNI for an IP certificate.
  if (isIpLiteral(name)) {
    const target = { host: name.host, port: name.port ?? DEFAULT_FEDERATION_PORT, addresses: [name.host] };
    return {
      name,
      federationDisabled: false,
      hosts: [],
      resolution: { step: 'ip-literal', hostHeader: name.input, tlsName: name.host, targets: [target] },
    };
  }
  const ctx: DiscoveryContext = { ...network, lookups: new Map() };
  // Step 2: explicit port. No .well-known, no SRV; Host keeps the port.
  if (name.port !== undefined) {
    const lookup = await resolveHost(name.host, ctx);
    return {
      name,
      federationDisabled: false,
      hosts: [lookup],
      resolution: { step: 'explicit-port', ...names(name.host, name.input), targets: [hostTarget(lookup, name.port)] },
    };
  }

  // Step 3, with steps 4-6 run at the same time in case it fails: each of their lookups
  // starts as soon as the answer it depends on is in. Their outcome is used only when the
  // .well-known does not delegate. The SRV certificate and Host stay the server name, never
  // the SRV target.
  // The .well-known leaves first: every delegated row's chain starts with it, while the
  // lookups beside it have a round trip to spare unless no SRV is found.
  const wellKnown = fetchServerWellKnown(name.host, ctx);
  const early = '(started early in case step 3 fails)';
  const viaSrv = resolveViaSrv(name.host, names(name.host, name.host), ctx, { srv: 'srv', legacy: 'srv-legacy', fallback: 'default' }, early);
  const hostLookup = resolveHost(name.host, ctx, early);
  // Part C 7: different addresses may serve different answers (split brain). Only an
  // HTTP client that can pin the address can tell.
  const perAddress = hostLookup.then(({ addresses }) =>
    ctx.http.canPinAddress && addresses.length > 1
      ? Promise.all(addresses.map(async (address) => ({ address, ...(await fetchServerWellKnown(name.host, ctx, address)) })))
      : [],
  );
  const mainFetch = await wellKnown;
  const delegation = mainFetch.interpretation;

  const result = delegation.valid ? await followDelegation(delegation.delegated, delegation.mServer, ctx) : await viaSrv;
  // Early lookups the resolution did not need finish alongside it; wait so the trace is complete.
  await Promise.all([viaSrv, ...ctx.lookups.values()]);
  return { name, wellKnown: { ...mainFetch, perAddress: await perAddress }, ...result };
}

/** Steps 3.1-3.5: exactly one level of delegation; the delegated name's .well-known is never fetched. */
async function followDelegation(delegated: ServerName, delegatedServerName: string, ctx: DiscoveryContext) {
  if (isIpLiteral(delegated)) {
    const target = { host: delegated.host, port: delegated.port ?? DEFAULT_FEDERATION_PORT, addresses: [delegated.host] };
    return {
      federationDisabled: false,
      hosts: [],
      resolution: { step: 'well-known-ip' as const, delegatedServerName, hostHeader: delegatedServerName, tlsName: delegated.host, targets: [target] },
    };
  }
  if (delegated.port !== undefined) {
    const lookup = await resolveHost(delegated.host, ctx);
    return {
      federationDisabled: false,
      hosts: [lookup],
      resolution: {
        step: 'well-known-port' as const,
        delegatedServerName,
        ...names(delegated.host, delegatedServerName),
        targets: [hostTarget(lookup, delegated.port)],
      },
    };
  }
  const discovery = await resolveViaSrv(delegated.host, names(delegated.host, delegated.host), ctx, {
    srv: 'well-known-srv',
    legacy: 'well-known-srv-legacy',
    fallback: 'well-known-default',
  });
  return { ...discovery, resolution: { ...discovery.resolution, delegatedServerName } };
}

function names(host: string, hostHeader: string) {
  return { hostHeader, tlsName: host, sni: host };
}

/**
 * Steps 3.3-3.5 and 4-6. `_matrix._tcp` is used only when `_matrix-fed._tcp` has no
 * records (NXDOMAIN or NODATA); a resolver failure is not "no records". On such a failure
 * Synapse gives up while Go servers fall back to port 8448; we follow the fallback so the
 * connections can still be tested, and the dns.srv check reports the failure. Both are
 * asked at once: waiting for the first answer before asking the second would put one more
 * round trip on the most common path, a server name without SRV records.
 */
async function resolveViaSrv(
  host: string,
  tlsNames: { hostHeader: string; tlsName: string; sni: string },
  ctx: DiscoveryContext,
  steps: { srv: ResolutionStep; legacy: ResolutionStep; fallback: ResolutionStep },
  note = '',
): Promise<Omit<Discovery, 'wellKnown' | 'name'>> {
  const query = dnsQueryName(host);
  const fedLookup = lookupSrv(`_matrix-fed._tcp.${query}`, ctx, note);
  const legacyNeeded = fedLookup.then((lookup) => lookup.records.length === 0 && isNoRecords(lookup.result));
  const legacyLookup = lookupSrv(`_matrix._tcp.${query}`, ctx, note, legacyNeeded);
  const fed = await fedLookup;
  const legacy = (await legacyNeeded) ? await legacyLookup : undefined;
  const chosen = fed.records.length > 0 ? fed : legacy?.records.length ? legacy : undefined;
  const srv = { fed, legacy };

  if (chosen === undefined) {
    const lookup = await resolveHost(host, ctx, note);
    return {
      srv,
      federationDisabled: false,
      hosts: [lookup],
      resolution: { step: steps.fallback, ...tlsNames, targets: [hostTarget(lookup, DEFAULT_FEDERATION_PORT)] },
    };
  }
  const step = chosen === fed ? steps.srv : steps.legacy;
  const usable = chosen.records.filter((record) => record.target !== '.');
  const federationDisabled = usable.length === 0;
  const distinctHosts = [...new Set(usable.map((record) => record.target))];
  const hosts = await Promise.all(distinctHosts.map((target) => resolveHost(target, ctx, note)));
  const targets: ResolutionTarget[] = usable.map((record) => {
    const lookup = hosts[distinctHosts.indexOf(record.target)];
    return {
      ...hostTarget(lookup, record.port),
      srv: { name: chosen.name, priority: record.priority, weight: record.weight },
    };
  });
  return { srv, federationDisabled, hosts, resolution: { step, ...tlsNames, targets } };
}

function hostTarget(lookup: HostLookup, port: number): ResolutionTarget {
  return { host: lookup.host, port, addresses: lookup.addresses };
}

export function isNoRecords(result: DnsResult): boolean {
  return result.rcode === 'NXDOMAIN' || result.rcode === 'NOERROR';
}

function dnsStepStatus(result: DnsResult, found: boolean): CheckStatus {
  if (found) return 'pass';
  return isNoRecords(result) ? 'info' : 'fail';
}

/**
 * One SRV question as a trace step. `needed`, for a lookup asked before it is known to be
 * needed: the step is graded once that is known, and one that was not needed is only 'info'.
 */
function lookupSrv(name: string, ctx: DiscoveryContext, note = '', needed: boolean | Promise<boolean> = true): Promise<SrvLookup> {
  let used = true;
  const ask = () =>
    ctx.trace.step(
      `srv:${name}`,
      `SRV ${name} ${note}`.trim(),
      async (requests) => {
        const result = await queryDns(ctx.dns, name, 'SRV', requests, ctx.signal);
        used = await needed;
        return { name, result, records: orderSrvRecords(result.rcode === 'NOERROR' ? srvRecords(result) : []) };
      },
      (lookup) => (used ? dnsStepStatus(lookup.result, lookup.records.length > 0) : 'info'),
    );
  return once(ctx, `SRV ${name}`, ask);
}

function srvRecords(result: DnsResult): SrvData[] {
  return result.answers.flatMap((answer) =>
    answer.type === 'SRV' && typeof answer.data === 'object' ? [answer.data] : [],
  );
}

/**
 * RFC 2782 order: lowest priority first. Within a priority RFC 2782 picks by weighted
 * random choice; a report must be reproducible, so we list the heaviest first instead
 * (the most likely pick). Ties keep the order the resolver gave.
 */
function orderSrvRecords(records: SrvData[]): SrvData[] {
  return [...records].sort((a, b) => a.priority - b.priority || b.weight - a.weight);
}

function resolveHost(host: string, ctx: DiscoveryContext, note = ''): Promise<HostLookup> {
  const query = dnsQueryName(host);
  const ask = () =>
    ctx.trace.step(
      `resolve:${query}`,
      `A/AAAA ${query} ${note}`.trim(),
      async (requests) => {
        const [a, aaaa] = await Promise.all([
          queryDns(ctx.dns, query, 'A', requests, ctx.signal),
          queryDns(ctx.dns, query, 'AAAA', requests, ctx.signal),
        ]);
        const answers = [...a.answers, ...aaaa.answers];
        const addresses = answers.flatMap((answer) =>
          (answer.type === 'A' || answer.type === 'AAAA') && typeof answer.data === 'string' ? [answer.data] : [],
        );
        const aliases = answers.flatMap((answer) =>
          answer.type === 'CNAME' && typeof answer.data === 'string' ? [answer.data] : [],
        );
        return { host: query, a, aaaa, addresses: [...new Set(addresses)], aliases: [...new Set(aliases)] };
      },
      (lookup) => {
        if (lookup.addresses.length > 0) return 'pass';
        return isNoRecords(lookup.a) && isNoRecords(lookup.aaaa) ? 'warn' : 'fail';
      },
    );
  return once(ctx, `A/AAAA ${query}`, ask);
}

/** GET the server .well-known, from any address or (`address`) from that one. */
function fetchServerWellKnown(host: string, ctx: NetworkContext, address?: string): Promise<WellKnownFetch> {
  const url = `https://${host}/.well-known/matrix/server`;
  return ctx.trace.step(
    address ? `well-known@${address}` : 'well-known',
    `GET ${url}${address ? ` via ${address}` : ''}`,
    async (requests) => {
      const response = await fetchHttp(
        ctx.http,
        url,
        {
          timeoutMs: ctx.requestTimeoutMs,
          maxBytes: WELL_KNOWN_MAX_BYTES,
          maxRedirects: MAX_REDIRECTS,
          // Only a 200 delegates (spec step 3); nothing reads another answer's body.
          bodyWanted: (status) => status === 200,
          signal: ctx.signal,
          ...(address ? { address } : {}),
        },
        requests,
      );
      return { url, response, interpretation: interpretServerWellKnown(response) };
    },
    (fetched) => wellKnownStepStatus(fetched),
  );
}

function wellKnownStepStatus(fetched: WellKnownFetch): CheckStatus {
  if (fetched.interpretation.valid) return 'pass';
  return fetched.response.ok && fetched.response.status === 404 ? 'info' : 'warn';
}
