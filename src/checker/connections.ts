// After discovery, in a browser: the one request a page can make to each target, all at
// once. With a prober (proxy, CLI), probing.ts connects instead.
import type { Discovery, NetworkContext } from './discovery.ts';
import type { BrowserReach } from './evidence.ts';
import { connectionKey } from './evidence.ts';
import type { HttpResult } from './interfaces.ts';
import type { ResolutionTarget } from './report.ts';
import { fetchHttp } from './trace.ts';

/** Should a client read the body after all: keys with many old keys fit (as the prober allows). */
const KEYS_MAX_BYTES = 256 * 1024;

export async function reachFromBrowser(discovery: Discovery, ctx: NetworkContext): Promise<BrowserReach[]> {
  const targets = discovery.resolution.targets.filter((target) => target.addresses.length > 0);
  const reach = (target: ResolutionTarget) => {
    const key = connectionKey(target.host, target.port);
    // The endpoint peers need (the version endpoint is informational, and may be missing).
    const url = `https://${key}/_matrix/key/v2/server`;
    return ctx.trace.step(
      `reach:${key}`,
      `GET ${url} from this browser`,
      async (requests) => {
        // A certificate for the server name fails an SRV target's URL: the reachability
        // answer must not wait for that read to fail first.
        // Only whether it answered counts, not what: the body is left unread.
        const options = { timeoutMs: ctx.requestTimeoutMs, maxBytes: KEYS_MAX_BYTES, maxRedirects: 0, bodyWanted: () => false, reachabilityAlongside: true, signal: ctx.signal };
        return { target, url, response: await fetchHttp(ctx.http, url, options, requests) };
      },
      // A failure the browser cannot judge is a note in the trace, as in the findings.
      ({ response }) => (reachable(response) ? 'pass' : inconclusiveReach(discovery, target) ? 'info' : 'fail'),
    );
  };
  return Promise.all(uniqueBy(targets, (target) => connectionKey(target.host, target.port)).map(reach));
}

/** The first item for each key: two SRV targets may lead to the same address and port. */
export function uniqueBy<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(key(item)) && seen.add(key(item)));
}

function reachable(response: HttpResult): boolean {
  return response.ok || (response.error.kind === 'cors' && response.error.reachable === true);
}

/**
 * Why a failed fetch of this target from a browser proves nothing, if it does not: the
 * certificate must carry the server name, not the SRV target the URL names, and when the
 * browser could not read .well-known the target itself may be the wrong one.
 */
export function inconclusiveReach(discovery: Discovery, target: ResolutionTarget): string | undefined {
  const { tlsName } = discovery.resolution;
  if (unreadableWellKnown(discovery)) return 'this browser could not read .well-known/matrix/server, so this target assumes there is no delegation';
  return target.host !== tlsName ? `the certificate must be valid for ${tlsName}, but a browser can only check it against ${target.host}` : undefined;
}

/** The browser reached the server's .well-known but CORS hid the answer. */
export function unreadableWellKnown(discovery: Discovery): boolean {
  const response = discovery.wellKnown?.response;
  return response !== undefined && !response.ok && response.error.kind === 'cors' && response.error.reachable === true;
}
