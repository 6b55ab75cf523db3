// The report of matrix-federation-tester's GET /api/report, made from our report and the
// evidence behind it, so that scripts and bots written for federationtester.matrix.org
// can point at fedcheck unchanged. Field names, order and null/empty conventions follow
// Go's encoding/json over MFT's structs: nil slices and maps are null, omitempty fields
// are absent, map keys are sorted, byte strings are unpadded base64, Go errors are
// {"Message"}. The pass/fail judgement is ours: FederationOK is "the verdict is not fail".
import { unsentIntermediates } from '../checker/checks/connection.ts';
import { describeProbeHttp, federationServer } from '../checker/checks/federation.ts';
import type { Discovery, HostLookup, SrvLookup } from '../checker/discovery.ts';
import { connectionKey, type Evidence, type ProbeEvidence } from '../checker/evidence.ts';
import type { CertificateSummary, DnsResult, ProbeResult } from '../checker/interfaces.ts';
import { decodeBase64 } from '../checker/keys.ts';
import type { Report } from '../checker/report.ts';
import { isJsonObject, parseJsonObject, wellKnownCacheLifetime, type JsonObject } from '../checker/well-known.ts';

/** A Go error after MFT's touch-up: its text in one field. */
export interface ReportError {
  Message: string;
}

export interface WellKnownReport {
  'm.server': string;
  /** Why the lookup gave no delegation; absent when it gave one (Go omitempty). */
  result?: string;
  /** Unix seconds from Cache-Control max-age or Expires; 0 without either. */
  CacheExpiresAt: number;
}

export interface SrvRecord {
  Target: string;
  Port: number;
  Priority: number;
  Weight: number;
}

export interface HostResult {
  CName: string;
  Addrs: string[] | null;
  Error: ReportError | null;
}

export interface DnsReport {
  SRVSkipped: boolean;
  SRVCName: string;
  SRVRecords: SrvRecord[] | null;
  SRVError: ReportError | null;
  Hosts: Record<string, HostResult> | null;
  Addrs: string[] | null;
}

export interface CertificateReport {
  SubjectCommonName: string;
  IssuerCommonName: string;
  SHA256Fingerprint: string;
  DNSNames: string[] | null;
}

export interface Ed25519Check {
  ValidEd25519: boolean;
  MatchingSignature: boolean;
}

export interface ConnectionChecks {
  AllChecksOK: boolean;
  MatchingServerName: boolean;
  FutureValidUntilTS: boolean;
  HasEd25519Key: boolean;
  /** null when there is no ed25519 key to check. */
  AllEd25519ChecksOK: boolean | null;
  Ed25519Checks: Record<string, Ed25519Check>;
  ValidCertificates: boolean;
}

export interface ConnectionReport {
  Certificates: CertificateReport[] | null;
  Cipher: { Version: string; CipherSuite: string };
  Checks: ConnectionChecks;
  Errors: ReportError[];
  /** The keys that passed every key check, or null when any key check failed. */
  Ed25519VerifyKeys: Record<string, string> | null;
  Info: Record<string, never>;
  /** The keys response as the server sent it. */
  Keys: JsonObject;
}

export interface VersionReport {
  name?: string;
  version?: string;
  error?: string;
}

export interface FederationTesterReport {
  /** Only for a server name that cannot be checked at all. */
  Error?: string;
  WellKnownResult: WellKnownReport;
  DNSResult: DnsReport;
  ConnectionReports: Record<string, ConnectionReport>;
  ConnectionErrors: Record<string, ReportError>;
  Version: VersionReport;
  FederationOK: boolean;
}

/** The one question /api/federation-ok answers, shared with the full report. */
export function federationOk(report: Report): boolean {
  return report.verdict !== 'fail';
}

