// Rig self-test: every scenario answers on the wire as its row says (real DNS client
// against knot, both DoH flavours, real HTTPS with the test CA), and a rig started here
// stops without leaving a process behind.
import { execFileSync } from 'node:child_process';
import { Resolver } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { connect, isIP } from 'node:net';
import { checkServerIdentity, connect as tlsConnect } from 'node:tls';
import * as dnsPacket from '@leichtgewicht/dns-packet';
import { describe, expect, inject, it } from 'vitest';
import type { ResolvedHost, ResolvedRecord, ResolvedScenario } from '../rig/build.ts';
import { verifyJson } from '../rig/keys.ts';
import { pidAlive, startRig, type RigState } from '../rig/rig.ts';
import { scenarios as table } from '../rig/scenarios.ts';

const rig = inject('rig');
const enabled = rig.scenarios.filter((s) => s.enabled);
const ca = readFileSync(rig.ca.root);

interface HttpAnswer {
  status?: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  error?: string;
  elapsedMs: number;
}

function get(opts: {
  address: string;
  port: number;
  path: string;
  servername?: string;
  host?: string;
  method?: string;
  tls?: boolean;
  ca?: Buffer | null;
  rejectUnauthorized?: boolean;
  headers?: Record<string, string>;
  timeoutMs?: number;
}): Promise<HttpAnswer> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const o: RequestOptions = {
      host: opts.address,
      port: opts.port,
      path: opts.path,
      method: opts.method ?? 'GET',
      headers: { host: opts.host ?? opts.servername ?? opts.address, ...(opts.headers ?? {}) },
      agent: false,
      timeout: opts.timeoutMs ?? 5000,
    };
    if (opts.tls !== false) {
      if (opts.ca !== null) o.ca = opts.ca ?? ca;
      o.rejectUnauthorized = opts.rejectUnauthorized ?? true;
      // SNI and the name checked against the certificate; IP literals: no SNI, IP SAN.
      o.servername = opts.servername && !isIP(opts.servername) ? opts.servername : '';
      if (opts.servername) {
        const name = opts.servername;
        o.checkServerIdentity = (_h, cert) => checkServerIdentity(name, cert);
      }
    }
    const req = (opts.tls === false ? httpRequest : httpsRequest)(o, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), elapsedMs: performance.now() - t0 }),
      );
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ headers: {}, body: '', error: e.code ?? e.message, elapsedMs: performance.now() - t0 }));
    req.end();
  });
}

// ------------------------------------------------------------------ table coverage

