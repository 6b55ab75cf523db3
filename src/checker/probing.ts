// Connection testing for the front ends that can open connections (proxy, CLI): TCP, TLS
// and the version and keys endpoints on every address, and the checks that judge them,
// with those over the server name's addresses asked one by one (PINNED_CHECKS). The browser
// bundle leaves all of it out; it reports these checks as not tested.
import { connectionKey, type ConnectionCheck, type Evidence, type ProbeEvidence, type ReportCheck } from './evidence.ts';
import { findingConnection, toFinding, type ConnectionTesting } from './check.ts';
import { connectionTcp, tlsCertificateExpiry, tlsCertificateName, tlsCertificateTrusted, tlsHandshake, tlsVersion, trustedByPeers } from './checks/connection.ts';
import { federationHostWithPort, federationServer, federationVersion } from './checks/federation.ts';
import { wellKnownServerConsistent } from './checks/well-known-server.ts';
import {
  keysBase64Padding,
  keysContentType,
  keysEd25519,
  keysOldVerifyKeys,
  keysResponse,
  keysServerName,
  keysSignature,
  keysValidUntil,
} from './checks/keys.ts';
import { uniqueBy } from './connections.ts';
import type { Discovery, NetworkContext } from './discovery.ts';
import type { ProbeRequest, ProbeResult, Prober } from './interfaces.ts';
import { analyzeServerKeys } from './keys.ts';
import type { CheckStatus, ConnectionReport, Finding, ResolutionTarget } from './report.ts';
import { errorMessage } from './trace.ts';

/** In the order of the registry's CONNECTION_HEADS. */
export const CONNECTION_CHECKS: readonly ConnectionCheck[] = [
  connectionTcp,
  tlsHandshake,
  tlsVersion,
  tlsCertificateTrusted,
  tlsCertificateName,
  tlsCertificateExpiry,
  federationVersion,
  federationHostWithPort,
  keysResponse,
  keysContentType,
  keysServerName,
  keysValidUntil,
  keysEd25519,
  keysSignature,
  keysOldVerifyKeys,
  keysBase64Padding,
];

/** In the order of the registry's PINNED_HEADS. */
export const PINNED_CHECKS: readonly ReportCheck[] = [wellKnownServerConsistent];

export function connectionTesting(prober: Prober): ConnectionTesting {
  const checks = new Map(CONNECTION_CHECKS.map((check) => [check.meta.id, check]));
  return {
    probeAll: (discovery, ctx) => probeAll(discovery, ctx, prober),
    reportChecks: PINNED_CHECKS,
    findings: (head, probes, evidence) => {
      const check = checks.get(head.id);
      return check ? perConnectionFindings(check, probes, evidence) : null;
    },
    summarize: connectionReport,
  };
}

/** One finding per connection the check judges, named in `data.connection` (the verdict counts by it). */
function perConnectionFindings(check: ConnectionCheck, probes: ProbeEvidence[], evidence: Evidence): Finding[] {
  return probes.flatMap((probe) => {
    const outcome = check.perConnection(probe, evidence);
    if (outcome === null) return [];
    const connection = connectionKey(probe.request.address, probe.request.port);
    return [toFinding(check.meta, { ...outcome, detail: `${connection}: ${outcome.detail}`, data: { connection, ...outcome.data } })];
  });
}

async function probeAll(discovery: Discovery, ctx: NetworkContext, prober: Prober): Promise<ProbeEvidence[]> {
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

/** What a sending homeserver needs of the connection: TLS it trusts for the name, and the keys. */
function probeStatus(result: ProbeResult): CheckStatus {
  const tls = result.tls;
  const works = result.tcp.ok && tls?.ok && trustedByPeers(tls) && tls.nameMatches && result.keys?.status === 200;
  return works ? 'pass' : 'fail';
}

function connectionReport(probe: ProbeEvidence, findings: Finding[]): ConnectionReport {
  const { result, keys } = probe;
  const key = connectionKey(probe.request.address, probe.request.port);
  const leaf = result.tls?.certificates[0];
  return {
    address: result.address,
    port: result.port,
    tcp: { ok: result.tcp.ok, elapsedMs: result.tcp.elapsedMs, ...(result.tcp.error ? { error: result.tcp.error.message } : {}) },
    tls: result.tls
      ? {
          ok: result.tls.ok,
          ...(result.tls.version ? { version: result.tls.version } : {}),
          ...(result.tls.cipher ? { cipher: result.tls.cipher } : {}),
          ...(result.tls.error ? { error: result.tls.error.message } : {}),
        }
      : null,
    certificate: leaf && result.tls ? { ...leaf, trusted: trustedByPeers(result.tls), nameMatches: result.tls.nameMatches } : null,
    version: federationServer(result.version),
    keys: keysSummary(probe, keys),
    checks: [...new Set(findings.filter((finding) => findingConnection(finding) === key).map((finding) => finding.id))],
  };
}

function keysSummary(probe: ProbeEvidence, keys: ProbeEvidence['keys']): ConnectionReport['keys'] {
  if (!probe.result.keys) return null;
  if (keys === null) return { verifyKeys: [], error: probe.result.keys.error?.message ?? `HTTP ${probe.result.keys.status}` };
  if (!keys.ok) return { verifyKeys: [], error: keys.reason };
  return {
    ...(typeof keys.serverName === 'string' ? { serverName: keys.serverName } : {}),
    ...(typeof keys.validUntilTs === 'number' ? { validUntilTs: keys.validUntilTs } : {}),
    verifyKeys: keys.verifyKeys.map((key) => key.id),
  };
}