export function federationTesterReport(report: Report, evidence: Evidence): FederationTesterReport {
  const { parse, discovery } = evidence;
  if (!parse.ok) {
    return {
      Error: `Invalid server name ${parse.error}`,
      WellKnownResult: noDelegation(),
      DNSResult: EMPTY_DNS_RESULT,
      ConnectionReports: {},
      ConnectionErrors: {},
      Version: {},
      FederationOK: false,
    };
  }
  const reports: [string, ConnectionReport][] = [];
  const errors: [string, ReportError][] = [];
  for (const probe of evidence.probes ?? []) {
    const key = connectionKey(probe.request.address, probe.request.port);
    const outcome = connectionOutcome(probe, evidence.nowMs);
    if (typeof outcome === 'string') errors.push([key, { Message: outcome }]);
    else reports.push([key, outcome]);
  }
  return {
    WellKnownResult: wellKnownReport(discovery, evidence.nowMs),
    DNSResult: discovery ? dnsReport(discovery) : EMPTY_DNS_RESULT,
    ConnectionReports: sortedRecord(reports),
    ConnectionErrors: sortedRecord(errors),
    Version: versionReport(evidence.probes ?? []),
    FederationOK: federationOk(report),
  };
}

/** No delegation, and why (Go's zero WellKnownReport without a reason), in Go's field order. */
function noDelegation(result?: string): WellKnownReport {
  return { 'm.server': '', ...(result !== undefined ? { result } : {}), CacheExpiresAt: 0 };
}

/** Go's zero DNSResult: what MFT sends when it never got to DNS. */
const EMPTY_DNS_RESULT: DnsReport = { SRVSkipped: false, SRVCName: '', SRVRecords: null, SRVError: null, Hosts: null, Addrs: null };