describe('scenario table', () => {
  it('covers every discovery step of the spec (A2: 1, 2, 3.1-3.5, 4, 5, 6)', () => {
    const steps = new Set(table.map((s) => s.expect.step));
    for (const step of ['ip-literal', 'explicit-port', 'well-known-ip', 'well-known-port', 'well-known-srv', 'well-known-srv-legacy', 'well-known-default', 'srv', 'srv-legacy', 'default']) {
      expect(steps, step).toContain(step);
    }
  });

  it('covers every failure kind of the issue', () => {
    const hosts = table.flatMap((s) => s.hosts);
    for (const kind of ['good', 'expired', 'wrong-name', 'self-signed', 'no-intermediate', 'leaf-only']) {
      expect(hosts.some((h) => (h.cert ?? 'good') === kind), kind).toBe(true);
    }
    const has = (id: string) => table.some((s) => s.id === id);
    for (const id of ['cert-srv-target', 'refused', 'timeout', 'srv-dot', 'srv-servfail', 'srv-cname', 'srv-legacy', 'wk-ip', 'explicit-port', 'wk-xss', 'split-dns', 'wk-redirect', 'wk-redirect-chain', 'wk-redirect-loop', 'wk-500', 'wk-invalid-json', 'wk-oversize', 'wk-no-cors', 'keys-bad-signature', 'keys-wrong-server-name', 'keys-expired', 'ip-literal-v6']) {
      expect(has(id), id).toBe(true);
    }
    const routes = hosts.flatMap((h) => Object.entries(h.routes ?? {}));
    expect(routes.some(([, r]) => r.status === 404)).toBe(true);
    expect(routes.some(([p]) => p === '/_matrix/client/versions')).toBe(true);
    expect(routes.some(([p]) => p === '/.well-known/matrix/support')).toBe(true);
    expect(routes.some(([p]) => p === '/.well-known/matrix/client')).toBe(true);
  });

  it('covers the calls (MatrixRTC) and support cases of issue 13, each with its expected area status', () => {
    const areasOf = (id: string) => rig.scenarios.find((s) => s.id === id)?.expect.areas;
    expect(areasOf('rtc-ready')).toMatchObject({ rtc: 'pass' });
    expect(areasOf('rtc-absent')).toMatchObject({ rtc: 'info' });
    expect(areasOf('rtc-transports-no-cors')).toMatchObject({ rtc: 'warn' });
    expect(areasOf('rtc-legacy-foci')).toMatchObject({ rtc: 'warn' });
    expect(areasOf('rtc-service-down')).toMatchObject({ rtc: 'fail' });
    expect(areasOf('rtc-service-no-cors')).toMatchObject({ rtc: 'fail' });
    expect(areasOf('rtc-features-missing')).toMatchObject({ rtc: 'warn' });
    expect(areasOf('support-extended')).toMatchObject({ support: 'pass' });
    expect(areasOf('support-unreachable-contact')).toMatchObject({ support: 'warn' });
  });

  it('names only check ids the checker registry knows', async () => {
    const { CHECK_HEADS } = await import('../../src/checker/registry.ts');
    const known = new Set(CHECK_HEADS.map((m) => m.id));
    for (const s of table) for (const id of s.expect.checks ?? []) expect(known.has(id), `${s.id}: ${id}`).toBe(true);
  });

  it('gives every scenario its own address and a verdict', () => {
    const v4 = enabled.filter((s) => s.address !== '::1').map((s) => s.address);
    expect(new Set(v4).size).toBe(v4.length);
    for (const s of rig.scenarios) expect(['pass', 'warn', 'fail']).toContain(s.expect.verdict);
  });
});

// ------------------------------------------------------------------ DNS

/** The `servfail` names of every row, with the row (whose own name still resolves). */
const servfailNames = enabled.flatMap((s) => s.servfail.map((name) => ({ s, name })));

const recordsOf = (zone: 'a' | 'b') => enabled.flatMap((s) => s.dns.filter((r) => r.zones.includes(zone)).map((r) => ({ s, r })));

function resolverFor(server: string) {
  const r = new Resolver({ timeout: 2000, tries: 1 });
  r.setServers([server]);
  return r;
}

/** What a record looks like in node:dns / JSON / wire answers, normalised to zone syntax without trailing dots. */
const norm = (r: ResolvedRecord) => {
  if (r.type === 'SRV') {
    const [p, w, port, t] = r.value.split(/\s+/);
    return `${p} ${w} ${port} ${t === '.' ? '.' : t!.replace(/\.$/, '')}`;
  }
  return r.value.replace(/\.$/, '');
};

async function nodeDns(res: Resolver, name: string, type: string): Promise<string[]> {
  switch (type) {
    case 'A':
      return res.resolve4(name);
    case 'AAAA':
      return res.resolve6(name);
    case 'CNAME':
      return res.resolveCname(name);
    case 'SRV':
      return (await res.resolveSrv(name)).map((x) => `${x.priority} ${x.weight} ${x.port} ${x.name === '' ? '.' : x.name}`);
    case 'TXT':
      return (await res.resolveTxt(name)).map((x) => x.join(''));
  }
  throw new Error(type);
}

async function dohJson(url: string, address: string, name: string, type: string) {
  const u = new URL(url);
  const a = await get({ address, port: 443, servername: u.hostname, path: `${u.pathname}?name=${encodeURIComponent(name)}&type=${type}`, headers: { accept: 'application/dns-json' } });
  expect(a.error).toBeUndefined();
  expect(a.status).toBe(200);
  expect(a.headers['access-control-allow-origin']).toBe('*');
  expect(a.headers['content-type']).toContain('application/dns-json');
  return JSON.parse(a.body) as { Status: number; AD: boolean; Answer?: { name: string; type: number; TTL: number; data: string }[] };
}

