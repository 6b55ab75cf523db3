// The matrix-federation-tester-compatible API against the rig: /api/report parses with the
// schema written from MFT's Go structs for every row, FederationOK is "verdict is not fail",
// /api/federation-ok answers GOOD/BAD, and both routes share /api/v1/report's guards.
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createNodeAdapters } from '../../src/adapters/node/index.ts';
import type { ServerConfig } from '../../src/server/config.ts';
import type { FederationTesterReport } from '../../src/server/federation-tester.ts';
import schema from '../../src/server/federation-tester.schema.json' with { type: 'json' };
import { startProxy, type RunningProxy } from '../unit/server/support/proxy.ts';

const rig = inject('rig');
const validate = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true }).compile(schema);
const adapters = () => createNodeAdapters({ dnsServers: [rig.dns.server], allowPrivate: true, extraCa: [readFileSync(rig.ca.root, 'utf8')] });
const rigProxy = (config: Partial<ServerConfig>) => startProxy({ dnsServers: [rig.dns.server], allowPrivate: true, rateLimit: null, ...config }, adapters());

let proxy: RunningProxy;
beforeAll(async () => {
  proxy = await rigProxy({ maxConcurrentReports: 100 });
});
afterAll(() => proxy?.close());

function scenario(id: string) {
  const found = rig.scenarios.find((s) => s.id === id);
  if (!found?.enabled) throw new Error(`rig scenario ${id} is not available`);
  return { serverName: found.serverName, verdict: found.expect.verdict };
}

async function testerReport(serverName: string, on = proxy): Promise<FederationTesterReport> {
  const response = await fetch(`${on.url}/api/report?server_name=${encodeURIComponent(serverName)}`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/json');
  const report = await response.json();
  validate(report);
  expect(validate.errors ?? [], JSON.stringify({ errors: validate.errors, report }, null, 1)).toEqual([]);
  return report;
}

async function federationOk(serverName: string | undefined, on = proxy) {
  const query = serverName === undefined ? '' : `?server_name=${encodeURIComponent(serverName)}`;
  const response = await fetch(`${on.url}/api/federation-ok${query}`);
  return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
}

describe('GET /api/report', () => {
  it('good: a passing server, every section filled like MFT', async () => {
    const { serverName } = scenario('good');
    const report = await testerReport(serverName);
    const [address] = Object.keys(report.ConnectionReports);
    expect(report).toMatchObject({
      WellKnownResult: { 'm.server': 'matrix.good.fed.test' },
      DNSResult: { SRVSkipped: false, SRVRecords: null, Hosts: { 'matrix.good.fed.test': { CName: 'matrix.good.fed.test.', Error: null } } },
      ConnectionErrors: {},
      Version: { name: 'fedcheck-rig', version: '1.0.0' },
      FederationOK: true,
    });
    expect(report.Error).toBeUndefined();
    expect(report.DNSResult.Addrs).toEqual([address]);
    expect(report.ConnectionReports[address]).toMatchObject({
      Cipher: { Version: expect.stringMatching(/^TLS 1\.[23]$/), CipherSuite: expect.stringMatching(/^TLS_/) },
      Checks: { AllChecksOK: true, ValidCertificates: true, MatchingServerName: true, FutureValidUntilTS: true, HasEd25519Key: true, AllEd25519ChecksOK: true },
      Errors: [],
      Keys: { server_name: serverName },
    });
    expect(report.ConnectionReports[address].Certificates?.[0].DNSNames).toContain('matrix.good.fed.test');
    expect(Object.keys(report.ConnectionReports[address].Ed25519VerifyKeys ?? {})).not.toHaveLength(0);
  });

  it('cert-expired: the connection is reported with the certificate problem, and FederationOK is false', async () => {
    const { serverName } = scenario('cert-expired');
    const report = await testerReport(serverName);
    const connections = Object.values(report.ConnectionReports);
    expect(connections).not.toHaveLength(0);
    for (const connection of connections) {
      expect(connection.Checks).toMatchObject({ ValidCertificates: false, AllChecksOK: false });
      expect(connection.Errors).toEqual([{ Message: 'the certificate has expired' }]);
    }
    expect(report.Version.error).toContain('the certificate has expired');
    expect(report.FederationOK).toBe(false);
  });

  it('nxdomain: no addresses, the lookups say why, FederationOK is false', async () => {
    const { serverName } = scenario('nxdomain');
    const report = await testerReport(serverName);
    expect(report.WellKnownResult['m.server']).toBe('');
    expect(report.WellKnownResult.result).toBeTruthy();
    expect(report.DNSResult).toMatchObject({ SRVRecords: null, SRVError: { Message: expect.stringContaining('no such host') }, Addrs: null });
    expect(report.DNSResult.Hosts?.[serverName]).toEqual({ CName: '', Addrs: null, Error: { Message: expect.stringContaining('no such host') } });
    expect(report).toMatchObject({ ConnectionReports: {}, ConnectionErrors: {}, Version: { error: expect.any(String) }, FederationOK: false });
  });

  it('srv-servfail: the SRV error says SERVFAIL like Go would, the 8448 fallback is reported, FederationOK is false', async () => {
    const { serverName } = scenario('srv-servfail');
    const report = await testerReport(serverName);
    expect(report.DNSResult).toMatchObject({
      SRVRecords: null,
      SRVError: { Message: `lookup _matrix-fed._tcp.${serverName} on ${rig.dns.server}: server misbehaving (SERVFAIL)` },
    });
    const connections = Object.values(report.ConnectionReports);
    expect(connections).toHaveLength(1);
    expect(connections[0]!.Checks.AllChecksOK).toBe(true);
    expect(report.FederationOK).toBe(false);
  });

  it('an invalid name: 200 with Error set and nothing looked up, as MFT answers', async () => {
    const report = await testerReport('https://example.org/');
    expect(report.Error).toMatch(/^Invalid server name /);
    // Go's zero DNSResult: the unit tests pin every other zero value.
    expect(report.DNSResult.Hosts).toBeNull();
    expect(report).toMatchObject({ ConnectionReports: {}, ConnectionErrors: {}, Version: {}, FederationOK: false });
  });

  it('a missing server_name: 400 with MFT\'s plain-text message', async () => {
    for (const query of ['', '?server_name=']) {
      const response = await fetch(`${proxy.url}/api/report${query}`);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await response.text()).toBe('Missing server_name parameter');
    }
  });

  describe('every rig row parses with the MFT schema, and FederationOK is "verdict is not fail"', () => {
    for (const row of rig.scenarios.filter((s) => s.enabled)) {
      it.concurrent(row.id, async () => {
        const report = await testerReport(row.serverName);
        // A row about resolvers that disagree needs the island's DoH fan-out for its verdict.
        if (row.expect.checks?.some((id) => id.startsWith('dns.resolvers.'))) return;
        expect(report.FederationOK).toBe(row.expect.verdict !== 'fail');
      });
    }
  });
});

