// The federation-tester mapping over hand-made evidence: every field MFT clients read,
// Go's null/empty/omitempty conventions, and the schema written from MFT's Go structs.
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import type { Discovery, HostLookup, SrvLookup } from '../../../src/checker/discovery.ts';
import type { Evidence, ProbeEvidence } from '../../../src/checker/evidence.ts';
import type { DnsAnswer, DnsRcode, DnsResult, HttpResult, ProbeRequest, ProbeResult } from '../../../src/checker/interfaces.ts';
import { analyzeServerKeys } from '../../../src/checker/keys.ts';
import { REPORT_SCHEMA, type Report, type Resolution, type Verdict } from '../../../src/checker/report.ts';
import { parseServerName, type ServerName } from '../../../src/checker/server-name.ts';
import { interpretServerWellKnown } from '../../../src/checker/well-known.ts';
import { federationOk, federationTesterReport, type FederationTesterReport } from '../../../src/server/federation-tester.ts';
import schema from '../../../src/server/federation-tester.schema.json' with { type: 'json' };
import { healthyProbe, SPEC_PUBLIC_KEY, type HealthyProbeOptions } from '../../fixtures/fakes.ts';

const validate = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true }).compile(schema);
const NOW_MS = Date.parse('2026-11-26T12:00:00Z');
const RESOLVER = '192.0.2.53:53';
/** A real SHA-256 length, so the fingerprint is what Go would print for 32 bytes. */
const FINGERPRINT_HEX = 'AB:'.repeat(31) + 'CD';

/** The report as a client receives it, checked against the schema from MFT's structs. */
function wire(report: Report, evidence: Evidence): FederationTesterReport {
  const json = JSON.parse(JSON.stringify(federationTesterReport(report, evidence)));
  validate(json);
  expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 1)).toEqual([]);
  return json;
}

function reportWith(verdict: Verdict, serverName = 'example.org'): Report {
  return { schema: REPORT_SCHEMA, serverName, checkedAt: new Date(NOW_MS).toISOString(), source: 'proxy', durationMs: 5, verdict, areas: {}, resolution: null, steps: [], checks: [], connections: [] };
}

function dnsResult(rcode: DnsRcode, answers: DnsAnswer[] = []): DnsResult {
  return { rcode, answers, authenticated: false, resolver: RESOLVER };
}

function hostLookup(host: string, addresses: string[], options: { aliases?: string[]; rcode?: DnsRcode } = {}): HostLookup {
  const { aliases = [], rcode = 'NOERROR' } = options;
  const v4 = addresses.filter((address) => !address.includes(':'));
  const v6 = addresses.filter((address) => address.includes(':'));
  const answers = (type: 'A' | 'AAAA', list: string[]): DnsAnswer[] => list.map((data) => ({ name: aliases.at(-1) ?? host, type, ttl: 300, data }));
  return { host, a: dnsResult(rcode, answers('A', v4)), aaaa: dnsResult(rcode, answers('AAAA', v6)), addresses, aliases };
}

function srvLookup(name: string, records: SrvLookup['records'], rcode: DnsRcode = records.length > 0 ? 'NOERROR' : 'NXDOMAIN'): SrvLookup {
  return { name, records, result: dnsResult(rcode, records.map((data) => ({ name, type: 'SRV', ttl: 300, data }))) };
}

function httpResponse(status: number, body: string, headers: Record<string, string> = {}): HttpResult {
  return { ok: true, url: 'https://example.org/.well-known/matrix/server', status, headers: { 'content-type': 'application/json', ...headers }, body, redirects: [], elapsedMs: 4 };
}

function wellKnown(response: HttpResult): Discovery['wellKnown'] {
  return { url: 'https://example.org/.well-known/matrix/server', response, interpretation: interpretServerWellKnown(response), perAddress: [] };
}

function name(input: string): ServerName {
  const parse = parseServerName(input);
  if (!parse.ok) throw new Error(parse.error);
  return parse.name;
}