async function dohWire(url: string, address: string, name: string, type: string) {
  const u = new URL(url);
  const q = Buffer.from(dnsPacket.encode({ type: 'query', id: 0, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: type as 'A', name }] }));
  const a = await new Promise<{ status?: number; headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
    const req = httpsRequest(
      { host: address, port: 443, servername: u.hostname, ca, agent: false, path: `${u.pathname}?dns=${q.toString('base64url')}`, headers: { host: u.hostname, accept: 'application/dns-message' } },
      (res) => {
        const c: Buffer[] = [];
        res.on('data', (x: Buffer) => c.push(x));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(c) }));
      },
    );
    req.on('error', reject);
    req.end();
  });
  expect(a.status).toBe(200);
  expect(a.headers['access-control-allow-origin']).toBe('*');
  expect(a.headers['content-type']).toBe('application/dns-message');
  return dnsPacket.decode(a.body);
}

const TYPE_NUM: Record<string, number> = { A: 1, AAAA: 28, CNAME: 5, SRV: 33, TXT: 16 };

function wireValues(p: ReturnType<typeof dnsPacket.decode>, name: string, type: string): string[] {
  return (p.answers ?? [])
    .filter((a) => a.type === type && a.name.toLowerCase() === name)
    .map((a) => {
      const d = (a as { data: unknown }).data;
      if (type === 'SRV') {
        const s = d as { priority: number; weight: number; port: number; target: string };
        return `${s.priority} ${s.weight} ${s.port} ${s.target === '.' || s.target === '' ? '.' : s.target}`;
      }
      return String(d);
    });
}

const jsonValues = (j: Awaited<ReturnType<typeof dohJson>>, name: string, type: string) =>
  (j.Answer ?? []).filter((a) => a.type === TYPE_NUM[type] && a.name === `${name}.`).map((a) => a.data.replace(/\.$/, '').replace(/ \.$/, ' .').replace(/^(\d+ \d+ \d+) $/, '$1 .'));

const dohAddr = (url: string) => rig.hosts[new URL(url).hostname]![0]!;

describe('DNS: knot answers every record of the table', () => {
  for (const zone of ['a', 'b'] as const) {
    it(`zone ${zone} via node:dns`, async () => {
      const res = resolverFor(zone === 'a' ? rig.dns.server : rig.dns.alt);
      for (const { s, r } of recordsOf(zone)) {
        const got = await nodeDns(res, r.name, r.type).catch((e: NodeJS.ErrnoException) => [e.code!]);
        expect(got, `${s.id}: ${r.name} ${r.type}`).toContain(norm(r));
      }
    });
  }

  it('servfail names are SERVFAIL on both knots, while the row\'s name resolves', async () => {
    expect(servfailNames.length).toBeGreaterThan(0);
    for (const server of [rig.dns.server, rig.dns.alt]) {
      const res = resolverFor(server);
      for (const { s, name } of servfailNames) {
        await expect(res.resolveSrv(name), `${s.id} ${server}`).rejects.toMatchObject({ code: 'ESERVFAIL' });
        expect(await res.resolve4(s.serverName), `${s.id} ${server}`).toEqual([s.address]);
      }
    }
  });

  it('names of rows without records are NXDOMAIN', async () => {
    const res = resolverFor(rig.dns.server);
    for (const s of enabled.filter((x) => x.dns.length === 0 && x.serverName.endsWith('.fed.test'))) {
      await expect(res.resolve4(s.serverName), s.id).rejects.toMatchObject({ code: 'ENOTFOUND' });
    }
  });

  it('the blackhole DNS server never answers', async () => {
    const res = new Resolver({ timeout: 300, tries: 1 });
    res.setServers([rig.dns.blackhole]);
    await expect(res.resolve4('good.fed.test')).rejects.toMatchObject({ code: 'ETIMEOUT' });
  });
});

