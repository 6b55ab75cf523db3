// Every check, in report order (`CHECK_HEADS`). This module is what the browser bundle
// carries: the checks over the whole evidence with their logic; the per-connection checks,
// those over addresses asked one by one, and the outgoing checks by their heads only (their
// logic and fixes come with connection testing, probing.ts, and the outgoing test,
// outgoing.ts, which only the proxy and the CLI load).
// Every check's full metadata, fixes included, is check-reference.ts's CHECK_METAS.
import { CHECK_AREAS, type CheckHead, type ReportCheck } from './evidence.ts';
import { nameSyntax } from './checks/name.ts';
import {
  wellKnownServerCache,
  wellKnownServerContentType,
  wellKnownServerJson,
  wellKnownServerMServer,
  wellKnownServerPinnedHeads,
  wellKnownServerRedirects,
  wellKnownServerSize,
  wellKnownServerStatus,
} from './checks/well-known-server.ts';
import {
  dnsAddressesPublic,
  dnsAddressFamilies,
  dnsDnssec,
  dnsResolversAgree,
  dnsResolversAnswer,
  dnsSrv,
  dnsSrvDisabled,
  dnsSrvLegacy,
  dnsSrvTargetCname,
  dnsTargetsResolve,
} from './checks/dns.ts';
import { browserReachability } from './checks/browser.ts';
import { connectionHeads } from './checks/connection.ts';
import { federationHeads } from './checks/federation.ts';
import { keysHeads } from './checks/keys.ts';
import { clientBaseUrl, clientCors, clientFeatures, clientIdentityServer, clientVersions, clientWellKnown } from './checks/client.ts';
import { authChecks } from './checks/auth.ts';
import { rtcAuthorizationService, rtcCalls, rtcFeatures, rtcFoci, rtcTransports } from './checks/rtc.ts';
import { supportContacts, supportPgpKeys, supportPolicies, supportWellKnown } from './checks/support.ts';
import { outgoingHeads } from './checks/outgoing.ts';

export const REPORT_CHECKS: readonly ReportCheck[] = [
  nameSyntax,
  wellKnownServerStatus,
  wellKnownServerJson,
  wellKnownServerMServer,
  wellKnownServerContentType,
  wellKnownServerSize,
  wellKnownServerRedirects,
  wellKnownServerCache,
  dnsSrv,
  dnsSrvLegacy,
  dnsSrvDisabled,
  dnsSrvTargetCname,
  dnsTargetsResolve,
  dnsAddressFamilies,
  dnsAddressesPublic,
  dnsResolversAgree,
  dnsResolversAnswer,
  dnsDnssec,
  browserReachability,
  clientWellKnown,
  clientBaseUrl,
  clientCors,
  clientVersions,
  clientFeatures,
  clientIdentityServer,
  ...authChecks,
  rtcCalls,
  rtcTransports,
  rtcFoci,
  rtcAuthorizationService,
  rtcFeatures,
  supportWellKnown,
  supportContacts,
  supportPolicies,
  supportPgpKeys,
];

/** Checks over the whole evidence whose logic comes with the outgoing test (outgoing.ts), which only the proxy and the CLI load. */
export const OUTGOING_HEADS: readonly CheckHead[] = Object.values(outgoingHeads);

/** Checks over the whole evidence that need the server name's addresses asked one by one
 * (an HTTP client that pins the address); their logic comes with connection testing. */
export const PINNED_HEADS: readonly CheckHead[] = Object.values(wellKnownServerPinnedHeads);

/** The checks run once per connection (address and port) that a prober opened. */
export const CONNECTION_HEADS: readonly CheckHead[] = [
  ...Object.values(connectionHeads),
  ...Object.values(federationHeads),
  ...Object.values(keysHeads),
];

const areaRank = (head: CheckHead) => CHECK_AREAS.indexOf(head.area);

/** By area, in the order a peer meets them; within an area, as listed above. */
export const CHECK_HEADS: readonly CheckHead[] = [...REPORT_CHECKS.map((check) => check.meta), ...PINNED_HEADS, ...OUTGOING_HEADS, ...CONNECTION_HEADS].sort(
  (a, b) => areaRank(a) - areaRank(b),
);

export function checkHead(id: string): CheckHead | undefined {
  return CHECK_HEADS.find((head) => head.id === id);
}