function requestFor(address: string, port: number, overrides: Partial<ProbeRequest> = {}): ProbeRequest {
  return { address, port, sni: 'matrix.example.org', hostHeader: 'matrix.example.org', tlsName: 'matrix.example.org', serverName: 'example.org', timeoutMs: 10_000, ...overrides };
}

/** A probe as the prober and the keys analysis leave it; `change` edits the healthy result. */
async function probe(request: ProbeRequest, change: (healthy: ProbeResult) => ProbeResult = (healthy) => healthy, options: Partial<HealthyProbeOptions> = {}): Promise<ProbeEvidence> {
  const healthy = await healthyProbe(request, { nowMs: NOW_MS, ...options });
  const withFingerprints = { ...healthy, tls: { ...healthy.tls!, certificates: healthy.tls!.certificates.map((cert) => ({ ...cert, sha256Fingerprint: FINGERPRINT_HEX })) } };
  const result = change(withFingerprints);
  const body = result.keys?.status === 200 ? result.keys.body : undefined;
  return {
    target: { host: request.tlsName, port: request.port, addresses: [request.address] },
    request,
    result,
    keys: body === undefined ? null : await analyzeServerKeys(body, request.serverName),
  };
}

function evidenceOf(input: string, discovery: Discovery | null, probes: ProbeEvidence[]): Evidence {
  return { input, parse: parseServerName(input), nowMs: NOW_MS, allowPrivateAddresses: false, discovery, probes, browserReach: [], client: null, rtc: null, support: null, auth: null, outgoing: null, knownFeatures: [] };
}

/** example.org delegating to matrix.example.org (no SRV), on one IPv4 and one IPv6 address. */
function delegatedDiscovery(wellKnownHeaders: Record<string, string> = {}): Discovery {
  const resolution: Resolution = {
    step: 'well-known-default',
    delegatedServerName: 'matrix.example.org',
    hostHeader: 'matrix.example.org',
    tlsName: 'matrix.example.org',
    sni: 'matrix.example.org',
    targets: [{ host: 'matrix.example.org', port: 8448, addresses: ['192.0.2.1', '2001:db8::1'] }],
  };
  return {
    name: name('example.org'),
    resolution,
    wellKnown: wellKnown(httpResponse(200, '{"m.server":"matrix.example.org"}', wellKnownHeaders)),
    srv: { fed: srvLookup('_matrix-fed._tcp.matrix.example.org', []), legacy: srvLookup('_matrix._tcp.matrix.example.org', []) },
    federationDisabled: false,
    hosts: [hostLookup('matrix.example.org', ['192.0.2.1', '2001:db8::1'])],
  };
}

async function healthyDelegation(): Promise<Evidence> {
  return evidenceOf('example.org', delegatedDiscovery({ 'cache-control': 'max-age=3600' }), [
    await probe(requestFor('2001:db8::1', 8448)),
    await probe(requestFor('192.0.2.1', 8448)),
  ]);
}