describe('DoH: wire (dnsdist) and JSON (ours) answer like knot', () => {
  it('wire GET on doh.fed.test (zone a)', async () => {
    for (const { s, r } of recordsOf('a')) {
      const p = await dohWire(rig.doh.wire, dohAddr(rig.doh.wire), r.name, r.type);
      expect(wireValues(p, r.name, r.type), `${s.id}: ${r.name} ${r.type}`).toContain(norm(r));
    }
  });

  it('JSON on doh-json.fed.test (zone a), Google/Cloudflare shape', async () => {
    for (const { s, r } of recordsOf('a')) {
      const j = await dohJson(rig.doh.json, dohAddr(rig.doh.json), r.name, r.type);
      expect(j.Status).toBe(0);
      expect(typeof j.AD).toBe('boolean');
      expect(jsonValues(j, r.name, r.type), `${s.id}: ${r.name} ${r.type}`).toContain(norm(r));
      for (const a of j.Answer ?? []) expect(a).toEqual({ name: expect.any(String), type: expect.any(Number), TTL: expect.any(Number), data: expect.any(String) });
    }
  });

  it('JSON and wire on doh-alt.fed.test serve zone b', async () => {
    for (const { s, r } of recordsOf('b')) {
      const j = await dohJson(rig.doh.altJson, dohAddr(rig.doh.altJson), r.name, r.type);
      expect(jsonValues(j, r.name, r.type), `${s.id}: ${r.name} ${r.type}`).toContain(norm(r));
    }
    const split = enabled.find((s) => s.id === 'split-dns')!;
    const w = await dohWire(rig.doh.altWire, dohAddr(rig.doh.altWire), split.serverName, 'A');
    expect(wireValues(w, split.serverName, 'A')).toEqual(split.dns.filter((r) => r.zones.includes('b')).map((r) => r.value));
  });

  it('the resolvers disagree on split-dns and only there', async () => {
    const split = enabled.find((s) => s.id === 'split-dns')!;
    const a = await dohJson(rig.doh.json, dohAddr(rig.doh.json), split.serverName, 'A');
    const b = await dohJson(rig.doh.altJson, dohAddr(rig.doh.altJson), split.serverName, 'A');
    expect(a.Answer![0]!.data).not.toBe(b.Answer![0]!.data);
    const onlyOne = enabled.flatMap((s) => s.dns).filter((r) => r.zones.length === 1);
    expect(new Set(onlyOne.map((r) => r.name))).toEqual(new Set([split.serverName]));
  });

  it('servfail names are rcode 2 on every DoH endpoint, the row\'s name is NOERROR', async () => {
    for (const { s, name } of servfailNames) {
      for (const url of [rig.doh.wire, rig.doh.altWire]) {
        expect((await dohWire(url, dohAddr(url), name, 'SRV')).rcode, `${s.id} ${url}`).toBe('SERVFAIL');
        const a = await dohWire(url, dohAddr(url), s.serverName, 'A');
        expect({ rcode: a.rcode, values: wireValues(a, s.serverName, 'A') }, `${s.id} ${url}`).toEqual({ rcode: 'NOERROR', values: [s.address] });
      }
      for (const url of [rig.doh.json, rig.doh.altJson]) {
        expect((await dohJson(url, dohAddr(url), name, 'SRV')).Status, `${s.id} ${url}`).toBe(2);
        expect((await dohJson(url, dohAddr(url), s.serverName, 'A')).Status, `${s.id} ${url}`).toBe(0);
      }
    }
  });

  it('NXDOMAIN is Status 3 in JSON', async () => {
    const j = await dohJson(rig.doh.json, dohAddr(rig.doh.json), 'nxdomain.fed.test', 'A');
    expect(j.Status).toBe(3);
  });

  it('preflight: ours answers 204 with CORS', async () => {
    const a = await get({ address: dohAddr(rig.doh.json), port: 443, servername: 'doh-json.fed.test', path: '/resolve', method: 'OPTIONS' });
    expect(a.status).toBe(204);
    expect(a.headers['access-control-allow-origin']).toBe('*');
  });
});

