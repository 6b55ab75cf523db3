// Every row of the spec's "Resolving server names" table (reference A2), through runCheck.
import { describe, expect, it } from 'vitest';
import { checkScenario, delegation, finding, srv, statusOf, wellKnownUrl } from './helpers.ts';

const V4 = '93.184.215.10';
const V4B = '93.184.215.11';
const V6 = '2a01:4f8::10';

describe('A2 step table', () => {
  it('step 1: IPv4 literal, no port: no .well-known, no SRV, no SNI, Host is the name, port 8448', async () => {
    const { report, dns, http, prober } = await checkScenario('93.184.215.10');
    expect(report.resolution).toEqual({
      step: 'ip-literal',
      hostHeader: '93.184.215.10',
      tlsName: '93.184.215.10',
      targets: [{ host: '93.184.215.10', port: 8448, addresses: ['93.184.215.10'] }],
    });
    expect(dns.queries).toEqual([]);
    expect(http.requests.map((r) => r.url)).not.toContain(wellKnownUrl('93.184.215.10'));
    expect(prober!.requests).toMatchObject([{ address: '93.184.215.10', port: 8448, hostHeader: '93.184.215.10', tlsName: '93.184.215.10' }]);
    expect(prober!.requests[0]).not.toHaveProperty('sni');
    expect(report.verdict).toBe('pass');
  });

  it('step 1: bracketed IPv6 literal with port: Host keeps brackets and port', async () => {
    const { report, prober } = await checkScenario(`[${V6}]:8000`);
    expect(report.resolution).toMatchObject({ step: 'ip-literal', hostHeader: `[${V6}]:8000`, tlsName: V6 });
    expect(report.resolution).not.toHaveProperty('sni');
    expect(prober!.requests).toMatchObject([{ address: V6, port: 8000, hostHeader: `[${V6}]:8000` }]);
  });

  it('step 2: explicit port: A/AAAA only, Host with port, SNI and certificate the hostname', async () => {
    const { report, dns, http, prober } = await checkScenario('example.org:4242', {
      zone: { 'example.org': { A: [V4], AAAA: [V6] } },
    });
    expect(report.resolution).toEqual({
      step: 'explicit-port',
      hostHeader: 'example.org:4242',
      tlsName: 'example.org',
      sni: 'example.org',
      targets: [{ host: 'example.org', port: 4242, addresses: [V4, V6] }],
    });
    expect(dns.queries.sort()).toEqual(['A example.org', 'AAAA example.org']);
    expect(http.requests.map((r) => r.url)).not.toContain(wellKnownUrl('example.org'));
    expect(prober!.requests.map((r) => [r.address, r.port, r.sni, r.hostHeader])).toEqual([
      [V4, 4242, 'example.org', 'example.org:4242'],
      [V6, 4242, 'example.org', 'example.org:4242'],
    ]);
  });

  it('step 3.1: delegation to an IP literal with port: Host is the IP and port, no SNI', async () => {
    const { report, prober } = await checkScenario('example.org', {
      routes: { [wellKnownUrl('example.org')]: delegation('93.184.215.42:443') },
    });
    expect(report.resolution).toEqual({
      step: 'well-known-ip',
      delegatedServerName: '93.184.215.42:443',
      hostHeader: '93.184.215.42:443',
      tlsName: '93.184.215.42',
      targets: [{ host: '93.184.215.42', port: 443, addresses: ['93.184.215.42'] }],
    });
    expect(prober!.requests[0]).not.toHaveProperty('sni');
    expect(prober!.requests[0].serverName).toBe('example.org');
  });

  it('step 3.1: delegation to a bracketed IPv6 literal without port: bracketed Host, port 8448', async () => {
    const { report } = await checkScenario('example.org', { routes: { [wellKnownUrl('example.org')]: delegation(`[${V6}]`) } });
    expect(report.resolution).toMatchObject({ step: 'well-known-ip', hostHeader: `[${V6}]`, tlsName: V6, targets: [{ host: V6, port: 8448 }] });
  });

  it('step 3.2: delegated name with port: no SRV, Host delegated:port, SNI delegated', async () => {
    const { report, dns, prober } = await checkScenario('example.org', {
      routes: { [wellKnownUrl('example.org')]: delegation('matrix.example.net:1234') },
      zone: { 'matrix.example.net': { A: [V4] } },
    });
    expect(report.resolution).toEqual({
      step: 'well-known-port',
      delegatedServerName: 'matrix.example.net:1234',
      hostHeader: 'matrix.example.net:1234',
      tlsName: 'matrix.example.net',
      sni: 'matrix.example.net',
      targets: [{ host: 'matrix.example.net', port: 1234, addresses: [V4] }],
    });
    expect(dns.queries.filter((q) => q.includes('matrix.example.net'))).not.toContainEqual(expect.stringContaining('SRV'));
    expect(prober!.requests[0]).toMatchObject({ sni: 'matrix.example.net', serverName: 'example.org' });
  });

  it('step 3.3: delegated name without port, _matrix-fed SRV: certificate and Host are the delegated name, not the target', async () => {
    const { report, dns, prober } = await checkScenario('example.org', {
      routes: { [wellKnownUrl('example.org')]: delegation('matrix.example.net') },
      zone: {
        '_matrix-fed._tcp.matrix.example.net': { SRV: [srv('fed.example.net', 8443)] },
        '_matrix._tcp.matrix.example.net': { SRV: [srv('legacy.example.net', 9999)] },
        'fed.example.net': { A: [V4] },
      },
    });
    expect(report.resolution).toEqual({
      step: 'well-known-srv',
      delegatedServerName: 'matrix.example.net',
      hostHeader: 'matrix.example.net',
      tlsName: 'matrix.example.net',
      sni: 'matrix.example.net',
      targets: [{ host: 'fed.example.net', port: 8443, addresses: [V4], srv: { name: '_matrix-fed._tcp.matrix.example.net', priority: 10, weight: 5 } }],
    });
    // Asked alongside _matrix-fed (no round trip waits for it), but _matrix-fed has records: unused.
    expect(dns.queries).toContain('SRV _matrix._tcp.matrix.example.net');
    expect(report.steps.find((step) => step.id === 'srv:_matrix._tcp.matrix.example.net')?.status).toBe('info');
    expect(statusOf(report, 'dns.srv.legacy')).toEqual([]);
    expect(prober!.requests).toHaveLength(1);
    expect(prober!.requests[0]).toMatchObject({ address: V4, port: 8443, sni: 'matrix.example.net', hostHeader: 'matrix.example.net' });
    expect(report.verdict).toBe('pass');
  });

  it('step 3.4: only the deprecated _matrix._tcp SRV: used, with a deprecation warning', async () => {
    const { report } = await checkScenario('example.org', {
      routes: { [wellKnownUrl('example.org')]: delegation('matrix.example.net') },
      zone: {
        'matrix.example.net': { A: [V4B] },
        '_matrix._tcp.matrix.example.net': { SRV: [srv('legacy.example.net', 8449)] },
        'legacy.example.net': { A: [V4] },
      },
    });
    expect(report.resolution).toMatchObject({ step: 'well-known-srv-legacy', tlsName: 'matrix.example.net', hostHeader: 'matrix.example.net', targets: [{ host: 'legacy.example.net', port: 8449 }] });
    expect(finding(report, 'dns.srv.legacy').status).toBe('warn');
    expect(report.verdict).toBe('warn');
  });

  it('step 3.5: delegated name without SRV: its own addresses on 8448', async () => {
    const { report } = await checkScenario('example.org', {
      routes: { [wellKnownUrl('example.org')]: delegation('matrix.example.net') },
      zone: { 'matrix.example.net': { A: [V4] } },
    });
    expect(report.resolution).toEqual({
      step: 'well-known-default',
      delegatedServerName: 'matrix.example.net',
      hostHeader: 'matrix.example.net',
      tlsName: 'matrix.example.net',
      sni: 'matrix.example.net',
      targets: [{ host: 'matrix.example.net', port: 8448, addresses: [V4] }],
    });
  });

  it('only one level of delegation: the delegated name\'s .well-known is never fetched', async () => {
    const { http } = await checkScenario('example.org', {
      routes: {
        [wellKnownUrl('example.org')]: delegation('matrix.example.net'),
        [wellKnownUrl('matrix.example.net')]: delegation('third.example.com'),
      },
      zone: { 'matrix.example.net': { A: [V4] } },
    });
    expect(http.requests.map((r) => r.url)).not.toContain(wellKnownUrl('matrix.example.net'));
  });

  it('step 4: no .well-known, _matrix-fed SRV for the server name: certificate for the server name, not the target', async () => {
    const { report, prober } = await checkScenario('example.org', {
      zone: {
        '_matrix-fed._tcp.example.org': { SRV: [srv('host.example.net', 8448)] },
        'host.example.net': { A: [V4] },
      },
    });
    expect(report.resolution).toEqual({
      step: 'srv',
      hostHeader: 'example.org',
      tlsName: 'example.org',
      sni: 'example.org',
      targets: [{ host: 'host.example.net', port: 8448, addresses: [V4], srv: { name: '_matrix-fed._tcp.example.org', priority: 10, weight: 5 } }],
    });
    expect(prober!.requests[0]).toMatchObject({ tlsName: 'example.org', sni: 'example.org', hostHeader: 'example.org' });
  });

  it('step 5: only _matrix._tcp for the server name', async () => {
    const { report } = await checkScenario('example.org', {
      zone: { 'example.org': { A: [V4B] }, '_matrix._tcp.example.org': { SRV: [srv('host.example.net', 8448)] }, 'host.example.net': { A: [V4] } },
    });
    expect(report.resolution).toMatchObject({ step: 'srv-legacy', tlsName: 'example.org', hostHeader: 'example.org', targets: [{ host: 'host.example.net' }] });
    expect(statusOf(report, 'dns.srv.legacy')).toEqual(['warn']);
  });

  it('step 6: nothing published: the server name\'s addresses on 8448', async () => {
    const { report, dns } = await checkScenario('example.org', { zone: { 'example.org': { A: [V4], AAAA: [V6] } } });
    expect(report.resolution).toEqual({
      step: 'default',
      hostHeader: 'example.org',
      tlsName: 'example.org',
      sni: 'example.org',
      targets: [{ host: 'example.org', port: 8448, addresses: [V4, V6] }],
    });
    expect(dns.queries).toContain('SRV _matrix._tcp.example.org');
    expect(report.steps.find((step) => step.id === 'srv:_matrix._tcp.example.org')?.status).toBe('info');
    expect(report.verdict).toBe('pass');
  });

  it('step 5: the legacy SRV is graded in the trace when it was needed: a failure there fails', async () => {
    const { report } = await checkScenario('example.org', {
      zone: { 'example.org': { A: [V4] }, '_matrix._tcp.example.org': { rcode: { SRV: 'SERVFAIL' } } },
    });
    expect(report.steps.find((step) => step.id === 'srv:_matrix._tcp.example.org')?.status).toBe('fail');
    expect(report.resolution?.step).toBe('default');
    expect(finding(report, 'dns.srv').detail).toContain('SERVFAIL');
  });
});

