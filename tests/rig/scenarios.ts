// The rig's scenario table: ONE row per test case. The zone files (knot), the nginx
// config, the certificates, the signed key responses and the expectations that the
// self-test and the checker's integration/e2e tests read are all generated from it.
//
// Adding a case = adding a row. Conventions:
// - `addr` is the last octet of the row's own IPv4 address in the scenario net
//   (127.0.1.x for rig slot 0; other slots shift the net, so never hard-code it:
//   write `{ip}` for the row's address and `{ip:N}` for 127.0.1.N). Every row gets its
//   own address (Chromium pools HTTP/2 connections across names sharing one).
//   `addr: 'v6'` puts the row on ::1 (only available in slot 0).
//   Octets by family of rows: 1-99 federation, 100-129 sign-in (auth), 130-159 calls (rtc)
//   and server features, 160-189 outgoing federation, 190-219 correctness and hardening.
// - Every DNS-name host in `hosts` gets an A (or AAAA for v6) record at its address
//   unless `dns: false`; `dns` adds any other record (zone-file syntax for the value).
// - `routes` maps a request path to what nginx answers; paths not listed answer
//   404 M_UNRECOGNIZED (with CORS). CORS headers are on by default (`cors: false` drops them).
// - `keys` routes are signed at rig start with a fresh ed25519 key (see keys.ts).
// - Ports of the row's addresses that no host listens on (443, 8448 and the SRV ports
//   the row mentions) refuse connections; the self-test checks that too.

import type { CheckArea } from '../../src/checker/evidence.ts';
import type { CheckStatus, ResolutionStep, Verdict } from '../../src/checker/report.ts';

export type { ResolutionStep, Verdict };

/**
 * good: leaf for the host's names, signed by the intermediate, served with the intermediate.
 * expired: like good but notAfter in the past. wrong-name: valid chain for `wrong-name.invalid`.
 * self-signed: the leaf signs itself. no-intermediate: signed by a second intermediate that
 * is never served anywhere (so no browser can have cached it), leaf served alone.
 * leaf-only: signed by the served intermediate, leaf served alone; a trust store that holds
 * that intermediate (rig.ca.intermediate) completes the chain, peers' root stores do not.
 * `certNames` overrides the SANs (e.g. valid only for the SRV target).
 */
export type CertKind = 'good' | 'expired' | 'wrong-name' | 'self-signed' | 'no-intermediate' | 'leaf-only';

export type KeysVariant = 'good' | 'bad-signature' | 'wrong-server-name' | 'expired' | 'padded-signature';

/**
 * How the rig's notary stand-in (notary.ts) answers a key query for fedcheck's name.
 * good: fetches it by the spec's rules and answers signed. egress-blocked: never fetches
 * (answers empty, as Synapse does when its fetch fails). ipv6-only: fetches from IPv6
 * addresses only. refuses: 404 M_UNRECOGNIZED. from-cache: answers with a copy made before
 * the test, never fetches. wrong-signature: fetches, but its signature does not verify.
 */
export type NotaryVariant = 'good' | 'egress-blocked' | 'ipv6-only' | 'refuses' | 'from-cache' | 'wrong-signature';

export interface Route {
  /** Default 200, or 301 with `redirect`. */
  status?: number;
  /** Response body as JSON (serialised with JSON.stringify). */
  json?: unknown;
  /** Raw response body (e.g. invalid JSON). */
  body?: string;
  /** Location header; relative paths stay on the same host. */
  redirect?: string;
  /** A signed /_matrix/key/v2/server response. */
  keys?: KeysVariant;
  /** server_name in the keys response; default the row's serverName. */
  keysServerName?: string;
  /** Default application/json. */
  contentType?: string;
  /** Default true: Access-Control-Allow-Origin/-Methods/-Headers on the answer and 204 on OPTIONS. */
  cors?: boolean;
  headers?: Record<string, string>;
  /** Never answer: nginx waits on the rig's TCP tarpit (a homeserver that hangs on this path). */
  hang?: boolean;
  /**
   * Answers for other request methods at this path (status and raw body), e.g. an OPTIONS
   * preflight answered 200 instead of the default 204. Headers and CORS as for the route.
   */
  methods?: Partial<Record<RouteMethod, { status: number; body?: string }>>;
}

export type RouteMethod = 'OPTIONS' | 'HEAD' | 'POST';

export interface HostSpec {
  /** DNS names (SNI/Host/certificate SANs) or IP literals ("{ip}", "::1") this server answers for. */
  names: string[];
  /** Octet in the scenario net, or 'v6' for ::1. Default: the row's addr. */
  addr?: number | 'v6';
  ports: number[];
  /** Default 'good'. Ignored for `tls: false` and tarpits. */
  cert?: CertKind;
  certNames?: string[];
  /** Plain HTTP (e.g. port 80 for a downgrade redirect). Default true. */
  tls?: boolean;
  /** Accept TCP connections and never answer (timeouts). */
  tarpit?: boolean;
  /** Default true: A/AAAA records for the DNS names at this host's address. */
  dns?: boolean;
  routes?: Record<string, Route>;
  /** Served by the notary stand-in (version, keys, key query) instead of nginx; `routes` unused. */
  notary?: NotaryVariant;
  /**
   * The status every request whose Host header carries a port gets, as from a reverse proxy
   * that matches Host exactly (HAProxy `hdr(host)`). Default: the port does not matter.
   */
  hostWithPortStatus?: number;
}

export interface DnsRecord {
  /** Absolute name without the trailing dot. */
  name: string;
  type: 'A' | 'AAAA' | 'CNAME' | 'SRV' | 'TXT';
  /** Zone-file syntax: "{ip}", "target.fed.test", "10 5 8448 target.fed.test", "0 0 0 .". */
  value: string;
  /** Which authoritative server has it: 'a' (main; node:dns, doh, doh-json) or 'b' (alt), default both. */
  zone?: 'a' | 'b';
}

export interface Expectation {
  step: ResolutionStep;
  /** Without an outgoing test (a proxy or CLI with no FEDCHECK_SERVER_NAME). */
  verdict: Verdict;
  /** When the outgoing test runs (FEDCHECK_SERVER_NAME set); default `verdict`. */
  verdictWithOutgoing?: Verdict;
  /** The outgoing area when the outgoing test runs (without an identity it is `skip`, and the row states no `areas`). */
  outgoing?: CheckStatus;
  /** The report's `areas` entries this row is about (the others are not asserted). */
  areas?: Partial<Record<CheckArea, CheckStatus>>;
  /** Ids of checks expected to fail or warn (best effort; the core team owns the names). */
  checks?: string[];
  /** Where the checker must connect (`{ip}:8448`), and what it must send / expect. */
  connect?: string;
  hostHeader?: string;
  tlsName?: string;
  /** null: no SNI (IP literal). */
  sni?: string | null;
  delegatedServerName?: string;
}

export interface Scenario {
  id: string;
  /** The server name a user would type. Default `${id}.fed.test`. */
  serverName?: string;
  addr: number | 'v6';
  summary: string;
  /** Spec reference (matrix-spec-rules.md) for the step or failure. */
  spec?: string;
  hosts: HostSpec[];
  dns?: DnsRecord[];
  /**
   * Names where both authoritative servers (a and b) hold a zone that failed to load:
   * every query at or below such a name answers SERVFAIL, like a broken delegation.
   */
  servfail?: string[];
  /**
   * A name the row's records at and below live in, as a zone of its own that fed.test
   * delegates to without a DS record: unsigned while fed.test is signed (zone a), so a
   * validating resolver answers without the AD flag (DNSSEC "insecure").
   */
  unsignedZone?: string;
  /** With `unsignedZone`: fed.test also holds a DS for it that matches no key, so validation fails (bogus: SERVFAIL). */
  bogusDs?: boolean;
  expect: Expectation;
}

// ---------------------------------------------------------------- route helpers

const CORS_NOTE = 'CORS headers are on by default';
void CORS_NOTE;

/** /.well-known/matrix/server delegating to `mServer`. */
export function wk(mServer: string, extra: Partial<Route> = {}): Record<string, Route> {
  return { '/.well-known/matrix/server': { json: { 'm.server': mServer }, ...extra } };
}

/** The federation endpoints of a healthy homeserver on the delegated/target host. */
export function fed(opts: { keys?: KeysVariant; keysServerName?: string; version?: Route } = {}): Record<string, Route> {
  return {
    '/_matrix/federation/v1/version': opts.version ?? {
      json: { server: { name: 'fedcheck-rig', version: '1.0.0' } },
    },
    '/_matrix/key/v2/server': { keys: opts.keys ?? 'good', keysServerName: opts.keysServerName },
    '/_matrix/client/versions': { json: { versions: ['v1.11', 'v1.12'], unstable_features: {} } },
  };
}

export function client(baseUrl: string, extra: Partial<Route> = {}): Record<string, Route> {
  return { '/.well-known/matrix/client': { json: { 'm.homeserver': { base_url: baseUrl } }, ...extra } };
}

export function support(serverName: string): Record<string, Route> {
  return {
    '/.well-known/matrix/support': {
      json: {
        contacts: [{ matrix_id: `@admin:${serverName}`, email_address: `admin@${serverName}`, role: 'm.role.admin' }],
        support_page: `https://${serverName}/support.html`,
      },
    },
  };
}

// ---------------------------------------------------------------- calls (MatrixRTC) and server features

