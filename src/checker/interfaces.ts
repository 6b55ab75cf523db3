// The checker core's only view of the outside world. Adapters (browser DoH/fetch,
// node:dns/tls) implement these; the core never imports DOM or node: APIs.

export type RecordType = 'A' | 'AAAA' | 'CNAME' | 'SRV';

export interface SrvData {
  priority: number;
  weight: number;
  port: number;
  /** Target host without the trailing dot; "." when the record says "service not available". */
  target: string;
}

export interface DnsAnswer {
  /** Owner name, lower case, no trailing dot. */
  name: string;
  type: RecordType;
  ttl: number;
  /** Address text for A/AAAA, the canonical name for CNAME, the record for SRV. */
  data: string | SrvData;
}

/**
 * NOERROR with no answers is NODATA; NXDOMAIN is an answer too. SERVFAIL,
 * REFUSED, TIMEOUT and ERROR mean the question could not be answered.
 */
export type DnsRcode = 'NOERROR' | 'NXDOMAIN' | 'SERVFAIL' | 'REFUSED' | 'TIMEOUT' | 'ERROR';

export interface DnsResult {
  rcode: DnsRcode;
  /** Every answer record, CNAME chain included, in the order received. */
  answers: DnsAnswer[];
  /** The AD bit: the resolver validated the answer with DNSSEC; null when the client cannot see it. */
  authenticated: boolean | null;
  /** Which resolver answered (a URL for DoH, ip:port for node:dns). */
  resolver: string;
  /** Human-readable cause when rcode is TIMEOUT or ERROR. */
  error?: string;
  /** When one client fans out to several resolvers: each resolver's own result. */
  views?: DnsResult[];
}

export interface DnsClient {
  query(name: string, type: RecordType, options?: { signal?: AbortSignal }): Promise<DnsResult>;
}

export interface HttpRequest {
  url: string;
  /** POST only for the outgoing test's key query; only the Node client sends a body. */
  method?: 'GET' | 'OPTIONS' | 'POST';
  body?: string;
  headers?: Record<string, string>;
  timeoutMs: number;
  /** The body is cut (error kind "too-large") once more than this many bytes arrived. */
  maxBytes: number;
  /** 0 means do not follow redirects. */
  maxRedirects: number;
  /**
   * Whether the caller reads the body of an answer with this status (default: always). For
   * other statuses the client answers as soon as the headers are in, with body '': a browser
   * learns where a body ends some milliseconds after its headers, on a check's longest chain.
   */
  bodyWanted?: (status: number) => boolean;
  /**
   * Connect to this address instead of resolving the URL's host (TLS and Host still use
   * the URL's host). Only honoured by clients that set `canPinAddress`.
   */
  address?: string;
  /**
   * Browsers only (adapters/browser/http.ts): ask whether the URL is reachable at all
   * together with the read, not once the read failed. For reads that often fail in a
   * browser on the check's longest chain: a federation endpoint whose certificate names
   * another host fails its read and its reachability question alike, each a TLS handshake.
   */
  reachabilityAlongside?: boolean;
  signal?: AbortSignal;
}

export interface RedirectHop {
  url: string;
  status: number;
  location: string;
  headers: Record<string, string>;
}

/**
 * - dns: the host did not resolve; connect: TCP refused/unreachable; tls: handshake or
 *   certificate rejected; timeout; too-large: body over maxBytes; cors: the browser
 *   could not read the response (see `reachable`); redirect-loop / redirect-limit;
 *   policy: the adapter refused to connect (non-public address); network: anything else.
 */
export type HttpErrorKind =
  | 'dns'
  | 'connect'
  | 'tls'
  | 'timeout'
  | 'too-large'
  | 'cors'
  | 'redirect-loop'
  | 'redirect-limit'
  | 'policy'
  | 'network';

export interface HttpSuccess {
  ok: true;
  /** The URL that finally answered, after redirects. */
  url: string;
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
  redirects: RedirectHop[];
  /** The address that answered, when the adapter knows it. */
  address?: string;
  elapsedMs: number;
}

export interface HttpFailure {
  ok: false;
  url: string;
  error: {
    kind: HttpErrorKind;
    message: string;
    /** Platform code, e.g. CERT_HAS_EXPIRED, ECONNREFUSED. */
    code?: string;
    /**
     * Browser only, for kind "cors": a no-cors request completed, so TCP, TLS (trusted by
     * this browser) and HTTP worked; the body just cannot be read without CORS headers.
     */
    reachable?: boolean;
  };
  redirects: RedirectHop[];
  elapsedMs: number;
}

export type HttpResult = HttpSuccess | HttpFailure;

export interface HttpClient {
  /** True when `HttpRequest.address` is honoured (Node); browsers cannot pin addresses. */
  readonly canPinAddress?: boolean;
  get(url: string, options: Omit<HttpRequest, 'url'>): Promise<HttpResult>;
}

export interface ProbeRequest {
  address: string;
  port: number;
  /** Omitted for IP-literal certificate names: the spec says send no SNI then. */
  sni?: string;
  hostHeader: string;
  /** The name (host or IP literal) the certificate must be valid for. */
  tlsName: string;
  /** The original server name: `server_name` in the keys response must equal it. */
  serverName: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface CertificateSummary {
  subject: string;
  subjectCommonName: string;
  issuer: string;
  issuerCommonName: string;
  /** Subject alternative names as "DNS:name" / "IP:address". */
  subjectAltNames: string[];
  notBefore: string;
  notAfter: string;
  sha256Fingerprint: string;
}

export interface ProbeHttpResult {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  error?: { kind: HttpErrorKind; message: string; code?: string };
  elapsedMs: number;
}

export interface ProbeResult {
  address: string;
  port: number;
  tcp: { ok: boolean; elapsedMs: number; error?: { code: string; message: string } };
  tls?: {
    ok: boolean;
    elapsedMs: number;
    version?: string;
    cipher?: string;
    /** Chain as the server sent it, leaf first, in issuing order. */
    certificates: CertificateSummary[];
    /**
     * The issuers verification took from this prober's own trust store, which the server did
     * not send: roots, and intermediates that a store happens to hold (peers' stores hold roots).
     */
    fromTrustStore?: CertificateSummary[];
    /** Chain verified against the trust store (OpenSSL's verdict, store certificates included). */
    trusted: boolean;
    /** Leaf valid for ProbeRequest.tlsName. */
    nameMatches: boolean;
    /** Why verification failed, e.g. CERT_HAS_EXPIRED, UNABLE_TO_VERIFY_LEAF_SIGNATURE. */
    verifyError?: { code: string; message: string };
    error?: { code: string; message: string };
  };
  /** GET /_matrix/federation/v1/version over the verified connection. */
  version?: ProbeHttpResult;
  /** GET /_matrix/key/v2/server to the same address, name and verification, on a second connection opened alongside the first so both requests cost one round trip. */
  keys?: ProbeHttpResult;
  /**
   * GET /_matrix/federation/v1/version again, with `Host: <hostHeader>:<port>`, on a third
   * connection opened alongside the others; made only when the spec's Host header has no
   * port and the port is not 443 (conduwuitHostHeader). Conduwuit-family servers (tuwunel)
   * send that Host, and reverse proxies that match the Host header exactly route it
   * elsewhere, so those peers cannot federate.
   */
  versionWithPortHost?: ProbeHttpResult;
}

export interface Prober {
  probe(request: ProbeRequest): Promise<ProbeResult>;
}

/** The core's clock, injected so tests are deterministic. */
export interface Clock {
  now(): number;
}
