// Every registered check, passing and failing, through runCheck with the fakes. The last
// test proves each check was seen both ways.
import { afterAll, describe, expect, it } from 'vitest';
import { CONNECTION_HEADS } from '../../../src/checker/registry.ts';
import { CHECK_METAS } from '../../../src/checker/check-reference.ts';
import type { ProbeResult } from '../../../src/checker/interfaces.ts';
import type { Report } from '../../../src/checker/report.ts';
import type { FakeName, FakeResponse } from '../../fixtures/fakes.ts';
import { knownFeatureTable } from '../../../src/checker/evidence.ts';
import knownFeatures from '../../../public/unstable-features.json' with { type: 'json' };
import { checkScenario, findings, NOW, srv, wellKnownUrl, type Scenario } from './helpers.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HttpClient, HttpResult } from '../../../src/checker/interfaces.ts';
import { outgoingTesting } from '../../../src/checker/outgoing.ts';
import { createIdentity, signJson, signingKeyFromSeed } from '../../../src/server/identity.ts';
import { fakeHttp, SPEC_SEED_HEX } from '../../fixtures/fakes.ts';

const V4 = '93.184.215.10';
const V4B = '93.184.215.11';
const V6 = '2a01:4f8::10';
const DAY = 24 * 3600 * 1000;
const NOW_MS = Date.parse(NOW);

const SERVER_WK = wellKnownUrl('example.org');
const CLIENT_WK = 'https://example.org/.well-known/matrix/client';
const SUPPORT_WK = 'https://example.org/.well-known/matrix/support';
const VERSIONS = 'https://matrix.example.org/_matrix/client/versions';
const CORS = { 'access-control-allow-origin': '*' };

/** A well-run server: delegation with port, dual stack, client and support files, CORS. */
function healthy(changes: Scenario & { zone?: Record<string, FakeName>; routes?: Record<string, FakeResponse> } = {}): Scenario {
  return {
    ...changes,
    zone: { 'example.org': { A: [V4B] }, 'matrix.example.org': { A: [V4], AAAA: [V6] }, ...changes.zone },
    routes: {
      [SERVER_WK]: { body: { 'm.server': 'matrix.example.org:443' }, headers: { 'cache-control': 'max-age=86400' } },
      [CLIENT_WK]: { body: { 'm.homeserver': { base_url: 'https://matrix.example.org' } }, headers: CORS },
      [`OPTIONS ${CLIENT_WK}`]: { status: 204, headers: CORS },
      [VERSIONS]: { body: { versions: ['v1.11'] } },
      [SUPPORT_WK]: { body: { contacts: [{ email_address: 'admin@example.org', role: 'm.role.admin' }] } },
      ...changes.routes,
    },
  };
}

const seen = new Map<string, Set<string>>();

/** Asserts the statuses of one check in a report, and records them for the coverage test. */
function expectFindings(report: Report, id: string, statuses: string[], detail?: RegExp) {
  const found = findings(report, id);
  expect(found.map((f) => f.status), `${id}: ${found.map((f) => f.detail).join(' | ')}`).toEqual(statuses);
  if (detail) expect(found.map((f) => f.detail).join('\n')).toMatch(detail);
  for (const finding of found) {
    expect(finding.docs).toBe(`/docs/checks/#${id}`);
    if (finding.status === 'warn' || finding.status === 'fail') expect(finding.fix).toBeTruthy();
    else expect(finding).not.toHaveProperty('fix');
  }
  const statusesSeen = seen.get(id) ?? new Set();
  (statuses.length === 0 ? ['absent'] : statuses).forEach((status) => statusesSeen.add(status));
  seen.set(id, statusesSeen);
}

async function run(input: string, scenario: Scenario) {
  return (await checkScenario(input, scenario)).report;
}