describe('federationTesterReport: a healthy delegated server', () => {
  it('fills every section the way MFT does, in its field order', async () => {
    const tester = wire(reportWith('pass'), await healthyDelegation());
    expect(Object.keys(tester)).toEqual(['WellKnownResult', 'DNSResult', 'ConnectionReports', 'ConnectionErrors', 'Version', 'FederationOK']);
    expect(tester.WellKnownResult).toEqual({ 'm.server': 'matrix.example.org', CacheExpiresAt: NOW_MS / 1000 + 3600 });
    expect(tester.Version).toEqual({ name: 'Synapse', version: '1.140.0' });
    expect(tester.FederationOK).toBe(true);
    expect(tester.ConnectionErrors).toEqual({});
  });

  it('reports DNS like Go: both SRV misses in one error, FQDN CNAMEs, ip:port addresses', async () => {
    const { DNSResult } = wire(reportWith('pass'), await healthyDelegation());
    expect(DNSResult).toEqual({
      SRVSkipped: false,
      SRVCName: '',
      SRVRecords: null,
      SRVError: {
        Message: `lookup _matrix-fed._tcp.matrix.example.org on ${RESOLVER}: no such host; lookup _matrix._tcp.matrix.example.org on ${RESOLVER}: no such host`,
      },
      Hosts: { 'matrix.example.org': { CName: 'matrix.example.org.', Addrs: ['192.0.2.1', '2001:db8::1'], Error: null } },
      Addrs: ['192.0.2.1:8448', '[2001:db8::1]:8448'],
    });
  });

  it('reports each connection: certificates, cipher, key checks, verify keys and the raw keys', async () => {
    const evidence = await healthyDelegation();
    const tester = wire(reportWith('pass'), evidence);
    expect(Object.keys(tester.ConnectionReports)).toEqual(['192.0.2.1:8448', '[2001:db8::1]:8448']);
    const connection = tester.ConnectionReports['192.0.2.1:8448'];
    expect(connection.Certificates).toEqual([
      { SubjectCommonName: 'matrix.example.org', IssuerCommonName: 'Fake Public CA', SHA256Fingerprint: Buffer.from(FINGERPRINT_HEX.replaceAll(':', ''), 'hex').toString('base64').replace(/=+$/, ''), DNSNames: ['matrix.example.org'] },
      expect.objectContaining({ SubjectCommonName: 'Fake Public CA', IssuerCommonName: 'Fake Root' }),
    ]);
    expect(connection.Cipher).toEqual({ Version: 'TLS 1.3', CipherSuite: 'TLS_AES_256_GCM_SHA384' });
    expect(connection.Checks).toEqual({
      AllChecksOK: true,
      MatchingServerName: true,
      FutureValidUntilTS: true,
      HasEd25519Key: true,
      AllEd25519ChecksOK: true,
      Ed25519Checks: { 'ed25519:1': { ValidEd25519: true, MatchingSignature: true } },
      ValidCertificates: true,
    });
    expect(Object.keys(connection.Checks)).toEqual(['AllChecksOK', 'MatchingServerName', 'FutureValidUntilTS', 'HasEd25519Key', 'AllEd25519ChecksOK', 'Ed25519Checks', 'ValidCertificates']);
    expect(connection.Errors).toEqual([]);
    expect(connection.Ed25519VerifyKeys).toEqual({ 'ed25519:1': SPEC_PUBLIC_KEY });
    expect(connection.Info).toEqual({});
    expect(connection.Keys).toEqual(JSON.parse(evidence.probes![1].result.keys!.body!));
  });

  it('writes a padded verify key the way Go marshals Base64Bytes: unpadded', async () => {
    const padded = await probe(requestFor('192.0.2.1', 8448), undefined, {
      editKeys: (keys) => ({ ...keys, verify_keys: { 'ed25519:1': { key: `${SPEC_PUBLIC_KEY}=` } } }),
    });
    const tester = wire(reportWith('warn'), evidenceOf('example.org', delegatedDiscovery(), [padded]));
    expect(tester.ConnectionReports['192.0.2.1:8448'].Ed25519VerifyKeys).toEqual({ 'ed25519:1': SPEC_PUBLIC_KEY });
  });

  it('gives CacheExpiresAt 0 without cache headers, as gomatrixserverlib does', async () => {
    const tester = wire(reportWith('pass'), evidenceOf('example.org', delegatedDiscovery(), []));
    expect(tester.WellKnownResult).toEqual({ 'm.server': 'matrix.example.org', CacheExpiresAt: 0 });
  });
});