// ------------------------------------------------------------------ HTTPS

const TLS_ERROR: Record<string, string> = {
  expired: 'CERT_HAS_EXPIRED',
  'self-signed': 'DEPTH_ZERO_SELF_SIGNED_CERT',
  'no-intermediate': 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'leaf-only': 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'wrong-name': 'ERR_TLS_CERT_ALTNAME_INVALID',
};

function expectedTlsError(h: ResolvedHost, name: string): string | undefined {
  const c = h.cert!;
  if (c.kind !== 'good') return TLS_ERROR[c.kind];
  return c.names.includes(name) ? undefined : 'ERR_TLS_CERT_ALTNAME_INVALID';
}

const bracketed = (name: string) => (name.includes(':') ? `[${name}]` : name);
const hostHeader = (name: string, port: number) => (port === 443 || port === 80 ? bracketed(name) : `${bracketed(name)}:${port}`);

/** What a client that reaches this host sends: without the port where the host rejects it. */
const workingHostHeader = (h: ResolvedHost, name: string, port: number) =>
  h.hostWithPortStatus === undefined ? hostHeader(name, port) : bracketed(name);

describe('HTTPS: every host answers as its row says', () => {
  for (const s of enabled) {
    const live = s.hosts.filter((h) => !h.tarpit);
    if (!live.length) continue;
    it(`${s.id}`, async () => {
      for (const h of live) {
        for (const port of h.ports) {
          for (const name of h.names) {
            const base = { address: h.address, port, servername: name, host: workingHostHeader(h, name, port), tls: h.tls };
            if (h.tls) {
              // Certificate as the row says, verified with the test CA like a client would.
              const strict = await get({ ...base, path: '/' });
              const want = expectedTlsError(h, name);
              expect(strict.error, `${s.id} ${name}:${port} TLS`).toBe(want);
            }
            const loose = { ...base, rejectUnauthorized: false };
            for (const r of h.routes) {
              const what = `${s.id} ${name}:${port}${r.path}`;
              if (r.hang) {
                expect((await get({ ...loose, path: r.path, timeoutMs: 1000 })).error, what).toBe('ETIMEDOUT');
                continue;
              }
              const a = await get({ ...loose, path: r.path });
              expect(a.error, what).toBeUndefined();
              expect(a.status, what).toBe(r.status);
              expect(a.headers['access-control-allow-origin'], `${what} CORS`).toBe(r.cors ? '*' : undefined);
              if (r.redirect !== undefined) {
                expect(a.headers.location, what).toBe(r.redirect);
                continue;
              }
              expect(a.headers['content-type'], what).toBe(r.contentType);
              expect(a.body, what).toBe(r.body);
              // Per-method answers (e.g. lk-jwt-service's 200 to a preflight), with the route's CORS.
              for (const [method, answer] of Object.entries(r.methods)) {
                const m = await get({ ...loose, path: r.path, method, headers: { origin: 'https://fedcheck.test', 'access-control-request-method': 'POST' } });
                expect(m.status, `${what} ${method}`).toBe(answer.status);
                expect(m.headers['access-control-allow-origin'], `${what} ${method} CORS`).toBe(r.cors ? '*' : undefined);
              }
              if (r.keys) {
                const body = JSON.parse(a.body) as Record<string, unknown>;
                const signer = body.server_name as string;
                expect(verifyJson(body, signer, r.keys.keyId, Buffer.from(r.keys.publicKey, 'base64')), `${what} signature`).toBe(r.keys.signatureValid);
                if (r.keys.variant === 'wrong-server-name') expect(signer).not.toBe(r.keys.serverName);
                else expect(signer).toBe(r.keys.serverName);
                const until = body.valid_until_ts as number;
                expect(until < Date.now(), `${what} expired`).toBe(r.keys.variant === 'expired');
                if (r.keys.variant === 'padded-signature') {
                  expect(((body.signatures as Record<string, Record<string, string>>)[signer]![r.keys.keyId])).toMatch(/=$/);
                }
              }
            }
            // A proxy matching Host exactly: the same paths with the port in Host are refused.
            if (h.hostWithPortStatus !== undefined) {
              for (const r of h.routes) {
                const a = await get({ ...loose, path: r.path, host: `${bracketed(name)}:${port}` });
                expect(a.status, `${s.id} ${name}:${port}${r.path} with the port in Host`).toBe(h.hostWithPortStatus);
              }
            }
            // Anything else: 404 M_UNRECOGNIZED, with CORS, and CORS preflight answered.
            if (!h.routes.some((r) => r.path === '/')) {
              const nf = await get({ ...loose, path: '/_matrix/nothing-here' });
              expect(nf.status).toBe(404);
              expect(JSON.parse(nf.body)).toMatchObject({ errcode: 'M_UNRECOGNIZED' });
            }
            const pre = h.routes[0];
            if (pre) {
              const o = await get({ ...loose, path: pre.path, method: 'OPTIONS', headers: { origin: 'https://fedcheck.test', 'access-control-request-method': 'GET' } });
              if (pre.cors) {
                expect(o.status, `${s.id} OPTIONS ${pre.path}`).toBe(pre.methods.OPTIONS?.status ?? 204);
                expect(o.headers['access-control-allow-origin']).toBe('*');
              } else {
                expect(o.headers['access-control-allow-origin']).toBeUndefined();
              }
            }
          }
        }
      }
    });
  }

  it('oversize well-known body is valid JSON over 50 KiB', () => {
    const r = enabled.find((s) => s.id === 'wk-oversize')!.hosts[0]!.routes[0]!;
    expect(r.bodyBytes!).toBeGreaterThan(50 * 1024);
    expect(() => JSON.parse(r.body!)).not.toThrow();
  });

  it('NODE_EXTRA_CA_CERTS reaches test workers: a good host verifies without an explicit CA', async () => {
    expect(process.env.NODE_EXTRA_CA_CERTS).toBe(rig.ca.root);
    expect(process.env.FEDCHECK_DNS_SERVERS).toBe(rig.dns.server);
    const s = enabled.find((x) => x.id === 'good')!;
    const a = await get({ address: s.address, port: 443, servername: 'good.fed.test', path: '/.well-known/matrix/server', ca: null });
    expect(a.error).toBeUndefined();
    expect(a.status).toBe(200);
  });
});

