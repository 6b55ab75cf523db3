// The client-side files on the server name's host: /.well-known/matrix/client (with a CORS
// preflight, and the URLs it names) and /.well-known/matrix/support. They run alongside
// federation discovery; nothing there depends on them.
import type { NetworkContext } from './discovery.ts';
import { MAX_REDIRECTS } from './discovery.ts';
import type { ClientEvidence, SupportEvidence } from './evidence.ts';
import type { HttpRequest, HttpResult } from './interfaces.ts';
import type { CheckStatus } from './report.ts';
import { hostForUrl, type ServerName } from './server-name.ts';
import { fetchHttp } from './trace.ts';
import { interpretClientVersions, interpretClientWellKnown, interpretSupportWellKnown } from './well-known.ts';

/** The spec sets no limit for these files; this is generous for any real one. */
const CLIENT_MAX_BYTES = 64 * 1024;
/** Any origin will do: the server must allow all of them. */
export const PREFLIGHT_ORIGIN = 'https://example.org';

function httpStepStatus(result: HttpResult): CheckStatus {
  if (result.ok && result.status >= 200 && result.status < 300) return 'pass';
  return result.ok && result.status === 404 ? 'info' : 'warn';
}

/** One request as one trace step; `statusOf` grades it for the trace (2xx pass, 404 info). */
export function get(
  ctx: NetworkContext,
  id: string,
  url: string,
  extra: Partial<HttpRequest> = {},
  statusOf: (result: HttpResult) => CheckStatus = httpStepStatus,
): Promise<HttpResult> {
  const method = extra.method ?? 'GET';
  return ctx.trace.step(
    id,
    `${method} ${url}`,
    (requests) =>
      fetchHttp(ctx.http, url, { timeoutMs: ctx.requestTimeoutMs, maxBytes: CLIENT_MAX_BYTES, maxRedirects: MAX_REDIRECTS, signal: ctx.signal, ...extra }, requests),
    statusOf,
  );
}

/** The OPTIONS preflight a browser sends before a cross-origin read of `url`. */
export function preflight(ctx: NetworkContext, id: string, url: string): Promise<HttpResult> {
  return get(ctx, `${id}-preflight`, url, { method: 'OPTIONS', headers: { Origin: PREFLIGHT_ORIGIN, 'Access-Control-Request-Method': 'GET' } });
}

/** What a client reads first: the file and what it says. Sign-in discovery needs no more. */
export type ClientWellKnownRead = Pick<ClientEvidence, 'url' | 'response' | 'discovery'>;
/** The file and the URLs it names, as a client follows them; calls discovery starts here. */
export type ClientWellKnownFollowed = Omit<ClientEvidence, 'preflight'>;

/**
 * Client discovery started: the file read and its preflight sent at once. What depends on the
 * file starts from `read` or `followed`; no client waits for the preflight, so `complete` (with
 * it) is what the report waits for last.
 */
export function startClientDiscovery(
  name: ServerName,
  ctx: NetworkContext,
): { read: Promise<ClientWellKnownRead>; followed: Promise<ClientWellKnownFollowed>; complete: Promise<ClientEvidence> } {
  const url = `https://${hostForUrl(name)}/.well-known/matrix/client`;
  const preflightResult = preflight(ctx, 'client-well-known', url);
  const read = get(ctx, 'client-well-known', url).then((response) => ({ url, response, discovery: interpretClientWellKnown(response) }));
  const followed = read.then((found) => followClientWellKnown(found, ctx));
  const complete = Promise.all([followed, preflightResult]).then(([client, preflighted]) => ({ ...client, preflight: preflighted }));
  return { read, followed, complete };
}

/** The URLs the client .well-known names: the homeserver's versions and the identity server. */
async function followClientWellKnown(found: ClientWellKnownRead, ctx: NetworkContext): Promise<ClientWellKnownFollowed> {
  const { discovery } = found;
  if (discovery.outcome !== 'VALIDATE') return found;
  const versionsUrl = `${discovery.homeserverUrl}/_matrix/client/versions`;
  const identity = discovery.identityServer?.ok ? discovery.identityServer.url : undefined;
  const [versions, identityServer] = await Promise.all([
    get(ctx, 'client-versions', versionsUrl),
    identity === undefined ? undefined : get(ctx, 'identity-server', `${identity}/_matrix/identity/v2`),
  ]);
  return {
    ...found,
    versions: { url: versionsUrl, response: versions, interpretation: interpretClientVersions(versions) },
    ...(identityServer ? { identityServer: { url: `${identity}/_matrix/identity/v2`, response: identityServer } } : {}),
  };
}

export async function gatherSupport(name: ServerName, ctx: NetworkContext): Promise<SupportEvidence> {
  const url = `https://${hostForUrl(name)}/.well-known/matrix/support`;
  const response = await get(ctx, 'support-well-known', url);
  return { url, response, interpretation: interpretSupportWellKnown(response) };
}