describe('GET /api/federation-ok', () => {
  it('answers GOOD for a passing server and BAD for a failing one, as text/plain', async () => {
    expect(await federationOk(scenario('good').serverName)).toEqual({ status: 200, type: expect.stringMatching(/^text\/plain/), body: 'GOOD' });
    expect(await federationOk(scenario('cert-expired').serverName)).toEqual({ status: 200, type: expect.stringMatching(/^text\/plain/), body: 'BAD' });
  });

  it('says GOOD when the verdict is warn: federation works', async () => {
    const warn = rig.scenarios.find((s) => s.enabled && s.expect.verdict === 'warn' && !s.expect.checks?.some((id) => id.startsWith('dns.resolvers.')));
    expect(warn, 'a rig row with a warn verdict').toBeDefined();
    expect((await federationOk(warn!.serverName)).body).toBe('GOOD');
  });

  it('answers an invalid name with 200 BAD and a missing one with 400, as MFT does', async () => {
    expect(await federationOk('exa mple.org')).toEqual({ status: 200, type: expect.stringMatching(/^text\/plain/), body: 'BAD' });
    expect(await federationOk(undefined)).toEqual({ status: 400, type: expect.stringMatching(/^text\/plain/), body: 'Missing server_name parameter' });
  });
});

describe('the same guards as /api/v1/report', () => {
  it('shares the rate limit with /api/v1/report', async () => {
    const limited = await rigProxy({ rateLimit: { burst: 2, windowMs: 60_000 } });
    try {
      expect((await fetch(`${limited.url}/api/v1/report?server_name=bad%20name`)).status).toBe(400);
      expect((await fetch(`${limited.url}/api/report?server_name=bad%20name`)).status).toBe(200);
      const refused = await fetch(`${limited.url}/api/federation-ok?server_name=bad%20name`);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBeTruthy();
    } finally {
      await limited.close();
    }
  });

  it('caps concurrent reports and cuts a report at the deadline', async () => {
    const capped = await rigProxy({ maxConcurrentReports: 1, maxQueuedReports: 0, reportTimeoutMs: 1500 });
    try {
      const { serverName } = scenario('timeout');
      const started = performance.now();
      const slow = testerReport(serverName, capped);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect((await federationOk(serverName, capped)).status).toBe(503);
      const report = await slow;
      expect(performance.now() - started).toBeLessThan(5000);
      expect(report.FederationOK).toBe(false);
      expect(Object.keys(report.ConnectionErrors)).not.toHaveLength(0);
    } finally {
      await capped.close();
    }
  });
});

describe('a server without a version endpoint (issue 18)', () => {
  it('version-404: FederationOK is true, and Version says why there is none', async () => {
    const report = await testerReport(scenario('version-404').serverName);
    expect(report.FederationOK).toBe(true);
    expect(report.Version.error).toMatch(/HTTP 404/);
    expect(Object.values(report.ConnectionReports).map((connection) => connection.Checks.AllChecksOK)).toEqual([true]);
  });
});