describe('sign-in rows: what an OAuth client reads, on the wire', () => {
  const signIn = enabled.filter((s) => s.id.startsWith('auth-'));

  it('covers every sign-in case of the issue, each with its expected auth area', () => {
    const ids = ['auth-good', 'auth-missing-field', 'auth-issuer-mismatch', 'auth-metadata-no-cors', 'auth-issuer-no-cors', 'auth-jwks-unreachable', 'auth-unstable-only', 'auth-issuer-only', 'auth-none'];
    expect(signIn.map((s) => s.id).sort()).toEqual([...ids].sort());
    for (const s of signIn) expect(s.expect.areas?.auth, s.id).toBeDefined();
  });

  /** A route of the row, found by host name prefix and path. */
  const routeOf = (s: ResolvedScenario, hostPrefix: string, path: string) => {
    const host = s.hosts.find((h) => h.names[0]!.startsWith(hostPrefix))!;
    return { host, route: host.routes.find((r) => r.path === path) };
  };

  for (const s of signIn) {
    it(`${s.id}: every route's OAuth document and browser preflight`, async () => {
      for (const h of s.hosts) {
        for (const r of h.routes) {
          const base = { address: h.address, port: 443, servername: h.names[0]!, path: r.path };
          const o = await get({ ...base, method: 'OPTIONS', headers: { origin: 'https://fedcheck.test', 'access-control-request-method': 'GET' } });
          expect(o.headers['access-control-allow-origin'], `${s.id} OPTIONS ${h.names[0]}${r.path}`).toBe(r.cors ? '*' : undefined);
          if (r.path.includes('auth_metadata') || r.path.endsWith('openid-configuration')) {
            const doc = JSON.parse((await get(base)).body) as Record<string, unknown>;
            expect(String(doc.issuer), `${s.id} ${r.path}`).toMatch(/^https:\/\/auth\.auth-[\w-]+\.fed\.test\/?$/);
          }
        }
      }
    });
  }

  it('the issuer mismatch is exactly the trailing slash; the missing field is missing; the JWKS host does not resolve', async () => {
    const mismatch = enabled.find((s) => s.id === 'auth-issuer-mismatch')!;
    const announced = JSON.parse(routeOf(mismatch, 'auth-', '/_matrix/client/unstable/org.matrix.msc2965/auth_issuer').route!.body!);
    const own = JSON.parse(routeOf(mismatch, 'auth.', '/.well-known/openid-configuration').route!.body!);
    expect(announced.issuer).toBe(`${own.issuer}/`);
    const missing = enabled.find((s) => s.id === 'auth-missing-field')!;
    expect(JSON.parse(routeOf(missing, 'auth-', '/_matrix/client/v1/auth_metadata').route!.body!)).not.toHaveProperty('revocation_endpoint');
    const jwks = enabled.find((s) => s.id === 'auth-jwks-unreachable')!;
    const uri = new URL(JSON.parse(routeOf(jwks, 'auth-', '/_matrix/client/v1/auth_metadata').route!.body!).jwks_uri);
    await expect(resolverFor(rig.dns.server).resolve4(uri.hostname)).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });

  it('only-unstable and only-auth_issuer rows answer 404 M_UNRECOGNIZED on the stable endpoint', async () => {
    for (const id of ['auth-unstable-only', 'auth-issuer-only', 'auth-none']) {
      const s = enabled.find((row) => row.id === id)!;
      const a = await get({ address: s.address, port: 443, servername: s.serverName, path: '/_matrix/client/v1/auth_metadata' });
      expect(a.status, id).toBe(404);
      expect(JSON.parse(a.body)).toMatchObject({ errcode: 'M_UNRECOGNIZED' });
    }
  });
});

