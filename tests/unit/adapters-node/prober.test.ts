import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createAddressPolicy } from '../../../src/adapters/node/address-policy.ts';
import { createNodeProber, summaryCache } from '../../../src/adapters/node/prober.ts';
import type { ProbeRequest, Prober } from '../../../src/checker/interfaces.ts';
import { createPki, type Issued, type Pki } from './support/pki.ts';
import { startCountingListener, startHttpsServer, type CountingListener, type TestHttpsServer } from './support/servers.ts';

let pki: Pki;
let leaf: Issued;
let good: TestHttpsServer;
let closing: TestHttpsServer;
let hostile: TestHttpsServer;
let expired: TestHttpsServer;
let wrongName: TestHttpsServer;
let selfSigned: TestHttpsServer;
let leafOnly: TestHttpsServer;
let listener: CountingListener;
let silent: net.Server;
let plain: net.Server;

const version = '{"server":{"name":"Synapse","version":"1.140.0"}}';
const keys = '{"server_name":"good.test","verify_keys":{},"valid_until_ts":1}';

beforeAll(async () => {
  pki = createPki();
  leaf = pki.issue('good.test', { sans: ['DNS:good.test', 'DNS:*.good.test', 'IP:127.0.0.1'] });
  const matrix = (closeAfter: boolean) => (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    const headers = { 'content-type': 'application/json', ...(closeAfter ? { connection: 'close' } : {}) };
    if (req.url === '/_matrix/federation/v1/version') res.writeHead(200, headers).end(version);
    else if (req.url === '/_matrix/key/v2/server') res.writeHead(200, headers).end(keys);
    else res.writeHead(404).end();
  };
  good = await startHttpsServer({ key: leaf.key, cert: leaf.chain }, matrix(false));
  closing = await startHttpsServer({ key: leaf.key, cert: leaf.chain }, matrix(true));
  hostile = await startHttpsServer({ key: leaf.key, cert: leaf.chain }, (req, res) => {
    if (req.url === '/_matrix/federation/v1/version') res.writeHead(200).end('x'.repeat(100 * 1024));
    else setInterval(() => !res.destroyed && res.write(' '), 100);
  });
  const issue = async (options: Parameters<Pki['issue']>[1], chain = true) => {
    const cert = pki.issue('good.test', options);
    return startHttpsServer({ key: cert.key, cert: chain ? cert.chain : cert.cert }, matrix(false));
  };
  expired = await issue({ sans: ['DNS:good.test'], days: -1 });
  wrongName = await issue({ sans: ['DNS:other.test'] });
  selfSigned = await issue({ sans: ['DNS:good.test'], selfSigned: true });
  leafOnly = await issue({ sans: ['DNS:good.test'] }, false);
  listener = await startCountingListener();
  silent = net.createServer(() => {});
  plain = net.createServer((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
  await Promise.all([silent, plain].map((server) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))));
});

afterAll(async () => {
  await Promise.all([good, closing, hostile, expired, wrongName, selfSigned, leafOnly, listener].map((s) => s?.close()));
  silent?.close();
  plain?.close();
  pki?.dispose();
});

const prober = (allowPrivate = true): Prober => createNodeProber({ policy: createAddressPolicy({ allowPrivate }), extraCa: [pki.rootPem] });

function request(port: number, overrides: Partial<ProbeRequest> = {}): ProbeRequest {
  return { address: '127.0.0.1', port, sni: 'good.test', hostHeader: 'good.test', tlsName: 'good.test', serverName: 'good.test', timeoutMs: 2000, ...overrides };
}

