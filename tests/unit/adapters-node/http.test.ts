import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Socket } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAddressPolicy, type AddressPolicy } from '../../../src/adapters/node/address-policy.ts';
import { createNodeDnsClient } from '../../../src/adapters/node/dns.ts';
import { createNodeHttpClient } from '../../../src/adapters/node/http.ts';
import type { HttpClient } from '../../../src/checker/interfaces.ts';
import { startFakeDns, type FakeDnsServer } from './support/dns-server.ts';
import { createPki, type Pki } from './support/pki.ts';
import { startCountingListener, startHttpsServer, type CountingListener, type TestHttpsServer } from './support/servers.ts';

let pki: Pki;
let dns: FakeDnsServer;
let good: TestHttpsServer;
let expired: TestHttpsServer;
let wrongName: TestHttpsServer;
let selfSigned: TestHttpsServer;
let leafOnly: TestHttpsServer;
let elsewhere: CountingListener;

const limits = { timeoutMs: 2000, maxBytes: 50 * 1024, maxRedirects: 10 };
const answeredOn = new WeakMap<object, number>();
const lan = createAddressPolicy({ allowPrivate: true });

beforeAll(async () => {
  pki = createPki();
  const leaf = pki.issue('good.test', { sans: ['DNS:good.test', 'DNS:alias.test', 'DNS:twoaddr.test', 'IP:127.0.0.1'] });
  good = await startHttpsServer({ key: leaf.key, cert: leaf.chain }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://x');
    const port = good.port;
    const routes: Record<string, () => void> = {
      '/ok': () => res.writeHead(200, { 'content-type': 'application/json', 'X-Thing': 'yes' }).end('{"m.server":"good.test:443"}'),
      '/hop1': () => res.writeHead(301, { location: '/hop2' }).end(),
      '/hop2': () => res.writeHead(307, { location: `https://alias.test:${port}/ok` }).end(),
      '/loop-a': () => res.writeHead(302, { location: '/loop-b' }).end(),
      '/loop-b': () => res.writeHead(302, { location: '/loop-a' }).end(),
      '/count': () => res.writeHead(302, { location: `/count?n=${Number(url.searchParams.get('n') ?? 0) + 1}` }).end(),
      '/to-private': () => res.writeHead(302, { location: `https://private.test:${elsewhere.port}/` }).end(),
      '/to-decimal': () => res.writeHead(302, { location: `https://2130706434:${elsewhere.port}/` }).end(),
      '/big-declared': () => res.writeHead(200, { 'content-length': String(10 * 1024 * 1024) }).end(),
      '/endless': () => {
        res.writeHead(200);
        const chunk = Buffer.alloc(16 * 1024, 'a');
        const pump = () => {
          while (!res.destroyed && res.write(chunk));
          if (!res.destroyed) res.once('drain', pump);
        };
        pump();
      },
      '/drip': () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write(' ')), 100);
      },
      '/drip-404': () => {
        res.writeHead(404, { 'content-type': 'text/html' });
        const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write(' ')), 100);
      },
      '/bad-utf8': () => res.writeHead(200).end(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])),
      '/method': () => res.writeHead(204, { 'access-control-allow-origin': '*' }).end(),
      // Answers the first request on a connection only: a later one finds it closed under it.
      '/once-per-connection': () => {
        const served = (answeredOn.get(req.socket) ?? 0) + 1;
        answeredOn.set(req.socket, served);
        if (served > 1) req.socket.destroy();
        else res.writeHead(200).end('first');
      },
      '/close': () => res.writeHead(200, { connection: 'close' }).end('bye'),
      // Keeps the connection open, then resets it while the client holds it idle.
      '/reset-soon': () => {
        res.writeHead(200, { 'content-length': '4' }).end('soon');
        setTimeout(() => (req.socket as unknown as { _parent?: Socket })._parent?.resetAndDestroy() ?? req.socket.resetAndDestroy(), 20);
      },
      '/short-404': () => res.writeHead(404, { 'content-length': '4' }).end('nope'),
    };
    (routes[url.pathname] ?? (() => res.writeHead(404).end('nope')))();
  });
  const old = pki.issue('expired.test', { sans: ['DNS:expired.test'], days: -1 });
  expired = await startHttpsServer({ key: old.key, cert: old.chain }, (_req, res) => res.end('x'));
  const other = pki.issue('other.test', { sans: ['DNS:other.test'] });
  wrongName = await startHttpsServer({ key: other.key, cert: other.chain }, (_req, res) => res.end('x'));
  const self = pki.issue('self.test', { sans: ['DNS:self.test'], selfSigned: true });
  selfSigned = await startHttpsServer({ key: self.key, cert: self.chain }, (_req, res) => res.end('x'));
  const bare = pki.issue('leafonly.test', { sans: ['DNS:leafonly.test'] });
  leafOnly = await startHttpsServer({ key: bare.key, cert: bare.cert }, (_req, res) => res.end('x'));
  elsewhere = await startCountingListener('127.0.0.2');

  dns = await startFakeDns({
    'good.test': { records: [{ type: 'A', data: '127.0.0.1' }] },
    'alias.test': { records: [{ type: 'CNAME', data: 'good.test' }] },
    'twoaddr.test': { records: [{ type: 'A', data: '127.0.0.9' }, { type: 'A', data: '127.0.0.1' }] },
    'expired.test': { records: [{ type: 'A', data: '127.0.0.1' }] },
    'wrong.test': { records: [{ type: 'A', data: '127.0.0.1' }] },
    'self.test': { records: [{ type: 'A', data: '127.0.0.1' }] },
    'leafonly.test': { records: [{ type: 'A', data: '127.0.0.1' }] },
    'private.test': { records: [{ type: 'A', data: '127.0.0.2' }] },
    'mixed.test': { records: [{ type: 'A', data: '127.0.0.2' }, { type: 'AAAA', data: '::ffff:127.0.0.2' }] },
    'broken.test': { rcode: 'SERVFAIL' },
  });
});