describe('connection failures', () => {
  it('closed ports refuse connections', async () => {
    const all = enabled.flatMap((s) => s.closed.map((hp) => ({ s, hp })));
    expect(all.length).toBeGreaterThan(20);
    for (const { s, hp } of all) {
      const i = hp.lastIndexOf(':');
      const address = hp.slice(0, i).replace(/^\[|\]$/g, '');
      const code = await new Promise<string>((resolve) => {
        const c = connect({ host: address, port: Number(hp.slice(i + 1)) });
        c.once('connect', () => {
          c.destroy();
          resolve('connected');
        });
        c.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
      });
      expect(code, `${s.id} ${hp}`).toBe('ECONNREFUSED');
    }
  });

  it('tarpits accept TCP and never complete a TLS handshake', async () => {
    const tarpits = enabled.flatMap((s) => s.hosts.filter((h) => h.tarpit).flatMap((h) => h.ports.map((port) => ({ s, h, port }))));
    expect(tarpits.length).toBeGreaterThanOrEqual(2);
    await Promise.all(
      tarpits.map(async ({ s, h, port }) => {
        const result = await new Promise<string>((resolve) => {
          let connected = false;
          const sock = tlsConnect({ host: h.address, port, servername: h.names[0], ca });
          sock.once('secureConnect', () => resolve('handshake completed'));
          sock.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
          sock.on('data', () => resolve('data'));
          // net-level connect happened if the socket is writable after a tick
          setTimeout(() => {
            connected = !sock.connecting;
            sock.destroy();
            resolve(connected ? 'hung' : 'not connected');
          }, 400);
        });
        expect(result, `${s.id} ${h.address}:${port}`).toBe('hung');
      }),
    );
  });
});

// ------------------------------------------------------------------ browser hand-off

