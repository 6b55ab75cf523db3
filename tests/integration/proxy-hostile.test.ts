// Hostile servers: each report still completes within its deadline, with a finding that
// says what was wrong, and the proxy's memory stays bounded.
import { connectionTesting } from '../../src/checker/probing.ts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createAddressPolicy } from '../../src/adapters/node/address-policy.ts';
import { createNodeDnsClient } from '../../src/adapters/node/dns.ts';
import { createNodeHttpClient } from '../../src/adapters/node/http.ts';
import { createNodeProber } from '../../src/adapters/node/prober.ts';
import type { Report } from '../../src/checker/report.ts';
import { startFakeDns, type FakeDnsServer } from '../unit/adapters-node/support/dns-server.ts';
import { createPki, type Pki } from '../unit/adapters-node/support/pki.ts';
import { startHttpsServer, type TestHttpsServer } from '../unit/adapters-node/support/servers.ts';
import { startProxy, type RunningProxy } from '../unit/server/support/proxy.ts';

/** In this rig slot's loopback net, above the rows' addresses: no collision with parallel runs. */
const address = `${inject('rig').net.scenarios}.220`;
const deadlineMs = 5000;
const tenMegabytes = 10 * 1024 * 1024;
const deepJson = '['.repeat(100_000) + ']'.repeat(100_000);

let pki: Pki;
let dns: FakeDnsServer;
let servers: TestHttpsServer[];
let proxy: RunningProxy;
/** Bytes each hostile endless body got out before the proxy hung up. */
const sentBeforeCut: number[] = [];