describe('federationTesterReport: what goes wrong', () => {
  it('answers an invalid name with Go zero values, Error set and FederationOK false', () => {
    const tester = wire(reportWith('fail', 'exa mple.org'), evidenceOf('exa mple.org', null, []));
    expect(tester).toEqual({
      Error: expect.stringMatching(/^Invalid server name "exa mple\.org": hostname contains " "/),
      WellKnownResult: { 'm.server': '', CacheExpiresAt: 0 },
      DNSResult: { SRVSkipped: false, SRVCName: '', SRVRecords: null, SRVError: null, Hosts: null, Addrs: null },
      ConnectionReports: {},
      ConnectionErrors: {},
      Version: {},
      FederationOK: false,
    });
    expect(Object.keys(tester)[0]).toBe('Error');
  });

  it('reports a name that does not resolve: the host with its error, no addresses, no version', () => {
    const discovery: Discovery = {
      name: name('nxdomain.example'),
      resolution: { step: 'default', hostHeader: 'nxdomain.example', tlsName: 'nxdomain.example', sni: 'nxdomain.example', targets: [{ host: 'nxdomain.example', port: 8448, addresses: [] }] },
      wellKnown: wellKnown({ ok: false, url: 'https://nxdomain.example/.well-known/matrix/server', error: { kind: 'dns', message: 'getaddrinfo ENOTFOUND nxdomain.example' }, redirects: [], elapsedMs: 2 }),
      srv: { fed: srvLookup('_matrix-fed._tcp.nxdomain.example', []), legacy: srvLookup('_matrix._tcp.nxdomain.example', []) },
      federationDisabled: false,
      hosts: [hostLookup('nxdomain.example', [], { rcode: 'NXDOMAIN' })],
    };
    const tester = wire(reportWith('fail', 'nxdomain.example'), evidenceOf('nxdomain.example', discovery, []));
    expect(tester.WellKnownResult).toEqual({ 'm.server': '', result: 'dns error: getaddrinfo ENOTFOUND nxdomain.example', CacheExpiresAt: 0 });
    expect(tester.DNSResult.Hosts).toEqual({ 'nxdomain.example': { CName: '', Addrs: null, Error: { Message: `lookup nxdomain.example on ${RESOLVER}: no such host` } } });
    expect(tester.DNSResult.Addrs).toBeNull();
    expect(tester.Version).toEqual({ error: 'there is no address to connect to' });
    expect(tester.FederationOK).toBe(false);
  });

  it('prefers a resolver failure over "no such host" when one of A/AAAA failed', () => {
    const lookup: HostLookup = { host: 'flaky.example', a: dnsResult('NXDOMAIN'), aaaa: dnsResult('SERVFAIL'), addresses: [], aliases: [] };
    const discovery: Discovery = { ...delegatedDiscovery(), hosts: [lookup] };
    const tester = wire(reportWith('fail'), evidenceOf('example.org', discovery, []));
    expect(tester.DNSResult.Hosts?.['flaky.example'].Error).toEqual({ Message: `lookup flaky.example on ${RESOLVER}: server misbehaving (SERVFAIL)` });
  });

  it('keeps MFT wording for a missing .well-known and a missing m.server, our reason otherwise', () => {
    const resultFor = (response: HttpResult) =>
      wire(reportWith('pass'), evidenceOf('example.org', { ...delegatedDiscovery(), wellKnown: wellKnown(response) }, [])).WellKnownResult;
    expect(resultFor(httpResponse(404, 'nope'))).toEqual({ 'm.server': '', result: 'No .well-known found', CacheExpiresAt: 0 });
    expect(Object.keys(resultFor(httpResponse(404, 'nope')))).toEqual(['m.server', 'result', 'CacheExpiresAt']);
    expect(resultFor(httpResponse(200, '{"m.server":""}')).result).toBe('No m.server key found in well-known response');
    expect(resultFor(httpResponse(200, '{}')).result).toBe('No m.server key found in well-known response');
    expect(resultFor(httpResponse(200, 'not json')).result).toMatch(/^the body is not JSON/);
  });

  it('puts connections without a keys object under ConnectionErrors, with MFT wording where it has one', async () => {
    const closed = await probe(requestFor('192.0.2.1', 8448), (healthy) => ({
      address: healthy.address,
      port: healthy.port,
      tcp: { ok: false, elapsedMs: 1, error: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 192.0.2.1:8448' } },
    }));
    const handshake = await probe(requestFor('192.0.2.2', 8448), (healthy) => ({
      ...healthy,
      tls: { ok: false, elapsedMs: 3, certificates: [], trusted: false, nameMatches: false, error: { code: 'ECONNRESET', message: 'socket hang up' } },
    }));
    const notFound = await probe(requestFor('192.0.2.3', 8448), (healthy) => ({ ...healthy, keys: { status: 404, body: '{}', elapsedMs: 2 } }));
    const notJson = await probe(requestFor('192.0.2.4', 8448), (healthy) => ({ ...healthy, keys: { status: 200, body: '<html>', elapsedMs: 2 } }));
    const timedOut = await probe(requestFor('192.0.2.5', 8448), (healthy) => ({ ...healthy, keys: { error: { kind: 'timeout', message: 'no answer in 10000 ms' }, elapsedMs: 10_000 } }));
    const tester = wire(reportWith('fail'), evidenceOf('example.org', delegatedDiscovery(), [closed, notJson, timedOut, notFound, handshake]));
    expect(tester.ConnectionReports).toEqual({});
    expect(tester.ConnectionErrors).toEqual({
      '192.0.2.1:8448': { Message: 'connect ECONNREFUSED 192.0.2.1:8448' },
      '192.0.2.2:8448': { Message: 'socket hang up' },
      '192.0.2.3:8448': { Message: 'Non-200 response 404 from remote server' },
      '192.0.2.4:8448': { Message: expect.stringMatching(/^Unable to decode JSON from remote server: the body is not JSON/) },
      '192.0.2.5:8448': { Message: 'timeout error: no answer in 10000 ms' },
    });
    expect(Object.keys(tester.ConnectionErrors)).toEqual(['192.0.2.1:8448', '192.0.2.2:8448', '192.0.2.3:8448', '192.0.2.4:8448', '192.0.2.5:8448']);
    // The version is asked for on its own, as MFT's GetVersion does: the first usable connection answers.
    expect(tester.Version).toEqual({ name: 'Synapse', version: '1.140.0' });
  });

  it('reports a connection behind an expired certificate, with the x509 problem in Errors and no version', async () => {
    const expired = await probe(requestFor('192.0.2.1', 8448), (healthy) => ({
      ...healthy,
      tls: { ...healthy.tls!, trusted: false, verifyError: { code: 'CERT_HAS_EXPIRED', message: 'the certificate has expired' } },
    }));
    const tester = wire(reportWith('fail'), evidenceOf('example.org', delegatedDiscovery(), [expired]));
    const connection = tester.ConnectionReports['192.0.2.1:8448'];
    expect(connection.Checks).toMatchObject({ AllChecksOK: false, ValidCertificates: false, MatchingServerName: true, AllEd25519ChecksOK: true });
    expect(connection.Errors).toEqual([{ Message: 'the certificate has expired' }]);
    // CheckKeys hands out the verify keys when the keys pass; the certificate is judged apart.
    expect(connection.Ed25519VerifyKeys).toEqual({ 'ed25519:1': SPEC_PUBLIC_KEY });
    expect(tester.Version).toEqual({ error: '192.0.2.1:8448: the certificate has expired' });
    expect(tester.FederationOK).toBe(false);
  });

  it('flags a certificate for another name', async () => {
    const wrongName = await probe(requestFor('192.0.2.1', 8448), (healthy) => ({ ...healthy, tls: { ...healthy.tls!, nameMatches: false } }));
    const connection = wire(reportWith('fail'), evidenceOf('example.org', delegatedDiscovery(), [wrongName])).ConnectionReports['192.0.2.1:8448'];
    expect(connection.Checks.ValidCertificates).toBe(false);
    expect(connection.Errors).toEqual([{ Message: 'the certificate is not valid for matrix.example.org' }]);
  });

  it('withholds the verify keys when a key check fails: bad signature, wrong name, past valid_until_ts', async () => {
    const badSignature = await probe(requestFor('192.0.2.1', 8448), (healthy) => ({
      ...healthy,
      keys: { ...healthy.keys!, body: healthy.keys!.body!.replace(/"ed25519:1":"[^"]+"/, `"ed25519:1":"${'A'.repeat(86)}"`) },
    }));
    const wrongServer = await probe(requestFor('192.0.2.2', 8448), undefined, { keysServerName: 'other.example' });
    const expiredKeys = await probe(requestFor('192.0.2.3', 8448), undefined, { editKeys: (keys) => ({ ...keys, valid_until_ts: NOW_MS - 1 }) });
    const tester = wire(reportWith('fail'), evidenceOf('example.org', delegatedDiscovery(), [badSignature, wrongServer, expiredKeys]));
    const checks = (key: string) => tester.ConnectionReports[key].Checks;
    expect(checks('192.0.2.1:8448')).toMatchObject({ AllChecksOK: false, AllEd25519ChecksOK: false, Ed25519Checks: { 'ed25519:1': { ValidEd25519: true, MatchingSignature: false } } });
    expect(checks('192.0.2.2:8448')).toMatchObject({ AllChecksOK: false, MatchingServerName: false });
    expect(checks('192.0.2.3:8448')).toMatchObject({ AllChecksOK: false, FutureValidUntilTS: false, AllEd25519ChecksOK: true });
    for (const connection of Object.values(tester.ConnectionReports)) expect(connection.Ed25519VerifyKeys).toBeNull();
  });

  it('gives AllEd25519ChecksOK null and an empty Ed25519Checks when there is no ed25519 key', async () => {
    const noEd25519 = await probe(requestFor('192.0.2.1', 8448), undefined, { editKeys: (keys) => ({ ...keys, verify_keys: { 'curve25519:1': { key: SPEC_PUBLIC_KEY } } }) });
    const checks = wire(reportWith('fail'), evidenceOf('example.org', delegatedDiscovery(), [noEd25519])).ConnectionReports['192.0.2.1:8448'].Checks;
    expect(checks).toMatchObject({ AllChecksOK: false, HasEd25519Key: false, AllEd25519ChecksOK: null, Ed25519Checks: {} });
  });

  it('marks a short ed25519 key as not valid', async () => {
    const shortKey = await probe(requestFor('192.0.2.1', 8448), undefined, { editKeys: (keys) => ({ ...keys, verify_keys: { 'ed25519:1': { key: 'AAAA' } } }) });
    const checks = wire(reportWith('fail'), evidenceOf('example.org', delegatedDiscovery(), [shortKey])).ConnectionReports['192.0.2.1:8448'].Checks;
    expect(checks.Ed25519Checks).toEqual({ 'ed25519:1': { ValidEd25519: false, MatchingSignature: false } });
  });
});

describe('federationTesterReport: resolution paths', () => {
  it('lists SRV records as Go does: FQDN targets, the owner as SRVCName, hosts keyed by target', async () => {
    const records = [{ priority: 10, weight: 5, port: 443, target: 'fed.example.net' }];
    const discovery: Discovery = {
      name: name('example.org'),
      resolution: {
        step: 'srv',
        hostHeader: 'example.org',
        tlsName: 'example.org',
        sni: 'example.org',
        targets: [{ host: 'fed.example.net', port: 443, addresses: ['192.0.2.7'], srv: { name: '_matrix-fed._tcp.example.org', priority: 10, weight: 5 } }],
      },
      wellKnown: wellKnown(httpResponse(404, '')),
      srv: { fed: srvLookup('_matrix-fed._tcp.example.org', records) },
      federationDisabled: false,
      hosts: [hostLookup('fed.example.net', ['192.0.2.7'], { aliases: ['edge.cdn.example'] })],
    };
    const { DNSResult } = wire(reportWith('pass'), evidenceOf('example.org', discovery, []));
    expect(DNSResult).toEqual({
      SRVSkipped: false,
      SRVCName: '_matrix-fed._tcp.example.org.',
      SRVRecords: [{ Target: 'fed.example.net.', Port: 443, Priority: 10, Weight: 5 }],
      SRVError: null,
      Hosts: { 'fed.example.net.': { CName: 'edge.cdn.example.', Addrs: ['192.0.2.7'], Error: null } },
      Addrs: ['192.0.2.7:443'],
    });
  });

  it('falls back to the legacy SRV records when _matrix-fed has none', () => {
    const records = [{ priority: 0, weight: 0, port: 8448, target: 'old.example.org' }];
    const discovery: Discovery = {
      ...delegatedDiscovery(),
      srv: { fed: srvLookup('_matrix-fed._tcp.matrix.example.org', []), legacy: srvLookup('_matrix._tcp.matrix.example.org', records) },
    };
    const { DNSResult } = wire(reportWith('pass'), evidenceOf('example.org', discovery, []));
    expect(DNSResult).toMatchObject({ SRVCName: '_matrix._tcp.matrix.example.org.', SRVRecords: [{ Target: 'old.example.org.' }], SRVError: null });
  });

  it('skips SRV and .well-known for an explicit port, and says why .well-known has no answer', () => {
    const discovery: Discovery = {
      name: name('example.org:8008'),
      resolution: { step: 'explicit-port', hostHeader: 'example.org:8008', tlsName: 'example.org', sni: 'example.org', targets: [{ host: 'example.org', port: 8008, addresses: ['192.0.2.9'] }] },
      federationDisabled: false,
      hosts: [hostLookup('example.org', ['192.0.2.9'])],
    };
    const tester = wire(reportWith('pass', 'example.org:8008'), evidenceOf('example.org:8008', discovery, []));
    expect(tester.WellKnownResult).toEqual({ 'm.server': '', result: 'Not looked up: the server name has an explicit port, so .well-known is not used', CacheExpiresAt: 0 });
    expect(tester.DNSResult).toEqual({ SRVSkipped: true, SRVCName: '', SRVRecords: null, SRVError: null, Hosts: { 'example.org': { CName: 'example.org.', Addrs: ['192.0.2.9'], Error: null } }, Addrs: ['192.0.2.9:8008'] });
  });

  it('connects straight to an IP literal: no hosts, one address', () => {
    const discovery: Discovery = {
      name: name('[2001:db8::5]'),
      resolution: { step: 'ip-literal', hostHeader: '[2001:db8::5]', tlsName: '2001:db8::5', targets: [{ host: '2001:db8::5', port: 8448, addresses: ['2001:db8::5'] }] },
      federationDisabled: false,
      hosts: [],
    };
    const tester = wire(reportWith('pass', '[2001:db8::5]'), evidenceOf('[2001:db8::5]', discovery, []));
    expect(tester.WellKnownResult.result).toBe('Not looked up: the server name is an IP address, so .well-known is not used');
    expect(tester.DNSResult).toMatchObject({ SRVSkipped: true, Hosts: {}, Addrs: ['[2001:db8::5]:8448'] });
  });
});

describe('federationOk', () => {
  it('is true exactly when the verdict is not fail', async () => {
    expect(federationOk(reportWith('pass'))).toBe(true);
    expect(federationOk(reportWith('warn'))).toBe(true);
    expect(federationOk(reportWith('fail'))).toBe(false);
    const evidence = await healthyDelegation();
    expect(wire(reportWith('warn'), evidence).FederationOK).toBe(true);
    expect(wire(reportWith('fail'), evidence).FederationOK).toBe(false);
  });
});
