// Prober over node:tls: TCP, then TLS with the spec's SNI, the certificate as the server
// presented it, then the two federation endpoints with the spec's Host header (and the
// version endpoint once more with a port in Host, as conduwuit-family peers send it). The
// handshake accepts any certificate so that we can report on it; trust and name are
// judged separately and reported, never assumed. The endpoints are asked even when the
// certificate fails: the requests carry nothing secret, and the answers tell an operator
// whether the homeserver behind the bad certificate works.
import net from 'node:net';
import tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import type { CertificateSummary, ProbeHttpResult, ProbeRequest, ProbeResult, Prober } from '../../checker/interfaces.ts';
import { conduwuitHostHeader } from '../../checker/server-name.ts';
import { refusalMessage, type AddressPolicy } from './address-policy.ts';
import { connected, deadline, exchange, toTransportError } from './exchange.ts';
import { bareHost } from './http.ts';
import { trustStore } from './trust.ts';

export interface NodeProberOptions {
  policy: AddressPolicy;
  /** Extra trusted CA certificates (PEM). */
  extraCa?: string[];
  userAgent?: string;
}

const versionPath = '/_matrix/federation/v1/version';
/** Real version answers are tiny; key answers grow with old_verify_keys. */
const versionMaxBytes = 64 * 1024;
const keysMaxBytes = 256 * 1024;
/** Certificates whose summaries a prober keeps: the CAs' intermediates and the leaves seen lately. */
const summariesKept = 512;

type TlsReport = NonNullable<ProbeResult['tls']>;

export function createNodeProber(options: NodeProberOptions): Prober {
  const { policy, userAgent = 'fedcheck' } = options;
  const secureContext = trustStore(options.extraCa);
  // Node fills `issuerCertificate` from the trust store after the certificates the server
  // sent, with no mark where one ends: a handshake that trusts nothing gets the chain as sent.
  const trustsNothing = tls.createSecureContext({ ca: [] });
  const summarise = summaryCache(summariesKept);

  return {
    async probe(request) {
      const { port } = request;
      // One deadline for the whole probe, so that a slow server cannot hold the report.
      const verdict = policy.check(request.address);
      if (!verdict.allowed) {
        return { address: request.address, port, tcp: { ok: false, elapsedMs: 0, error: { code: 'ADDRESS_POLICY', message: refusalMessage(verdict) } } };
      }
      const { address } = verdict;
      const { signal, clear } = deadline(request.timeoutMs, request.signal);
      const result: ProbeResult = { address: request.address, port, tcp: { ok: false, elapsedMs: 0 } };

      const tlsOptions: tls.ConnectionOptions = {
        servername: request.sni,
        secureContext,
        ALPNProtocols: ['http/1.1'],
        rejectUnauthorized: false,
        // The name is checked below against tlsName; `authorized` then means the chain alone.
        checkServerIdentity: () => undefined,
      };
      const headers = { host: request.hostHeader, 'user-agent': userAgent, accept: 'application/json' };
      // The keys request (and the version request with a port in Host) do not depend on the
      // version answer, and HTTP/1.1 cannot have two requests in flight on one connection:
      // each gets its own connection to the same checked address, opened alongside the first,
      // so the probe costs one handshake and one request round trip. The TLS facts come from
      // the first connection, which is timed step by step. The connections alongside trust
      // nothing: OpenSSL then builds and checks no chain and Node reads no certificates for
      // them, and on the keys connection Node's chain is the one the server sent.
      const alongside = new AbortController();
      const alongsideSignal = AbortSignal.any([signal, alongside.signal]);
      const connectAlongside = () =>
        connected(tls.connect({ ...tlsOptions, secureContext: trustsNothing, host: address, port }), 'secureConnect', alongsideSignal);
      const keysConnection = connectAlongside();
      // Registered before the request's own wait on the connection: read before it is used,
      // and summarised at once, so that no certificate object (DER, key, issuer links) stays
      // alive while the requests run.
      const sentChain = keysConnection.then(
        (socket) => chainOf(socket.getPeerCertificate(true)).map(summarise),
        () => undefined,
      );
      const keys = fetchJson('/_matrix/key/v2/server', keysMaxBytes, keysConnection, headers, alongsideSignal);
      const portHost = conduwuitHostHeader(request.hostHeader, port);
      const versionWithPortHost = portHost === undefined ? undefined : fetchJson(versionPath, versionMaxBytes, connectAlongside(), { ...headers, host: portHost }, alongsideSignal);
      let alongsideSettled = false;
      try {
        const tcpStarted = performance.now();
        let socket: net.Socket;
        try {
          socket = await connected(net.connect({ host: address, port }), 'connect', signal);
          result.tcp = { ok: true, elapsedMs: since(tcpStarted) };
        } catch (error) {
          result.tcp = { ok: false, elapsedMs: since(tcpStarted), error: codeAndMessage(error) };
          return result;
        }

        const tlsStarted = performance.now();
        let tlsSocket: tls.TLSSocket;
        // Node reads the verified chain to call checkServerIdentity (when the chain verified):
        // keep that one instead of reading it again.
        let verifiedChain: tls.DetailedPeerCertificate | undefined;
        const keepChain = (_name: string, cert: tls.PeerCertificate) => void (verifiedChain = cert as tls.DetailedPeerCertificate);
        try {
          tlsSocket = await connected(tls.connect({ ...tlsOptions, socket, checkServerIdentity: keepChain }), 'secureConnect', signal);
        } catch (error) {
          socket.destroy();
          result.tls = { ok: false, elapsedMs: since(tlsStarted), certificates: [], trusted: false, nameMatches: false, error: codeAndMessage(error) };
          return result;
        }
        const handshake = handshakeOf(tlsSocket, since(tlsStarted), bareHost(request.tlsName), summarise, verifiedChain);
        // Summarised: the certificate objects need not live on while the requests run.
        verifiedChain = undefined;
        const version = fetchJson(versionPath, versionMaxBytes, Promise.resolve(tlsSocket), headers, signal);
        let sent: CertificateSummary[] | undefined;
        [result.version, result.keys, result.versionWithPortHost, sent] = await Promise.all([version, keys, versionWithPortHost, sentChain]);
        alongsideSettled = true;
        result.tls = describeTls(handshake, sent);
        return result;
      } finally {
        // Without a working first connection the other answers are not reported: stop their
        // connections. Once they have settled there is nothing to stop, and an abort would
        // only build its DOMException (with a stack) for nobody.
        if (!alongsideSettled) alongside.abort();
        clear();
      }
    },
  };
}