describe('browser hand-off', () => {
  it('hostResolverRules maps every rig name and nothing else', () => {
    const rules = rig.hostResolverRules.split(', ');
    expect(rules.slice(-3)).toEqual(['MAP * ~NOTFOUND', 'EXCLUDE localhost', 'EXCLUDE 127.*']);
    for (const name of ['good.fed.test', 'doh.fed.test', 'doh-json.fed.test', 'doh-alt.fed.test', 'cname.fed.test', 'matrix.wk-cname.fed.test']) {
      expect(rules.some((r) => r.startsWith(`MAP ${name} `)), name).toBe(true);
    }
    expect(rules.some((r) => r.startsWith('MAP nxdomain.fed.test'))).toBe(false);
    if (rig.slot === 0) expect(rules).toContain(`MAP ipv6.fed.test [::1]`);
    expect(rules).toContain(`MAP good.fed.test ${enabled.find((s) => s.id === 'good')!.address}`);
  });

  it('the NSS db in the rig HOME trusts the test CA', () => {
    const out = execFileSync('certutil', ['-L', '-d', `sql:${rig.nss.db}`]).toString();
    expect(out).toMatch(/fedcheck-test\s+C,,/);
    expect(rig.nss.db).toBe(`${rig.nss.home}/.pki/nssdb`);
  });

  it('state.json on disk matches the provided state', () => {
    const disk = JSON.parse(readFileSync(rig.stateFile, 'utf8')) as RigState;
    expect(disk.pids).toEqual(rig.pids);
    expect(process.env.FEDCHECK_RIG_STATE).toBe(rig.stateFile);
  });
});

// ------------------------------------------------------------------ lifecycle

describe('lifecycle', () => {
  it('the shared rig is up: every process it started is alive', () => {
    // Its startup time is a figure for the log, not an assertion: timings belong in `npm run bench`.
    console.log(`rig startup: ${rig.startupMs} ms (CA ${rig.ca.reused ? 'reused' : 'new'}, timings ${JSON.stringify(rig.timings)}, load ${loadavg()[0]!.toFixed(1)})`);
    expect(Object.keys(rig.pids).length).toBeGreaterThan(0);
    for (const pid of Object.values(rig.pids)) expect(pidAlive(pid)).toBe(true);
  });

  it('a second rig (other slot) injects latency and stops leaving no process behind', async () => {
    const second = await startRig({ latencyMs: 150 });
    const st = second.state;
    let pids: number[] = [];
    try {
      expect(st.slot).not.toBe(rig.slot);
      expect(st.net.scenarios).not.toBe(rig.net.scenarios);
      pids = Object.values(st.pids);
      // knot a and b, nginx, dnsdist, the helper, the notary stand-in and the validating unbound.
      expect(Object.keys(st.pids).sort()).toEqual(['dnsdist', 'helper', 'knot-a', 'knot-b', 'nginx', 'notary', 'unbound']);
      for (const pid of pids) expect(pidAlive(pid)).toBe(true);
      // DNS answer delayed
      const res = resolverFor(st.dns.server);
      let t0 = performance.now();
      expect(await res.resolve4('good.fed.test')).toEqual([st.scenarios.find((s) => s.id === 'good')!.address]);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
      // HTTPS answer delayed (handshake + response: at least 2 x latency)
      const good = st.scenarios.find((s) => s.id === 'good')!;
      const a = await get({ address: good.address, port: 443, servername: 'good.fed.test', path: '/.well-known/matrix/server', ca: readFileSync(st.ca.root) });
      expect(a.error).toBeUndefined();
      expect(a.status).toBe(200);
      expect(a.elapsedMs).toBeGreaterThanOrEqual(290);
      // DoH also delayed
      t0 = performance.now();
      const u = new URL(st.doh.json);
      const d = await get({ address: st.hosts[u.hostname]![0]!, port: 443, servername: u.hostname, path: `${u.pathname}?name=good.fed.test&type=A`, ca: readFileSync(st.ca.root) });
      expect(d.status).toBe(200);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    } finally {
      await second.stop();
    }
    for (const pid of pids) expect(pidAlive(pid), `pid ${pid}`).toBe(false);
    // Nothing listens on its addresses any more.
    const good = st.scenarios.find((s) => s.id === 'good')!;
    const after = await get({ address: good.address, port: 443, servername: 'good.fed.test', path: '/', ca: null });
    expect(after.error).toBe('ECONNREFUSED');
  });
});

export type { ResolvedScenario };