describe('node:tls Prober', () => {
  it('reports TCP, TLS, the certificate chain and both federation endpoints', async () => {
    const handshakes = good.handshakes;
    const result = await prober().probe(request(good.port));
    expect(result.tcp.ok).toBe(true);
    expect(result.tls).toMatchObject({ ok: true, version: 'TLSv1.3', trusted: true, nameMatches: true });
    expect(result.tls?.cipher).toMatch(/^TLS_/);
    expect(result.tls?.verifyError).toBeUndefined();
    const [first, second] = result.tls!.certificates;
    expect(first).toEqual({
      subject: 'CN=good.test',
      subjectCommonName: 'good.test',
      issuer: 'O=fedcheck tests, CN=fedcheck Test Intermediate',
      issuerCommonName: 'fedcheck Test Intermediate',
      subjectAltNames: ['DNS:good.test', 'DNS:*.good.test', 'IP:127.0.0.1'],
      notBefore: new X509Certificate(leaf.cert).validFromDate.toISOString(),
      notAfter: new X509Certificate(leaf.cert).validToDate.toISOString(),
      sha256Fingerprint: new X509Certificate(leaf.cert).fingerprint256,
    });
    expect(second.subjectCommonName).toBe('fedcheck Test Intermediate');
    expect(result.version).toMatchObject({ status: 200, body: version, headers: { 'content-type': 'application/json' } });
    expect(result.keys).toMatchObject({ status: 200, body: keys });
    expect(result.versionWithPortHost).toMatchObject({ status: 200, body: version });
    // Both endpoints with the spec's Host and SNI, and the version again with the port in
    // Host as conduwuit-family peers send it, each over its own connection.
    expect(good.seen.slice(-3).map((s) => [s.url, s.host, s.servername]).sort()).toEqual([
      ['/_matrix/federation/v1/version', 'good.test', 'good.test'],
      ['/_matrix/federation/v1/version', `good.test:${good.port}`, 'good.test'],
      ['/_matrix/key/v2/server', 'good.test', 'good.test'],
    ]);
    expect(good.handshakes - handshakes).toBe(3);
  });

  it('summarises a certificate once per prober: a later probe gets the same summaries', async () => {
    const once = prober();
    const first = await once.probe(request(good.port));
    const again = await once.probe(request(good.port));
    expect(first.tls!.certificates).toHaveLength(2);
    again.tls!.certificates.forEach((summary, index) => expect(summary).toBe(first.tls!.certificates[index]));
    // Another prober reads the certificates afresh, to the same summaries.
    const fresh = await prober().probe(request(good.port));
    expect(fresh.tls!.certificates).toEqual(first.tls!.certificates);
    expect(fresh.tls!.certificates[0]).not.toBe(first.tls!.certificates[0]);
  });

  it('keeps at most as many summaries as it was made for, and forgets the oldest first', () => {
    let parsed = 0;
    // As Node gives a peer's certificate; counts each read of its DER.
    const peer = (pem: string) => {
      const { raw, fingerprint256 } = new X509Certificate(pem);
      return { fingerprint256, get raw() { parsed++; return raw; } };
    };
    const [a, b] = [peer(leaf.cert), peer(pki.issue('other.test', { sans: ['DNS:other.test'] }).cert)];
    const summaryOf = summaryCache(1);
    const summaryOfA = summaryOf(a);
    expect(summaryOfA).toMatchObject({ subjectCommonName: 'good.test', sha256Fingerprint: a.fingerprint256 });
    expect(summaryOf(a)).toBe(summaryOfA);
    expect(parsed).toBe(1);
    expect(Object.isFrozen(summaryOfA)).toBe(true);
    expect(summaryOf(b)).toMatchObject({ subjectCommonName: 'other.test' });
    const afterEviction = summaryOf(a);
    expect(parsed).toBe(3);
    expect(afterEviction).not.toBe(summaryOfA);
    expect(afterEviction).toEqual(summaryOfA);
  });

  it('records what a proxy that matches Host exactly answers to Host with a port', async () => {
    const exactHost = await startHttpsServer({ key: leaf.key, cert: leaf.chain }, (req, res) => {
      if (req.headers.host !== 'good.test') res.writeHead(421).end();
      else res.writeHead(200, { 'content-type': 'application/json' }).end(req.url === '/_matrix/key/v2/server' ? keys : version);
    });
    try {
      const result = await prober().probe(request(exactHost.port));
      expect(result.version).toMatchObject({ status: 200, body: version });
      expect(result.keys).toMatchObject({ status: 200, body: keys });
      expect(result.versionWithPortHost).toMatchObject({ status: 421 });
      expect(exactHost.seen.find((s) => s.host !== 'good.test')).toMatchObject({ url: '/_matrix/federation/v1/version', host: `good.test:${exactHost.port}` });
    } finally {
      await exactHost.close();
    }
  });

  it('does not ask again when the spec\'s Host already has a port', async () => {
    const handshakes = good.handshakes;
    const result = await prober().probe(request(good.port, { hostHeader: 'good.test:8449' }));
    expect(result.version?.status).toBe(200);
    expect(result.versionWithPortHost).toBeUndefined();
    expect(good.seen.slice(-2).map((s) => s.host)).toEqual(['good.test:8449', 'good.test:8449']);
    expect(good.handshakes - handshakes).toBe(2);
  });

  it('sends no SNI for an IP-literal name and checks the certificate against the IP', async () => {
    const result = await prober().probe(request(good.port, { sni: undefined, tlsName: '127.0.0.1', hostHeader: '127.0.0.1:8448' }));
    expect(result.tls).toMatchObject({ trusted: true, nameMatches: true });
    expect(good.seen.at(-1)).toMatchObject({ servername: false, host: '127.0.0.1:8448' });
    const v6 = await prober().probe(request(good.port, { sni: undefined, tlsName: '[::1]' }));
    expect(v6.tls).toMatchObject({ trusted: true, nameMatches: false });
  });

  it('asks all three requests at once: the probe takes the handshake and one answer, not three', async () => {
    let inFlight = 0;
    let mostInFlight = 0;
    const slow = await startHttpsServer({ key: leaf.key, cert: leaf.chain }, (req, res) => {
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      setTimeout(() => {
        inFlight--;
        res.writeHead(200, { 'content-type': 'application/json' }).end(req.url === '/_matrix/key/v2/server' ? keys : version);
      }, 200);
    });
    try {
      const started = performance.now();
      const result = await prober().probe(request(slow.port));
      const elapsed = performance.now() - started;
      expect(result.version).toMatchObject({ status: 200, body: version });
      expect(result.keys).toMatchObject({ status: 200, body: keys });
      expect(result.versionWithPortHost).toMatchObject({ status: 200, body: version });
      expect(mostInFlight).toBe(3);
      // Each request is timed on its own open connection: the server's 200 ms and little else.
      for (const answer of [result.version!, result.keys!, result.versionWithPortHost!]) {
        expect(answer.elapsedMs).toBeGreaterThanOrEqual(195);
        expect(answer.elapsedMs).toBeLessThan(350);
      }
      const handshake = result.tcp.elapsedMs + result.tls!.elapsedMs;
      expect(elapsed).toBeGreaterThanOrEqual(handshake + 195);
      // One at a time would take handshake + 600 ms.
      expect(elapsed).toBeLessThan(handshake + 350);
    } finally {
      await slow.close();
    }
  });

  it('fetches the keys also when the server closes each connection after one answer', async () => {
    const result = await prober().probe(request(closing.port));
    expect(result.version?.status).toBe(200);
    expect(result.keys).toMatchObject({ status: 200, body: keys });
    expect(result.versionWithPortHost?.status).toBe(200);
    expect(closing.handshakes).toBe(3);
  });

  it.each([
    ['expired', () => expired, 'CERT_HAS_EXPIRED', true],
    ['self-signed', () => selfSigned, 'DEPTH_ZERO_SELF_SIGNED_CERT', true],
    ['missing its intermediate', () => leafOnly, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', true],
    ['for another name', () => wrongName, undefined, false],
  ])('completes the handshake with a certificate that is %s and says what is wrong', async (_label, server, code, nameMatches) => {
    const result = await prober().probe(request(server().port));
    expect(result.tls).toMatchObject({ ok: true, trusted: code === undefined, nameMatches });
    expect(result.tls?.verifyError?.code).toBe(code);
    expect(result.version?.status).toBe(200);
  });

  it('refuses a non-public address without connecting, as a finding', async () => {
    for (const address of ['127.0.0.1', '::ffff:127.0.0.1', '2130706433']) {
      const result = await prober(false).probe(request(listener.port, { address }));
      expect(result.tcp).toMatchObject({ ok: false, error: { code: 'ADDRESS_POLICY' } });
      expect(result.tcp.error?.message).toContain('is not reachable from the internet (');
      expect(result.tls).toBeUndefined();
    }
    expect(listener.accepts).toBe(0);
  });

  it('reports a refused TCP connection', async () => {
    const closed = await startCountingListener();
    await closed.close();
    const result = await prober().probe(request(closed.port));
    expect(result.tcp).toMatchObject({ ok: false, error: { code: 'ECONNREFUSED' } });
  });

  it('reports a TLS handshake that fails or never finishes', async () => {
    const notTls = await prober().probe(request((plain.address() as AddressInfo).port));
    expect(notTls.tcp.ok).toBe(true);
    expect(notTls.tls).toMatchObject({ ok: false, certificates: [], trusted: false });
    expect(notTls.tls?.error?.code).toBeTruthy();
    const started = Date.now();
    const stuck = await prober().probe(request((silent.address() as AddressInfo).port, { timeoutMs: 300 }));
    expect(stuck.tls).toMatchObject({ ok: false, error: { code: 'ETIMEDOUT' } });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('bounds the endpoint bodies and the whole probe in time', async () => {
    const started = Date.now();
    const result = await prober().probe(request(hostile.port, { timeoutMs: 700 }));
    expect(result.version).toMatchObject({ error: { kind: 'too-large' } });
    expect(result.keys).toMatchObject({ error: { kind: 'timeout' } });
    expect(result.versionWithPortHost).toMatchObject({ error: { kind: 'too-large' } });
    expect(Date.now() - started).toBeLessThan(1500);
  });
});
