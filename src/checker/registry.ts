// Every check, in report order. The docs' check reference and the UI read `CHECK_METAS`.
import type { Check, CheckMeta } from './evidence.ts';
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
  dnsSrv,
  dnsSrvDisabled,
  dnsSrvLegacy,
  dnsSrvTargetCname,
  dnsTargetsResolve,
} from './checks/dns.ts';
import { browserReachability } from './checks/browser.ts';
import {
  connectionTcp,
  tlsCertificateExpiry,
  tlsCertificateName,
  tlsCertificateTrusted,
  tlsHandshake,
  tlsVersion,
} from './checks/connection.ts';
import { federationVersion } from './checks/federation.ts';
import {
  keysBase64Padding,
  keysContentType,
  keysEd25519,
  keysResponse,
  keysServerName,
  keysSignature,
  keysValidUntil,
} from './checks/keys.ts';
import { clientBaseUrl, clientCors, clientIdentityServer, clientVersions, clientWellKnown } from './checks/client.ts';
import { supportWellKnown } from './checks/support.ts';

export const CHECKS: readonly Check[] = [
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
  dnsDnssec,
  browserReachability,
  connectionTcp,
  tlsHandshake,
  tlsVersion,
  tlsCertificateTrusted,
  tlsCertificateName,
  tlsCertificateExpiry,
  federationVersion,
  keysResponse,
  keysContentType,
  keysServerName,
  keysValidUntil,
  keysEd25519,
  keysSignature,
  keysBase64Padding,
  clientWellKnown,
  clientBaseUrl,
  clientCors,
  clientVersions,
  clientIdentityServer,
  supportWellKnown,
];

export const CHECK_METAS: readonly CheckMeta[] = CHECKS.map((check) => check.meta);

export function checkMeta(id: string): CheckMeta | undefined {
  return CHECK_METAS.find((meta) => meta.id === id);
}
