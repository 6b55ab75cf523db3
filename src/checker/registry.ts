// Every check, in report order. The docs' check reference and the UI read `CHECK_METAS`.
// This module is what the browser bundle carries: the checks over the whole evidence with
// their logic, the per-connection checks by their metadata only (their logic comes with
// connection testing, probing.ts, which only front ends that can open connections load).
import { CHECK_AREAS, type CheckMeta, type ReportCheck } from './evidence.ts';
import { nameSyntax } from './checks/name.ts';
import {
  wellKnownServerCache,
  wellKnownServerConsistent,
  wellKnownServerContentType,
  wellKnownServerJson,
  wellKnownServerMServer,
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
import { connectionMetas } from './checks/connection.ts';
import { federationMetas } from './checks/federation.ts';
import { keysMetas } from './checks/keys.ts';
import { clientBaseUrl, clientCors, clientFeatures, clientIdentityServer, clientVersions, clientWellKnown } from './checks/client.ts';
import { authChecks } from './checks/auth.ts';
import { rtcAuthorizationService, rtcCalls, rtcFeatures, rtcFoci, rtcTransports } from './checks/rtc.ts';
import { supportContacts, supportPgpKeys, supportPolicies, supportWellKnown } from './checks/support.ts';
import { outgoingMetas } from './checks/outgoing.ts';

export const REPORT_CHECKS: readonly ReportCheck[] = [
  nameSyntax,
  wellKnownServerStatus,
  wellKnownServerJson,
  wellKnownServerMServer,
  wellKnownServerContentType,
  wellKnownServerSize,
  wellKnownServerRedirects,
  wellKnownServerCache,
  wellKnownServerConsistent,
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
export const OUTGOING_METAS: readonly CheckMeta[] = Object.values(outgoingMetas);

/** The checks run once per connection (address and port) that a prober opened. */
export const CONNECTION_METAS: readonly CheckMeta[] = [
  ...Object.values(connectionMetas),
  ...Object.values(federationMetas),
  ...Object.values(keysMetas),
];

const areaRank = (meta: CheckMeta) => CHECK_AREAS.indexOf(meta.area);

/** By area, in the order a peer meets them; within an area, as listed above. */
export const CHECK_METAS: readonly CheckMeta[] = [...REPORT_CHECKS.map((check) => check.meta), ...OUTGOING_METAS, ...CONNECTION_METAS].sort(
  (a, b) => areaRank(a) - areaRank(b),
);

export function checkMeta(id: string): CheckMeta | undefined {
  return CHECK_METAS.find((meta) => meta.id === id);
}