const MISSING_TOKEN = { errcode: 'M_MISSING_TOKEN', error: 'Missing access token' };
/** Synapse serves only the unstable path (rest/client/matrixrtc.py). */
const TRANSPORTS_UNSTABLE = '/_matrix/client/unstable/org.matrix.msc4143/rtc/transports';
const CALL_FEATURES = { 'org.matrix.msc4140': true, 'im.nheko.summary': true, 'org.matrix.msc4143': true };

/**
 * One host for federation (port 443 by delegation), the client API and the client and support
 * files, as a small all-in-one homeserver: `clientExtra` adds keys to the client .well-known,
 * `routes` adds or replaces paths (the transports endpoint, the support file, …).
 */
function callsHost(name: string, opts: { clientExtra?: Record<string, unknown>; unstableFeatures?: Record<string, boolean>; routes?: Record<string, Route> } = {}): HostSpec {
  return {
    names: [name], ports: [443],
    routes: {
      ...wk(`${name}:443`),
      ...fed(),
      '/_matrix/client/versions': { json: { versions: ['v1.11', 'v1.12'], unstable_features: opts.unstableFeatures ?? CALL_FEATURES } },
      '/.well-known/matrix/client': { json: { 'm.homeserver': { base_url: `https://${name}` }, ...opts.clientExtra } },
      ...opts.routes,
    },
  };
}

/** `org.matrix.msc4143.rtc_foci` naming one LiveKit focus. */
function foci(serviceUrl: string): Record<string, unknown> {
  return { 'org.matrix.msc4143.rtc_foci': [{ type: 'livekit', livekit_service_url: serviceUrl }] };
}

/**
 * lk-jwt-service as its handler.go answers, under /livekit/jwt (the prefix the reverse proxy
 * strips): /healthz 200 without CORS; /get_token and /sfu/get answer OPTIONS with 200 and GET
 * with 405, both with CORS headers (`cors: false`: a proxy in front that drops them). The 405
 * body is "{}" where the service sends none: nginx serves its HTML error page for an empty one.
 */
function lkJwtService(opts: { cors?: boolean } = {}): Record<string, Route> {
  const token: Route = { status: 405, json: {}, cors: opts.cors ?? true, methods: { OPTIONS: { status: 200 } } };
  return { '/livekit/jwt/healthz': { body: '', cors: false }, '/livekit/jwt/get_token': token, '/livekit/jwt/sfu/get': token };
}

/** 60 KiB of valid JSON: over the 50 KiB limit (Synapse < 51 200 B). */
function oversize(mServer: string): unknown {
  return { 'm.server': mServer, 'org.fedcheck.padding': 'x'.repeat(60 * 1024) };
}

const XSS = '<img src=x onerror=alert(1)>';

function hops(n: number, final: string): Record<string, Route> {
  const r: Record<string, Route> = {
    '/.well-known/matrix/server': { status: 302, redirect: '/hop/1' },
  };
  for (let i = 1; i < n; i++) r[`/hop/${i}`] = { status: 302, redirect: `/hop/${i + 1}` };
  r[`/hop/${n}`] = { json: { 'm.server': final } };
  return r;
}

// ---------------------------------------------------------------- sign-in (OAuth 2.0) helpers

const AUTH_METADATA = '/_matrix/client/v1/auth_metadata';

/** The metadata MAS announces for an issuer at https://auth.<row name>/ (trimmed to what clients read). */
export function masMetadata(serverName: string, changes: Record<string, unknown> = {}): Record<string, unknown> {
  const issuer = `https://auth.${serverName}/`;
  const metadata: Record<string, unknown> = {
    issuer,
    authorization_endpoint: `${issuer}authorize`,
    token_endpoint: `${issuer}oauth2/token`,
    jwks_uri: `${issuer}oauth2/keys.json`,
    registration_endpoint: `${issuer}oauth2/registration`,
    revocation_endpoint: `${issuer}oauth2/revoke`,
    device_authorization_endpoint: `${issuer}oauth2/device`,
    account_management_uri: `${issuer}account/`,
    account_management_actions_supported: ['org.matrix.profile', 'org.matrix.sessions_list', 'org.matrix.session_end'],
    response_types_supported: ['code', 'id_token', 'code id_token'],
    response_modes_supported: ['form_post', 'query', 'fragment'],
    grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:device_code'],
    code_challenge_methods_supported: ['plain', 'S256'],
    prompt_values_supported: ['login', 'create'],
    ...changes,
  };
  return Object.fromEntries(Object.entries(metadata).filter(([, value]) => value !== undefined));
}

interface SignInOptions {
  /** Changes to the metadata the homeserver announces (undefined removes a field). */
  metadata?: Record<string, unknown>;
  /** Where the homeserver announces it: the stable endpoint, the unstable one, or only auth_issuer. */
  via?: 'stable' | 'unstable' | 'auth_issuer';
  /** The issuer's own discovery document differs from the announced metadata. */
  issuerDiscovery?: Record<string, unknown>;
  metadataRoute?: Partial<Route>;
  issuerRoute?: Partial<Route>;
}

/**
 * A row with Synapse + MAS: the homeserver at the server name (federation on 443 through its
 * .well-known, client API, sign-in metadata, /login) and MAS at auth.<server name>.
 */
function signIn(id: string, addr: number, summary: string, areaStatus: CheckStatus, checks: string[], options: SignInOptions = {}): Scenario {
  const serverName = `${id}.fed.test`;
  const metadata = masMetadata(serverName, options.metadata);
  const via = options.via ?? 'stable';
  const announced: Record<string, Route> =
    via === 'auth_issuer'
      ? { '/_matrix/client/unstable/org.matrix.msc2965/auth_issuer': { json: { issuer: metadata.issuer } } }
      : { [via === 'stable' ? AUTH_METADATA : '/_matrix/client/unstable/org.matrix.msc2965/auth_metadata']: { json: metadata, ...options.metadataRoute } };
  return {
    id,
    addr,
    summary,
    spec: 'client-stack 1',
    hosts: [
      {
        names: [serverName],
        ports: [443],
        routes: {
          ...wk(`${serverName}:443`),
          ...fed(),
          ...client(`https://${serverName}`),
          ...announced,
          '/_matrix/client/v3/login': { json: { flows: [{ type: 'm.login.sso', oauth_aware_preferred: true }, { type: 'm.login.token' }] } },
        },
      },
      {
        names: [`auth.${serverName}`],
        ports: [443],
        routes: {
          '/.well-known/openid-configuration': { json: options.issuerDiscovery ?? metadata, ...options.issuerRoute },
          '/oauth2/keys.json': { json: { keys: [{ kty: 'EC', crv: 'P-256', kid: 'rig', use: 'sig', alg: 'ES256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' }] } },
        },
      },
    ],
    expect: { step: 'well-known-port', verdict: areaStatus === 'pass' || areaStatus === 'info' ? 'pass' : 'warn', areas: { auth: areaStatus, federation: 'pass' }, checks, connect: '{ip}:443' },
  };
}

// ---------------------------------------------------------------- the table

