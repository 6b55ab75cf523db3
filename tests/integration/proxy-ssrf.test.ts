// SSRF: with FEDCHECK_ALLOW_PRIVATE unset, no hop of a report may connect to a non-public
// address: not the server name, not m.server, not an SRV target, not a redirect, and not
// an IP literal in any spelling. Listeners on the loopback target count every accept.
import { connectionTesting } from '../../src/checker/probing.ts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAddressPolicy, type AddressPolicy } from '../../src/adapters/node/address-policy.ts';
import { createNodeDnsClient } from '../../src/adapters/node/dns.ts';
import { createNodeHttpClient } from '../../src/adapters/node/http.ts';
import type { NodeAdapters } from '../../src/adapters/node/index.ts';
import { createNodeProber } from '../../src/adapters/node/prober.ts';
import { startFakeDns, type FakeDnsServer } from '../unit/adapters-node/support/dns-server.ts';
import { createPki, type Pki } from '../unit/adapters-node/support/pki.ts';
import { startCountingListener, startHttpsServer, type CountingListener, type TestHttpsServer } from '../unit/adapters-node/support/servers.ts';
import { startProxy, type RunningProxy } from '../unit/server/support/proxy.ts';

// Addresses in this rig slot's own loopback net (above the rows' addresses), so that
// parallel test runs in other slots do not collide on ports 443 and 8448.
const net = inject('rig').net.scenarios;
/** Stands in for an internal service the proxy must never reach. */
const inside = `${net}.201`;
/** Stands in for a public web server: the one address the test policy lets through. */
const outside = `${net}.210`;
const insideOctets = inside.split('.').map(Number);
const insideNumber = insideOctets.reduce((n, octet) => n * 256 + octet, 0);
const insideHex = `${((insideOctets[0] << 8) + insideOctets[1]).toString(16)}:${((insideOctets[2] << 8) + insideOctets[3]).toString(16)}`;

let pki: Pki;
let dns: FakeDnsServer;
let web: TestHttpsServer;
let listeners: CountingListener[];

const wellKnown: Record<string, { status: number; headers?: Record<string, string>; body?: string }> = {
  'mserver-name.ssrf.test': { status: 200, body: '{"m.server":"inside.ssrf.test:8448"}' },
  'mserver-ip.ssrf.test': { status: 200, body: `{"m.server":"${inside}:8448"}` },
  'mserver-mapped.ssrf.test': { status: 200, body: `{"m.server":"[::ffff:${inside}]:8448"}` },
  'redirect.ssrf.test': { status: 302, headers: { location: 'https://inside.ssrf.test/.well-known/matrix/server' } },
  'redirect-decimal.ssrf.test': { status: 302, headers: { location: `https://${insideNumber}/.well-known/matrix/server` } },
  'redirect-mapped.ssrf.test': { status: 302, headers: { location: `https://[::ffff:${inside}]/.well-known/matrix/server` } },
};

beforeAll(async () => {
  pki = createPki();
  const cert = pki.issue('ssrf.test', { sans: Object.keys(wellKnown).map((name) => `DNS:${name}`) });
  web = await startHttpsServer(
    { key: cert.key, cert: cert.chain },
    (req, res) => {
      const answer = req.url === '/.well-known/matrix/server' ? wellKnown[req.headers.host ?? ''] : undefined;
      if (!answer) return res.writeHead(404).end();
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers }).end(answer.body);
    },
    outside,
    443,
  );
  listeners = await Promise.all([443, 8448, 8008].map((port) => startCountingListener(inside, port)));
  const atOutside = { records: [{ type: 'A' as const, data: outside }] };
  dns = await startFakeDns({
    'inside.ssrf.test': { records: [{ type: 'A', data: inside }] },
    'mapped.ssrf.test': { records: [{ type: 'AAAA', data: `::ffff:${inside}` }] },
    'alias.ssrf.test': { records: [{ type: 'CNAME', data: 'inside.ssrf.test' }] },
    '_matrix-fed._tcp.srv.ssrf.test': { records: [{ type: 'SRV', data: { priority: 10, weight: 5, port: 8448, target: 'inside.ssrf.test' } }] },
    '_matrix._tcp.legacy-srv.ssrf.test': { records: [{ type: 'SRV', data: { priority: 10, weight: 5, port: 8008, target: 'inside.ssrf.test' } }] },
    ...Object.fromEntries(Object.keys(wellKnown).map((name) => [name, atOutside])),
  });
});