afterAll(async () => {
  await Promise.all([good, expired, wrongName, selfSigned, leafOnly, elsewhere].map((s) => s?.close()));
  await dns?.close();
  pki?.dispose();
});

function client(policy: AddressPolicy = lan): HttpClient {
  return createNodeHttpClient({
    dns: createNodeDnsClient({ servers: [dns.address], attemptTimeoutMs: 500, attempts: 1 }),
    policy,
    extraCa: [pki.rootPem],
  });
}

/** Allows 127.0.0.1 only, the way the real policy allows public addresses only. */
const onlyFirstLoopback: AddressPolicy = {
  allowPrivate: false,
  check(address) {
    const verdict = lan.check(address);
    return verdict.allowed && verdict.address !== '127.0.0.1' ? { allowed: false, address: verdict.address, reason: 'test: not 127.0.0.1' } : verdict;
  },
};

describe('node HttpClient', () => {
  it('fetches over TLS from the checked address with the URL host as Host and SNI', async () => {
    const before = dns.queries.length;
    const result = await client().get(`https://good.test:${good.port}/ok`, limits);
    expect(result).toMatchObject({ ok: true, status: 200, body: '{"m.server":"good.test:443"}', address: '127.0.0.1', redirects: [] });
    if (!result.ok) return;
    expect(result.headers['x-thing']).toBe('yes');
    expect(good.seen.at(-1)).toMatchObject({ method: 'GET', url: '/ok', host: `good.test:${good.port}`, servername: 'good.test' });
    // One A and one AAAA question (each also asked with the DO bit for the AD flag, plus the
    // CNAME chain walk), no second lookup at connect time.
    const addressQuestions = dns.queries.slice(before).filter((q) => q.type !== 'CNAME');
    expect(addressQuestions.map((q) => `${q.name}/${q.type}`).sort()).toEqual(['good.test/A', 'good.test/A', 'good.test/AAAA', 'good.test/AAAA']);
  });

  it('asks DNS once per host within one report (its requests share the report\'s signal), again for another report', async () => {
    const shared = client();
    const report = new AbortController();
    const before = dns.queries.length;
    const inReport = { ...limits, signal: report.signal };
    const [first, second] = await Promise.all([shared.get(`https://good.test:${good.port}/ok`, inReport), shared.get(`https://good.test:${good.port}/ok`, inReport)]);
    const third = await shared.get(`https://good.test:${good.port}/ok`, inReport);
    expect([first.ok, second.ok, third.ok]).toEqual([true, true, true]);
    const addressQuestions = dns.queries.slice(before).filter((q) => q.type !== 'CNAME');
    expect(addressQuestions.map((q) => `${q.name}/${q.type}`).sort()).toEqual(['good.test/A', 'good.test/A', 'good.test/AAAA', 'good.test/AAAA']);
    // Another report on the same client asks for itself.
    await shared.get(`https://good.test:${good.port}/ok`, { ...limits, signal: new AbortController().signal });
    expect(dns.queries.slice(before).filter((q) => q.type === 'A')).toHaveLength(4);
  });

  it('keeps a report\'s connections for its later requests to the same place, and closes them when the report ends', async () => {
    const shared = client();
    const report = new AbortController();
    const inReport = { ...limits, signal: report.signal };
    const url = `https://good.test:${good.port}/ok`;
    const before = good.handshakes;
    const answers = [await shared.get(url, inReport), await shared.get(url, inReport), await shared.get(`https://good.test:${good.port}/method`, { ...inReport, method: 'OPTIONS' })];
    expect(answers.map((answer) => answer.ok && answer.status)).toEqual([200, 200, 204]);
    expect(good.handshakes - before).toBe(1);
    expect(good.seen.at(-1)?.headers.connection).toBe('keep-alive');
    // Another report, or a request outside any report, opens its own.
    await shared.get(url, { ...limits, signal: new AbortController().signal });
    await shared.get(url, limits);
    expect(good.handshakes - before).toBe(3);
    const open = await good.openConnections();
    report.abort();
    await expect.poll(() => good.openConnections()).toBe(open - 1);
  });

  it('keeps a connection whose unread body is short and declared, and closes one whose body keeps coming', async () => {
    const shared = client();
    const inReport = { ...limits, signal: new AbortController().signal, bodyWanted: () => false };
    const dropped = () => new Promise((resolve) => setTimeout(resolve, 50));
    const before = good.handshakes;
    expect(await shared.get(`https://good.test:${good.port}/short-404`, inReport)).toMatchObject({ ok: true, status: 404, body: '' });
    await dropped();
    await shared.get(`https://good.test:${good.port}/short-404`, inReport);
    expect(good.handshakes - before).toBe(1);
    await dropped();
    await shared.get(`https://good.test:${good.port}/drip-404`, inReport);
    await dropped();
    await shared.get(`https://good.test:${good.port}/short-404`, inReport);
    expect(good.handshakes - before).toBe(2);
  });

  it('asks again on a new connection when the server closed the kept one, and keeps none the server closes', async () => {
    const shared = client();
    const inReport = { ...limits, signal: new AbortController().signal };
    const before = good.handshakes;
    const first = await shared.get(`https://good.test:${good.port}/once-per-connection`, inReport);
    const second = await shared.get(`https://good.test:${good.port}/once-per-connection`, inReport);
    expect([first, second].map((answer) => answer.ok && answer.body)).toEqual(['first', 'first']);
    expect(good.handshakes - before).toBe(2);
    // The first goes on the kept connection; neither is kept, as the server closes both.
    await shared.get(`https://good.test:${good.port}/close`, inReport);
    await shared.get(`https://good.test:${good.port}/close`, inReport);
    await shared.get(`https://good.test:${good.port}/ok`, inReport);
    expect(good.handshakes - before).toBe(4);
    // A reset of an idle connection ends it quietly (an unhandled error would fail the run).
    expect(await shared.get(`https://good.test:${good.port}/reset-soon`, inReport)).toMatchObject({ ok: true, body: 'soon' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await shared.get(`https://good.test:${good.port}/ok`, inReport)).toMatchObject({ ok: true, status: 200 });
    expect(good.handshakes - before).toBe(5);
  });

  it('sends no SNI to an IP literal and checks the certificate for the IP address', async () => {
    const result = await client().get(`https://127.0.0.1:${good.port}/ok`, limits);
    expect(result.ok).toBe(true);
    expect(good.seen.at(-1)).toMatchObject({ host: `127.0.0.1:${good.port}`, servername: false });
  });

  it('follows relative and absolute redirects, recording each hop', async () => {
    const result = await client().get(`https://good.test:${good.port}/hop1`, limits);
    expect(result).toMatchObject({ ok: true, status: 200, url: `https://alias.test:${good.port}/ok` });
    expect(result.redirects.map((r) => [r.url, r.status, r.location])).toEqual([
      [`https://good.test:${good.port}/hop1`, 301, '/hop2'],
      [`https://good.test:${good.port}/hop2`, 307, `https://alias.test:${good.port}/ok`],
    ]);
    expect(good.seen.at(-1)).toMatchObject({ host: `alias.test:${good.port}`, servername: 'alias.test' });
  });

  it('connects to a pinned address without a lookup, and still checks it', async () => {
    const before = dns.queries.length;
    const result = await client().get(`https://good.test:${good.port}/ok`, { ...limits, address: '127.0.0.1' });
    expect(result).toMatchObject({ ok: true, status: 200, address: '127.0.0.1' });
    expect(dns.queries.length).toBe(before);
    expect(good.seen.at(-1)).toMatchObject({ host: `good.test:${good.port}`, servername: 'good.test' });
    const refused = await client(onlyFirstLoopback).get(`https://good.test:${elsewhere.port}/ok`, { ...limits, address: '::ffff:127.0.0.2' });
    expect(refused).toMatchObject({ ok: false, error: { kind: 'policy' } });
    expect(elsewhere.accepts).toBe(0);
  });

  it('returns a redirect unfollowed when maxRedirects is 0', async () => {
    const result = await client().get(`https://good.test:${good.port}/hop1`, { ...limits, maxRedirects: 0 });
    expect(result).toMatchObject({ ok: true, status: 301, redirects: [] });
  });

  it('detects redirect loops and enforces the hop limit', async () => {
    const loop = await client().get(`https://good.test:${good.port}/loop-a`, limits);
    expect(loop).toMatchObject({ ok: false, error: { kind: 'redirect-loop' } });
    expect(loop.redirects).toHaveLength(2);
    const many = await client().get(`https://good.test:${good.port}/count`, { ...limits, maxRedirects: 3 });
    expect(many).toMatchObject({ ok: false, error: { kind: 'redirect-limit' } });
    expect(many.redirects).toHaveLength(4);
  });

  it('refuses a non-public address at the first hop without connecting', async () => {
    const result = await client(createAddressPolicy({ allowPrivate: false })).get(`https://private.test:${elsewhere.port}/`, limits);
    expect(result).toMatchObject({ ok: false, error: { kind: 'policy', code: 'ADDRESS_POLICY' } });
    if (!result.ok) expect(result.error.message).toContain('127.0.0.2 is not reachable from the internet (loopback)');
    expect(elsewhere.accepts).toBe(0);
  });

  it('refuses a redirect to a non-public name, or to a decimal IP literal, without connecting', async () => {
    for (const path of ['/to-private', '/to-decimal']) {
      const result = await client(onlyFirstLoopback).get(`https://good.test:${good.port}${path}`, limits);
      expect(result, path).toMatchObject({ ok: false, error: { kind: 'policy' } });
      expect(result.redirects).toHaveLength(1);
    }
    expect(elsewhere.accepts).toBe(0);
  });

  it('refuses every form of a mapped non-public address', async () => {
    const result = await client(onlyFirstLoopback).get(`https://mixed.test:${elsewhere.port}/`, limits);
    expect(result).toMatchObject({ ok: false, error: { kind: 'policy' } });
    expect(elsewhere.accepts).toBe(0);
  });

  it('tries the next checked address when one refuses the connection', async () => {
    // 127.0.0.9, the first address, has no listener on this port.
    const result = await client().get(`https://twoaddr.test:${good.port}/ok`, limits);
    expect(result).toMatchObject({ ok: true, status: 200, address: '127.0.0.1' });
  });

  it('reports connection refused, DNS failures and unsupported schemes by kind', async () => {
    const closed = await startCountingListener();
    await closed.close();
    expect(await client().get(`https://127.0.0.1:${closed.port}/`, limits)).toMatchObject({ ok: false, error: { kind: 'connect', code: 'ECONNREFUSED' } });
    expect(await client().get('https://missing.test/', limits)).toMatchObject({ ok: false, error: { kind: 'dns', code: 'NXDOMAIN' } });
    expect(await client().get('https://broken.test/', limits)).toMatchObject({ ok: false, error: { kind: 'dns', code: 'SERVFAIL' } });
    expect(await client().get('ftp://good.test/', limits)).toMatchObject({ ok: false, error: { kind: 'network' } });
  });

  it.each([
    ['expired', () => `https://expired.test:${expired.port}/`, 'CERT_HAS_EXPIRED'],
    ['wrong name', () => `https://wrong.test:${wrongName.port}/`, 'ERR_TLS_CERT_ALTNAME_INVALID'],
    ['self-signed', () => `https://self.test:${selfSigned.port}/`, 'DEPTH_ZERO_SELF_SIGNED_CERT'],
    ['missing intermediate', () => `https://leafonly.test:${leafOnly.port}/`, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
  ])('rejects a certificate that is %s', async (_label, url, code) => {
    expect(await client().get(url(), limits)).toMatchObject({ ok: false, error: { kind: 'tls', code } });
  });

  it('cuts a body over maxBytes, declared or streamed', async () => {
    const declared = await client().get(`https://good.test:${good.port}/big-declared`, limits);
    expect(declared).toMatchObject({ ok: false, error: { kind: 'too-large' } });
    const started = Date.now();
    const streamed = await client().get(`https://good.test:${good.port}/endless`, limits);
    expect(streamed).toMatchObject({ ok: false, error: { kind: 'too-large' } });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('applies the timeout to the whole response, so a dripping body cannot hold it', async () => {
    const started = Date.now();
    const result = await client().get(`https://good.test:${good.port}/drip`, { ...limits, timeoutMs: 600 });
    expect(result).toMatchObject({ ok: false, error: { kind: 'timeout' } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(590);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('answers with the headers and no body for a status whose body the caller does not want, following redirects still', async () => {
    const onlyOk = { ...limits, timeoutMs: 600, bodyWanted: (status: number) => status === 200 };
    const started = Date.now();
    const notFound = await client().get(`https://good.test:${good.port}/drip-404`, onlyOk);
    expect(notFound).toMatchObject({ ok: true, status: 404, headers: { 'content-type': 'text/html' }, body: '' });
    expect(Date.now() - started).toBeLessThan(500);
    // Read to its end, the same answer times out.
    expect(await client().get(`https://good.test:${good.port}/drip-404`, { ...limits, timeoutMs: 600 })).toMatchObject({ ok: false, error: { kind: 'timeout' } });
    const redirected = await client().get(`https://good.test:${good.port}/hop1`, onlyOk);
    expect(redirected).toMatchObject({ ok: true, status: 200, body: '{"m.server":"good.test:443"}' });
    expect(redirected.redirects).toHaveLength(2);
  });

  it('stops when the caller aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const result = await client().get(`https://good.test:${good.port}/drip`, { ...limits, signal: controller.signal });
    expect(result).toMatchObject({ ok: false, error: { kind: 'network' } });
    expect(result.elapsedMs).toBeLessThan(1000);
  });

  it('decodes invalid UTF-8 with replacement characters instead of failing', async () => {
    const result = await client().get(`https://good.test:${good.port}/bad-utf8`, limits);
    expect(result).toMatchObject({ ok: true, body: '{"\uFFFD\uFFFD"}' });
  });

  it('sends OPTIONS with the given headers, for CORS preflight checks', async () => {
    const result = await client().get(`https://good.test:${good.port}/method`, {
      ...limits,
      method: 'OPTIONS',
      headers: { origin: 'https://fedcheck.example', 'access-control-request-method': 'GET' },
    });
    expect(result).toMatchObject({ ok: true, status: 204, headers: { 'access-control-allow-origin': '*' } });
    expect(good.seen.at(-1)).toMatchObject({ method: 'OPTIONS', headers: { origin: 'https://fedcheck.example', 'access-control-request-method': 'GET' } });
  });

  it('trusts CAs from NODE_EXTRA_CA_CERTS through Node’s default store', async () => {
    const dir = tmpdir();
    const caFile = path.join(dir, `fedcheck-root-${process.pid}.pem`);
    writeFileSync(caFile, pki.rootPem);
    const httpModule = fileURLToPath(new URL('../../../src/adapters/node/http.ts', import.meta.url));
    const policyModule = fileURLToPath(new URL('../../../src/adapters/node/address-policy.ts', import.meta.url));
    const script = `
      const { createNodeHttpClient } = await import(${JSON.stringify(httpModule)});
      const { createAddressPolicy } = await import(${JSON.stringify(policyModule)});
      const http = createNodeHttpClient({ dns: null, policy: createAddressPolicy({ allowPrivate: true }) });
      const r = await http.get('https://127.0.0.1:${good.port}/ok', { timeoutMs: 2000, maxBytes: 1000, maxRedirects: 0 });
      console.log(JSON.stringify(r.ok ? 'ok' : r.error.code));`;
    const run = (env: NodeJS.ProcessEnv) =>
      new Promise<string>((resolve, reject) =>
        execFile(process.execPath, ['--input-type=module', '-e', script], { env }, (error, stdout, stderr) => (error ? reject(new Error(stderr)) : resolve(stdout.trim()))),
      );
    expect(await run({ ...process.env, NODE_EXTRA_CA_CERTS: caFile })).toBe('"ok"');
    const { NODE_EXTRA_CA_CERTS: _, ...without } = process.env;
    expect(await run(without)).toBe('"UNABLE_TO_GET_ISSUER_CERT_LOCALLY"');
  });
});
