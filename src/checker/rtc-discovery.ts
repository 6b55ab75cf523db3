// MatrixRTC calls (MSC4143, LiveKit transport MSC4195): the transports endpoint on the
// client base URL, the older `rtc_foci` list in the client .well-known, and the
// authorization service (lk-jwt-service) of each LiveKit focus found there. Runs after
// client discovery, which gives the base URL.
import { get, PREFLIGHT_ORIGIN, type ClientWellKnownFollowed } from './client-discovery.ts';
import type { NetworkContext } from './discovery.ts';
import type { RtcAuthorizationService, RtcEvidence, RtcFoci } from './evidence.ts';
import type { HttpResult } from './interfaces.ts';
import type { CheckStatus } from './report.ts';
import { isJsonObject, parseJsonObject } from './well-known.ts';

export const TRANSPORTS_PATHS = ['/_matrix/client/v1/rtc/transports', '/_matrix/client/unstable/org.matrix.msc4143/rtc/transports'] as const;
export const RTC_FOCI_KEY = 'org.matrix.msc4143.rtc_foci';
/** lk-jwt-service handler.go: /get_token (current), /sfu/get (before Matrix 2.0). */
export const TOKEN_PATHS = ['/get_token', '/sfu/get'] as const;
/** A page's worth: more foci than this are not probed. */
const MAX_SERVICES = 3;

/** The transports endpoint needs a token: without one, 401 is the answer of a server that has it. */
function transportsStepStatus(result: HttpResult): CheckStatus {
  if (!result.ok) return 'warn';
  if (result.status === 401 || result.status === 200) return 'pass';
  return result.status === 404 || result.status === 400 || result.status === 405 ? 'info' : 'warn';
}

/** 405 is the healthy answer of a token endpoint to a GET; 2xx of its preflight. */
function tokenStepStatus(result: HttpResult): CheckStatus {
  if (!result.ok) return 'warn';
  return result.status === 405 || (result.status >= 200 && result.status < 300) ? 'pass' : 'warn';
}

export function interpretRtcFoci(wellKnown: HttpResult): RtcFoci {
  if (!wellKnown.ok || wellKnown.status !== 200) return { present: false };
  const parsed = parseJsonObject(wellKnown.body);
  if (!parsed.ok || !(RTC_FOCI_KEY in parsed.value)) return { present: false };
  const list = parsed.value[RTC_FOCI_KEY];
  if (!Array.isArray(list)) return { present: true, problems: [`"${RTC_FOCI_KEY}" is not a list`], livekitUrls: [], otherTypes: [] };
  const problems: string[] = [];
  const livekitUrls: string[] = [];
  const otherTypes: string[] = [];
  list.forEach((focus, index) => {
    const where = `${RTC_FOCI_KEY}[${index}]`;
    if (!isJsonObject(focus) || typeof focus.type !== 'string') problems.push(`${where} has no "type"`);
    else if (focus.type !== 'livekit') otherTypes.push(focus.type);
    else if (typeof focus.livekit_service_url !== 'string' || !URL.canParse(focus.livekit_service_url)) {
      problems.push(`${where} has no "livekit_service_url" URL`);
    } else livekitUrls.push(focus.livekit_service_url);
  });
  if (list.length === 0) problems.push(`"${RTC_FOCI_KEY}" is an empty list`);
  return { present: true, problems, livekitUrls, otherTypes };
}

/** Without the trailing "/", so that paths append as clients append them. */
export function serviceBase(url: string): string {
  return url.replace(/\/+$/, '');
}

async function probeService(url: string, index: number, ctx: NetworkContext): Promise<RtcAuthorizationService> {
  const base = serviceBase(url);
  const [health, ...endpoints] = await Promise.all([
    get(ctx, `rtc-service-${index}-health`, `${base}/healthz`),
    ...TOKEN_PATHS.map(async (path) => {
      const [getResult, preflight] = await Promise.all([
        get(ctx, `rtc-service-${index}-${path}`, `${base}${path}`, {}, tokenStepStatus),
        get(
          ctx,
          `rtc-service-${index}-${path}-preflight`,
          `${base}${path}`,
          { method: 'OPTIONS', headers: { Origin: PREFLIGHT_ORIGIN, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' } },
          tokenStepStatus,
        ),
      ]);
      return { path, get: getResult, preflight };
    }),
  ]);
  return { url, health, endpoints };
}

/** Null when client discovery gave no homeserver that answers. */
export async function gatherRtc(client: ClientWellKnownFollowed, ctx: NetworkContext): Promise<RtcEvidence | null> {
  if (client.discovery.outcome !== 'VALIDATE' || !client.versions?.interpretation.ok) return null;
  const base = client.discovery.homeserverUrl;
  const foci = interpretRtcFoci(client.response);
  const serviceUrls = foci.present ? foci.livekitUrls.slice(0, MAX_SERVICES) : [];
  const [transports, services] = await Promise.all([
    Promise.all(
      TRANSPORTS_PATHS.map(async (path, index) => ({
        path,
        url: `${base}${path}`,
        response: await get(ctx, index === 0 ? 'rtc-transports' : 'rtc-transports-unstable', `${base}${path}`, {}, transportsStepStatus),
      })),
    ),
    Promise.all(serviceUrls.map((url, index) => probeService(url, index, ctx))),
  ]);
  return { transports, foci, services };
}