/** Go's encoding/json writes map keys in sorted order. */
function sortedRecord<T>(entries: [string, T][]): Record<string, T> {
  return Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Go's net package gives DNS names fully qualified, with the trailing dot. */
function fqdn(name: string): string {
  return name.endsWith('.') ? name : `${name}.`;
}

function wellKnownReport(discovery: Discovery | null, nowMs: number): WellKnownReport {
  if (discovery === null) return noDelegation();
  const fetched = discovery.wellKnown;
  if (fetched === undefined) {
    const why = discovery.name.port !== undefined ? 'the server name has an explicit port' : 'the server name is an IP address';
    return noDelegation(`Not looked up: ${why}, so .well-known is not used`);
  }
  const { interpretation, response } = fetched;
  if (!interpretation.valid) {
    // MFT's own wording for the two common answers, which clients may compare against.
    const result =
      interpretation.problem === 'status'
        ? 'No .well-known found'
        : interpretation.problem === 'm-server-missing' || interpretation.problem === 'm-server-empty'
          ? 'No m.server key found in well-known response'
          : interpretation.reason;
    return noDelegation(result);
  }
  // gomatrixserverlib reports the lifetime the headers ask for, unclamped, and 0 without one.
  const lifetime = response.ok ? wellKnownCacheLifetime(response.headers, nowMs) : undefined;
  const cacheExpiresAt = lifetime?.requestedSeconds === undefined ? 0 : Math.floor(nowMs / 1000) + lifetime.requestedSeconds;
  return { 'm.server': interpretation.mServer, CacheExpiresAt: cacheExpiresAt };
}

function dnsReport(discovery: Discovery): DnsReport {
  const srv = srvReport(discovery.srv);
  // MFT keys a host by the name it looked up: an SRV target as DNS gave it (with the
  // dot), otherwise the host as written.
  const srvTargets = new Set(discovery.resolution.targets.filter((target) => target.srv).map((target) => target.host));
  const hosts = discovery.hosts.map((lookup): [string, HostResult] => [
    srvTargets.has(lookup.host) ? fqdn(lookup.host) : lookup.host,
    hostResult(lookup),
  ]);
  const addresses = [
    ...new Set(discovery.resolution.targets.flatMap((target) => target.addresses.map((address) => connectionKey(address, target.port)))),
  ];
  return {
    SRVSkipped: discovery.srv === undefined,
    ...srv,
    Hosts: sortedRecord(hosts),
    Addrs: addresses.length > 0 ? addresses : null,
  };
}

/**
 * The SRV lookup that gave records (`_matrix-fed._tcp`, else the legacy `_matrix._tcp`),
 * or the failures of every SRV lookup made, in the order they were made.
 */
function srvReport(srv: Discovery['srv']): Pick<DnsReport, 'SRVCName' | 'SRVRecords' | 'SRVError'> {
  const lookups = srv ? [srv.fed, ...(srv.legacy ? [srv.legacy] : [])] : [];
  const found = lookups.find((lookup) => lookup.records.length > 0);
  if (found) {
    return {
      SRVCName: fqdn(srvOwner(found)),
      SRVRecords: found.records.map((record) => ({ Target: fqdn(record.target), Port: record.port, Priority: record.priority, Weight: record.weight })),
      SRVError: null,
    };
  }
  const failures = lookups.map((lookup) => lookupFailure(lookup.name, lookup.result));
  return { SRVCName: '', SRVRecords: null, SRVError: failures.length > 0 ? { Message: failures.join('; ') } : null };
}

/** The owner of the SRV records, which differs from the name asked when a CNAME led there. */
function srvOwner(lookup: SrvLookup): string {
  return lookup.result.answers.find((answer) => answer.type === 'SRV')?.name ?? lookup.name;
}

function hostResult(lookup: HostLookup): HostResult {
  const answered = lookup.a.rcode === 'NOERROR' || lookup.aaaa.rcode === 'NOERROR';
  const canonical = answered ? fqdn(lookup.aliases.at(-1) ?? lookup.host) : '';
  if (lookup.addresses.length > 0) return { CName: canonical, Addrs: lookup.addresses, Error: null };
  // Without addresses, say why; a resolver failure tells more than "no such host".
  const failed = [lookup.a, lookup.aaaa].find((result) => result.rcode !== 'NOERROR' && result.rcode !== 'NXDOMAIN') ?? lookup.a;
  return { CName: canonical, Addrs: null, Error: { Message: lookupFailure(lookup.host, failed) } };
}

/** Worded like Go's net.DNSError, which MFT clients have been showing all along. */
function lookupFailure(name: string, result: DnsResult): string {
  const server = result.resolver ? ` on ${result.resolver}` : '';
  const reasons: Record<DnsResult['rcode'], string> = {
    NOERROR: 'no such host',
    NXDOMAIN: 'no such host',
    SERVFAIL: 'server misbehaving (SERVFAIL)',
    REFUSED: 'server misbehaving (REFUSED)',
    TIMEOUT: 'i/o timeout',
    ERROR: result.error ?? 'lookup failed',
  };
  return `lookup ${name}${server}: ${reasons[result.rcode]}`;
}

/**
 * MFT asks each address for its keys and reports the connection when a 200 JSON object
 * came back, whatever the certificate; anything short of that is a connection error.
 */
function connectionOutcome(probe: ProbeEvidence, nowMs: number): ConnectionReport | string {
  const { result, request, keys: analysis } = probe;
  const { tls, keys: response } = result;
  const failure = handshakeFailure(result);
  if (failure !== undefined || !tls?.ok) return failure ?? 'the TLS handshake failed';
  if (response === undefined) return 'the keys were not requested';
  if (response.status !== 200) {
    return response.status === undefined ? describeProbeHttp(response) : `Non-200 response ${response.status} from remote server`;
  }
  const body = parseJsonObject(response.body ?? '');
  if (!body.ok) return `Unable to decode JSON from remote server: ${body.reason}`;
  // The prober analysed this same body; the analysis is missing only if it skipped that.
  if (analysis?.ok !== true) return 'the keys response was not analysed';

  const matchingServerName = analysis.serverName === request.serverName;
  const futureValidUntilTs = typeof analysis.validUntilTs === 'number' && analysis.validUntilTs > nowMs;
  const ed25519 = analysis.verifyKeys.filter((key) => key.algorithm === 'ed25519');
  const ed25519Checks = ed25519.map((key): [string, Ed25519Check] => [
    key.id,
    { ValidEd25519: key.length === 32, MatchingSignature: key.signature?.ok === true },
  ]);
  const hasEd25519Key = ed25519.length > 0;
  const allEd25519ChecksOk = hasEd25519Key ? ed25519Checks.every(([, check]) => check.MatchingSignature) : null;
  const keyChecksOk = matchingServerName && futureValidUntilTs && allEd25519ChecksOk === true;
  const certificateErrors = certificateProblems(tls, request.tlsName);

  return {
    Certificates: tls.certificates.length > 0 ? tls.certificates.map(certificateReport) : null,
    Cipher: { Version: tlsVersionName(tls.version), CipherSuite: tls.cipher ?? '' },
    Checks: {
      AllChecksOK: keyChecksOk && certificateErrors.length === 0,
      MatchingServerName: matchingServerName,
      FutureValidUntilTS: futureValidUntilTs,
      HasEd25519Key: hasEd25519Key,
      AllEd25519ChecksOK: allEd25519ChecksOk,
      Ed25519Checks: sortedRecord(ed25519Checks),
      ValidCertificates: certificateErrors.length === 0,
    },
    Errors: certificateErrors.map((message) => ({ Message: message })),
    Ed25519VerifyKeys: keyChecksOk ? sortedRecord(ed25519.map((key) => [key.id, publicKeyBase64(body.value, key.id)])) : null,
    Info: {},
    Keys: body.value,
  };
}

type ProbedTls = NonNullable<ProbeResult['tls']>;

/** Why there is no TLS connection to talk over, if there is none. */
function handshakeFailure(result: ProbeResult): string | undefined {
  if (!result.tcp.ok) return result.tcp.error?.message ?? 'the connection failed';
  if (!result.tls?.ok) return result.tls?.error?.message ?? 'the TLS handshake failed';
  return undefined;
}

/** What a verifying client would reject the certificate for (MFT's x509 errors). */
function certificateProblems(tls: ProbedTls, tlsName: string): string[] {
  const unsent = unsentIntermediates(tls);
  return [
    ...(tls.trusted ? [] : [tls.verifyError?.message ?? 'the certificate chain is not trusted']),
    ...(unsent.length > 0 ? [`the server does not send the intermediate certificate ${unsent.map((c) => c.subjectCommonName).join(', ')}`] : []),
    ...(tls.nameMatches ? [] : [`the certificate is not valid for ${tlsName}`]),
  ];
}

function certificateReport(certificate: CertificateSummary): CertificateReport {
  const dnsNames = certificate.subjectAltNames.flatMap((name) => (name.startsWith('DNS:') ? [name.slice(4)] : []));
  return {
    SubjectCommonName: certificate.subjectCommonName,
    IssuerCommonName: certificate.issuerCommonName,
    SHA256Fingerprint: unpaddedBase64(Buffer.from(certificate.sha256Fingerprint.replaceAll(':', ''), 'hex')),
    DNSNames: dnsNames.length > 0 ? dnsNames : null,
  };
}

/** Go's names for TLS versions ("TLS 1.3"); Node says "TLSv1.3". */
function tlsVersionName(version: string | undefined): string {
  const names: Record<string, string> = { SSLv3: 'SSL 3.0', TLSv1: 'TLS 1.0', 'TLSv1.1': 'TLS 1.1', 'TLSv1.2': 'TLS 1.2', 'TLSv1.3': 'TLS 1.3' };
  return version === undefined ? '' : (names[version] ?? version);
}

/** A verify key re-encoded the way Go's Base64Bytes marshals it. */
function publicKeyBase64(keys: JsonObject, keyId: string): string {
  const entry = isJsonObject(keys.verify_keys) ? keys.verify_keys[keyId] : undefined;
  const decoded = isJsonObject(entry) && typeof entry.key === 'string' ? decodeBase64(entry.key) : null;
  return decoded ? unpaddedBase64(decoded.bytes) : '';
}

function unpaddedBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64').replace(/=+$/, '');
}

/**
 * MFT asks for the version as a federating server would, certificate verified; so do we,
 * from the first connection that passes that, else we say why none did.
 */
function versionReport(probes: ProbeEvidence[]): VersionReport {
  const reasons: string[] = [];
  for (const { request, result } of probes) {
    const server = federationServer(result.version);
    const reason =
      handshakeFailure(result) ??
      (result.tls ? certificateProblems(result.tls, request.tlsName)[0] : undefined) ??
      (server === null ? 'the version was not requested' : server.error);
    if (reason === undefined && server !== null) {
      return { ...(server.name ? { name: server.name } : {}), ...(server.version ? { version: server.version } : {}) };
    }
    reasons.push(`${connectionKey(request.address, request.port)}: ${reason}`);
  }
  return { error: reasons.length > 0 ? reasons.join('; ') : 'there is no address to connect to' };
}