describe('discovery details', () => {
  it('reads the .well-known body of a 200 only, and a page reads no body to learn that a target is reachable', async () => {
    const { report, http } = await checkScenario('example.org', {
      zone: { 'example.org': { A: [V4] } },
      routes: { [wellKnownUrl('example.org')]: { status: 404, body: 'x'.repeat(100_000) } },
      prober: false,
    });
    const wellKnown = http.requests.find((request) => request.url === wellKnownUrl('example.org'))!;
    expect([200, 404, 301].map((status) => wellKnown.bodyWanted?.(status))).toEqual([true, false, false]);
    // A 404 is no delegation whatever its body, not a body too large to read.
    expect(report.resolution?.step).toBe('default');
    expect(statusOf(report, 'wellknown.server.size')).toEqual([]);
    const reach = http.requests.find((request) => request.url === 'https://example.org:8448/_matrix/key/v2/server')!;
    expect(reach.bodyWanted?.(200)).toBe(false);
  });

  it('an invalid m.server is an error finding and discovery continues at step 4 (Part C 1)', async () => {
    const { report } = await checkScenario('example.org', {
      routes: { [wellKnownUrl('example.org')]: delegation('https://matrix.example.org') },
      zone: { 'example.org': { A: [V4] } },
    });
    expect(report.resolution?.step).toBe('default');
    expect(finding(report, 'wellknown.server.m-server')).toMatchObject({ status: 'fail' });
    expect(finding(report, 'wellknown.server.m-server').detail).toContain('no scheme');
    expect(report.verdict).toBe('fail');
  });

  it('an empty m.server is a warning and means no delegation (Part C 2)', async () => {
    const { report } = await checkScenario('example.org', {
      routes: { [wellKnownUrl('example.org')]: delegation('') },
      zone: { 'example.org': { A: [V4] } },
    });
    expect(report.resolution?.step).toBe('default');
    expect(finding(report, 'wellknown.server.m-server').status).toBe('warn');
    expect(report.verdict).toBe('warn');
  });

  it('SERVFAIL on _matrix-fed is a DNS error, legacy is not used, the 8448 fallback is tested (Part C 3)', async () => {
    const { report } = await checkScenario('example.org', {
      zone: {
        'example.org': { A: [V4] },
        '_matrix-fed._tcp.example.org': { rcode: { SRV: 'SERVFAIL' } },
        '_matrix._tcp.example.org': { SRV: [srv('legacy.example.org', 8449)] },
        'legacy.example.org': { A: [V4B] },
      },
    });
    expect(report.steps.find((step) => step.id === 'srv:_matrix._tcp.example.org')?.status).toBe('info');
    expect(statusOf(report, 'dns.srv.legacy')).toEqual([]);
    expect(report.resolution?.step).toBe('default');
    expect(finding(report, 'dns.srv')).toMatchObject({ status: 'fail' });
    expect(finding(report, 'dns.srv').detail).toContain('SERVFAIL');
    expect(report.verdict).toBe('fail');
  });

  it('SRV target "." means federation is disabled: fail, no fallback (Part C 4)', async () => {
    const { report, prober } = await checkScenario('example.org', {
      zone: { 'example.org': { A: [V4] }, '_matrix-fed._tcp.example.org': { SRV: [srv('.', 0, 0, 0)] } },
    });
    expect(report.resolution).toMatchObject({ step: 'srv', targets: [] });
    expect(prober!.requests).toEqual([]);
    expect(finding(report, 'dns.srv.disabled').status).toBe('fail');
    expect(report.verdict).toBe('fail');
  });

  it('SRV records are ordered by priority, then weight (heaviest first)', async () => {
    const { report } = await checkScenario('example.org', {
      zone: {
        '_matrix-fed._tcp.example.org': { SRV: [srv('c.example.net', 8448, 20, 100), srv('a.example.net', 8448, 10, 1), srv('b.example.net', 8448, 10, 60)] },
        'a.example.net': { A: ['93.184.215.1'] },
        'b.example.net': { A: ['93.184.215.2'] },
        'c.example.net': { A: ['93.184.215.3'] },
      },
    });
    expect(report.resolution?.targets.map((t) => t.host)).toEqual(['b.example.net', 'a.example.net', 'c.example.net']);
  });

  it('an SRV target that is a CNAME is flagged, and still used', async () => {
    const { report } = await checkScenario('example.org', {
      zone: {
        '_matrix-fed._tcp.example.org': { SRV: [srv('alias.example.net')] },
        'alias.example.net': { CNAME: 'real.example.net' },
        'real.example.net': { A: [V4] },
      },
    });
    expect(report.resolution?.targets[0].addresses).toEqual([V4]);
    expect(finding(report, 'dns.srv.target-cname')).toMatchObject({ status: 'warn' });
    expect(finding(report, 'dns.srv.target-cname').fix).toContain('real.example.net');
  });

  it('CNAMEs are fine for the server name itself (step 6)', async () => {
    const { report } = await checkScenario('example.org', {
      zone: { 'example.org': { CNAME: 'web.example.net' }, 'web.example.net': { A: [V4] } },
    });
    expect(report.resolution?.targets[0].addresses).toEqual([V4]);
    expect(statusOf(report, 'dns.srv.target-cname')).toEqual([]);
  });

  it('asks each DNS question once, even when the delegation names the server itself', async () => {
    const { report, dns } = await checkScenario('example.org', {
      routes: { [wellKnownUrl('example.org')]: delegation('example.org') },
      zone: { 'example.org': { A: [V4] } },
    });
    expect(report.resolution?.step).toBe('well-known-default');
    expect(dns.queries.filter((q) => q === 'SRV _matrix-fed._tcp.example.org')).toHaveLength(1);
    expect(dns.queries.filter((q) => q === 'A example.org')).toHaveLength(1);
    const ids = report.steps.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('probes an address once when two SRV targets lead to it', async () => {
    const { report, prober } = await checkScenario('example.org', {
      zone: {
        '_matrix-fed._tcp.example.org': { SRV: [srv('a.example.net'), srv('b.example.net', 8448, 20)] },
        'a.example.net': { A: [V4] },
        'b.example.net': { A: [V4] },
      },
    });
    expect(report.resolution?.targets).toHaveLength(2);
    expect(prober!.requests).toHaveLength(1);
    expect(report.connections).toHaveLength(1);
  });

  it('the trace records every lookup with start and duration', async () => {
    const { report } = await checkScenario('example.org', { zone: { 'example.org': { A: [V4] } } });
    const ids = report.steps.map((s) => s.id);
    expect(ids).toEqual(expect.arrayContaining(['well-known', 'srv:_matrix-fed._tcp.example.org', 'srv:_matrix._tcp.example.org', 'resolve:example.org', `probe:${V4}:8448`]));
    const wellKnown = report.steps.find((s) => s.id === 'well-known')!;
    expect(wellKnown.requests).toEqual([{ method: 'GET', url: wellKnownUrl('example.org'), status: 404 }]);
  });
});