const withProbe = (edit: (healthy: ProbeResult) => ProbeResult, address = V4, port = 443) => ({
  prober: { overrides: { [address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`]: edit } },
});

describe('the healthy server', () => {
  it('passes with no warning', async () => {
    const report = await run('example.org', healthy());
    const problems = report.checks.filter((f) => f.status !== 'pass' && f.status !== 'info');
    expect(problems).toEqual([]);
    expect(report.verdict).toBe('pass');
    expect(report.connections.map((c) => [c.address, c.port, c.checks.length > 5])).toEqual([
      [V4, 443, true],
      [V6, 443, true],
    ]);
    for (const id of ['name.syntax', 'wellknown.server.status', 'wellknown.server.json', 'wellknown.server.m-server', 'wellknown.server.content-type', 'wellknown.server.size', 'dns.targets.resolve', 'dns.address-families', 'dns.addresses.public', 'client.wellknown', 'client.wellknown.base-url', 'client.wellknown.cors', 'client.versions', 'support.wellknown']) {
      expectFindings(report, id, ['pass']);
    }
    for (const id of ['connection.tcp', 'tls.handshake', 'tls.version', 'tls.certificate.trusted', 'tls.certificate.name', 'tls.certificate.expiry', 'federation.version', 'keys.response', 'keys.content-type', 'keys.server-name', 'keys.valid-until', 'keys.ed25519', 'keys.signature', 'keys.old-verify-keys', 'keys.base64-padding']) {
      expectFindings(report, id, ['pass', 'pass']);
    }
    expectFindings(report, 'wellknown.server.cache', ['info'], /24 h/);
    expectFindings(report, 'dns.dnssec', ['info'], /No answer was DNSSEC-validated/);
    expectFindings(report, 'dns.srv.legacy', []);
    expectFindings(report, 'dns.srv.disabled', []);
  });
});

describe('name.syntax', () => {
  it('warns on upper case and fails an invalid name with a report, not an exception', async () => {
    expectFindings(await run('Example.org', healthy({ zone: { 'example.org': { A: [V4] } } })), 'name.syntax', ['warn'], /upper-case/);
    const invalid = await run('example.org:0', healthy());
    expectFindings(invalid, 'name.syntax', ['fail'], /port must be 1-65535/);
    expect(invalid).toMatchObject({ verdict: 'fail', resolution: null, steps: [], connections: [] });
    expect(invalid.checks).toHaveLength(1);
  });
});

describe('server .well-known', () => {
  it('status: 404 and unreachable are "no delegation", 500 warns, IP literals skip it', async () => {
    expectFindings(await run('example.org', healthy({ routes: { [SERVER_WK]: { status: 404 } } })), 'wellknown.server.status', ['info'], /404/);
    expectFindings(await run('example.org', healthy({ routes: { [SERVER_WK]: { error: { kind: 'connect' } } } })), 'wellknown.server.status', ['info'], /not served/);
    expectFindings(await run('example.org', healthy({ routes: { [SERVER_WK]: { status: 500 } } })), 'wellknown.server.status', ['warn'], /HTTP 500/);
    expectFindings(await run('example.org', healthy({ routes: { [SERVER_WK]: { error: { kind: 'tls', message: 'CERT_HAS_EXPIRED' } } } })), 'wellknown.server.status', ['warn'], /CERT_HAS_EXPIRED/);
    expectFindings(await run(V4, healthy()), 'wellknown.server.status', ['info'], /IP literal/);
  });

  it('json: a 200 that is not a JSON object warns; homeservers fall back (spec step 3)', async () => {
    const report = await run('example.org', healthy({ routes: { [SERVER_WK]: { body: '<html></html>' } } }));
    expectFindings(report, 'wellknown.server.json', ['warn'], /not JSON/);
    expect(report.resolution?.step).toBe('default');
    expectFindings(report, 'wellknown.server.m-server', []);
  });

  it('m-server: invalid fails (Part C 1), missing and empty warn (Part C 2), upper case warns', async () => {
    expectFindings(await run('example.org', healthy({ routes: { [SERVER_WK]: { body: { 'm.server': 'matrix.example.org:443/x' } } } })), 'wellknown.server.m-server', ['fail'], /no path.*Synapse sends its requests to this value as it is.*neither falls back/);
    expectFindings(await run('example.org', healthy({ routes: { [SERVER_WK]: { body: { server: 'matrix.example.org' } } } })), 'wellknown.server.m-server', ['warn'], /no "m.server"/);
    expectFindings(await run('example.org', healthy({ routes: { [SERVER_WK]: { body: { 'm.server': '' } } } })), 'wellknown.server.m-server', ['warn'], /empty/);
    expectFindings(await run('example.org', healthy({ routes: { [SERVER_WK]: { body: { 'm.server': 'Matrix.example.org:443' } } } })), 'wellknown.server.m-server', ['warn'], /upper-case/);
  });

  it('content-type: anything but application/json warns', async () => {
    const report = await run('example.org', healthy({ routes: { [SERVER_WK]: { body: '{"m.server":"matrix.example.org:443"}', headers: { 'content-type': 'text/plain' } } } }));
    expectFindings(report, 'wellknown.server.content-type', ['warn'], /text\/plain/);
    expect(report.resolution?.step).toBe('well-known-port');
  });

  it('size: 51,200 bytes and more warns, and resolution follows Synapse, which ignores more (Part C 6)', async () => {
    const padded = (bytes: number) => `{"m.server":"matrix.example.org:443"}`.padEnd(bytes, ' ');
    expectFindings(await run('example.org', healthy({ routes: { [SERVER_WK]: { body: padded(51_200) } } })), 'wellknown.server.size', ['warn'], /51200 bytes/);
    const tooLarge = await run('example.org', healthy({ routes: { [SERVER_WK]: { body: padded(51_201) } } }));
    expectFindings(tooLarge, 'wellknown.server.size', ['warn'], /split view/);
    expect(tooLarge.resolution?.step).toBe('default');
  });

  it('redirects: followed https redirects pass, a downgrade warns, a loop fails (Part C 13)', async () => {
    const hop = (url: string, location: string) => ({ url, status: 301, location, headers: {} });
    expectFindings(
      await run('example.org', healthy({ routes: { [SERVER_WK]: { body: { 'm.server': 'matrix.example.org:443' }, redirects: [hop(SERVER_WK, 'https://www.example.org/.well-known/matrix/server')], url: 'https://www.example.org/.well-known/matrix/server' } } })),
      'wellknown.server.redirects',
      ['pass'],
      /1 redirect/,
    );
    expectFindings(
      await run('example.org', healthy({ routes: { [SERVER_WK]: { body: { 'm.server': 'matrix.example.org:443' }, redirects: [hop(SERVER_WK, 'http://example.org/wk')], url: 'http://example.org/wk' } } })),
      'wellknown.server.redirects',
      ['warn'],
      /https to http/,
    );
    const loop = await run('example.org', healthy({ routes: { [SERVER_WK]: { error: { kind: 'redirect-loop', message: 'redirect loop' }, redirects: [hop(SERVER_WK, 'https://example.org/a'), hop('https://example.org/a', SERVER_WK)] } } }));
    expectFindings(loop, 'wellknown.server.redirects', ['fail'], /redirect loop/);
    expect(loop.resolution?.step).toBe('default');
  });

  it('cache: reports the effective lifetime, warns over 48 h (Part C 14)', async () => {
    expectFindings(await run('example.org', healthy({ routes: { [SERVER_WK]: { body: { 'm.server': 'matrix.example.org:443' }, headers: { 'cache-control': 'max-age=0' } } } })), 'wellknown.server.cache', ['info'], /0\.08 h/);
    expectFindings(await run('example.org', healthy({ routes: { [SERVER_WK]: { body: { 'm.server': 'matrix.example.org:443' }, headers: { 'cache-control': 'max-age=604800' } } } })), 'wellknown.server.cache', ['warn'], /over the recommended 48 h/);
  });

  it('consistent: every address of the name serves the same answer (Part C 7)', async () => {
    const twoAddresses = { 'example.org': { A: [V4B, '93.184.215.12'] } };
    const same = await checkScenario('example.org', healthy({ zone: twoAddresses, httpOptions: { canPinAddress: true } }));
    expectFindings(same.report, 'wellknown.server.consistent', ['pass'], /All 2 addresses/);
    expect(same.http.requests.filter((r) => r.url === SERVER_WK).map((r) => r.address)).toEqual([undefined, V4B, '93.184.215.12']);
    const split = await run('example.org', healthy({ zone: twoAddresses, httpOptions: { canPinAddress: true }, routes: { [`${SERVER_WK}@93.184.215.12`]: { status: 404 } } }));
    expectFindings(split, 'wellknown.server.consistent', ['warn'], /93\.184\.215\.12: invalid \(HTTP 404/);
    expect(split.verdict).toBe('warn');
    expectFindings(await run('example.org', healthy({ zone: twoAddresses })), 'wellknown.server.consistent', []);
  });

  it('consistent: an address the checker cannot connect to is named, not compared', async () => {
    const connectFailure = { error: { kind: 'connect' as const, message: 'connect ENETUNREACH' } };
    const dualStack = { 'example.org': { A: [V4B, '93.184.215.12'], AAAA: ['2606:2800:21f:cb07:6820:80da:af6b:8b2c'] } };
    const oneUnreachable = await run('example.org', healthy({ zone: dualStack, httpOptions: { canPinAddress: true }, routes: { [`${SERVER_WK}@2606:2800:21f:cb07:6820:80da:af6b:8b2c`]: connectFailure } }));
    expectFindings(oneUnreachable, 'wellknown.server.consistent', ['pass'], /All 2 addresses answer the same.*Not compared.*2606:2800:21f:cb07:6820:80da:af6b:8b2c \(connect error: connect ENETUNREACH\)/);
    expect(oneUnreachable.verdict).toBe('pass');
    const refusedByPolicy = { error: { kind: 'policy' as const, message: 'a private address' } };
    const onlyOne = await run('example.org', healthy({ zone: { 'example.org': { A: [V4B, '10.0.0.7'] } }, httpOptions: { canPinAddress: true }, routes: { [`${SERVER_WK}@10.0.0.7`]: refusedByPolicy } }));
    expectFindings(onlyOne, 'wellknown.server.consistent', ['info'], /Fewer than two addresses to compare\. Not compared.*10\.0\.0\.7 \(policy error/);
    // A TLS failure is an answer of its own: a peer that reaches that address fails there.
    const tlsFailure = { error: { kind: 'tls' as const, message: 'certificate has expired' } };
    const split = await run('example.org', healthy({ zone: { 'example.org': { A: [V4B, '93.184.215.12'] } }, httpOptions: { canPinAddress: true }, routes: { [`${SERVER_WK}@93.184.215.12`]: tlsFailure } }));
    expectFindings(split, 'wellknown.server.consistent', ['warn'], /Addresses disagree.*93\.184\.215\.12: invalid \(tls error/);
  });
});

describe('DNS', () => {
  const noWellKnown = (zone: Record<string, FakeName>, extra: Scenario = {}) => healthy({ ...extra, routes: { [SERVER_WK]: { status: 404 }, ...extra.routes }, zone });

  it('srv: records pass, none is info, SERVFAIL or a timeout fails (Part C 3)', async () => {
    expectFindings(await run('example.org', noWellKnown({ '_matrix-fed._tcp.example.org': { SRV: [srv('matrix.example.org', 443)] } })), 'dns.srv', ['pass'], /443 matrix\.example\.org/);
    expectFindings(await run('example.org', noWellKnown({ 'example.org': { A: [V4] } })), 'dns.srv', ['info'], /No SRV records/);
    const servfail = await run('example.org', noWellKnown({ 'example.org': { A: [V4] }, '_matrix-fed._tcp.example.org': { rcode: { SRV: 'SERVFAIL' } } }));
    expectFindings(servfail, 'dns.srv', ['fail'], /SERVFAIL\. Synapse cannot resolve your server/);
    expect(servfail.verdict).toBe('fail');
    expectFindings(await run('example.org', noWellKnown({ 'example.org': { A: [V4] }, '_matrix-fed._tcp.example.org': { rcode: { SRV: 'TIMEOUT' } } })), 'dns.srv', ['fail'], /TIMEOUT/);
  });

  it('srv.legacy: only _matrix._tcp warns (Part C 5)', async () => {
    const report = await run('example.org', noWellKnown({ '_matrix._tcp.example.org': { SRV: [srv('matrix.example.org', 443)] } }));
    expectFindings(report, 'dns.srv.legacy', ['warn'], /deprecated/);
    expectFindings(report, 'dns.srv', []);
    expect(report.verdict).toBe('warn');
  });

  it('srv.disabled: "." alone fails (Part C 4), mixed with real targets warns', async () => {
    expectFindings(await run('example.org', noWellKnown({ 'example.org': { A: [V4] }, '_matrix-fed._tcp.example.org': { SRV: [srv('.', 0)] } })), 'dns.srv.disabled', ['fail'], /explicitly disabled/);
    expectFindings(
      await run('example.org', noWellKnown({ '_matrix-fed._tcp.example.org': { SRV: [srv('.', 0, 0), srv('matrix.example.org', 443, 10)] } })),
      'dns.srv.disabled',
      ['warn'],
      /ignored/,
    );
  });

  it('srv.target-cname: a CNAME target warns', async () => {
    const report = await run('example.org', noWellKnown({ '_matrix-fed._tcp.example.org': { SRV: [srv('alias.example.org', 443)] }, 'alias.example.org': { CNAME: 'matrix.example.org' } }));
    expectFindings(report, 'dns.srv.target-cname', ['warn'], /alias\.example\.org is a CNAME for matrix\.example\.org/);
    expectFindings(await run('example.org', noWellKnown({ '_matrix-fed._tcp.example.org': { SRV: [srv('matrix.example.org', 443)] } })), 'dns.srv.target-cname', ['pass']);
  });

  it('targets.resolve: no address fails, one of two SRV targets missing warns', async () => {
    const none = await run('example.org', noWellKnown({ 'example.org': {} }));
    expectFindings(none, 'dns.targets.resolve', ['fail'], /example\.org: no A or AAAA/);
    expect(none.verdict).toBe('fail');
    const servfail = await run('example.org', noWellKnown({ 'example.org': { rcode: { A: 'SERVFAIL', AAAA: 'SERVFAIL' } } }));
    expectFindings(servfail, 'dns.targets.resolve', ['fail'], /SERVFAIL/);
    expectFindings(
      await run('example.org', noWellKnown({ '_matrix-fed._tcp.example.org': { SRV: [srv('matrix.example.org', 443), srv('gone.example.org', 443, 20)] } })),
      'dns.targets.resolve',
      ['warn'],
      /gone\.example\.org/,
    );
  });

  it('address-families: IPv4 only is info, IPv6 only warns', async () => {
    expectFindings(await run('example.org', healthy({ zone: { 'matrix.example.org': { A: [V4] } } })), 'dns.address-families', ['info'], /Only IPv4/);
    expectFindings(await run('example.org', healthy({ zone: { 'matrix.example.org': { AAAA: [V6] } } })), 'dns.address-families', ['warn'], /Only IPv6/);
  });

  it('addresses.public: private addresses fail or warn, unless allowed', async () => {
    const allPrivate = await run('example.org', healthy({ zone: { 'matrix.example.org': { A: ['10.0.0.5'], AAAA: ['::1'] } } }));
    expectFindings(allPrivate, 'dns.addresses.public', ['fail'], /10\.0\.0\.5 \(private network \(RFC 1918\)\), ::1 \(loopback\)/);
    expect(allPrivate.verdict).toBe('fail');
    expectFindings(await run('example.org', healthy({ zone: { 'matrix.example.org': { A: [V4, '100.64.0.1'] } } })), 'dns.addresses.public', ['warn'], /100\.64\.0\.1 \(carrier-grade NAT \(RFC 6598\)\)/);
    expectFindings(await run('example.org', healthy({ zone: { 'matrix.example.org': { A: ['::ffff:192.168.1.1'] } } })), 'dns.addresses.public', ['fail'], /IPv4-mapped form of 192\.168\.1\.1 \(private network/);
    const allowed = await run('example.org', healthy({ zone: { 'matrix.example.org': { A: ['127.0.0.1'] } }, deps: { allowPrivateAddresses: true } }));
    expectFindings(allowed, 'dns.addresses.public', ['info'], /allowed by configuration/);
    expect(allowed.verdict).toBe('pass');
    // No configuration makes these reach a single host.
    const never = await run('example.org', healthy({ zone: { 'matrix.example.org': { A: ['127.0.0.1', '224.0.0.1'] } }, deps: { allowPrivateAddresses: true } }));
    expectFindings(never, 'dns.addresses.public', ['warn'], /^Not publicly reachable: 224\.0\.0\.1 \(multicast\)\.$/);
  });

  it('resolvers.agree: different answers from two resolvers warn', async () => {
    const zone = { 'example.org': { A: [V4B] }, 'matrix.example.org': { A: [V4], AAAA: [V6] } };
    expectFindings(await run('example.org', healthy({ dnsOptions: { otherResolvers: [{ resolver: 'second', zone }] } })), 'dns.resolvers.agree', ['pass'], /2 resolvers/);
    const moved = { ...zone, 'matrix.example.org': { A: ['93.184.215.99'], AAAA: [V6] } };
    expectFindings(await run('example.org', healthy({ dnsOptions: { otherResolvers: [{ resolver: 'second', zone: moved }] } })), 'dns.resolvers.agree', ['warn'], /A matrix\.example\.org: fake-resolver says NOERROR 93\.184\.215\.10; second says NOERROR 93\.184\.215\.99/);
  });

  it('resolvers.answer: a resolver that gave no answer is named (info), the others\' answers decide, and it is no disagreement', async () => {
    const zone = { 'example.org': { A: [V4B] }, 'matrix.example.org': { A: [V4], AAAA: [V6] } };
    expectFindings(await run('example.org', healthy({ dnsOptions: { otherResolvers: [{ resolver: 'second', zone }] } })), 'dns.resolvers.answer', ['pass'], /All 2 resolvers answered every question/);
    const down = { 'matrix.example.org': { rcode: { A: 'ERROR' as const, AAAA: 'TIMEOUT' as const } } };
    const report = await run('example.org', healthy({ dnsOptions: { otherResolvers: [{ resolver: 'https://down.example/dns-query', zone: down }] } }));
    expectFindings(report, 'dns.resolvers.answer', ['info'], /^https:\/\/down\.example\/dns-query gave no answer to 2 of 2 questions, so the answers are the other resolvers': A matrix\.example\.org: ERROR; AAAA matrix\.example\.org: TIMEOUT\.$/);
    expectFindings(report, 'dns.resolvers.agree', ['pass']);
    expect(report.verdict).toBe('pass');
    expect(report.resolution?.targets[0].addresses).toEqual([V4, V6]);
  });

  it('dnssec: the AD bit is reported as info, and as not known where the client cannot see it', async () => {
    const signed = { 'matrix.example.org': { A: [V4], AAAA: [V6], authenticated: true } };
    expectFindings(await run('example.org', healthy({ zone: signed })), 'dns.dnssec', ['info'], /All answers were DNSSEC-validated/);
    const unknown = { 'example.org': { A: [V4B], authenticated: null }, 'matrix.example.org': { A: [V4], AAAA: [V6], authenticated: null } };
    expectFindings(await run('example.org', healthy({ zone: unknown })), 'dns.dnssec', ['skip'], /Not known: the resolver gave no DNSSEC status/);
  });
});

describe('connections', () => {
  it('connection.tcp: a closed port fails that connection; one of two failing is a warning', async () => {
    const report = await run('example.org', healthy({ prober: { closed: [`[${V6}]:443`] } }));
    expectFindings(report, 'connection.tcp', ['pass', 'fail'], /ECONNREFUSED/);
    expectFindings(report, 'tls.handshake', ['pass']);
    expect(report.verdict).toBe('warn');
    expect(report.connections[1]).toMatchObject({ address: V6, tcp: { ok: false, error: 'connection refused' }, tls: null, certificate: null, version: null, keys: null, checks: ['connection.tcp'] });
  });

  it('all connections failing is a failure', async () => {
    expect((await run('example.org', healthy({ prober: { closed: [`${V4}:443`, `[${V6}]:443`] } }))).verdict).toBe('fail');
  });

  it('tls.handshake: a failed handshake fails', async () => {
    const report = await run('example.org', healthy(withProbe((h) => ({ ...h, tls: { ...h.tls!, ok: false, certificates: [], error: { code: 'ERR_SSL_WRONG_VERSION_NUMBER', message: 'wrong version number' } }, version: undefined, keys: undefined }))));
    expectFindings(report, 'tls.handshake', ['fail', 'pass'], /ERR_SSL_WRONG_VERSION_NUMBER/);
    expectFindings(report, 'tls.certificate.trusted', ['pass']);
  });

  it('tls.version: below TLS 1.2 fails', async () => {
    expectFindings(await run('example.org', healthy(withProbe((h) => ({ ...h, tls: { ...h.tls!, version: 'TLSv1.1' } })))), 'tls.version', ['fail', 'pass'], /TLSv1\.1/);
  });

  it('tls.certificate.trusted: a self-signed certificate fails', async () => {
    const report = await run('example.org', healthy(withProbe((h) => ({ ...h, tls: { ...h.tls!, trusted: false, verifyError: { code: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: 'self-signed certificate' } } }))));
    expectFindings(report, 'tls.certificate.trusted', ['fail', 'pass'], /DEPTH_ZERO_SELF_SIGNED_CERT/);
    expect(report.connections[0].certificate).toMatchObject({ trusted: false, nameMatches: true });
  });

  it('tls.certificate.name: a certificate for the SRV target instead of the server name fails (Part C 15)', async () => {
    const scenario = healthy({
      routes: { [SERVER_WK]: { status: 404 } },
      zone: { '_matrix-fed._tcp.example.org': { SRV: [srv('matrix.example.org', 8448)] } },
      ...withProbe((h) => ({ ...h, tls: { ...h.tls!, nameMatches: false, certificates: [{ ...h.tls!.certificates[0], subjectAltNames: ['DNS:matrix.example.org'] }] } }), V4, 8448),
    });
    const report = await run('example.org', scenario);
    expectFindings(report, 'tls.certificate.name', ['fail', 'pass'], /must cover example\.org, not the SRV target matrix\.example\.org/);
    expect(findings(report, 'tls.certificate.name')[0].fix).toContain('example.org');
  });

  it('tls.certificate.expiry: expired fails, within 14 days warns, not yet valid fails', async () => {
    const leafDates = (notBefore: number, notAfter: number) =>
      withProbe((h) => ({ ...h, tls: { ...h.tls!, certificates: [{ ...h.tls!.certificates[0], notBefore: new Date(notBefore).toISOString(), notAfter: new Date(notAfter).toISOString() }] } }));
    expectFindings(await run('example.org', healthy(leafDates(NOW_MS - 90 * DAY, NOW_MS - DAY))), 'tls.certificate.expiry', ['fail', 'pass'], /Expired on/);
    const soon = await run('example.org', healthy(leafDates(NOW_MS - 80 * DAY, NOW_MS + 10 * DAY)));
    expectFindings(soon, 'tls.certificate.expiry', ['warn', 'pass'], /Expires in 10 day/);
    expect(soon.verdict).toBe('warn');
    expectFindings(await run('example.org', healthy(leafDates(NOW_MS + DAY, NOW_MS + 90 * DAY))), 'tls.certificate.expiry', ['fail', 'pass'], /Not valid before/);
  });

  it('federation.version: 404, a timeout or garbage only warn (no peer needs it), missing fields warn', async () => {
    const answers = [
      { status: 404, body: '', elapsedMs: 1 },
      { error: { kind: 'timeout' as const, message: 'timed out after 10000 ms' }, elapsedMs: 10_000 },
      { status: 200, body: '<html>Welcome to nginx!</html>', elapsedMs: 1 },
    ];
    for (const version of answers) {
      // Both addresses fail the version request; TLS and keys work, so both connections work.
      const report = await run('example.org', healthy({ prober: { overrides: { [`${V4}:443`]: (h) => ({ ...h, version }), [`[${V6}]:443`]: (h) => ({ ...h, version }) } } }));
      expectFindings(report, 'federation.version', ['warn', 'warn'], /Peers do not need it to federate/);
      expect(report.checks.filter((f) => f.status === 'fail')).toEqual([]);
      expect(report.verdict).toBe('warn');
      expect(report.steps.filter((step) => step.id.startsWith('probe:')).map((step) => step.status)).toEqual(['pass', 'pass']);
    }
    expectFindings(await run('example.org', healthy(withProbe((h) => ({ ...h, version: { status: 404, body: '', elapsedMs: 1 } })))), 'federation.version', ['warn', 'pass'], /HTTP 404/);
    expectFindings(await run('example.org', healthy(withProbe((h) => ({ ...h, version: { status: 200, body: '{}', elapsedMs: 1 } })))), 'federation.version', ['warn', 'pass']);
  });

  describe('federation.host-with-port (Part C 8)', () => {
    // Delegation without a port: the spec's Host is "matrix.example.org", the connection port 8448.
    const noPort = (probe: Scenario = {}) =>
      healthy({ routes: { [SERVER_WK]: { body: { 'm.server': 'matrix.example.org' } } }, ...probe });

    it('passes when the version endpoint also answers Host with the port', async () => {
      const report = await run('example.org', noPort());
      expect(report.resolution).toMatchObject({ hostHeader: 'matrix.example.org', targets: [{ port: 8448 }] });
      expectFindings(report, 'federation.host-with-port', ['pass', 'pass'], /also answers with Host matrix\.example\.org:8448/);
      expect(report.verdict).toBe('pass');
    });

    it('warns, never fails, when only Host with the port is rejected', async () => {
      const report = await run('example.org', noPort(withProbe((h) => ({ ...h, versionWithPortHost: { status: 421, body: '', elapsedMs: 1 } }), V4, 8448)));
      expectFindings(report, 'federation.host-with-port', ['warn', 'pass'], /with Host matrix\.example\.org:8448 it gave HTTP 421\. Conduwuit-family peers \(tuwunel/);
      expect(findings(report, 'federation.host-with-port')[0].fix).toMatch(/req\.hdr_reg\(host\)/);
      expectFindings(report, 'federation.version', ['pass', 'pass']);
      expect(report.verdict).toBe('warn');
      expect(report.connections.every((c) => c.version?.error === undefined)).toBe(true);
    });

    it('says nothing when the spec\'s Host already fails (federation.version does) or already has a port', async () => {
      const broken = { status: 404, body: '', elapsedMs: 1 };
      const failing = await run('example.org', noPort(withProbe((h) => ({ ...h, version: broken, versionWithPortHost: broken }), V4, 8448)));
      expectFindings(failing, 'federation.version', ['warn', 'pass']);
      expectFindings(failing, 'federation.host-with-port', ['pass']);
      const explicitPort = await run('example.org', healthy());
      expect(explicitPort.resolution?.hostHeader).toBe('matrix.example.org:443');
      expectFindings(explicitPort, 'federation.host-with-port', []);
    });

    it('says nothing on port 443, where those peers send the spec\'s Host too', async () => {
      const srvTo443 = await run('example.org', healthy({ routes: { [SERVER_WK]: { status: 404 } }, zone: { '_matrix-fed._tcp.example.org': { SRV: [srv('matrix.example.org', 443)] } } }));
      expect(srvTo443.resolution).toMatchObject({ step: 'srv', hostHeader: 'example.org', targets: [{ port: 443 }] });
      expectFindings(srvTo443, 'federation.version', ['pass', 'pass']);
      expectFindings(srvTo443, 'federation.host-with-port', []);
    });
  });
});

describe('server keys', () => {
  const editKeys = (edit: (keys: Record<string, unknown>) => Record<string, unknown>) => healthy({ prober: { editKeys: edit } });
  const editBody = (edit: (body: string) => string) => withProbe((h) => ({ ...h, keys: { ...h.keys!, body: edit(h.keys!.body!) } }));

  it('response: a 404 or a non-object fails', async () => {
    expectFindings(await run('example.org', healthy(withProbe((h) => ({ ...h, keys: { status: 404, body: '', elapsedMs: 1 } })))), 'keys.response', ['fail', 'pass'], /HTTP 404/);
    const notJson = await run('example.org', healthy(editBody(() => '<html>')));
    expectFindings(notJson, 'keys.response', ['fail', 'pass'], /not JSON/);
    expectFindings(notJson, 'keys.signature', ['pass']);
  });

  it('content-type: missing warns', async () => {
    expectFindings(await run('example.org', healthy(withProbe((h) => ({ ...h, keys: { ...h.keys!, headers: {} } })))), 'keys.content-type', ['warn', 'pass'], /missing/);
  });

  it('server-name: must be the original server name, not the delegated one', async () => {
    const report = await run('example.org', healthy({ prober: { keysServerName: 'matrix.example.org' } }));
    expectFindings(report, 'keys.server-name', ['fail', 'fail'], /"matrix\.example\.org", expected "example\.org"/);
    expect(report.verdict).toBe('fail');
  });

  it('valid-until: past fails, under an hour warns', async () => {
    expectFindings(await run('example.org', editKeys((k) => ({ ...k, valid_until_ts: NOW_MS - 1 }))), 'keys.valid-until', ['fail', 'fail'], /in the past/);
    expectFindings(await run('example.org', editKeys((k) => ({ ...k, valid_until_ts: NOW_MS + 59 * 60 * 1000 }))), 'keys.valid-until', ['warn', 'warn'], /less than an hour/);
    expectFindings(await run('example.org', editKeys((k) => ({ ...k, valid_until_ts: '1' }))), 'keys.valid-until', ['fail', 'fail'], /not a timestamp/);
  });

  it('ed25519: no ed25519 key or a wrong length fails', async () => {
    expectFindings(await run('example.org', editKeys((k) => ({ ...k, verify_keys: {} }))), 'keys.ed25519', ['fail', 'fail'], /no ed25519 key/);
    expectFindings(await run('example.org', editKeys((k) => ({ ...k, verify_keys: { ...(k.verify_keys as object), 'ed25519:2': { key: 'Zm9vYmFy' } } }))), 'keys.ed25519', ['fail', 'fail'], /ed25519:2 is 6 bytes/);
  });

  it('signature: a changed body fails; every ed25519 key must have signed', async () => {
    expectFindings(await run('example.org', healthy(editBody((body) => body.replace('"valid_until_ts":', '"valid_until_ts":1')))), 'keys.signature', ['fail', 'pass'], /does not verify/);
    const extraKey = { 'ed25519:1': { key: 'XGX0JRS2Af3be3knz2fBiRbApjm2Dh61gXDJA8kcJNI' }, 'ed25519:2': { key: 'fXp5KyOrK7r8aMf9uh9n1GCHELVcaDRzXXi2cp2rsu8' } };
    expectFindings(await run('example.org', editKeys((k) => ({ ...k, verify_keys: extraKey }))), 'keys.signature', ['fail', 'fail'], /no signature by key "ed25519:2"/);
  });

  it('old-verify-keys: optional, but every ed25519 entry must be whole, and never also current', async () => {
    const OLD_KEY = 'fXp5KyOrK7r8aMf9uh9n1GCHELVcaDRzXXi2cp2rsu8';
    const withOld = (old: unknown) => editKeys((k) => ({ ...k, old_verify_keys: old }));
    expectFindings(await run('example.org', editKeys(({ old_verify_keys: _absent, ...k }) => k)), 'keys.old-verify-keys', ['pass', 'pass'], /No old_verify_keys \(optional\)/);
    expectFindings(await run('example.org', withOld({ 'ed25519:0': { key: OLD_KEY, expired_ts: NOW_MS - 1 } })), 'keys.old-verify-keys', ['pass', 'pass'], /Old keys: ed25519:0\./);
    expectFindings(await run('example.org', withOld([])), 'keys.old-verify-keys', ['fail', 'fail'], /an array, not an object/);
    expectFindings(await run('example.org', withOld({ 'ed25519:0': { key: OLD_KEY } })), 'keys.old-verify-keys', ['fail', 'fail'], /ed25519:0 has expired_ts missing/);
    expectFindings(await run('example.org', withOld({ 'ed25519:0': { expired_ts: 1 } })), 'keys.old-verify-keys', ['fail', 'fail'], /ed25519:0 has no "key"/);
    expectFindings(await run('example.org', withOld({ 'ed25519:0': { key: 'Zm9vYmFy', expired_ts: 1 } })), 'keys.old-verify-keys', ['fail', 'fail'], /ed25519:0 is 6 bytes, not 32/);
    expectFindings(await run('example.org', withOld({ 'ed25519:1': { key: OLD_KEY, expired_ts: 1 } })), 'keys.old-verify-keys', ['fail', 'fail'], /ed25519:1 is also in verify_keys/);
    // Synapse skips algorithms it does not know.
    expectFindings(await run('example.org', withOld({ 'curve99:0': 'whatever' })), 'keys.old-verify-keys', ['pass', 'pass']);
  });

  it('base64-padding: a padded signature warns (Part C 9)', async () => {
    const report = await run('example.org', healthy(editBody((body) => body.replace(/("ed25519:1":")([^"]+)"/, '$1$2=="'))));
    expectFindings(report, 'keys.base64-padding', ['warn', 'pass'], /signature by ed25519:1/);
    expectFindings(report, 'keys.signature', ['pass', 'pass']);
  });
});

describe('client discovery', () => {
  it('client.wellknown: 404 is IGNORE (info), bad JSON FAIL_PROMPT, broken versions FAIL_ERROR; none fails the verdict', async () => {
    expectFindings(await run('example.org', healthy({ routes: { [CLIENT_WK]: { status: 404 } } })), 'client.wellknown', ['info'], /must type the homeserver URL/);
    // Nothing listening on 443 offers no discovery, like a 404; it is not a broken file.
    const unserved = await run('example.org', healthy({ routes: { [CLIENT_WK]: { error: { kind: 'connect', message: 'connect ECONNREFUSED' } } } }));
    expectFindings(unserved, 'client.wellknown', ['info'], /is not served .*must type the homeserver URL/);
    // A browser's unreachable (refused, unknown name or an untrusted certificate: it cannot tell) warns, undecided.
    const unreachable = await run('example.org', { ...healthy({ routes: { [CLIENT_WK]: { error: { kind: 'network', message: 'Failed to fetch', reachable: false } } } }), prober: false });
    expectFindings(unreachable, 'client.wellknown', ['warn'], /could not reach .*the proxy tells which/);
    expect(findings(unreachable, 'client.wellknown')[0].data).toEqual({ unreachableFromBrowser: true });
    const prompt = await run('example.org', healthy({ routes: { [CLIENT_WK]: { body: '{', headers: CORS } } }));
    expectFindings(prompt, 'client.wellknown', ['fail'], /FAIL_PROMPT: the body is not JSON/);
    expect(prompt.verdict).toBe('warn');
    const error = await run('example.org', healthy({ routes: { [VERSIONS]: { status: 502 } } }));
    expectFindings(error, 'client.wellknown', ['fail'], /FAIL_ERROR: https:\/\/matrix\.example\.org\/_matrix\/client\/versions does not work: HTTP 502/);
    expectFindings(error, 'client.versions', ['fail'], /HTTP 502/);
    expect(error.verdict).toBe('warn');
    expectFindings(await run('example.org', healthy({ routes: { [CLIENT_WK]: { body: { 'm.homeserver': { base_url: 'matrix.example.org' } } } } })), 'client.wellknown', ['fail'], /FAIL_ERROR/);
  });

  it('client.wellknown.base-url: plain http warns', async () => {
    const report = await run('example.org', healthy({ routes: { [CLIENT_WK]: { body: { 'm.homeserver': { base_url: 'http://matrix.example.org/' } }, headers: CORS }, 'http://matrix.example.org/_matrix/client/versions': { body: { versions: ['v1.1'] } } } }));
    expectFindings(report, 'client.wellknown.base-url', ['warn'], /not https/);
    expectFindings(report, 'client.versions', ['pass'], /v1\.1/);
  });

  it('client.wellknown.cors: missing on the GET, the preflight or a redirect warns', async () => {
    const body = { 'm.homeserver': { base_url: 'https://matrix.example.org' } };
    expectFindings(await run('example.org', healthy({ routes: { [CLIENT_WK]: { body } } })), 'client.wellknown.cors', ['warn'], /on the GET response/);
    expectFindings(await run('example.org', healthy({ routes: { [`OPTIONS ${CLIENT_WK}`]: { status: 405 } } })), 'client.wellknown.cors', ['warn'], /OPTIONS preflight \(HTTP 405\)/);
    const redirect = { url: CLIENT_WK, status: 301, location: 'https://www.example.org/c', headers: {} };
    expectFindings(await run('example.org', healthy({ routes: { [CLIENT_WK]: { body, headers: CORS, redirects: [redirect] } } })), 'client.wellknown.cors', ['warn'], /the 301 redirect/);
  });

  it('client.identity-server: a working one passes, a broken one warns without failing discovery (Part C 10)', async () => {
    const withIdentity = (base_url: string) => ({ [CLIENT_WK]: { body: { 'm.homeserver': { base_url: 'https://matrix.example.org' }, 'm.identity_server': { base_url } }, headers: CORS } });
    expectFindings(await run('example.org', healthy({ routes: { ...withIdentity('https://id.example.org'), 'https://id.example.org/_matrix/identity/v2': { body: {} } } })), 'client.identity-server', ['pass']);
    const broken = await run('example.org', healthy({ routes: withIdentity('https://id.example.org') }));
    expectFindings(broken, 'client.identity-server', ['warn'], /HTTP 404/);
    expectFindings(broken, 'client.wellknown', ['pass']);
    expectFindings(await run('example.org', healthy({ routes: withIdentity('nope') })), 'client.identity-server', ['warn'], /not an http\(s\) URL/);
  });

  it('support.wellknown: absent is info, invalid or pre-spec warns', async () => {
    expectFindings(await run('example.org', healthy({ routes: { [SUPPORT_WK]: { status: 404 } } })), 'support.wellknown', ['info']);
    expectFindings(await run('example.org', healthy({ routes: { [SUPPORT_WK]: { body: { contacts: [] } } } })), 'support.wellknown', ['warn'], /neither "support_page"/);
    expectFindings(await run('example.org', healthy({ routes: { [SUPPORT_WK]: { body: { admins: [{ matrix_id: '@a:b', role: 'admin' }], support_page: 'https://example.org' } } } })), 'support.wellknown', ['warn'], /pre-spec/);
  });
});

describe('server features', () => {
  it('client.features: lists spec versions and unstable flags, named from the table where known', async () => {
    const versions = { [VERSIONS]: { body: { versions: ['v1.11', 'v1.12'], unstable_features: { 'org.matrix.msc4140': true, 'org.example.unknown': true, 'org.matrix.msc3881': false, bogus: 'yes' } } } };
    // Without the table (a page that could not fetch it) the flags are listed by name only.
    expectFindings(await run('example.org', healthy({ routes: versions })), 'client.features', ['info'], /Unstable features on: org\.matrix\.msc4140; org\.example\.unknown\./);
    const report = await run('example.org', healthy({ routes: versions, deps: { knownFeatures: Promise.resolve(knownFeatureTable(knownFeatures)) } }));
    expectFindings(report, 'client.features', ['info'], /Spec versions: v1\.11, v1\.12\. Unstable features on: MSC4140 Delayed events \(org\.matrix\.msc4140\); org\.example\.unknown\. 1 more listed as off\./);
    expect(findings(report, 'client.features')[0].data).toEqual({
      versions: ['v1.11', 'v1.12'],
      unstable: [
        { flag: 'org.matrix.msc4140', enabled: true, msc: 4140, title: 'Delayed events' },
        { flag: 'org.example.unknown', enabled: true, msc: null, title: null },
        { flag: 'org.matrix.msc3881', enabled: false, msc: 3881, title: 'Remotely toggled pushers' },
      ],
    });
    expectFindings(await run('example.org', healthy({ routes: { [VERSIONS]: { status: 500 } } })), 'client.features', []);
  });
});

describe('the table of known unstable features (public/unstable-features.json)', () => {
  it('keeps only entries of the shape [flag, MSC number or null, title]; the shipped table is whole', () => {
    expect(knownFeatureTable({ flag: 'x' })).toEqual([]);
    expect(knownFeatureTable([['a', 1, 'A'], ['b'], null, ['c', 'x', 'C'], ['d', null, 'D']])).toEqual([['a', 1, 'A'], ['d', null, 'D']]);
    expect(knownFeatureTable(knownFeatures)).toHaveLength(knownFeatures.length);
    expect(new Set(knownFeatures.map(([flag]) => flag)).size).toBe(knownFeatures.length);
  });
});

describe('calls (MatrixRTC)', () => {
  const TRANSPORTS = 'https://matrix.example.org/_matrix/client/v1/rtc/transports';
  const TRANSPORTS_UNSTABLE = 'https://matrix.example.org/_matrix/client/unstable/org.matrix.msc4143/rtc/transports';
  const JWT = 'https://rtc.example.org/livekit/jwt';
  const MISSING_TOKEN = { errcode: 'M_MISSING_TOKEN', error: 'Missing access token' };
  const FEATURES = { versions: ['v1.12'], unstable_features: { 'org.matrix.msc4140': true, 'im.nheko.summary': true } };
  /** A focus in the client .well-known and an lk-jwt-service answering as handler.go does. */
  function calls(routes: Record<string, FakeResponse> = {}, options: Partial<Scenario> = {}): Scenario {
    return healthy({
      ...options,
      routes: {
        [CLIENT_WK]: { body: { 'm.homeserver': { base_url: 'https://matrix.example.org' }, 'org.matrix.msc4143.rtc_foci': [{ type: 'livekit', livekit_service_url: JWT }] }, headers: CORS },
        [VERSIONS]: { body: FEATURES },
        [TRANSPORTS_UNSTABLE]: { status: 401, body: MISSING_TOKEN, headers: CORS },
        [`${JWT}/healthz`]: { status: 200 },
        [`${JWT}/get_token`]: { status: 405, headers: CORS },
        [`OPTIONS ${JWT}/get_token`]: { status: 200, headers: CORS },
        [`${JWT}/sfu/get`]: { status: 405, headers: CORS },
        [`OPTIONS ${JWT}/sfu/get`]: { status: 200, headers: CORS },
        ...routes,
      },
    });
  }

  it('a complete setup: transports endpoint with CORS, a focus, a working authorization service, the features', async () => {
    const report = await run('example.org', calls());
    expectFindings(report, 'rtc.calls', ['pass'], /^Calls: ready\.$/);
    expectFindings(report, 'rtc.transports', ['pass'], /unstable\/org\.matrix\.msc4143\/rtc\/transports \(HTTP 401\)/);
    expectFindings(report, 'rtc.foci', ['pass'], /LiveKit focus: https:\/\/rtc\.example\.org\/livekit\/jwt/);
    expectFindings(report, 'rtc.authorization-service', ['pass'], /healthz answers; \/get_token answers with CORS headers/);
    expectFindings(report, 'rtc.features', ['pass'], /Delayed events \(MSC4140\) are on; room summaries \(MSC3266\) are advertised/);
    expect(report.areas.rtc).toBe('pass');
    expect(report.verdict).toBe('pass');
  });

  it('no transports endpoint and no foci: calls are not offered (info), nothing else is reported', async () => {
    const report = await run('example.org', healthy());
    expectFindings(report, 'rtc.calls', ['info'], /Calls: not offered/);
    expectFindings(report, 'rtc.transports', ['info'], /No transports endpoint/);
    for (const id of ['rtc.foci', 'rtc.authorization-service', 'rtc.features']) expectFindings(report, id, []);
    expect(report.areas.rtc).toBe('info');
  });

  it('without a working client discovery, calls are not checked and the area is absent', async () => {
    const report = await run('example.org', healthy({ routes: { [CLIENT_WK]: { status: 404 } } }));
    for (const id of ['rtc.calls', 'rtc.transports', 'rtc.foci', 'rtc.authorization-service', 'rtc.features']) expectFindings(report, id, []);
    expect(report.areas).not.toHaveProperty('rtc');
  });

  it('rtc.transports: a 401 without CORS headers warns, from Node (headers) and from a page (unreadable)', async () => {
    const node = await run('example.org', calls({ [TRANSPORTS_UNSTABLE]: { status: 401, body: MISSING_TOKEN } }));
    expectFindings(node, 'rtc.transports', ['warn'], /without CORS headers: .*HTTP 401.*Browser clients/);
    expectFindings(node, 'rtc.calls', ['warn'], /Calls: may fail, because The endpoint answers without CORS/);
    const page = await run('example.org', calls({ [TRANSPORTS_UNSTABLE]: { error: { kind: 'cors', reachable: true } } }, { prober: false }));
    expectFindings(page, 'rtc.transports', ['warn'], /answers, but this browser cannot read it/);
    expectFindings(await run('example.org', calls({ [TRANSPORTS_UNSTABLE]: { status: 502 } })), 'rtc.transports', ['warn'], /does not answer as expected/);
  });

  it('rtc.foci: kept beside the transports endpoint passes; offered alone it warns (Element Call 0.24 dropped it); a malformed list warns', async () => {
    expectFindings(await run('example.org', calls()), 'rtc.foci', ['pass'], /Kept for older clients/);
    const legacy = await run('example.org', calls({ [TRANSPORTS_UNSTABLE]: { status: 404, body: { errcode: 'M_UNRECOGNIZED' } } }));
    expectFindings(legacy, 'rtc.transports', ['info']);
    expectFindings(legacy, 'rtc.foci', ['warn'], /Only this older discovery is offered; Element Call 0\.24/);
    expectFindings(legacy, 'rtc.authorization-service', ['pass']);
    expectFindings(legacy, 'rtc.calls', ['warn'], /Calls: may fail/);
    const malformed = await run('example.org', calls({ [CLIENT_WK]: { body: { 'm.homeserver': { base_url: 'https://matrix.example.org' }, 'org.matrix.msc4143.rtc_foci': [{ type: 'livekit' }] }, headers: CORS } }));
    expectFindings(malformed, 'rtc.foci', ['warn'], /has no "livekit_service_url" URL/);
    expectFindings(malformed, 'rtc.authorization-service', []);
  });

  it('rtc.authorization-service: down, without CORS, only the old endpoint, http, no health', async () => {
    const down = { error: { kind: 'connect' as const, message: 'ECONNREFUSED' } };
    const unreachable = await run('example.org', calls({ [`${JWT}/healthz`]: down, [`${JWT}/get_token`]: down, [`OPTIONS ${JWT}/get_token`]: down, [`${JWT}/sfu/get`]: down, [`OPTIONS ${JWT}/sfu/get`]: down }));
    expectFindings(unreachable, 'rtc.authorization-service', ['fail'], /is not reachable \(connect error: ECONNREFUSED\)/);
    expectFindings(unreachable, 'rtc.calls', ['fail'], /^Calls: broken, because https:\/\/rtc\.example\.org\/livekit\/jwt is not reachable/);
    expect(unreachable.verdict).toBe('warn');
    // The reverse proxy's error page while lk-jwt-service is not running: not a CORS problem.
    const stopped = { status: 502, body: '<html>Bad Gateway</html>' };
    const behindProxy = await run('example.org', calls({ [`${JWT}/healthz`]: stopped, [`${JWT}/get_token`]: stopped, [`OPTIONS ${JWT}/get_token`]: stopped, [`${JWT}/sfu/get`]: stopped, [`OPTIONS ${JWT}/sfu/get`]: stopped }));
    expectFindings(behindProxy, 'rtc.authorization-service', ['fail'], /\/get_token answers HTTP 502: lk-jwt-service is not answering behind its proxy/);
    const stoppedWithProxyCors = await run('example.org', calls({ [`${JWT}/get_token`]: { ...stopped, headers: CORS }, [`${JWT}/sfu/get`]: { ...stopped, headers: CORS } }));
    expectFindings(stoppedWithProxyCors, 'rtc.authorization-service', ['fail'], /answers HTTP 502/);
    const noCors = await run('example.org', calls({ [`${JWT}/get_token`]: { status: 405 }, [`OPTIONS ${JWT}/get_token`]: { status: 200 } }));
    expectFindings(noCors, 'rtc.authorization-service', ['fail'], /\/get_token answers without CORS headers/);
    const noPreflight = await run('example.org', calls({ [`OPTIONS ${JWT}/get_token`]: { status: 405 } }));
    expectFindings(noPreflight, 'rtc.authorization-service', ['fail'], /without CORS headers/);
    const pageNoCors = await run('example.org', calls({ [`${JWT}/get_token`]: { error: { kind: 'cors', reachable: true } } }, { prober: false }));
    expectFindings(pageNoCors, 'rtc.authorization-service', ['fail'], /without CORS headers/);
    // A page's own OPTIONS request is preflighted for OPTIONS, which lk-jwt-service refuses: not held against it.
    const pagePreflight = await run('example.org', calls({ [`${JWT}/healthz`]: { error: { kind: 'cors', reachable: true } }, [`OPTIONS ${JWT}/get_token`]: { error: { kind: 'cors', reachable: true } } }, { prober: false }));
    expectFindings(pagePreflight, 'rtc.authorization-service', ['pass']);
    const old = await run('example.org', calls({ [`${JWT}/get_token`]: { status: 404 }, [`OPTIONS ${JWT}/get_token`]: { status: 404 } }));
    expectFindings(old, 'rtc.authorization-service', ['warn'], /Only the old \/sfu\/get endpoint works/);
    const neither = await run('example.org', calls({ [`${JWT}/get_token`]: { status: 404 }, [`${JWT}/sfu/get`]: { status: 404 } }));
    expectFindings(neither, 'rtc.authorization-service', ['fail'], /has no token endpoint/);
    const sick = await run('example.org', calls({ [`${JWT}/healthz`]: { status: 503 } }));
    expectFindings(sick, 'rtc.authorization-service', ['warn'], /healthz gave HTTP 503/);
    const http = 'http://rtc.example.org/jwt';
    const plain = await run('example.org', calls({ [CLIENT_WK]: { body: { 'm.homeserver': { base_url: 'https://matrix.example.org' }, 'org.matrix.msc4143.rtc_foci': [{ type: 'livekit', livekit_service_url: http }] }, headers: CORS } }));
    expectFindings(plain, 'rtc.authorization-service', ['fail'], /is not https/);
  });

  it('rtc.features: delayed events missing warns; room summaries count from the flag or spec v1.15', async () => {
    const missing = await run('example.org', calls({ [VERSIONS]: { body: { versions: ['v1.12'], unstable_features: {} } } }));
    expectFindings(missing, 'rtc.features', ['warn'], /Delayed events \(MSC4140, "org\.matrix\.msc4140"\) are not advertised.*room summaries \(MSC3266\) are not advertised/);
    expectFindings(missing, 'rtc.calls', ['warn'], /Delayed events/);
    const stable = await run('example.org', calls({ [VERSIONS]: { body: { versions: ['v1.15'], unstable_features: { 'org.matrix.msc4140': true } } } }));
    expectFindings(stable, 'rtc.features', ['pass'], /room summaries \(MSC3266\) are advertised/);
  });
});

describe('support file extensions', () => {
  const contact = (extra: object) => ({ body: { contacts: [{ email_address: 'admin@example.org', role: 'm.role.admin' }, extra] } });

  it('support.contacts: lists roles including the DPO; a contact without a way to reach it warns', async () => {
    const report = await run('example.org', healthy({ routes: { [SUPPORT_WK]: contact({ matrix_id: '@dpo:example.org', role: 'm.role.dpo' }) } }));
    expectFindings(report, 'support.contacts', ['pass'], /admin: admin@example\.org; data protection officer: @dpo:example\.org\. Note: no security contact/);
    expect(findings(report, 'support.contacts')[0].data).toEqual({ contacts: [
      { role: 'm.role.admin', matrix_id: null, email_address: 'admin@example.org' },
      { role: 'm.role.dpo', matrix_id: '@dpo:example.org', email_address: null },
    ] });
    const unstable = await run('example.org', healthy({ routes: { [SUPPORT_WK]: contact({ email_address: 'dpo@example.org', role: 'org.matrix.msc4265.role.dpo' }) } }));
    expectFindings(unstable, 'support.contacts', ['pass'], /unstable name "org\.matrix\.msc4265\.role\.dpo"/);
    const unreachable = await run('example.org', healthy({ routes: { [SUPPORT_WK]: contact({ matrix_id: 'dpo', role: 'm.role.dpo' }) } }));
    expectFindings(unreachable, 'support.contacts', ['warn'], /contacts\[1\] cannot be reached/);
    expectFindings(unreachable, 'support.wellknown', ['warn'], /matrix_id is not a user ID/);
  });

  it('support.policies: MSC4266 documents pass, a missing one is info, a bad URL warns', async () => {
    const policies = { privacy_policy: { version: '1.0', en: { name: 'Privacy', url: 'https://example.org/privacy' }, de: { name: 'Datenschutz', url: 'https://example.org/datenschutz' } } };
    const good = await run('example.org', healthy({ routes: { [SUPPORT_WK]: { body: { support_page: 'https://example.org/help', 'org.matrix.msc4266.policies': policies } } } }));
    expectFindings(good, 'support.policies', ['pass'], /Policies under "org\.matrix\.msc4266\.policies": privacy_policy \(en, de\)/);
    expectFindings(await run('example.org', healthy()), 'support.policies', ['info'], /No policy documents/);
    const bad = await run('example.org', healthy({ routes: { [SUPPORT_WK]: { body: { support_page: 'https://example.org/help', policies: { terms: { en: { name: 'Terms', url: 'http://example.org/t' } } } } } } }));
    expectFindings(bad, 'support.policies', ['warn'], /"terms" has no "version" string; "terms"\.en\.url "http:\/\/example\.org\/t" is not an https URL/);
    expectFindings(await run('example.org', healthy({ routes: { [SUPPORT_WK]: { body: { support_page: 'https://example.org/help', policies: [] } } } })), 'support.policies', ['warn'], /not an object/);
  });

  it('support.pgp-keys: a key URI passes; key material, a non-URI or a key without email warns', async () => {
    const good = await run('example.org', healthy({ routes: { [SUPPORT_WK]: contact({ email_address: 'security@example.org', role: 'm.role.security', 'dev.zirco.msc4439.pgp_key': 'openpgp4fpr:67FAAA655DBD691E7957E0951594E544D8F8F21E' }) } }));
    expectFindings(good, 'support.pgp-keys', ['pass'], /contacts\[1\]: openpgp4fpr:67FA/);
    expectFindings(await run('example.org', healthy()), 'support.pgp-keys', []);
    const raw = await run('example.org', healthy({ routes: { [SUPPORT_WK]: contact({ email_address: 's@example.org', role: 'm.role.security', pgp_key: '-----BEGIN PGP PUBLIC KEY BLOCK-----\nabc' }) } }));
    expectFindings(raw, 'support.pgp-keys', ['warn'], /holds the key itself/);
    const noEmail = await run('example.org', healthy({ routes: { [SUPPORT_WK]: contact({ matrix_id: '@s:example.org', role: 'm.role.security', pgp_key: 'https://example.org/s.asc' }) } }));
    expectFindings(noEmail, 'support.pgp-keys', ['warn'], /no "email_address"/);
    const notUri = await run('example.org', healthy({ routes: { [SUPPORT_WK]: contact({ email_address: 's@example.org', role: 'm.role.security', pgp_key: 'my key' }) } }));
    expectFindings(notUri, 'support.pgp-keys', ['warn'], /is not a URI/);
  });
});

describe('in the browser (no prober)', () => {
  it('connection, TLS and keys checks are skipped with directions, never passed', async () => {
    const { report, http } = await checkScenario('example.org', healthy({ prober: false, routes: { 'https://matrix.example.org:443/_matrix/key/v2/server': { body: { server: { name: 'Synapse', version: '1' } } } } }));
    for (const meta of CONNECTION_HEADS) {
      expectFindings(report, meta.id, ['skip'], /Not tested from this page.*npm start/);
    }
    expectFindings(report, 'browser.reachability', ['pass'], /answered HTTP 200/);
    // Its reachability is asked alongside the read; the client files' only after a failed read.
    const asked = (url: string) => http.requests.find((request) => request.url === url);
    expect(asked('https://matrix.example.org:443/_matrix/key/v2/server')?.reachabilityAlongside).toBe(true);
    expect(asked(CLIENT_WK)?.reachabilityAlongside).toBeUndefined();
    expect(report).toMatchObject({ source: 'browser', connections: [], verdict: 'pass' });
  });

  it('with a proxy whose report came in, fetches no federation endpoint; without one, it does', async () => {
    const keysUrl = 'https://matrix.example.org:443/_matrix/key/v2/server';
    const covered = await checkScenario('example.org', healthy({ prober: false, deps: { connectionsTestedElsewhere: Promise.resolve(true) } }));
    expect(covered.http.requests.map((r) => r.url)).not.toContain(keysUrl);
    expect(findings(covered.report, 'browser.reachability')).toEqual([]);
    expect(covered.report.steps.map((step) => step.id)).not.toContain('reach:matrix.example.org:443');
    const failedProxy = await checkScenario('example.org', healthy({ prober: false, deps: { connectionsTestedElsewhere: Promise.resolve(false) } }));
    expect(failedProxy.http.requests.map((r) => r.url)).toContain(keysUrl);
    expectFindings(failedProxy.report, 'browser.reachability', ['pass'], /answered HTTP/);
    // A proxy that fails after the check's budget: no fetch that could only time out.
    const late = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 80));
    const afterBudget = await checkScenario('example.org', healthy({ prober: false, deps: { connectionsTestedElsewhere: late, timeoutMs: 40 } }));
    expect(afterBudget.http.requests.map((r) => r.url)).not.toContain(keysUrl);
    expect(findings(afterBudget.report, 'browser.reachability')).toEqual([]);
  });

  it('a no-cors fetch that completed counts as reachable; one that failed does not', async () => {
    const url = 'https://matrix.example.org:443/_matrix/key/v2/server';
    expectFindings(await run('example.org', healthy({ prober: false, routes: { [url]: { error: { kind: 'cors', reachable: true } } } })), 'browser.reachability', ['pass'], /cannot be read here/);
    const unreachable = await run('example.org', healthy({ prober: false, routes: { [url]: { error: { kind: 'network', message: 'Failed to fetch' } } } }));
    expectFindings(unreachable, 'browser.reachability', ['fail'], /Failed to fetch/);
    expect(unreachable.verdict).toBe('fail');
  });

  it('a failed fetch of an SRV target is not conclusive: the certificate must carry the server name, not the target', async () => {
    const report = await run('example.org', healthy({
      prober: false,
      zone: { '_matrix-fed._tcp.example.org': { SRV: [srv('matrix.example.org', 8448)] } },
      routes: {
        [SERVER_WK]: { status: 404 },
        'https://matrix.example.org:8448/_matrix/key/v2/server': { error: { kind: 'network', message: 'Failed to fetch' } },
      },
    }));
    expectFindings(report, 'browser.reachability', ['info'], /Not conclusive: the certificate must be valid for example\.org, but a browser can only check it against matrix\.example\.org/);
    expect(report.verdict).not.toBe('fail');
    // The trace says the same: a note, not an error.
    expect(report.steps.find((step) => step.id === 'reach:matrix.example.org:8448')?.status).toBe('info');
  });

  it('a server well-known hidden by CORS warns that delegation is unknown, and later failures are not conclusive', async () => {
    const report = await run('example.org', healthy({
      prober: false,
      routes: {
        [SERVER_WK]: { error: { kind: 'cors', reachable: true } },
        'https://example.org:8448/_matrix/key/v2/server': { error: { kind: 'network', message: 'Failed to fetch' } },
      },
    }));
    expectFindings(report, 'wellknown.server.status', ['warn'], /cannot read it.*Homeservers do not need them/);
    expectFindings(report, 'browser.reachability', ['info'], /could not read \.well-known\/matrix\/server/);
    expect(report.verdict).toBe('warn');
    expect(report.steps.find((step) => step.id === 'reach:example.org:8448')?.status).toBe('info');
  });

  it('an unreadable client well-known (no CORS) warns', async () => {
    expectFindings(await run('example.org', healthy({ prober: false, routes: { [CLIENT_WK]: { error: { kind: 'cors', reachable: true } } } })), 'client.wellknown', ['warn'], /no CORS headers/);
  });
});

describe('OAuth 2.0 sign-in', () => {
  const HS = 'https://matrix.example.org';
  const STABLE = `${HS}/_matrix/client/v1/auth_metadata`;
  const UNSTABLE = `${HS}/_matrix/client/unstable/org.matrix.msc2965/auth_metadata`;
  const AUTH_ISSUER = `${HS}/_matrix/client/unstable/org.matrix.msc2965/auth_issuer`;
  const LOGIN = `${HS}/_matrix/client/v3/login`;
  const ISSUER = 'https://auth.example.org/';
  const DISCOVERY = 'https://auth.example.org/.well-known/openid-configuration';
  const JWKS = 'https://auth.example.org/oauth2/keys.json';
  /** What MAS announces (trimmed). */
  const MAS = {
    issuer: ISSUER,
    authorization_endpoint: 'https://auth.example.org/authorize',
    token_endpoint: 'https://auth.example.org/oauth2/token',
    jwks_uri: JWKS,
    registration_endpoint: 'https://auth.example.org/oauth2/registration',
    revocation_endpoint: 'https://auth.example.org/oauth2/revoke',
    device_authorization_endpoint: 'https://auth.example.org/oauth2/device',
    response_types_supported: ['code', 'id_token', 'code id_token'],
    response_modes_supported: ['form_post', 'query', 'fragment'],
    grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:device_code'],
    code_challenge_methods_supported: ['plain', 'S256'],
    prompt_values_supported: ['none', 'login', 'create'],
    account_management_uri: 'https://auth.example.org/account/',
    account_management_actions_supported: ['org.matrix.profile', 'org.matrix.sessions_list'],
  };
  const JWK = { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'k1' };
  const SSO = { flows: [{ type: 'm.login.sso', oauth_aware_preferred: true }, { type: 'm.login.token' }] };

  /** The healthy server with MAS: the metadata, the issuer's discovery, keys and /login, all with CORS. */
  function withMas(routes: Record<string, FakeResponse> = {}, metadata: object = MAS): Scenario {
    return healthy({
      routes: {
        [STABLE]: { body: metadata, headers: CORS },
        [`OPTIONS ${STABLE}`]: { status: 204, headers: CORS },
        [DISCOVERY]: { body: metadata, headers: CORS },
        [`OPTIONS ${DISCOVERY}`]: { status: 204, headers: CORS },
        [JWKS]: { body: { keys: [JWK] }, headers: CORS },
        [`OPTIONS ${JWKS}`]: { status: 204, headers: CORS },
        [LOGIN]: { body: SSO },
        ...routes,
      },
    });
  }
  const without = (key: string) => Object.fromEntries(Object.entries(MAS).filter(([name]) => name !== key));

  it('MAS-style metadata passes every sign-in check; the area passes and the verdict stays pass', async () => {
    const report = await run('example.org', withMas());
    for (const id of ['auth.metadata', 'auth.metadata.fields', 'auth.metadata.pkce', 'auth.metadata.registration', 'auth.metadata.https', 'auth.jwks', 'auth.metadata.cors', 'auth.jwks.cors', 'auth.account-management', 'auth.prompt-create', 'auth.device-code', 'auth.login-flows']) {
      expectFindings(report, id, ['pass']);
    }
    expect(report.areas.auth).toBe('pass');
    expect(report.verdict).toBe('pass');
    // The issuer's own discovery is the metadata only where auth_issuer alone answers.
    const viaIssuer = await run('example.org', withMas({ [STABLE]: { status: 404 }, [AUTH_ISSUER]: { body: { issuer: ISSUER }, headers: CORS } }));
    for (const id of ['auth.issuer', 'auth.issuer.cors']) expectFindings(viaIssuer, id, ['pass']);
  });

  it('no OAuth anywhere is info, asks the three endpoints together and nothing more', async () => {
    const { report, http } = await checkScenario('example.org', healthy());
    expectFindings(report, 'auth.metadata', ['info'], /No OAuth 2\.0 sign-in offered/);
    expect(report.areas.auth).toBe('info');
    expect(http.requests.filter((r) => r.url.startsWith(HS) && r.url.includes('auth')).map((r) => r.url)).toEqual([STABLE, UNSTABLE, AUTH_ISSUER]);
    expect(http.requests.some((r) => r.url === LOGIN)).toBe(false);
  });

  it('asks at the server name when there is no client .well-known, and not at all when that host does not answer', async () => {
    const { http } = await checkScenario('example.org', healthy({ routes: { [CLIENT_WK]: { status: 404 } } }));
    expect(http.requests.map((r) => r.url)).toContain('https://example.org/_matrix/client/v1/auth_metadata');
    const unserved = await run('example.org', healthy({ routes: { [CLIENT_WK]: { error: { kind: 'connect' } } } }));
    expectFindings(unserved, 'auth.metadata', []);
    // In a browser, a client file without CORS hides the base URL as well.
    expectFindings(await run('example.org', { ...withMas({ [CLIENT_WK]: { error: { kind: 'cors', reachable: true } } }), prober: false }), 'auth.metadata', []);
  });

  it('auth.metadata: only the unstable endpoint or only auth_issuer warns; a 500 warns; unreadable metadata fails', async () => {
    const unstable = await run('example.org', withMas({ [STABLE]: { status: 404, body: { errcode: 'M_UNRECOGNIZED' } }, [UNSTABLE]: { body: MAS, headers: CORS } }));
    expectFindings(unstable, 'auth.metadata', ['warn'], /Only https:\/\/matrix\.example\.org\/_matrix\/client\/unstable\/org\.matrix\.msc2965\/auth_metadata answers/);
    expectFindings(unstable, 'auth.metadata.fields', ['pass']);
    const issuerOnly = await run('example.org', withMas({ [STABLE]: { status: 404 }, [AUTH_ISSUER]: { body: { issuer: ISSUER }, headers: CORS } }));
    expectFindings(issuerOnly, 'auth.metadata', ['warn'], /Only \S+\/auth_issuer answers/);
    expectFindings(issuerOnly, 'auth.issuer', ['pass']);
    expectFindings(issuerOnly, 'auth.metadata.pkce', ['pass']);
    expectFindings(await run('example.org', withMas({ [STABLE]: { status: 500 } })), 'auth.metadata', ['warn'], /auth_metadata: HTTP 500/);
    const broken = await run('example.org', withMas({ [STABLE]: { body: '<html>' } }));
    expectFindings(broken, 'auth.metadata', ['fail'], /auth_metadata: the body is not JSON/);
    expect(broken.verdict).toBe('warn');
    expect(broken.areas.auth).toBe('fail');
    expectFindings(await run('example.org', withMas({ [STABLE]: { error: { kind: 'tls', message: 'CERT_HAS_EXPIRED' } } })), 'auth.metadata', ['warn'], /tls error: CERT_HAS_EXPIRED/);
  });

  it('auth.metadata.fields: a missing endpoint, response mode or grant fails, as matrix-js-sdk refuses it', async () => {
    expectFindings(await run('example.org', withMas({}, without('revocation_endpoint'))), 'auth.metadata.fields', ['fail'], /no revocation_endpoint: clients refuse it/);
    expectFindings(await run('example.org', withMas({}, { ...MAS, response_modes_supported: ['query'] })), 'auth.metadata.fields', ['fail'], /response_modes_supported lacks "fragment"/);
    expectFindings(await run('example.org', withMas({}, { ...MAS, grant_types_supported: ['authorization_code'] })), 'auth.metadata.fields', ['fail'], /lacks "refresh_token"/);
    expectFindings(await run('example.org', withMas({}, { ...MAS, prompt_values_supported: 'create' })), 'auth.metadata.fields', ['fail'], /prompt_values_supported is not a list of strings/);
  });

  it('auth.metadata.pkce and .registration: no S256 or no registration_endpoint fails', async () => {
    expectFindings(await run('example.org', withMas({}, { ...MAS, code_challenge_methods_supported: ['plain'] })), 'auth.metadata.pkce', ['fail'], /lacks "S256"/);
    expectFindings(await run('example.org', withMas({}, without('registration_endpoint'))), 'auth.metadata.registration', ['fail'], /No registration_endpoint/);
  });

  it('auth.metadata.https: an http endpoint or an issuer with a query fails', async () => {
    expectFindings(await run('example.org', withMas({}, { ...MAS, token_endpoint: 'http://auth.example.org/oauth2/token' })), 'auth.metadata.https', ['fail'], /Not https.*: token_endpoint\./);
    expectFindings(await run('example.org', withMas({}, { ...MAS, issuer: 'https://auth.example.org/?x=1' })), 'auth.metadata.https', ['fail'], /with a query\): issuer\./);
  });

  it('auth.issuer: asked only where auth_issuer names the issuer, whose discovery must name it back (a warning, as for auth_issuer itself)', async () => {
    const viaIssuer = await run('example.org', withMas({ [STABLE]: { status: 404 }, [AUTH_ISSUER]: { body: { issuer: 'https://auth.example.org' }, headers: CORS } }));
    expectFindings(viaIssuer, 'auth.issuer', ['warn'], /Issuer "https:\/\/auth\.example\.org", but \S+ names "https:\/\/auth\.example\.org\/" \(RFC 8414/);
    // Only clients that predate auth_metadata go this way: current ones fall back to /login.
    expect(viaIssuer.areas.auth).toBe('warn');
    const unserved = await run('example.org', withMas({ [STABLE]: { status: 404 }, [AUTH_ISSUER]: { body: { issuer: ISSUER }, headers: CORS }, [DISCOVERY]: { status: 404 } }));
    expectFindings(unserved, 'auth.issuer', ['warn'], /openid-configuration: HTTP 404/);
    // Clients that read auth_metadata never ask it (MAS's documented issuer on the server name's
    // domain serves none), so neither does the checker.
    const { report, http } = await checkScenario('example.org', withMas({ [DISCOVERY]: { status: 404 } }));
    for (const id of ['auth.issuer', 'auth.issuer.cors']) expectFindings(report, id, []);
    expect(report.areas.auth).toBe('pass');
    expect(http.requests.map((request) => request.url)).not.toContain(DISCOVERY);
  });

  it('auth.jwks: unreachable or empty keys warn; no jwks_uri is info', async () => {
    expectFindings(await run('example.org', withMas({ [JWKS]: { error: { kind: 'dns' } } })), 'auth.jwks', ['warn'], /dns error/);
    expectFindings(await run('example.org', withMas({ [JWKS]: { body: { keys: [] }, headers: CORS } })), 'auth.jwks', ['warn'], /"keys" is empty/);
    const none = await run('example.org', withMas({}, without('jwks_uri')));
    expectFindings(none, 'auth.jwks', ['info'], /No jwks_uri/);
    expectFindings(none, 'auth.jwks.cors', []);
  });

  it('CORS: missing on the GET or the preflight of the metadata, the issuer\'s discovery or the keys warns', async () => {
    expectFindings(await run('example.org', withMas({ [STABLE]: { body: MAS } })), 'auth.metadata.cors', ['warn'], /no Access-Control-Allow-Origin on GET \(preflight: HTTP 204\)/);
    const onlyAuthIssuer = { [STABLE]: { status: 404 }, [AUTH_ISSUER]: { body: { issuer: ISSUER }, headers: CORS } };
    expectFindings(await run('example.org', withMas({ ...onlyAuthIssuer, [`OPTIONS ${DISCOVERY}`]: { status: 405 } })), 'auth.issuer.cors', ['warn'], /on OPTIONS \(preflight: HTTP 405\)/);
    expectFindings(await run('example.org', withMas({ [JWKS]: { body: { keys: [JWK] } } })), 'auth.jwks.cors', ['warn'], /keys\.json: no Access-Control-Allow-Origin/);
  });

  it('in the browser, metadata hidden by missing CORS warns and the issuer check waits for what it can read', async () => {
    const report = await run('example.org', { ...withMas({ [STABLE]: { error: { kind: 'cors', reachable: true } } }), prober: false });
    expectFindings(report, 'auth.metadata', ['warn'], /auth_metadata: no CORS headers/);
    expectFindings(report, 'auth.metadata.fields', []);
    const issuerHidden = await run('example.org', { ...withMas({ [STABLE]: { status: 404 }, [AUTH_ISSUER]: { body: { issuer: ISSUER }, headers: CORS }, [DISCOVERY]: { error: { kind: 'cors', reachable: true } } }), prober: false });
    expectFindings(issuerHidden, 'auth.issuer', []);
    expectFindings(issuerHidden, 'auth.issuer.cors', ['warn'], /no Access-Control-Allow-Origin on GET /);
  });

  it('optional features: missing ones are info, a half-announced device grant warns', async () => {
    const bare = { ...without('account_management_uri'), prompt_values_supported: ['login'], grant_types_supported: ['authorization_code', 'refresh_token'] } as Record<string, unknown>;
    delete bare.device_authorization_endpoint;
    const report = await run('example.org', withMas({}, bare));
    expectFindings(report, 'auth.account-management', ['info'], /Not announced/);
    expectFindings(report, 'auth.prompt-create', ['info'], /Not announced/);
    expectFindings(report, 'auth.device-code', ['info'], /Not announced/);
    expectFindings(await run('example.org', withMas({}, { ...MAS, grant_types_supported: ['authorization_code', 'refresh_token'] })), 'auth.device-code', ['warn'], /Only partly announced/);
  });

  it('auth.login-flows: SSO without the preference is info, no SSO or no /login warns', async () => {
    expectFindings(await run('example.org', withMas({ [LOGIN]: { body: { flows: [{ type: 'm.login.sso' }] } } })), 'auth.login-flows', ['info'], /without oauth_aware_preferred/);
    expectFindings(await run('example.org', withMas({ [LOGIN]: { body: { flows: [{ type: 'm.login.sso', 'org.matrix.msc3824.delegated_oidc_compatibility': true }] } } })), 'auth.login-flows', ['pass']);
    expectFindings(await run('example.org', withMas({ [LOGIN]: { body: { flows: [{ type: 'm.login.password' }] } } })), 'auth.login-flows', ['warn'], /offers no m\.login\.sso/);
    expectFindings(await run('example.org', withMas({ [LOGIN]: { status: 404 } })), 'auth.login-flows', ['warn'], /HTTP 404/);
  });
});

describe('outgoing federation (the key query through the server)', () => {
  const keyFile = join(mkdtempSync(join(tmpdir(), 'fedcheck-outgoing-')), 'signing.key');
  const ours = createIdentity({ serverName: 'fedcheck.example.net', keyFile });
  // The healthy fake prober publishes the spec seed's key as example.org's ed25519:1.
  const notaryKey = signingKeyFromSeed('ed25519:1', Buffer.from(SPEC_SEED_HEX, 'hex'));
  const QUERY = 'POST https://matrix.example.org:443/_matrix/key/v2/query';

  /** The healthy server's routes, and the key query answered by `route`. */
  async function runWith(route: FakeResponse | ((body: string) => HttpResult)) {
    const base = healthy({});
    const others = fakeHttp(base.routes!, { canPinAddress: true });
    const http: HttpClient = {
      canPinAddress: true,
      async get(url, request) {
        if (request.method !== 'POST' || `POST ${url}` !== QUERY) return others.get(url, request);
        if (typeof route === 'function') return route(request.body ?? '');
        return { ok: true, url, status: route.status ?? 200, headers: {}, body: JSON.stringify(route.body ?? ''), redirects: [], elapsedMs: 5 };
      },
    };
    return run('example.org', { ...base, deps: { outgoing: outgoingTesting(ours), http } });
  }
  const fetchAndAnswer = (edit: (signed: Record<string, unknown>) => Record<string, unknown> = (x) => x) => (body: string): HttpResult => {
    expect(JSON.parse(body)).toEqual({ server_keys: { 'fedcheck.example.net': { [ours.keyId]: { minimum_valid_until_ts: expect.any(Number) } } } });
    const { body: keys, validUntilTs } = ours.issueKeys();
    expect(validUntilTs).toBeGreaterThanOrEqual(JSON.parse(body).server_keys['fedcheck.example.net'][ours.keyId].minimum_valid_until_ts);
    ours.record({ atMs: Date.now(), validUntilTs, address: '2a01:4f8::10', family: 'IPv6', userAgent: 'Synapse/1.140.0', host: 'fedcheck.example.net:443', sni: 'fedcheck.example.net' });
    const answer = { server_keys: [edit(signJson(keys, 'example.org', notaryKey))] };
    return { ok: true, url: QUERY, status: 200, headers: {}, body: JSON.stringify(answer), redirects: [], elapsedMs: 40 };
  };

  it('passes when the server fetched our keys itself and signed them', async () => {
    const report = await runWith(fetchAndAnswer());
    expectFindings(report, 'outgoing.reached', ['pass'], /example\.org fetched fedcheck\.example\.net's keys itself, \d+ ms after the query: from 2a01:4f8::10 \(IPv6\), User-Agent "Synapse\/1\.140\.0", SNI fedcheck\.example\.net, Host fedcheck\.example\.net:443/);
    expectFindings(report, 'outgoing.notary-signature', ['pass'], /signed by the server with ed25519:1/);
    expect(report.areas.outgoing).toBe('pass');
    expect(report.steps.find((step) => step.id === 'outgoing')).toMatchObject({ status: 'pass', requests: [{ method: 'POST', url: 'https://matrix.example.org:443/_matrix/key/v2/query', status: 200 }] });
  });

  it('fails the signature when the server signs wrongly or changes our keys, and caps the verdict at warn', async () => {
    const wrong = await runWith(fetchAndAnswer((signed) => ({ ...signed, signatures: { ...(signed.signatures as object), 'example.org': { 'ed25519:1': 'A'.repeat(86) } } })));
    expectFindings(wrong, 'outgoing.notary-signature', ['fail'], /server's signature over them fails: the signature by "ed25519:1" does not verify/);
    expect(wrong.verdict).toBe('warn');
  });

  it('attributes no fetch to a copy of our keys that lost our signature (made up, or changed on the way)', async () => {
    const changed = await runWith(fetchAndAnswer((signed) => ({ ...signed, old_verify_keys: { 'ed25519:x': { key: 'AAAA', expired_ts: 1 } } })));
    expectFindings(changed, 'outgoing.reached', ['info'], /^Could not test outgoing federation: .*does not carry fedcheck\.example\.net's signature any more/);
    expectFindings(changed, 'outgoing.notary-signature', []);
  });

  it('fails when the server answers without our keys, and caps the verdict at warn', async () => {
    const report = await runWith({ body: { server_keys: [] } });
    expectFindings(report, 'outgoing.reached', ['fail'], /answered the key query without fedcheck\.example\.net's keys.*no fetch of them reached fedcheck/);
    expectFindings(report, 'outgoing.notary-signature', []);
    expect(report.areas.outgoing).toBe('fail');
    expect(report.verdict).toBe('warn');
  });

  it('could not test when the server refuses, answers from its cache, or times out while fetches arrive', async () => {
    expectFindings(await runWith({ status: 404, body: { errcode: 'M_UNRECOGNIZED' } }), 'outgoing.reached', ['info'], /^Could not test outgoing federation: .* HTTP 404 M_UNRECOGNIZED/);
    const earlier = ours.issueKeys().body;
    const cached = await runWith({ body: { server_keys: [signJson(earlier, 'example.org', notaryKey)] } });
    expectFindings(cached, 'outgoing.reached', ['info'], /^Could not test outgoing federation: example\.org answered with a copy/);
    expect(cached.verdict).toBe('pass');
    const timeout = (): HttpResult => ({ ok: false, url: QUERY, error: { kind: 'timeout', message: 'no answer' }, redirects: [], elapsedMs: 15000 });
    expectFindings(await runWith(timeout), 'outgoing.reached', ['fail'], /did not answer the key query within 15000 ms, and nothing fetched/);
  });

  it('sends no key query, anywhere, when no connection to the server worked', async () => {
    const base = healthy({ prober: { closed: [`${V4}:443`, `[${V6}]:443`] } });
    const http = fakeHttp(base.routes!, { canPinAddress: true });
    const report = await run('example.org', { ...base, deps: { outgoing: outgoingTesting(ours), http } });
    expectFindings(report, 'outgoing.reached', ['skip'], /^Could not test outgoing federation: no connection to example\.org worked/);
    expect(http.requests.filter((request) => request.method === 'POST')).toEqual([]);
  });

  it('says how to enable it without an identity, and that a page cannot test it', async () => {
    expectFindings(await run('example.org', healthy({ deps: { outgoing: outgoingTesting(null) } })), 'outgoing.reached', ['skip'], /Set FEDCHECK_SERVER_NAME/);
    expectFindings(await run('example.org', healthy({ prober: false })), 'outgoing.reached', ['skip'], /Not tested from this page/);
  });
});

afterAll(() => {
  // Checks whose good state is silence (nothing deprecated, nothing disabled) count "absent" as passing.
  const good = new Set(['pass', 'info', 'absent', 'skip']);
  // Optional features a server may leave out on purpose: only pass or info.
  const informational = new Set(['dns.dnssec', 'auth.account-management', 'auth.prompt-create', 'client.features', 'dns.resolvers.answer']);
  for (const meta of CHECK_METAS) {
    const statuses = [...(seen.get(meta.id) ?? [])];
    expect(statuses.some((s) => good.has(s)), `${meta.id} seen passing`).toBe(true);
    if (!informational.has(meta.id)) expect(statuses.some((s) => s === 'warn' || s === 'fail'), `${meta.id} seen failing (seen: ${statuses})`).toBe(true);
  }
});