afterAll(async () => {
  await Promise.all([web, ...(listeners ?? [])].map((s) => s?.close()));
  await dns?.close();
  pki?.dispose();
});

function adapters(policy: AddressPolicy): NodeAdapters {
  const client = createNodeDnsClient({ servers: [dns.address], attemptTimeoutMs: 500, attempts: 1 });
  return {
    dns: client,
    http: createNodeHttpClient({ dns: client, policy, extraCa: [pki.rootPem] }),
    connections: connectionTesting(createNodeProber({ policy, extraCa: [pki.rootPem] })),
  };
}

/** The real public-only policy, except that `outside` counts as public. */
function publicOnlyPlus(address: string): AddressPolicy {
  const strict = createAddressPolicy({ allowPrivate: false });
  const lan = createAddressPolicy({ allowPrivate: true });
  return {
    allowPrivate: false,
    check(text) {
      const verdict = lan.check(text);
      return verdict.allowed && verdict.address === address ? verdict : strict.check(text);
    },
  };
}

const accepts = () => listeners.reduce((sum, l) => sum + l.accepts, 0);

const cases = [
  ['a name that resolves to loopback', 'inside.ssrf.test'],
  ['a CNAME to such a name', 'alias.ssrf.test'],
  ['a name whose AAAA is an IPv4-mapped loopback address', 'mapped.ssrf.test'],
  ['a loopback IPv4 literal', inside],
  ['a loopback IPv4 literal with a port', `${inside}:8008`],
  ['an IPv4-mapped IPv6 literal', `[::ffff:${inside}]`],
  ['an IPv4-mapped IPv6 literal in hex', `[::ffff:${insideHex}]`],
  ['an IPv4-compatible IPv6 literal', `[::${inside}]`],
  ['a NAT64 IPv6 literal', `[64:ff9b::${inside}]`],
  ['a decimal IPv4 literal (URL parsers read it as an address)', String(insideNumber)],
  ['a hex IPv4 literal', `0x${insideNumber.toString(16)}`],
  ['m.server naming a loopback host', 'mserver-name.ssrf.test'],
  ['m.server with a loopback IP literal', 'mserver-ip.ssrf.test'],
  ['m.server with an IPv4-mapped literal', 'mserver-mapped.ssrf.test'],
  ['an SRV target on loopback', 'srv.ssrf.test'],
  ['a legacy SRV target on loopback', 'legacy-srv.ssrf.test'],
  ['a .well-known redirect to a loopback host', 'redirect.ssrf.test'],
  ['a .well-known redirect to a decimal IP literal', 'redirect-decimal.ssrf.test'],
  ['a .well-known redirect to an IPv4-mapped literal', 'redirect-mapped.ssrf.test'],
] as const;

describe('with FEDCHECK_ALLOW_PRIVATE unset', () => {
  let proxy: RunningProxy;
  beforeAll(async () => {
    proxy = await startProxy({ allowPrivate: false, rateLimit: null }, adapters(publicOnlyPlus(outside)));
  });
  afterAll(() => proxy?.close());

  it.each(cases)('refuses %s (%s) with a finding, and connects nowhere inside', async (_label, serverName) => {
    const before = accepts();
    const { status, body: report } = await proxy.report(serverName);
    expect(status).toBe(200);
    expect(report.verdict).toBe('fail');
    const text = JSON.stringify(report);
    expect(text).toMatch(/is not reachable from the internet \(.*(loopback|IPv4-compatible)/);
    // Redirect cases fall back to port 8448 of the (pretend-public) original host: allowed.
    for (const connection of report.connections.filter((c) => c.address !== outside)) {
      expect(connection.tcp.ok).toBe(false);
      expect(connection.tcp.error).toContain('not reachable from the internet');
    }
    expect(accepts() - before).toBe(0);
  });
});

describe('control: the same reports with FEDCHECK_ALLOW_PRIVATE=1 do reach the listeners', () => {
  it('connects inside, so the counts above can see a connection', async () => {
    const proxy = await startProxy({ allowPrivate: true, rateLimit: null }, adapters(createAddressPolicy({ allowPrivate: true })));
    try {
      for (const serverName of ['inside.ssrf.test', 'mserver-name.ssrf.test', 'srv.ssrf.test', 'redirect.ssrf.test', String(insideNumber)]) {
        const before = accepts();
        await proxy.report(serverName);
        expect(accepts() - before, serverName).toBeGreaterThan(0);
      }
    } finally {
      await proxy.close();
    }
  });
});