/** One request over its own connection, which it closes after; timed from when the connection is ready. */
async function fetchJson(
  path: string,
  maxBytes: number,
  connection: Promise<tls.TLSSocket>,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<ProbeHttpResult> {
  const connecting = performance.now();
  let socket: tls.TLSSocket;
  try {
    socket = await connection;
  } catch (error) {
    return failed(error, connecting);
  }
  // From here on errors surface through the request; keep them from going unhandled.
  socket.on('error', () => {});
  const started = performance.now();
  try {
    const response = await exchange({ method: 'GET', path, headers, maxBytes, signal, connect: () => socket });
    return { ...response, elapsedMs: since(started) };
  } catch (error) {
    return failed(error, started);
  } finally {
    socket.destroy();
  }
}

function failed(error: unknown, started: number): ProbeHttpResult {
  const { kind, message, code } = toTransportError(error);
  return { error: code ? { kind, message, code } : { kind, message }, elapsedMs: since(started) };
}

interface Handshake {
  elapsedMs: number;
  version?: string;
  cipher: string;
  /** The verifying handshake's chain, trust-store issuers included. */
  verified: CertificateSummary[];
  /** The leaf carries the TLS name. */
  nameMatches: boolean;
  authorized: boolean;
  authorizationError: string | null;
}

/**
 * What the verifying handshake established, read before the socket carries a request and
 * closes; certificates as summaries only, so the probe holds no certificate objects.
 */
function handshakeOf(
  socket: tls.TLSSocket,
  elapsedMs: number,
  tlsName: string,
  summarise: Summarise,
  verifiedChain = socket.getPeerCertificate(true),
): Handshake {
  const chain = chainOf(verifiedChain);
  return {
    elapsedMs,
    version: socket.getProtocol() ?? undefined,
    cipher: socket.getCipher().standardName,
    verified: chain.map(summarise),
    nameMatches: chain.length > 0 && tls.checkServerIdentity(tlsName, chain[0]) === undefined,
    authorized: socket.authorized,
    authorizationError: socket.authorizationError as unknown as string | null,
  };
}

/**
 * `sent`: the same server's chain from a handshake without a store; undefined if that one
 * failed, and then the verified chain is all there is (which of it came from the store is
 * not known).
 */
function describeTls(handshake: Handshake, sent: CertificateSummary[] | undefined): TlsReport {
  const { verified, authorized, authorizationError: code } = handshake;
  const sentFingerprints = new Set(sent?.map((cert) => cert.sha256Fingerprint));
  const report: TlsReport = {
    ok: true,
    elapsedMs: handshake.elapsedMs,
    version: handshake.version,
    cipher: handshake.cipher,
    certificates: sent ?? verified,
    ...(sent ? { fromTrustStore: verified.filter((cert) => !sentFingerprints.has(cert.sha256Fingerprint)) } : {}),
    trusted: authorized,
    nameMatches: handshake.nameMatches,
  };
  if (!authorized && code) report.verifyError = { code, message: verifyMessages[code] ?? code };
  return report;
}

/**
 * Leaf first, each certificate followed by its issuer. Node links what the server sent, then
 * appends issuers from the context's trust store (none for a context that trusts nothing).
 */
function chainOf(leaf: tls.DetailedPeerCertificate): tls.DetailedPeerCertificate[] {
  const chain: tls.DetailedPeerCertificate[] = [];
  for (let cert = leaf; cert?.raw && !chain.includes(cert); cert = cert.issuerCertificate) chain.push(cert);
  return chain;
}

/** Summarises a certificate Node has read from a handshake. */
type Summarise = (peer: Pick<tls.DetailedPeerCertificate, 'raw' | 'fingerprint256'>) => CertificateSummary;

/**
 * Summaries by SHA-256 fingerprint, which Node has computed already: parsing the DER again was
 * 6 % of the proxy's main thread under load, for the same few intermediates (and the same
 * leaves) report after report. A summary depends on the certificate alone and is never
 * changed; the oldest goes when `limit` are kept.
 */
export function summaryCache(limit: number): Summarise {
  const kept = new Map<string, CertificateSummary>();
  return (peer) => {
    const known = kept.get(peer.fingerprint256);
    if (known) return known;
    const summary = Object.freeze(summarise(new X509Certificate(peer.raw)));
    if (kept.size >= limit) kept.delete(kept.keys().next().value!);
    kept.set(peer.fingerprint256, summary);
    return summary;
  };
}

function summarise(cert: X509Certificate): CertificateSummary {
  return {
    subject: oneLine(cert.subject),
    subjectCommonName: commonName(cert.subject),
    issuer: oneLine(cert.issuer),
    issuerCommonName: commonName(cert.issuer),
    subjectAltNames: altNames(cert.subjectAltName),
    notBefore: cert.validFromDate.toISOString(),
    notAfter: cert.validToDate.toISOString(),
    sha256Fingerprint: cert.fingerprint256,
  };
}

/** Node gives distinguished names one attribute per line, most significant first. */
function oneLine(dn: string): string {
  return dn.split('\n').join(', ');
}

function commonName(dn: string): string {
  return dn.split('\n').find((line) => line.startsWith('CN='))?.slice(3) ?? '';
}

/** "DNS:a, IP Address:1.2.3.4" → ["DNS:a", "IP:1.2.3.4"]; Node quotes values that contain commas. */
function altNames(text: string | undefined): string[] {
  if (!text) return [];
  return (text.match(/(?:[^,"\s][^,"]*|"(?:\\.|[^"\\])*")+/g) ?? []).map((entry) => entry.trim().replace(/^IP Address:/, 'IP:'));
}

/** OpenSSL's verify codes, said the way an operator would fix them. */
const verifyMessages: Record<string, string> = {
  CERT_HAS_EXPIRED: 'the certificate has expired',
  CERT_NOT_YET_VALID: 'the certificate is not valid yet',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'the chain ends in a self-signed certificate that is not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the chain is incomplete: the server does not send the intermediate certificate(s)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the certificate is issued by a CA that is not trusted',
  UNABLE_TO_GET_ISSUER_CERT: 'the issuer certificate could not be found',
  CERT_REVOKED: 'the certificate has been revoked',
  CERT_SIGNATURE_FAILURE: 'the certificate signature is invalid',
};

function codeAndMessage(error: unknown): { code: string; message: string } {
  const { code = 'ERROR', message } = toTransportError(error);
  return { code, message };
}

function since(started: number): number {
  return Math.round(performance.now() - started);
}