export const scenarios: Scenario[] = [
  // ---- A2 discovery steps, working setups --------------------------------------
  {
    id: 'ip-literal',
    serverName: '{ip}',
    addr: 10,
    summary: 'Step 1: the server name is an IPv4 literal; connect to it on 8448, no SNI, cert with an iPAddress SAN.',
    spec: 'A2 step 1',
    hosts: [{ names: ['{ip}'], ports: [8448], routes: fed() }],
    expect: { step: 'ip-literal', verdict: 'pass', connect: '{ip}:8448', hostHeader: '{ip}', tlsName: '{ip}', sni: null },
  },
  {
    id: 'ip-literal-port',
    serverName: '{ip}:8449',
    addr: 11,
    summary: 'Step 1 with a port: IPv4 literal with an explicit port; Host header keeps the port.',
    spec: 'A2 step 1',
    hosts: [{ names: ['{ip}'], ports: [8449], routes: fed() }],
    expect: { step: 'ip-literal', verdict: 'pass', connect: '{ip}:8449', hostHeader: '{ip}:8449', tlsName: '{ip}', sni: null },
  },
  {
    id: 'ip-literal-v6',
    serverName: '[::1]',
    addr: 'v6',
    summary: 'Step 1 with an IPv6 literal: [::1] on 8448, cert with IP:::1, no SNI (slot 0 only).',
    spec: 'A2 step 1',
    hosts: [{ names: ['::1'], ports: [8448], routes: fed() }],
    expect: { step: 'ip-literal', verdict: 'pass', connect: '[::1]:8448', hostHeader: '[::1]', tlsName: '::1', sni: null },
  },
  {
    id: 'explicit-port',
    serverName: 'explicit-port.fed.test:8449',
    addr: 12,
    summary: 'Step 2: hostname with an explicit port; no .well-known (443 is closed), no SRV.',
    spec: 'A2 step 2',
    hosts: [{ names: ['explicit-port.fed.test'], ports: [8449], routes: fed() }],
    expect: {
      step: 'explicit-port', verdict: 'pass', connect: '{ip}:8449',
      hostHeader: 'explicit-port.fed.test:8449', tlsName: 'explicit-port.fed.test', sni: 'explicit-port.fed.test',
    },
  },
  {
    id: 'wk-ip',
    addr: 13,
    summary: 'Step 3.1: .well-known delegates to an IP literal (this row\'s address), default port 8448.',
    spec: 'A2 step 3.1',
    hosts: [
      { names: ['wk-ip.fed.test'], ports: [443], routes: wk('{ip}') },
      { names: ['{ip}'], ports: [8448], routes: fed({ keysServerName: 'wk-ip.fed.test' }) },
    ],
    expect: {
      step: 'well-known-ip', verdict: 'pass', connect: '{ip}:8448', hostHeader: '{ip}', tlsName: '{ip}', sni: null,
      delegatedServerName: '{ip}',
    },
  },
  {
    id: 'wk-port',
    addr: 14,
    summary: 'Step 3.2: .well-known delegates to a hostname with a port; no SRV lookup.',
    spec: 'A2 step 3.2',
    hosts: [
      { names: ['wk-port.fed.test'], ports: [443], routes: wk('matrix.wk-port.fed.test:8449') },
      { names: ['matrix.wk-port.fed.test'], ports: [8449], routes: fed({ keysServerName: 'wk-port.fed.test' }) },
    ],
    dns: [{ name: '_matrix-fed._tcp.matrix.wk-port.fed.test', type: 'SRV', value: '10 5 8448 matrix.wk-port.fed.test' }],
    expect: {
      step: 'well-known-port', verdict: 'pass', connect: '{ip}:8449', hostHeader: 'matrix.wk-port.fed.test:8449',
      tlsName: 'matrix.wk-port.fed.test', sni: 'matrix.wk-port.fed.test', delegatedServerName: 'matrix.wk-port.fed.test:8449',
    },
  },
  {
    id: 'wk-srv',
    addr: 15,
    summary: 'Step 3.3: .well-known delegates to a hostname without port; _matrix-fed._tcp SRV of the delegated name points at a target and port.',
    spec: 'A2 step 3.3',
    hosts: [
      { names: ['wk-srv.fed.test'], ports: [443], routes: wk('matrix.wk-srv.fed.test') },
      { names: ['matrix.wk-srv.fed.test'], ports: [8450], dns: false, routes: fed({ keysServerName: 'wk-srv.fed.test' }) },
    ],
    dns: [
      { name: '_matrix-fed._tcp.matrix.wk-srv.fed.test', type: 'SRV', value: '10 5 8450 target.wk-srv.fed.test' },
      { name: 'target.wk-srv.fed.test', type: 'A', value: '{ip}' },
    ],
    expect: {
      step: 'well-known-srv', verdict: 'pass', connect: '{ip}:8450', hostHeader: 'matrix.wk-srv.fed.test',
      tlsName: 'matrix.wk-srv.fed.test', sni: 'matrix.wk-srv.fed.test', delegatedServerName: 'matrix.wk-srv.fed.test',
    },
  },
  {
    id: 'wk-srv-legacy',
    addr: 16,
    summary: 'Step 3.4 (deprecated): as 3.3 but only the legacy _matrix._tcp SRV record exists.',
    spec: 'A2 step 3.4, C5',
    hosts: [
      { names: ['wk-srv-legacy.fed.test'], ports: [443], routes: wk('matrix.wk-srv-legacy.fed.test') },
      { names: ['matrix.wk-srv-legacy.fed.test'], ports: [8450], dns: false, routes: fed({ keysServerName: 'wk-srv-legacy.fed.test' }) },
    ],
    dns: [
      { name: '_matrix._tcp.matrix.wk-srv-legacy.fed.test', type: 'SRV', value: '10 5 8450 target.wk-srv-legacy.fed.test' },
      { name: 'target.wk-srv-legacy.fed.test', type: 'A', value: '{ip}' },
    ],
    expect: {
      step: 'well-known-srv-legacy', verdict: 'warn', checks: ['dns.srv.legacy'], connect: '{ip}:8450',
      hostHeader: 'matrix.wk-srv-legacy.fed.test', tlsName: 'matrix.wk-srv-legacy.fed.test', sni: 'matrix.wk-srv-legacy.fed.test',
      delegatedServerName: 'matrix.wk-srv-legacy.fed.test',
    },
  },
  {
    id: 'wk-default',
    addr: 17,
    summary: 'Step 3.5: .well-known delegates to a hostname without port and no SRV exists: its address on 8448.',
    spec: 'A2 step 3.5',
    hosts: [
      { names: ['wk-default.fed.test'], ports: [443], routes: wk('matrix.wk-default.fed.test') },
      { names: ['matrix.wk-default.fed.test'], ports: [8448], routes: fed({ keysServerName: 'wk-default.fed.test' }) },
    ],
    expect: {
      step: 'well-known-default', verdict: 'pass', connect: '{ip}:8448', hostHeader: 'matrix.wk-default.fed.test',
      tlsName: 'matrix.wk-default.fed.test', sni: 'matrix.wk-default.fed.test', delegatedServerName: 'matrix.wk-default.fed.test',
    },
  },
  {
    id: 'srv',
    addr: 18,
    summary: 'Step 4: .well-known answers 404; _matrix-fed._tcp SRV points at target:8451; cert is for the server name, not the target.',
    spec: 'A2 step 4',
    hosts: [
      { names: ['srv.fed.test'], ports: [443] },
      { names: ['srv.fed.test'], ports: [8451], dns: false, routes: fed() },
    ],
    dns: [
      { name: '_matrix-fed._tcp.srv.fed.test', type: 'SRV', value: '10 5 8451 target.srv.fed.test' },
      { name: 'target.srv.fed.test', type: 'A', value: '{ip}' },
    ],
    expect: { step: 'srv', verdict: 'pass', connect: '{ip}:8451', hostHeader: 'srv.fed.test', tlsName: 'srv.fed.test', sni: 'srv.fed.test' },
  },
  {
    id: 'srv-legacy',
    addr: 19,
    summary: 'Step 5 (deprecated): no .well-known, only the legacy _matrix._tcp SRV record.',
    spec: 'A2 step 5, C5',
    hosts: [
      { names: ['srv-legacy.fed.test'], ports: [443] },
      { names: ['srv-legacy.fed.test'], ports: [8451], dns: false, routes: fed() },
    ],
    dns: [
      { name: '_matrix._tcp.srv-legacy.fed.test', type: 'SRV', value: '10 5 8451 target.srv-legacy.fed.test' },
      { name: 'target.srv-legacy.fed.test', type: 'A', value: '{ip}' },
    ],
    expect: {
      step: 'srv-legacy', verdict: 'warn', checks: ['dns.srv.legacy'], connect: '{ip}:8451',
      hostHeader: 'srv-legacy.fed.test', tlsName: 'srv-legacy.fed.test', sni: 'srv-legacy.fed.test',
    },
  },
  {
    id: 'default',
    addr: 20,
    summary: 'Step 6: .well-known 404, no SRV: the hostname\'s address on 8448.',
    spec: 'A2 step 6',
    hosts: [
      { names: ['default.fed.test'], ports: [443] },
      { names: ['default.fed.test'], ports: [8448], routes: fed() },
    ],
    expect: { step: 'default', verdict: 'pass', connect: '{ip}:8448', hostHeader: 'default.fed.test', tlsName: 'default.fed.test', sni: 'default.fed.test' },
  },
  {
    id: 'no-https',
    addr: 21,
    summary: 'Step 6 with port 443 closed (connection refused on .well-known): falls through to 8448.',
    spec: 'A2 step 3 -> 6',
    hosts: [{ names: ['no-https.fed.test'], ports: [8448], routes: fed() }],
    expect: { step: 'default', verdict: 'pass', connect: '{ip}:8448', hostHeader: 'no-https.fed.test', tlsName: 'no-https.fed.test', sni: 'no-https.fed.test' },
  },
  {
    id: 'good',
    addr: 22,
    summary: 'A complete, healthy deployment: .well-known server/client/support with CORS, delegated host on 8448, client API on 443.',
    spec: 'A2 step 3.5, A5',
    hosts: [
      {
        names: ['good.fed.test'], ports: [443],
        routes: { ...wk('matrix.good.fed.test'), ...client('https://matrix.good.fed.test'), ...support('good.fed.test') },
      },
      { names: ['matrix.good.fed.test'], ports: [443, 8448], routes: fed({ keysServerName: 'good.fed.test' }) },
    ],
    expect: {
      step: 'well-known-default', verdict: 'pass', connect: '{ip}:8448', hostHeader: 'matrix.good.fed.test',
      tlsName: 'matrix.good.fed.test', sni: 'matrix.good.fed.test', delegatedServerName: 'matrix.good.fed.test',
    },
  },
  {
    id: 'srv-both',
    addr: 23,
    summary: 'Step 4 preferred over 5: both _matrix-fed (8452, working) and legacy _matrix (8453, closed) exist.',
    spec: 'A2 steps 4/5',
    hosts: [{ names: ['srv-both.fed.test'], ports: [8452], routes: fed() }],
    dns: [
      { name: '_matrix-fed._tcp.srv-both.fed.test', type: 'SRV', value: '10 5 8452 srv-both.fed.test' },
      { name: '_matrix._tcp.srv-both.fed.test', type: 'SRV', value: '10 5 8453 srv-both.fed.test' },
    ],
    expect: { step: 'srv', verdict: 'pass', connect: '{ip}:8452', hostHeader: 'srv-both.fed.test', tlsName: 'srv-both.fed.test', sni: 'srv-both.fed.test' },
  },
  {
    id: 'wk-self',
    addr: 24,
    summary: 'Step 3.2, common setup: .well-known delegates to the same name on port 443, federation served on 443.',
    spec: 'A2 step 3.2',
    hosts: [{ names: ['wk-self.fed.test'], ports: [443], routes: { ...wk('wk-self.fed.test:443'), ...fed() } }],
    expect: {
      step: 'well-known-port', verdict: 'pass', connect: '{ip}:443', hostHeader: 'wk-self.fed.test:443',
      tlsName: 'wk-self.fed.test', sni: 'wk-self.fed.test', delegatedServerName: 'wk-self.fed.test:443',
    },
  },
  {
    id: 'cname',
    addr: 25,
    summary: 'Step 6 through a CNAME: the server name is an alias of real.cname.fed.test (CNAMEs are allowed here).',
    spec: 'A2 step 6 (CNAME note)',
    hosts: [{ names: ['cname.fed.test'], ports: [8448], dns: false, routes: fed() }],
    dns: [
      { name: 'cname.fed.test', type: 'CNAME', value: 'real.cname.fed.test' },
      { name: 'real.cname.fed.test', type: 'A', value: '{ip}' },
    ],
    expect: { step: 'default', verdict: 'pass', connect: '{ip}:8448', hostHeader: 'cname.fed.test', tlsName: 'cname.fed.test', sni: 'cname.fed.test' },
  },
  {
    id: 'wk-cname',
    addr: 26,
    summary: 'Step 3.5 where the delegated hostname is a CNAME.',
    spec: 'A2 step 3.5 (CNAME note)',
    hosts: [
      { names: ['wk-cname.fed.test'], ports: [443], routes: wk('matrix.wk-cname.fed.test') },
      { names: ['matrix.wk-cname.fed.test'], ports: [8448], dns: false, routes: fed({ keysServerName: 'wk-cname.fed.test' }) },
    ],
    dns: [
      { name: 'matrix.wk-cname.fed.test', type: 'CNAME', value: 'host.wk-cname.fed.test' },
      { name: 'host.wk-cname.fed.test', type: 'A', value: '{ip}' },
    ],
    expect: {
      step: 'well-known-default', verdict: 'pass', connect: '{ip}:8448', hostHeader: 'matrix.wk-cname.fed.test',
      tlsName: 'matrix.wk-cname.fed.test', sni: 'matrix.wk-cname.fed.test', delegatedServerName: 'matrix.wk-cname.fed.test',
    },
  },
  {
    id: 'ipv6',
    addr: 'v6',
    summary: 'Step 6 over IPv6: AAAA ::1 only, served on [::1]:8448 (slot 0 only). Works, but IPv4-only peers cannot reach it.',
    spec: 'A2 step 6',
    hosts: [{ names: ['ipv6.fed.test'], ports: [8448], routes: fed() }],
    expect: { step: 'default', verdict: 'warn', checks: ['dns.address-families'], connect: '[::1]:8448', hostHeader: 'ipv6.fed.test', tlsName: 'ipv6.fed.test', sni: 'ipv6.fed.test' },
  },

  // ---- certificates -------------------------------------------------------------
  {
    id: 'cert-expired',
    addr: 30,
    summary: 'Federation endpoint serves an expired certificate (valid chain).',
    spec: 'A3',
    hosts: [{ names: ['cert-expired.fed.test'], ports: [8448], cert: 'expired', routes: fed() }],
    expect: { step: 'default', verdict: 'fail', checks: ['tls.certificate.expiry'], connect: '{ip}:8448', tlsName: 'cert-expired.fed.test' },
  },
  {
    id: 'cert-wrong-name',
    addr: 31,
    summary: 'Federation endpoint serves a trusted certificate for another name (wrong-name.invalid).',
    spec: 'A3',
    hosts: [{ names: ['cert-wrong-name.fed.test'], ports: [8448], cert: 'wrong-name', routes: fed() }],
    expect: { step: 'default', verdict: 'fail', checks: ['tls.certificate.name'], connect: '{ip}:8448', tlsName: 'cert-wrong-name.fed.test' },
  },
  {
    id: 'cert-self-signed',
    addr: 32,
    summary: 'Federation endpoint serves a self-signed certificate for the right name.',
    spec: 'A3, C15',
    hosts: [{ names: ['cert-self-signed.fed.test'], ports: [8448], cert: 'self-signed', routes: fed() }],
    expect: { step: 'default', verdict: 'fail', checks: ['tls.certificate.trusted'], connect: '{ip}:8448', tlsName: 'cert-self-signed.fed.test' },
  },
  {
    id: 'cert-no-intermediate',
    addr: 33,
    summary: 'Leaf served without its intermediate (the intermediate is never served anywhere, so no client can have cached it).',
    spec: 'A3 (no AIA chasing)',
    hosts: [{ names: ['cert-no-intermediate.fed.test'], ports: [8448], cert: 'no-intermediate', routes: fed() }],
    expect: { step: 'default', verdict: 'fail', checks: ['tls.certificate.trusted'], connect: '{ip}:8448', tlsName: 'cert-no-intermediate.fed.test' },
  },
  {
    id: 'cert-srv-target',
    addr: 34,
    summary: 'Step 4 where the certificate is valid only for the SRV target name, not for the server name.',
    spec: 'A2 step 4, A3',
    hosts: [
      {
        names: ['cert-srv-target.fed.test'], ports: [8448], dns: false,
        certNames: ['target.cert-srv-target.fed.test'], routes: fed(),
      },
    ],
    dns: [
      { name: '_matrix-fed._tcp.cert-srv-target.fed.test', type: 'SRV', value: '10 5 8448 target.cert-srv-target.fed.test' },
      { name: 'target.cert-srv-target.fed.test', type: 'A', value: '{ip}' },
    ],
    expect: {
      step: 'srv', verdict: 'fail', checks: ['tls.certificate.name'], connect: '{ip}:8448',
      hostHeader: 'cert-srv-target.fed.test', tlsName: 'cert-srv-target.fed.test', sni: 'cert-srv-target.fed.test',
    },
  },
  {
    id: 'cert-ip-no-san',
    serverName: '{ip}',
    addr: 35,
    summary: 'Step 1 where the certificate has no iPAddress SAN for the literal (only a DNS name).',
    spec: 'A2 step 1, A3',
    hosts: [{ names: ['{ip}'], ports: [8448], certNames: ['cert-ip-no-san.fed.test'], routes: fed() }],
    expect: { step: 'ip-literal', verdict: 'fail', checks: ['tls.certificate.name'], connect: '{ip}:8448', tlsName: '{ip}', sni: null },
  },
  {
    id: 'wk-cert-expired',
    addr: 36,
    summary: '.well-known is served with an expired certificate (so it is an error: step 4/6); 8448 works.',
    spec: 'A2 step 3 -> 6',
    hosts: [
      { names: ['wk-cert-expired.fed.test'], ports: [443], cert: 'expired', routes: wk('matrix.wk-cert-expired.fed.test:8449') },
      { names: ['wk-cert-expired.fed.test'], ports: [8448], routes: fed() },
    ],
    expect: { step: 'default', verdict: 'warn', checks: ['wellknown.server.status'], connect: '{ip}:8448', tlsName: 'wk-cert-expired.fed.test' },
  },

  // ---- .well-known/matrix/server failures ------------------------------------------
  {
    id: 'wk-500',
    addr: 40,
    summary: '.well-known answers 500: discovery falls back to 8448, which is closed; the intended delegate on 8449 is never tried.',
    spec: 'A2 step 3',
    hosts: [
      { names: ['wk-500.fed.test'], ports: [443], routes: { '/.well-known/matrix/server': { status: 500, json: { errcode: 'M_UNKNOWN', error: 'Internal server error' } } } },
      { names: ['matrix.wk-500.fed.test'], ports: [8449], routes: fed({ keysServerName: 'wk-500.fed.test' }) },
    ],
    expect: { step: 'default', verdict: 'fail', checks: ['wellknown.server.status', 'connection.tcp'], connect: '{ip}:8448' },
  },
  {
    id: 'wk-invalid-json',
    addr: 41,
    summary: '.well-known body is not valid JSON: falls back to 8448, closed.',
    spec: 'A2 step 3',
    hosts: [
      { names: ['wk-invalid-json.fed.test'], ports: [443], routes: { '/.well-known/matrix/server': { body: '{"m.server": "matrix.wk-invalid-json.fed.test:8449",' } } },
      { names: ['matrix.wk-invalid-json.fed.test'], ports: [8449], routes: fed({ keysServerName: 'wk-invalid-json.fed.test' }) },
    ],
    expect: { step: 'default', verdict: 'fail', checks: ['wellknown.server.json', 'connection.tcp'], connect: '{ip}:8448' },
  },
  {
    id: 'wk-not-object',
    addr: 42,
    summary: '.well-known body is JSON but not an object (an array).',
    spec: 'A2 step 3',
    hosts: [
      { names: ['wk-not-object.fed.test'], ports: [443], routes: { '/.well-known/matrix/server': { json: ['matrix.wk-not-object.fed.test:8449'] } } },
      { names: ['wk-not-object.fed.test'], ports: [8448], routes: fed() },
    ],
    expect: { step: 'default', verdict: 'warn', checks: ['wellknown.server.json'], connect: '{ip}:8448' },
  },
  {
    id: 'wk-missing-mserver',
    addr: 43,
    summary: '.well-known is a JSON object without m.server: falls back to 8448, which works.',
    spec: 'A2 step 3',
    hosts: [
      { names: ['wk-missing-mserver.fed.test'], ports: [443], routes: { '/.well-known/matrix/server': { json: { 'm.homeserver': 'matrix.wk-missing-mserver.fed.test' } } } },
      { names: ['wk-missing-mserver.fed.test'], ports: [8448], routes: fed() },
    ],
    expect: { step: 'default', verdict: 'warn', checks: ['wellknown.server.m-server'], connect: '{ip}:8448' },
  },
  {
    id: 'wk-empty-mserver',
    addr: 44,
    summary: 'm.server is the empty string: invalid, step 4/6; 8448 works.',
    spec: 'C2',
    hosts: [
      { names: ['wk-empty-mserver.fed.test'], ports: [443], routes: wk('') },
      { names: ['wk-empty-mserver.fed.test'], ports: [8448], routes: fed() },
    ],
    expect: { step: 'default', verdict: 'warn', checks: ['wellknown.server.m-server'], connect: '{ip}:8448' },
  },
  {
    id: 'wk-invalid-mserver',
    addr: 45,
    summary: 'm.server violates the grammar (port 99999): spec falls back, GMSL peers hard-fail.',
    spec: 'C1, C11',
    hosts: [
      { names: ['wk-invalid-mserver.fed.test'], ports: [443], routes: wk('matrix.wk-invalid-mserver.fed.test:99999') },
      { names: ['wk-invalid-mserver.fed.test'], ports: [8448], routes: fed() },
    ],
    expect: { step: 'default', verdict: 'fail', checks: ['wellknown.server.m-server'], connect: '{ip}:8448' },
  },
  {
    id: 'wk-xss',
    addr: 46,
    summary: `HTML/JS payloads in m.server (${XSS}), in the support file and in the version answer: the site must escape them.`,
    spec: 'C1',
    hosts: [
      {
        names: ['wk-xss.fed.test'], ports: [443],
        routes: {
          ...wk(XSS),
          '/.well-known/matrix/support': {
            json: {
              contacts: [{ email_address: '"><script>alert(2)</script>@wk-xss.fed.test', role: '<img src=x onerror=alert(3)>' }],
              support_page: 'javascript:alert(4)',
            },
          },
          ...client('javascript:alert(5)//'),
        },
      },
      {
        names: ['wk-xss.fed.test'], ports: [8448],
        routes: fed({ version: { json: { server: { name: '<script>alert(6)</script>', version: '<img src=x onerror=alert(7)>' } } } }),
      },
    ],
    expect: { step: 'default', verdict: 'fail', checks: ['wellknown.server.m-server'], connect: '{ip}:8448' },
  },
  {
    id: 'wk-oversize',
    addr: 47,
    summary: '.well-known is valid JSON but 60 KiB: Synapse and gomatrixserverlib ignore it and fall back to 8448 (closed), while peers with larger limits would use the delegate on 8449: split view.',
    spec: 'C6',
    hosts: [
      { names: ['wk-oversize.fed.test'], ports: [443], routes: { '/.well-known/matrix/server': { json: oversize('matrix.wk-oversize.fed.test:8449') } } },
      { names: ['matrix.wk-oversize.fed.test'], ports: [8449], routes: fed({ keysServerName: 'wk-oversize.fed.test' }) },
    ],
    expect: { step: 'default', verdict: 'fail', checks: ['wellknown.server.size', 'connection.tcp'], connect: '{ip}:8448' },
  },
  {
    id: 'wk-no-cors',
    addr: 48,
    summary: '.well-known server and client files work but carry no CORS headers (a browser cannot read them).',
    spec: 'A5 CORS',
    hosts: [
      {
        names: ['wk-no-cors.fed.test'], ports: [443],
        routes: { ...wk('matrix.wk-no-cors.fed.test', { cors: false }), ...client('https://matrix.wk-no-cors.fed.test', { cors: false }) },
      },
      { names: ['matrix.wk-no-cors.fed.test'], ports: [443, 8448], routes: fed({ keysServerName: 'wk-no-cors.fed.test' }) },
    ],
    expect: { step: 'well-known-default', verdict: 'warn', checks: ['client.wellknown.cors'], connect: '{ip}:8448', delegatedServerName: 'matrix.wk-no-cors.fed.test' },
  },

  // ---- redirects --------------------------------------------------------------------
  {
    id: 'wk-redirect',
    addr: 50,
    summary: '.well-known answers 301 to www.<name> (one hop), which delegates to matrix.<name>:8449.',
    spec: 'A2 step 3 (30x followed)',
    hosts: [
      { names: ['wk-redirect.fed.test'], ports: [443], routes: { '/.well-known/matrix/server': { status: 301, redirect: 'https://www.wk-redirect.fed.test/.well-known/matrix/server' } } },
      { names: ['www.wk-redirect.fed.test'], ports: [443], routes: wk('matrix.wk-redirect.fed.test:8449') },
      { names: ['matrix.wk-redirect.fed.test'], ports: [8449], routes: fed({ keysServerName: 'wk-redirect.fed.test' }) },
    ],
    expect: { step: 'well-known-port', verdict: 'pass', connect: '{ip}:8449', delegatedServerName: 'matrix.wk-redirect.fed.test:8449' },
  },
  {
    id: 'wk-redirect-chain',
    addr: 51,
    summary: 'A chain of three redirects (302 -> 307 -> 308) across two hosts before the .well-known body.',
    spec: 'A2 step 3, C13',
    hosts: [
      { names: ['wk-redirect-chain.fed.test'], ports: [443], routes: { '/.well-known/matrix/server': { status: 302, redirect: 'https://www.wk-redirect-chain.fed.test/step2' } } },
      {
        names: ['www.wk-redirect-chain.fed.test'], ports: [443],
        routes: {
          '/step2': { status: 307, redirect: '/step3' },
          '/step3': { status: 308, redirect: '/.well-known/matrix/server' },
          ...wk('matrix.wk-redirect-chain.fed.test:8449'),
        },
      },
      { names: ['matrix.wk-redirect-chain.fed.test'], ports: [8449], routes: fed({ keysServerName: 'wk-redirect-chain.fed.test' }) },
    ],
    expect: { step: 'well-known-port', verdict: 'pass', connect: '{ip}:8449', delegatedServerName: 'matrix.wk-redirect-chain.fed.test:8449' },
  },
  {
    id: 'wk-redirect-loop',
    addr: 52,
    summary: '.well-known redirects to /loop which redirects back: loop; fallback 8448 is closed.',
    spec: 'A2 step 3, C13',
    hosts: [
      {
        names: ['wk-redirect-loop.fed.test'], ports: [443],
        routes: {
          '/.well-known/matrix/server': { status: 302, redirect: '/loop' },
          '/loop': { status: 302, redirect: '/.well-known/matrix/server' },
        },
      },
    ],
    expect: { step: 'default', verdict: 'fail', checks: ['wellknown.server.redirects', 'connection.tcp'], connect: '{ip}:8448' },
  },
  {
    id: 'wk-redirect-limit',
    addr: 53,
    summary: '11 redirects before the body (limit 10): error; fallback 8448 closed.',
    spec: 'C13',
    hosts: [
      { names: ['wk-redirect-limit.fed.test'], ports: [443], routes: hops(11, 'matrix.wk-redirect-limit.fed.test:8449') },
      { names: ['matrix.wk-redirect-limit.fed.test'], ports: [8449], routes: fed({ keysServerName: 'wk-redirect-limit.fed.test' }) },
    ],
    expect: { step: 'default', verdict: 'fail', checks: ['wellknown.server.redirects', 'connection.tcp'], connect: '{ip}:8448' },
  },
  {
    id: 'wk-redirect-http',
    addr: 54,
    summary: '.well-known redirects from https to plain http (port 80), which serves the delegation.',
    spec: 'C13 (downgrade)',
    hosts: [
      { names: ['wk-redirect-http.fed.test'], ports: [443], routes: { '/.well-known/matrix/server': { status: 301, redirect: 'http://wk-redirect-http.fed.test/.well-known/matrix/server' } } },
      { names: ['wk-redirect-http.fed.test'], ports: [80], tls: false, routes: wk('matrix.wk-redirect-http.fed.test:8449') },
      { names: ['matrix.wk-redirect-http.fed.test'], ports: [8449], routes: fed({ keysServerName: 'wk-redirect-http.fed.test' }) },
    ],
    expect: { step: 'well-known-port', verdict: 'warn', checks: ['wellknown.server.redirects'], connect: '{ip}:8449' },
  },

  // ---- federation endpoints ------------------------------------------------------------
  {
    id: 'keys-bad-signature',
    addr: 60,
    summary: '/_matrix/key/v2/server signature does not verify (signed bytes differ from the served ones).',
    spec: 'A4',
    hosts: [{ names: ['keys-bad-signature.fed.test'], ports: [8448], routes: fed({ keys: 'bad-signature' }) }],
    expect: { step: 'default', verdict: 'fail', checks: ['keys.signature'], connect: '{ip}:8448' },
  },
  {
    id: 'keys-wrong-server-name',
    addr: 61,
    summary: 'Key response is validly signed but for server_name other.fed.test.',
    spec: 'A4 step 2',
    hosts: [{ names: ['keys-wrong-server-name.fed.test'], ports: [8448], routes: fed({ keys: 'wrong-server-name' }) }],
    expect: { step: 'default', verdict: 'fail', checks: ['keys.server-name'], connect: '{ip}:8448' },
  },
  {
    id: 'keys-expired',
    addr: 62,
    summary: 'Key response is validly signed but valid_until_ts is an hour in the past.',
    spec: 'A4 step 3',
    hosts: [{ names: ['keys-expired.fed.test'], ports: [8448], routes: fed({ keys: 'expired' }) }],
    expect: { step: 'default', verdict: 'fail', checks: ['keys.valid-until'], connect: '{ip}:8448' },
  },
  {
    id: 'keys-padded-signature',
    addr: 63,
    summary: 'Valid signature but base64 with "=" padding (GMSL peers reject it).',
    spec: 'C9',
    hosts: [{ names: ['keys-padded-signature.fed.test'], ports: [8448], routes: fed({ keys: 'padded-signature' }) }],
    expect: { step: 'default', verdict: 'warn', checks: ['keys.base64-padding'], connect: '{ip}:8448' },
  },
  {
    id: 'fed-404',
    addr: 64,
    summary: 'TLS works on 8448 but every path answers 404 (federation API not routed).',
    spec: 'A4',
    hosts: [{ names: ['fed-404.fed.test'], ports: [8448] }],
    expect: { step: 'default', verdict: 'fail', checks: ['federation.version'], connect: '{ip}:8448' },
  },
  {
    id: 'version-invalid-json',
    addr: 65,
    summary: '/_matrix/federation/v1/version answers 200 with an HTML body.',
    spec: 'A4 version',
    hosts: [
      {
        names: ['version-invalid-json.fed.test'], ports: [8448],
        routes: fed({ version: { body: '<html><body>Welcome to nginx!</body></html>', contentType: 'text/html' } }),
      },
    ],
    // The version endpoint is informational: TLS and keys work, so federation does (warn).
    expect: { step: 'default', verdict: 'warn', checks: ['federation.version'], connect: '{ip}:8448' },
  },
  {
    id: 'host-with-port-rejected',
    addr: 66,
    summary: 'The proxy matches Host exactly: "Host: name" works, "Host: name:8448" (as conduwuit-family peers send it) gets 421.',
    spec: 'C8',
    hosts: [{ names: ['host-with-port-rejected.fed.test'], ports: [8448], routes: fed(), hostWithPortStatus: 421 }],
    expect: {
      step: 'default', verdict: 'warn', checks: ['federation.host-with-port'], connect: '{ip}:8448',
      hostHeader: 'host-with-port-rejected.fed.test',
    },
  },

  // ---- DNS -------------------------------------------------------------------------------
  {
    id: 'srv-dot',
    addr: 70,
    summary: 'SRV target "." (service explicitly not available) although 8448 would answer.',
    spec: 'C4',
    hosts: [
      { names: ['srv-dot.fed.test'], ports: [443] },
      { names: ['srv-dot.fed.test'], ports: [8448], routes: fed() },
    ],
    dns: [{ name: '_matrix-fed._tcp.srv-dot.fed.test', type: 'SRV', value: '0 0 0 .' }],
    expect: { step: 'srv', verdict: 'fail', checks: ['dns.srv.disabled'] },
  },
  {
    id: 'srv-cname',
    addr: 71,
    summary: 'SRV target is a CNAME (RFC 2782: MUST NOT be an alias); the alias resolves and serves.',
    spec: 'A2 CNAME note',
    hosts: [{ names: ['srv-cname.fed.test'], ports: [8454], dns: false, routes: fed() }],
    dns: [
      { name: '_matrix-fed._tcp.srv-cname.fed.test', type: 'SRV', value: '10 5 8454 alias.srv-cname.fed.test' },
      { name: 'alias.srv-cname.fed.test', type: 'CNAME', value: 'target.srv-cname.fed.test' },
      { name: 'target.srv-cname.fed.test', type: 'A', value: '{ip}' },
    ],
    expect: {
      step: 'srv', verdict: 'warn', checks: ['dns.srv.target-cname'], connect: '{ip}:8454',
      hostHeader: 'srv-cname.fed.test', tlsName: 'srv-cname.fed.test', sni: 'srv-cname.fed.test',
    },
  },
  {
    id: 'srv-priority',
    addr: 72,
    summary: 'Two SRV records: priority 10 points at a closed port (8455), priority 20 at a working one (8456).',
    spec: 'A2 step 4 (RFC 2782 order)',
    hosts: [{ names: ['srv-priority.fed.test'], ports: [8456], routes: fed() }],
    dns: [
      { name: '_matrix-fed._tcp.srv-priority.fed.test', type: 'SRV', value: '10 5 8455 srv-priority.fed.test' },
      { name: '_matrix-fed._tcp.srv-priority.fed.test', type: 'SRV', value: '20 5 8456 srv-priority.fed.test' },
    ],
    expect: { step: 'srv', verdict: 'warn', checks: ['connection.tcp'], connect: '{ip}:8456' },
  },
  {
    id: 'nxdomain',
    addr: 73,
    summary: 'The name does not exist (NXDOMAIN for every query).',
    spec: 'A2 step 6',
    hosts: [],
    expect: { step: 'default', verdict: 'fail', checks: ['dns.targets.resolve'] },
  },
  {
    id: 'srv-servfail',
    addr: 78,
    summary: 'The _matrix-fed._tcp SRV query answers SERVFAIL (its zone failed to load) while the name resolves and 8448 serves: Synapse gives up, Go servers fall back to 8448.',
    spec: 'C3',
    hosts: [
      { names: ['srv-servfail.fed.test'], ports: [443] },
      { names: ['srv-servfail.fed.test'], ports: [8448], routes: fed() },
    ],
    servfail: ['_matrix-fed._tcp.srv-servfail.fed.test'],
    expect: { step: 'default', verdict: 'fail', checks: ['dns.srv'], connect: '{ip}:8448', hostHeader: 'srv-servfail.fed.test', sni: 'srv-servfail.fed.test' },
  },
  {
    id: 'split-dns',
    addr: 74,
    summary: 'The two resolvers disagree: zone a (node:dns, doh, doh-json) says {ip}, zone b (doh-alt) says {ip:75}; both serve.',
    spec: 'C7-like',
    hosts: [
      { names: ['split-dns.fed.test'], ports: [8448], dns: false, routes: fed() },
      { names: ['split-dns.fed.test'], addr: 75, ports: [8448], dns: false, routes: fed() },
    ],
    dns: [
      { name: 'split-dns.fed.test', type: 'A', value: '{ip}', zone: 'a' },
      { name: 'split-dns.fed.test', type: 'A', value: '{ip:75}', zone: 'b' },
    ],
    expect: { step: 'default', verdict: 'warn', checks: ['dns.resolvers.agree'], connect: '{ip}:8448' },
  },
  {
    id: 'split-brain',
    addr: 76,
    summary: 'Two A records ({ip}, {ip:77}) whose .well-known answers differ (delegation vs 404).',
    spec: 'C7',
    hosts: [
      { names: ['split-brain.fed.test'], ports: [443], routes: wk('matrix.split-brain.fed.test:8449') },
      { names: ['split-brain.fed.test'], addr: 77, ports: [443] },
      { names: ['matrix.split-brain.fed.test'], ports: [8449], routes: fed({ keysServerName: 'split-brain.fed.test' }) },
      { names: ['split-brain.fed.test'], addr: 77, ports: [8448], routes: fed() },
    ],
    expect: { step: 'well-known-port', verdict: 'warn', checks: ['wellknown.server.consistent'] },
  },

  // ---- connectivity ---------------------------------------------------------------------------
  {
    id: 'refused',
    addr: 80,
    summary: 'The name resolves but nothing listens on 443 or 8448 (connection refused).',
    spec: 'A2 step 6',
    hosts: [],
    dns: [{ name: 'refused.fed.test', type: 'A', value: '{ip}' }],
    expect: { step: 'default', verdict: 'fail', checks: ['connection.tcp'], connect: '{ip}:8448' },
  },
  {
    id: 'timeout',
    addr: 81,
    summary: 'A listener on 443 and 8448 accepts TCP and never answers (TLS handshake times out).',
    spec: 'A2 step 6',
    hosts: [{ names: ['timeout.fed.test'], ports: [443, 8448], tarpit: true }],
    expect: { step: 'default', verdict: 'fail', checks: ['tls.handshake'], connect: '{ip}:8448' },
  },
  {
    id: 'wk-timeout',
    addr: 82,
    summary: '.well-known hangs (accepts, never answers); 8448 works after the timeout.',
    spec: 'A2 step 3 -> 6',
    hosts: [
      { names: ['wk-timeout.fed.test'], ports: [443], tarpit: true },
      { names: ['wk-timeout.fed.test'], ports: [8448], routes: fed() },
    ],
    expect: { step: 'default', verdict: 'warn', checks: ['wellknown.server.status'], connect: '{ip}:8448' },
  },

  // ---- client discovery / support ---------------------------------------------------------------
  {
    id: 'client-no-versions',
    addr: 85,
    summary: '.well-known/matrix/client base_url points at a host whose /_matrix/client/versions is 404.',
    spec: 'A5 3.5',
    hosts: [
      {
        names: ['client-no-versions.fed.test'], ports: [443],
        routes: { ...wk('matrix.client-no-versions.fed.test'), ...client('https://matrix.client-no-versions.fed.test/') },
      },
      {
        names: ['matrix.client-no-versions.fed.test'], ports: [443, 8448],
        routes: { ...fed({ keysServerName: 'client-no-versions.fed.test' }), '/_matrix/client/versions': { status: 404, json: { errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' } } },
      },
    ],
    expect: { step: 'well-known-default', verdict: 'warn', checks: ['client.versions'], connect: '{ip}:8448' },
  },
  {
    id: 'support-outdated',
    addr: 86,
    summary: '.well-known/matrix/support uses the pre-spec draft shape (admins, role without m.role.).',
    spec: 'A5 support',
    hosts: [
      {
        names: ['support-outdated.fed.test'], ports: [443],
        routes: {
          ...wk('support-outdated.fed.test:443'),
          ...fed(),
          '/.well-known/matrix/support': { json: { admins: [{ matrix_id: '@admin:support-outdated.fed.test', role: 'admin' }] } },
        },
      },
    ],
    expect: { step: 'well-known-port', verdict: 'warn', checks: ['support.wellknown'], connect: '{ip}:443' },
  },

  // ---- correctness and hardening (octets 190-219) ----------------------------------------------
  {
    id: 'version-404',
    addr: 190,
    summary: 'TLS and signed keys work, but /_matrix/federation/v1/version is not routed (404): federation works, with a warning.',
    spec: 'A4 version',
    hosts: [
      {
        names: ['version-404.fed.test'], ports: [8448],
        routes: fed({ version: { status: 404, json: { errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' } } }),
      },
    ],
    expect: {
      step: 'default', verdict: 'warn', checks: ['federation.version'], connect: '{ip}:8448',
      areas: { connection: 'pass', tls: 'pass', federation: 'warn', keys: 'pass' },
    },
  },
  {
    id: 'version-timeout',
    addr: 191,
    summary: 'TLS and signed keys work, but /_matrix/federation/v1/version never answers: federation works, with a warning.',
    spec: 'A4 version',
    hosts: [{ names: ['version-timeout.fed.test'], ports: [8448], routes: fed({ version: { hang: true } }) }],
    expect: {
      step: 'default', verdict: 'warn', checks: ['federation.version'], connect: '{ip}:8448',
      areas: { connection: 'pass', tls: 'pass', federation: 'warn', keys: 'pass' },
    },
  },
  {
    id: 'cert-leaf-only',
    addr: 192,
    summary: 'The leaf is sent without its intermediate, which other rows serve: a trust store holding that intermediate completes the chain, peers do not.',
    spec: 'C15',
    hosts: [{ names: ['cert-leaf-only.fed.test'], ports: [8448], cert: 'leaf-only', routes: fed() }],
    expect: {
      step: 'default', verdict: 'fail', checks: ['tls.certificate.trusted'], connect: '{ip}:8448',
      areas: { tls: 'fail', keys: 'pass' },
    },
  },
  {
    id: 'dnssec-signed',
    addr: 193,
    summary: 'A healthy server in the signed fed.test zone (zone a): a validating resolver (rig.dns.validating) answers with the AD flag.',
    // Its 443 answers 404 (no .well-known), as a typical server name's web server does: with nothing
    // there, a page cannot tell "not served" from an untrusted certificate and warns in client discovery.
    hosts: [
      { names: ['dnssec-signed.fed.test'], ports: [443] },
      { names: ['dnssec-signed.fed.test'], ports: [8448], routes: fed() },
    ],
    expect: { step: 'default', verdict: 'pass', connect: '{ip}:8448' },
  },
  {
    id: 'dnssec-unsigned',
    addr: 194,
    summary: 'A healthy server in a zone of its own that the signed fed.test delegates to without DS: the validating resolver answers without the AD flag (insecure).',
    hosts: [
      { names: ['dnssec-unsigned.fed.test'], ports: [443] },
      { names: ['dnssec-unsigned.fed.test'], ports: [8448], routes: fed() },
    ],
    unsignedZone: 'dnssec-unsigned.fed.test',
    expect: { step: 'default', verdict: 'pass', connect: '{ip}:8448' },
  },

  // ---- sign-in (OAuth 2.0, MAS) -------------------------------------------------------------------
  signIn('auth-good', 100, 'Synapse with MAS: stable auth_metadata and JWKS with CORS, /login with oauth_aware_preferred; the issuer\'s own discovery is not asked.', 'pass', []),
  signIn('auth-missing-field', 101, 'The announced metadata lacks revocation_endpoint: matrix-js-sdk refuses it.', 'fail', ['auth.metadata.fields'], {
    metadata: { revocation_endpoint: undefined },
  }),
  signIn('auth-issuer-mismatch', 102, 'Only auth_issuer answers, and the issuer\'s own discovery, the metadata then, names the issuer without its trailing slash: clients that still use auth_issuer refuse it.', 'warn', ['auth.issuer'], {
    via: 'auth_issuer',
    issuerDiscovery: masMetadata('auth-issuer-mismatch.fed.test', { issuer: 'https://auth.auth-issuer-mismatch.fed.test' }),
  }),
  signIn('auth-metadata-no-cors', 103, 'auth_metadata is served without CORS headers: native clients sign in, Element Web cannot.', 'warn', ['auth.metadata.cors'], {
    metadataRoute: { cors: false },
  }),
  signIn('auth-issuer-no-cors', 104, 'The issuer\'s /.well-known/openid-configuration has no CORS headers: clients that read auth_metadata never ask it, so nothing is reported.', 'pass', [], {
    issuerRoute: { cors: false },
  }),
  signIn('auth-jwks-unreachable', 105, 'jwks_uri names a host that does not resolve.', 'warn', ['auth.jwks'], {
    metadata: { jwks_uri: 'https://keys.auth-jwks-unreachable.fed.test/oauth2/keys.json' },
  }),
  signIn('auth-unstable-only', 106, 'Only the unstable MSC2965 auth_metadata endpoint answers.', 'warn', ['auth.metadata'], { via: 'unstable' }),
  signIn('auth-issuer-only', 107, 'Only the older auth_issuer endpoint answers; the metadata is at the issuer.', 'warn', ['auth.metadata'], { via: 'auth_issuer' }),
  {
    id: 'auth-none',
    addr: 108,
    summary: 'Client discovery and federation work; no OAuth 2.0 sign-in (every auth endpoint is 404 M_UNRECOGNIZED).',
    spec: 'client-stack 1',
    hosts: [{ names: ['auth-none.fed.test'], ports: [443], routes: { ...wk('auth-none.fed.test:443'), ...fed(), ...client('https://auth-none.fed.test') } }],
    expect: { step: 'well-known-port', verdict: 'pass', areas: { auth: 'info', federation: 'pass' }, connect: '{ip}:443' },
  },

  // ---- calls (MatrixRTC) and server features: octets 130-159 ------------------------------------
  {
    id: 'rtc-ready',
    addr: 130,
    summary: 'Calls ready: transports endpoint (401 M_MISSING_TOKEN with CORS), a LiveKit focus in rtc_foci, lk-jwt-service answering as handler.go does, MSC4140 and MSC3266 advertised.',
    spec: 'MSC4143, MSC4195',
    hosts: [
      callsHost('rtc-ready.fed.test', { clientExtra: foci('https://rtc.rtc-ready.fed.test/livekit/jwt'), routes: { [TRANSPORTS_UNSTABLE]: { status: 401, json: MISSING_TOKEN } } }),
      { names: ['rtc.rtc-ready.fed.test'], ports: [443], routes: lkJwtService() },
    ],
    expect: { step: 'well-known-port', verdict: 'pass', connect: '{ip}:443', areas: { rtc: 'pass', client: 'pass' } },
  },
  {
    id: 'rtc-absent',
    addr: 131,
    summary: 'No calls: no transports endpoint (404 M_UNRECOGNIZED) and no rtc_foci; not offered is info, not a failure.',
    spec: 'MSC4143',
    hosts: [callsHost('rtc-absent.fed.test', { unstableFeatures: {} })],
    expect: { step: 'well-known-port', verdict: 'pass', connect: '{ip}:443', areas: { rtc: 'info' } },
  },
  {
    id: 'rtc-transports-no-cors',
    addr: 132,
    summary: 'The transports endpoint exists, but its 401 carries no CORS headers: browser clients cannot use it.',
    spec: 'MSC4143',
    hosts: [callsHost('rtc-transports-no-cors.fed.test', { routes: { [TRANSPORTS_UNSTABLE]: { status: 401, json: MISSING_TOKEN, cors: false } } })],
    expect: { step: 'well-known-port', verdict: 'warn', connect: '{ip}:443', checks: ['rtc.transports', 'rtc.calls'], areas: { rtc: 'warn' } },
  },
  {
    id: 'rtc-legacy-foci',
    addr: 133,
    summary: 'Only the older discovery: rtc_foci in the client .well-known, no transports endpoint (Element Call 0.24 and later no longer read it); the focus itself works.',
    spec: 'MSC4143',
    hosts: [
      callsHost('rtc-legacy-foci.fed.test', { clientExtra: foci('https://rtc.rtc-legacy-foci.fed.test/livekit/jwt') }),
      { names: ['rtc.rtc-legacy-foci.fed.test'], ports: [443], routes: lkJwtService() },
    ],
    expect: { step: 'well-known-port', verdict: 'warn', connect: '{ip}:443', checks: ['rtc.foci', 'rtc.calls'], areas: { rtc: 'warn' } },
  },
  {
    id: 'rtc-service-down',
    addr: 134,
    summary: 'The LiveKit focus names an authorization service that refuses connections (nothing listens on its port).',
    spec: 'MSC4195',
    hosts: [callsHost('rtc-service-down.fed.test', { clientExtra: foci('https://rtc.rtc-service-down.fed.test:8443/livekit/jwt'), routes: { [TRANSPORTS_UNSTABLE]: { status: 401, json: MISSING_TOKEN } } })],
    dns: [{ name: 'rtc.rtc-service-down.fed.test', type: 'A', value: '{ip}' }],
    expect: { step: 'well-known-port', verdict: 'warn', connect: '{ip}:443', checks: ['rtc.authorization-service', 'rtc.calls'], areas: { rtc: 'fail' } },
  },
  {
    id: 'rtc-service-no-cors',
    addr: 135,
    summary: 'The authorization service answers, but its token endpoints carry no CORS headers (a proxy in front drops them): Element Call in a browser cannot get a token.',
    spec: 'MSC4195',
    hosts: [
      callsHost('rtc-service-no-cors.fed.test', { clientExtra: foci('https://rtc.rtc-service-no-cors.fed.test/livekit/jwt'), routes: { [TRANSPORTS_UNSTABLE]: { status: 401, json: MISSING_TOKEN } } }),
      { names: ['rtc.rtc-service-no-cors.fed.test'], ports: [443], routes: lkJwtService({ cors: false }) },
    ],
    expect: { step: 'well-known-port', verdict: 'warn', connect: '{ip}:443', checks: ['rtc.authorization-service', 'rtc.calls'], areas: { rtc: 'fail' } },
  },
  {
    id: 'rtc-features-missing',
    addr: 136,
    summary: 'Calls offered (transports endpoint with CORS), but /_matrix/client/versions advertises neither delayed events (MSC4140) nor room summaries (MSC3266).',
    spec: 'MSC4140, MSC3266',
    hosts: [callsHost('rtc-features-missing.fed.test', { unstableFeatures: { 'org.matrix.msc4143': true }, routes: { [TRANSPORTS_UNSTABLE]: { status: 401, json: MISSING_TOKEN } } })],
    expect: { step: 'well-known-port', verdict: 'warn', connect: '{ip}:443', checks: ['rtc.features', 'rtc.calls'], areas: { rtc: 'warn' } },
  },
  {
    id: 'support-extended',
    addr: 137,
    summary: 'A support file with admin, security and DPO (m.role.dpo) contacts, a PGP key URI (MSC4439, unstable name) and policies (MSC4266, unstable name).',
    spec: 'MSC1929, MSC4265, MSC4266, MSC4439',
    hosts: [callsHost('support-extended.fed.test', {
      unstableFeatures: {},
      routes: {
        '/.well-known/matrix/support': {
          json: {
            contacts: [
              { matrix_id: '@admin:support-extended.fed.test', role: 'm.role.admin' },
              { email_address: 'security@support-extended.fed.test', role: 'm.role.security', 'dev.zirco.msc4439.pgp_key': 'https://support-extended.fed.test/security.asc' },
              { email_address: 'dpo@support-extended.fed.test', role: 'm.role.dpo' },
            ],
            'org.matrix.msc4266.policies': {
              privacy_policy: { version: '1.0', en: { name: 'Privacy Policy', url: 'https://support-extended.fed.test/privacy.html' } },
            },
          },
        },
      },
    })],
    expect: { step: 'well-known-port', verdict: 'pass', connect: '{ip}:443', areas: { support: 'pass' } },
  },
  {
    id: 'support-unreachable-contact',
    addr: 138,
    summary: 'A support file whose DPO contact has no matrix_id and no email_address: nobody can reach it.',
    spec: 'MSC1929, MSC4265',
    hosts: [callsHost('support-unreachable-contact.fed.test', {
      unstableFeatures: {},
      routes: {
        '/.well-known/matrix/support': {
          json: { contacts: [{ email_address: 'admin@support-unreachable-contact.fed.test', role: 'm.role.admin' }, { role: 'm.role.dpo' }] },
        },
      },
    })],
    expect: { step: 'well-known-port', verdict: 'warn', connect: '{ip}:443', checks: ['support.contacts', 'support.wellknown'], areas: { support: 'warn' } },
  },

  // ---- outgoing federation (octets 160-189): the notary stand-in fetches fedcheck's keys ----
  ...outgoingRows(),
  {
    id: 'dnssec-bogus',
    addr: 197,
    summary: 'As dnssec-unsigned, but fed.test holds a DS for the zone that matches no key: knot answers, a validating resolver answers SERVFAIL (bogus).',
    hosts: [
      { names: ['dnssec-bogus.fed.test'], ports: [443] },
      { names: ['dnssec-bogus.fed.test'], ports: [8448], routes: fed() },
    ],
    unsignedZone: 'dnssec-bogus.fed.test',
    bogusDs: true,
    expect: { step: 'default', verdict: 'pass', connect: '{ip}:8448' },
  },
  {
    id: 'doh-faults',
    addr: 195,
    summary: 'A healthy server whose 443 also plays two broken DoH resolvers for the page: /dns-query and /resolve answer an HTML page; doh-down.fed.test points where nothing listens.',
    hosts: [
      {
        names: ['doh-faults.fed.test'], ports: [443, 8448],
        routes: {
          ...fed(),
          '/dns-query': { body: '<html><body>Welcome to nginx!</body></html>', contentType: 'text/html' },
          '/resolve': { body: '<html><body>Welcome to nginx!</body></html>', contentType: 'text/html' },
        },
      },
    ],
    dns: [{ name: 'doh-down.fed.test', type: 'A', value: '{ip:196}' }],
    expect: { step: 'default', verdict: 'pass', connect: '{ip}:8448' },
  },
];

/**
 * One row per notary variant (160-165) and ten good notaries (170-179) for the test that
 * runs ten outgoing tests at once. Port 443 answers .well-known 404 (nginx), 8448 is the
 * notary stand-in. Each notary fetches from its own address, so a test can tell whose a
 * fetch was. fedcheck's own name (`identityNames`) has only an IPv4 address.
 */
function outgoingRows(): Scenario[] {
  const variants: { variant: NotaryVariant; addr: number; summary: string; outgoing: CheckStatus; verdictWithOutgoing: Verdict }[] = [
    { variant: 'good', addr: 160, summary: 'fetches fedcheck\'s keys when asked and answers signed', outgoing: 'pass', verdictWithOutgoing: 'pass' },
    { variant: 'egress-blocked', addr: 161, summary: 'cannot connect out: answers the key query empty', outgoing: 'fail', verdictWithOutgoing: 'warn' },
    { variant: 'ipv6-only', addr: 162, summary: 'connects out over IPv6 only, and fedcheck\'s name has only IPv4', outgoing: 'fail', verdictWithOutgoing: 'warn' },
    { variant: 'refuses', addr: 163, summary: 'refuses key queries (404 M_UNRECOGNIZED): could not test', outgoing: 'info', verdictWithOutgoing: 'pass' },
    { variant: 'from-cache', addr: 164, summary: 'answers from a copy cached before the test, ignoring minimum_valid_until_ts: could not test', outgoing: 'info', verdictWithOutgoing: 'pass' },
    { variant: 'wrong-signature', addr: 165, summary: 'fetches fedcheck\'s keys, but its signature over them does not verify', outgoing: 'fail', verdictWithOutgoing: 'warn' },
  ];
  const row = (id: string, variant: NotaryVariant, addr: number, summary: string, outgoing: CheckStatus, verdictWithOutgoing: Verdict): Scenario => ({
    id,
    addr,
    summary: `Outgoing federation: a server that ${summary}.`,
    spec: 'server-server API: Querying keys through another server',
    hosts: [
      { names: [`${id}.fed.test`], ports: [443] },
      { names: [`${id}.fed.test`], ports: [8448], notary: variant },
    ],
    expect: { step: 'default', verdict: 'pass', verdictWithOutgoing, outgoing, connect: '{ip}:8448' },
  });
  return [
    ...variants.map((v) => row(`outgoing-${v.variant}`, v.variant, v.addr, v.summary, v.outgoing, v.verdictWithOutgoing)),
    ...Array.from({ length: 10 }, (_, i) => row(`outgoing-many-${i}`, 'good', 170 + i, `fetches fedcheck's keys (one of ten tested at once, ${i})`, 'pass', 'pass')),
  ];
}

/**
 * fedcheck's own names for the outgoing tests: `v4` has an A record in the infra net (a
 * test's proxy listens there, with TLS, on a port of its own: the server name carries it),
 * `v6` only an AAAA record for ::1. Both are in the infra certificate.
 */
export const identityNames = { v4: 'fedcheck.fed.test', v6: 'fedcheck6.fed.test' } as const;

/** The DoH/infra names, in the infra net (127.0.2.x in slot 0). */
export const infraHosts = {
  'doh.fed.test': 1, // dnsdist, RFC 8484 wire GET, zone a
  'doh-json.fed.test': 2, // ours, JSON (?name=&type=) + wire, zone a
  'doh-alt.fed.test': 3, // ours, JSON + wire, zone b (disagrees on split-dns)
  'fedcheck.fed.test': 10, // identityNames.v4: where a test's own proxy listens
} as const;
