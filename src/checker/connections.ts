// After discovery: connect to every address of every target, all at once. With a prober
// (proxy, CLI) that is TCP + TLS + the version and keys endpoints; in a browser it is the
// one fetch a page can make.
import type { Discovery, NetworkContext } from './discovery.ts';
import type { BrowserReach, ProbeEvidence } from './evidence.ts';
import { connectionKey } from './evidence.ts';
import type { HttpResult, ProbeRequest, ProbeResult, Prober } from './interfaces.ts';
import { analyzeServerKeys } from './keys.ts';
import type { CheckStatus, ResolutionTarget } from './report.ts';
import { errorMessage, fetchHttp } from './trace.ts';

/** Enough for any version response; the body is not the point. */
const VERSION_MAX_BYTES = 64 * 1024;

export async function probeAll(discovery: Discovery, ctx: NetworkContext, prober: Prober): Promise<ProbeEvidence[]> {
  const { resolution, name } = discovery;
  const jobs = resolution.targets.flatMap((target) =>
    target.addresses.map((address): { target: ResolutionTarget; request: ProbeRequest } => ({
      target,
      request: {
        address,
        port: target.port,
        ...(resolution.sni !== undefined ? { sni: resolution.sni } : {}),
        hostHeader: resolution.hostHeader,
        tlsName: resolution.tlsName,
        serverName: name.input,
        timeoutMs: ctx.requestTimeoutMs,
        signal: ctx.signal,
      },
    })),
  );
  const connections = uniqueBy(jobs, ({ request }) => connectionKey(request.address, request.port));
  return Promise.all(
    connections.map(({ target, request }) => {
      const key = connectionKey(request.address, request.port);
      const label = `Connect to ${key} (SNI ${request.sni ?? 'none'}, Host ${request.hostHeader})`;
      return ctx.trace.step(
        `probe:${key}`,
        label,
        async (requests) => {
          const result = await probeSafely(prober, request);
          requests.push({ method: 'PROBE', url: `https://${key}/`, ...(result.tcp.ok ? {} : { error: result.tcp.error?.message }) });
          const keysBody = result.keys?.status === 200 ? result.keys.body : undefined;
          const keys = keysBody === undefined ? null : await analyzeServerKeys(keysBody, request.serverName);
          return { target, request, result, keys };
        },
        ({ result }) => probeStatus(result),
      );
    }),
  );
}

async function probeSafely(prober: Prober, request: ProbeRequest): Promise<ProbeResult> {
  try {
    return await prober.probe(request);
  } catch (error) {
    return { address: request.address, port: request.port, tcp: { ok: false, elapsedMs: 0, error: { code: 'PROBE_ERROR', message: errorMessage(error) } } };
  }
}

function probeStatus(result: ProbeResult): CheckStatus {
  const tls = result.tls;
  const works = result.tcp.ok && tls?.ok && tls.trusted && tls.nameMatches && result.version?.status === 200;
  return works ? 'pass' : 'fail';
}

export async function reachFromBrowser(discovery: Discovery, ctx: NetworkContext): Promise<BrowserReach[]> {
  const targets = discovery.resolution.targets.filter((target) => target.addresses.length > 0);
  const reach = (target: ResolutionTarget) => {
    const key = connectionKey(target.host, target.port);
    const url = `https://${key}/_matrix/federation/v1/version`;
    return ctx.trace.step(
      `reach:${key}`,
      `GET ${url} from this browser`,
      async (requests) => {
        const options = { timeoutMs: ctx.requestTimeoutMs, maxBytes: VERSION_MAX_BYTES, maxRedirects: 0, signal: ctx.signal };
        return { target, url, response: await fetchHttp(ctx.http, url, options, requests) };
      },
      ({ response }) => (reachable(response) ? 'pass' : 'fail'),
    );
  };
  return Promise.all(uniqueBy(targets, (target) => connectionKey(target.host, target.port)).map(reach));
}

/** The first item for each key: two SRV targets may lead to the same address and port. */
function uniqueBy<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(key(item)) && seen.add(key(item)));
}

function reachable(response: HttpResult): boolean {
  return response.ok || (response.error.kind === 'cors' && response.error.reachable === true);
}