/** Writes `total` bytes as fast as the client reads, counting what got through. */
function stream(res: ServerResponse, total: number, chunk = Buffer.alloc(64 * 1024, 0x20)): void {
  let sent = 0;
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('{"m.server":"x.example","padding":"');
  const pump = () => {
    while (sent < total && !res.destroyed) {
      sent += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    if (!res.destroyed) res.end('"}');
  };
  res.on('close', () => sentBeforeCut.push(sent));
  pump();
}

function drip(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  const timer = setInterval(() => res.write('{'), 1000);
  res.on('close', () => clearInterval(timer));
}

const wellKnown: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  'big.hostile.test': (_req, res) => stream(res, tenMegabytes),
  'drip.hostile.test': (_req, res) => drip(res),
  'loop.hostile.test': (req, res) => res.writeHead(302, { location: req.url === '/.well-known/matrix/server' ? '/elsewhere' : '/.well-known/matrix/server' }).end(),
  'utf8.hostile.test': (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(Buffer.concat([Buffer.from('{"m.server":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('.hostile.test:8448"}')])),
  'deep.hostile.test': (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(deepJson),
  'html.hostile.test': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('{"m.server":"<script>alert(1)</script><b>matrix</b>"}'),
};

/** The federation side of every hostile name: hostile too. */
function federation(req: IncomingMessage, res: ServerResponse): void {
  const host = req.headers.host ?? '';
  if (req.url === '/_matrix/federation/v1/version') {
    if (host.startsWith('drip.')) return drip(res);
    return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"server":{"name":"hostile","version":"1"}}');
  }
  if (req.url === '/_matrix/key/v2/server') {
    if (host.startsWith('big.')) return stream(res, tenMegabytes);
    if (host.startsWith('deep.')) return void res.writeHead(200, { 'content-type': 'application/json' }).end(`{"server_name":"deep.hostile.test","verify_keys":${deepJson}}`);
    if (host.startsWith('utf8.')) return void res.writeHead(200, { 'content-type': 'application/json' }).end(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
  }
  res.writeHead(404).end();
}

beforeAll(async () => {
  pki = createPki();
  const names = Object.keys(wellKnown);
  const cert = pki.issue('hostile.test', { sans: names.map((name) => `DNS:${name}`) });
  const tls = { key: cert.key, cert: cert.chain };
  servers = await Promise.all([
    startHttpsServer(tls, (req, res) => (req.url?.startsWith('/.well-known/matrix/server') || req.url === '/elsewhere' ? wellKnown[req.headers.host ?? '']?.(req, res) : res.writeHead(404).end()), address, 443),
    startHttpsServer(tls, federation, address, 8448),
  ]);
  dns = await startFakeDns(Object.fromEntries(names.map((name) => [name, { records: [{ type: 'A' as const, data: address }] }])));
  const policy = createAddressPolicy({ allowPrivate: true });
  const client = createNodeDnsClient({ servers: [dns.address], attemptTimeoutMs: 500, attempts: 1 });
  proxy = await startProxy(
    { allowPrivate: true, rateLimit: null, reportTimeoutMs: deadlineMs },
    { dns: client, http: createNodeHttpClient({ dns: client, policy, extraCa: [pki.rootPem] }), connections: connectionTesting(createNodeProber({ policy, extraCa: [pki.rootPem] })) },
  );
});

afterAll(async () => {
  await proxy?.close();
  await Promise.all((servers ?? []).map((s) => s.close()));
  await dns?.close();
  pki?.dispose();
});

async function timedReport(serverName: string): Promise<{ report: Report; wallMs: number }> {
  const started = performance.now();
  const { status, body } = await proxy.report(serverName);
  expect(status, JSON.stringify(body).slice(0, 300)).toBe(200);
  return { report: body, wallMs: performance.now() - started };
}

const problems = (report: Report) => report.checks.filter((c) => c.status === 'fail' || c.status === 'warn');
const said = (report: Report) => problems(report).map((c) => `${c.id}: ${c.detail}`).join('\n') + JSON.stringify(report.steps);

describe('hostile servers through /api/v1/report', () => {
  it.concurrent('a 10 MB .well-known and 10 MB key answer: cut at the size limit', async () => {
    const { report, wallMs } = await timedReport('big.hostile.test');
    expect(wallMs).toBeLessThan(deadlineMs + 1000);
    expect(said(report)).toMatch(/over the 51200-byte limit/);
    expect(said(report)).toMatch(/over the 262144-byte limit/);
  });

  it.concurrent('a .well-known and version endpoint dripping one byte per second: cut at the deadline', async () => {
    const { report, wallMs } = await timedReport('drip.hostile.test');
    expect(wallMs).toBeLessThan(deadlineMs + 1000);
    expect(report.durationMs).toBeLessThanOrEqual(deadlineMs + 500);
    expect(said(report)).toMatch(/timeout|deadline|took longer/);
  });

  it.concurrent('a redirect loop: reported as a loop', async () => {
    const { report, wallMs } = await timedReport('loop.hostile.test');
    expect(wallMs).toBeLessThan(deadlineMs + 1000);
    expect(said(report)).toMatch(/redirect loop/);
  });

  it.concurrent('invalid UTF-8: decoded with replacement characters and reported as an invalid name', async () => {
    const { report, wallMs } = await timedReport('utf8.hostile.test');
    expect(wallMs).toBeLessThan(deadlineMs + 1000);
    expect(problems(report).some((c) => c.id.startsWith('wellknown.server') && c.detail.includes('\uFFFD'))).toBe(true);
  });

  it.concurrent('100,000-deep nested JSON: no crash, the report says what is wrong', async () => {
    const { report, wallMs } = await timedReport('deep.hostile.test');
    expect(wallMs).toBeLessThan(deadlineMs + 1000);
    expect(problems(report).some((c) => c.id.startsWith('wellknown.server'))).toBe(true);
    expect(problems(report).some((c) => c.id.startsWith('keys'))).toBe(true);
  });

  it.concurrent('HTML in m.server: an invalid server name, kept as text', async () => {
    const { report, wallMs } = await timedReport('html.hostile.test');
    expect(wallMs).toBeLessThan(deadlineMs + 1000);
    const finding = problems(report).find((c) => c.id.startsWith('wellknown.server') && c.detail.includes('<script>'));
    expect(finding?.status).toBe('fail');
  });
});

describe('memory', () => {
  it('stays bounded across many 10 MB answers at once', async () => {
    globalThis.gc?.();
    const before = process.memoryUsage();
    const rounds = 3;
    for (let round = 0; round < rounds; round++) {
      await Promise.all(Array.from({ length: 8 }, () => timedReport('big.hostile.test')));
    }
    globalThis.gc?.();
    const after = process.memoryUsage();
    const growthMb = (after.rss - before.rss) / 2 ** 20;
    const heapGrowthMb = (after.heapUsed - before.heapUsed) / 2 ** 20;
    console.log(
      `memory after ${rounds * 8} reports against 10 MB bodies: rss ${Math.round(before.rss / 2 ** 20)} → ${Math.round(after.rss / 2 ** 20)} MB, ` +
        `heap ${Math.round(before.heapUsed / 2 ** 20)} → ${Math.round(after.heapUsed / 2 ** 20)} MB; ` +
        `largest amount a hostile server got out before the cut: ${Math.round(Math.max(...sentBeforeCut) / 1024)} KiB of ${tenMegabytes / 1024} KiB`,
    );
    // 24 reports that each read 10 MB would need 240 MB; cut at the limits they need well under 1 MB each.
    expect(growthMb).toBeLessThan(64);
    expect(heapGrowthMb).toBeLessThan(32);
    expect(Math.max(...sentBeforeCut)).toBeLessThan(tenMegabytes / 4);
  });
});
