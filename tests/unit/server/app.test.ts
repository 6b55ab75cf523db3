import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { serve, type ServerType } from '@hono/node-server';
import packageJson from '../../../package.json' with { type: 'json' };
import type { NodeAdapters } from '../../../src/adapters/node/index.ts';
import type { runCheck } from '../../../src/checker/check.ts';
import { REPORT_SCHEMA, type Report } from '../../../src/checker/report.ts';
import { precompressSite } from '../../../src/build/precompress.ts';
import { createApp, type AppOptions } from '../../../src/server/app.ts';
import { loadConfig, type ServerConfig } from '../../../src/server/config.ts';

let root: string;
let siteDir: string;

/** The fixture home page's inline script and the hash that allows it (MDN's example). */
const homeScript = "alert('Hello, world.');";
const homeScriptHash = "'sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng='";

/** Makes a fixture long enough for compressed copies that are smaller than it. */
const filler = (text: string) => text.repeat(40);

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'fedcheck-site-'));
  siteDir = path.join(root, 'dist');
  const files: Record<string, string | Uint8Array> = {
    'index.html': `<!doctype html><title>home</title><script>${homeScript}</script>${filler('<p>Matrix federation, checked against the spec.</p>')}`,
    '404.html': `<!doctype html><title>not found</title>${filler('<p>No page here.</p>')}`,
    'docs/guide/index.html': '<!doctype html><title>guide</title>',
    'de/index.html': `<!doctype html><html lang="de"><title>Startseite</title><script>${homeScript}</script></html>`,
    'de/404/index.html': `<!doctype html><html lang="de"><title>Seite nicht gefunden</title>${filler('<p>Hier ist keine Seite.</p>')}</html>`,
    '_astro/page.abc123.js': 'export {}',
    '_astro/common.abc123.css': `body{}${filler('.sl-markdown-content p{margin-block:1rem}')}`,
    'favicon.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
    'pagefind/pagefind-entry.json': '{}',
    'hero.png': new Uint8Array(4096),
  };
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(siteDir, name)), { recursive: true });
    writeFileSync(path.join(siteDir, name), content);
  }
  writeFileSync(path.join(root, 'secret.txt'), 'outside the site');
  await precompressSite(siteDir);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function fakeReport(serverName: string): Report {
  return { schema: REPORT_SCHEMA, serverName, checkedAt: new Date(0).toISOString(), source: 'proxy', durationMs: 1, verdict: 'pass', areas: {}, resolution: null, steps: [], checks: [], connections: [] };
}

interface Harness {
  app: ReturnType<typeof createApp>;
  log: string[];
  calls: { serverName: string; deps: Parameters<typeof runCheck>[1] }[];
}

function harness(overrides: Partial<ServerConfig> = {}, check?: AppOptions['check']): Harness {
  const log: string[] = [];
  const calls: Harness['calls'] = [];
  const config = { ...loadConfig({}), siteDir, ...overrides };
  const app = createApp({
    config,
    log: (line) => log.push(line),
    adapters: { dns: {}, http: {}, prober: {} } as unknown as NodeAdapters,
    check:
      check ??
      (async (serverName, deps) => {
        calls.push({ serverName, deps });
        return fakeReport(serverName);
      }),
  });
  return { app, log, calls };
}

const from = (address: string) => ({ incoming: { socket: { remoteAddress: address } } });

describe('proxy API', () => {
  it('GET /api/v1/health says a proxy is here, with CORS for any origin', async () => {
    const { app } = harness();
    const response = await app.request('/api/v1/health', { headers: { origin: 'https://elsewhere.example' } }, from('192.0.2.1'));
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(await response.json()).toEqual({ ok: true, version: packageJson.version, allowPrivate: false });
  });

  it('GET /api/v1/health says when the proxy connects to private addresses (FEDCHECK_ALLOW_PRIVATE)', async () => {
    const { app } = harness({ allowPrivate: true });
    expect(await (await app.request('/api/v1/health', {}, from('192.0.2.1'))).json()).toMatchObject({ ok: true, allowPrivate: true });
  });

  it('GET /api/v1/report runs the checker with source "proxy", the deadline and the policy', async () => {
    const { app, calls } = harness({ reportTimeoutMs: 7000, allowPrivate: true });
    const response = await app.request('/api/v1/report?server_name=example.org', {}, from('192.0.2.1'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(await response.json()).toEqual(fakeReport('example.org'));
    expect(calls).toHaveLength(1);
    expect(calls[0].serverName).toBe('example.org');
    expect(calls[0].deps).toMatchObject({ source: 'proxy', timeoutMs: 7000, allowPrivateAddresses: true });
    expect(calls[0].deps.signal).toBeInstanceOf(AbortSignal);
  });

  it.each([
    ['', 'missing_server_name', /server_name=NAME/],
    ['?server_name=', 'missing_server_name', /server_name=NAME/],
    ['?server_name=https://example.org', 'invalid_server_name', /no scheme/],
    ['?server_name=a:b:c', 'invalid_server_name', /more than one ":"/],
    ['?server_name=ex%20ample.org', 'invalid_server_name', /only letters, digits/],
    ['?server_name=example.org:99999', 'invalid_server_name', /port/],
  ])('answers 400 with the parser’s message for %j', async (query, code, message) => {
    const { app, calls } = harness();
    const response = await app.request(`/api/v1/report${query}`, {}, from('192.0.2.1'));
    expect(response.status).toBe(400);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    expect(body.error.message).toMatch(message);
    expect(calls).toHaveLength(0);
  });

  it('answers 429 with Retry-After once a client used its burst, and still serves other clients', async () => {
    const { app } = harness({ rateLimit: { burst: 2, windowMs: 60_000 } });
    const ask = (address: string) => app.request('/api/v1/report?server_name=example.org', {}, from(address));
    expect((await ask('192.0.2.1')).status).toBe(200);
    expect((await ask('192.0.2.1')).status).toBe(200);
    const limited = await ask('192.0.2.1');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('30');
    expect(limited.headers.get('access-control-allow-origin')).toBe('*');
    expect(await limited.json()).toMatchObject({ error: { code: 'rate_limited' } });
    expect((await ask('192.0.2.2')).status).toBe(200);
    // One IPv6 subscriber is one client, whichever address of its /64 it uses.
    expect((await ask('2001:db8:1:2::1')).status).toBe(200);
    expect((await ask('2001:db8:1:2::2')).status).toBe(200);
    expect((await ask('2001:db8:1:2::3')).status).toBe(429);
    // Health checks are not reports and are never limited.
    expect((await app.request('/api/v1/health', {}, from('192.0.2.1'))).status).toBe(200);
  });

  it('keys the rate limit on X-Forwarded-For only when FEDCHECK_TRUST_PROXY=1', async () => {
    const ask = (app: Harness['app'], forwardedFor: string) =>
      app.request('/api/v1/report?server_name=example.org', { headers: { 'x-forwarded-for': forwardedFor } }, from('127.0.0.1'));
    const direct = harness({ rateLimit: { burst: 1, windowMs: 60_000 } });
    expect((await ask(direct.app, '198.51.100.1')).status).toBe(200);
    expect((await ask(direct.app, '198.51.100.2')).status).toBe(429);
    const proxied = harness({ rateLimit: { burst: 1, windowMs: 60_000 }, trustProxy: true });
    expect((await ask(proxied.app, '198.51.100.1')).status).toBe(200);
    expect((await ask(proxied.app, 'spoofed, 198.51.100.2')).status).toBe(200);
    expect((await ask(proxied.app, '203.0.113.9, 198.51.100.2')).status).toBe(429);
    expect(proxied.log.at(-1)).toContain(' 198.51.100.2 "GET /api/v1/report?server_name=example.org" 429 ');
  });

  it('does not rate-limit when FEDCHECK_RATE_LIMIT=off', async () => {
    const { app } = harness({ rateLimit: null });
    for (let i = 0; i < 50; i++) expect((await app.request('/api/v1/report?server_name=example.org', {}, from('192.0.2.1'))).status).toBe(200);
  });

  it('runs the checker once for clients asking for the same name at once, and reuses the report as configured', async () => {
    const { app, calls } = harness({ rateLimit: null });
    const responses = await Promise.all([1, 2, 3].map((n) => app.request('/api/v1/report?server_name=example.org', {}, from(`192.0.2.${n}`))));
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200]);
    expect(calls).toHaveLength(1);
    await app.request('/api/report?server_name=example.org', {}, from('192.0.2.4'));
    expect(calls).toHaveLength(1);

    const unshared = harness({ rateLimit: null, reportReuseMs: 0 });
    for (let i = 0; i < 2; i++) await unshared.app.request('/api/v1/report?server_name=example.org', {}, from('192.0.2.1'));
    expect(unshared.calls).toHaveLength(2);
  });

  /** A checker whose reports finish when the test says, one release per server name. */
  const heldReports = () => {
    const started: string[] = [];
    const releases = new Map<string, () => void>();
    const check: AppOptions['check'] = (serverName) =>
      new Promise((resolve) => {
        started.push(serverName);
        releases.set(serverName, () => resolve(fakeReport(serverName)));
      });
    return { started, check, release: (serverName: string) => releases.get(serverName)!() };
  };
  const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

  it('queues reports beyond the concurrency cap and starts them in arrival order; 503 with Retry-After once the queue is full', async () => {
    const held = heldReports();
    const { app } = harness({ maxConcurrentReports: 2, maxQueuedReports: 2, rateLimit: null }, held.check);
    const ask = (serverName: string) => app.request(`/api/v1/report?server_name=${serverName}`, {}, from('192.0.2.1'));
    const asked = ['a.example', 'b.example', 'c.example', 'd.example'].map((name) => ask(name));
    await settle();
    expect(held.started).toEqual(['a.example', 'b.example']);
    const busy = await ask('e.example');
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('5');
    expect(await busy.json()).toEqual({ error: { code: 'busy', message: 'the proxy is running 2 reports and 2 more are waiting; try again in a few seconds' } });
    held.release('b.example');
    await settle();
    expect(held.started).toEqual(['a.example', 'b.example', 'c.example']);
    held.release('a.example');
    await settle();
    expect(held.started).toEqual(['a.example', 'b.example', 'c.example', 'd.example']);
    held.release('c.example');
    held.release('d.example');
    expect((await Promise.all(asked)).map((r) => r.status)).toEqual([200, 200, 200, 200]);
  });

  it('answers 503 with Retry-After to a request that waited its whole queue time; its report never starts', async () => {
    const held = heldReports();
    const { app } = harness({ maxConcurrentReports: 1, queueTimeoutMs: 100, rateLimit: null }, held.check);
    const running = app.request('/api/v1/report?server_name=a.example', {}, from('192.0.2.1'));
    const late = await app.request('/api/v1/report?server_name=b.example', {}, from('192.0.2.1'));
    expect(late.status).toBe(503);
    expect(late.headers.get('retry-after')).toBe('5');
    expect(await late.json()).toEqual({ error: { code: 'busy', message: 'no report could start within 0.1 s; try again in a few seconds' } });
    held.release('a.example');
    expect((await running).status).toBe(200);
    expect(held.started).toEqual(['a.example']);
  });

  it('is GET only: other methods get 405 with Allow, preflights get CORS', async () => {
    const { app, calls } = harness();
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'HEAD']) {
      const response = await app.request('/api/v1/report?server_name=example.org', { method }, from('192.0.2.1'));
      expect(response.status, method).toBe(405);
      expect(response.headers.get('allow')).toBe('GET');
    }
    expect(calls).toHaveLength(0);
    const preflight = await app.request('/api/v1/report', { method: 'OPTIONS', headers: { origin: 'https://x.example', 'access-control-request-method': 'GET' } }, from('192.0.2.1'));
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET');
  });

  it('answers JSON 404 for unknown API paths and JSON 500 when the checker throws', async () => {
    const { app } = harness({}, async () => {
      throw new Error('boom');
    });
    const missing = await app.request('/api/v2/report', {}, from('192.0.2.1'));
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'not_found' } });
    const original = console.error;
    console.error = () => {};
    try {
      const failed = await app.request('/api/v1/report?server_name=example.org', {}, from('192.0.2.1'));
      expect(failed.status).toBe(500);
      expect(failed.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(await failed.json()).toEqual({ error: { code: 'internal', message: 'the proxy failed to produce an answer' } });
    } finally {
      console.error = original;
    }
  });

  it('cancels the report of a client that hangs up, freeing its place', async () => {
    let cancelled = false;
    const { app } = harness({ maxConcurrentReports: 1 }, (serverName, deps) =>
      new Promise((resolve) => deps.signal!.addEventListener('abort', () => ((cancelled = true), resolve(fakeReport(serverName))))),
    );
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
    await once(server, 'listening');
    try {
      const request = http.get(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/report?server_name=example.org`);
      request.on('error', () => {});
      await new Promise((resolve) => setTimeout(resolve, 100));
      request.destroy();
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(cancelled).toBe(true);
    } finally {
      server.close();
    }
  });

  it('gives back the place in line of a client that hangs up while queued: its report never starts', async () => {
    const held = heldReports();
    const { app, log } = harness({ maxConcurrentReports: 1, maxQueuedReports: 1, rateLimit: null }, held.check);
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
    await once(server, 'listening');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/report?server_name=`;
    const get = (serverName: string) =>
      new Promise<number>((resolve, reject) => http.get(base + serverName, (response) => (response.resume(), resolve(response.statusCode!))).on('error', reject));
    try {
      const running = get('a.example');
      await new Promise((resolve) => setTimeout(resolve, 100));
      const leaving = http.get(`${base}b.example`);
      leaving.on('error', () => {});
      await new Promise((resolve) => setTimeout(resolve, 100));
      leaving.destroy();
      await new Promise((resolve) => setTimeout(resolve, 100));
      // The queue holds one: only a freed place lets this one wait instead of a 503.
      const next = get('c.example');
      await new Promise((resolve) => setTimeout(resolve, 100));
      held.release('a.example');
      await new Promise((resolve) => setTimeout(resolve, 100));
      held.release('c.example');
      expect([await running, await next]).toEqual([200, 200]);
      expect(held.started).toEqual(['a.example', 'c.example']);
      expect(log.find((line) => line.includes('server_name=b.example'))).toMatch(/" 499 \d+ms$/);
    } finally {
      server.close();
    }
  });

  it('logs one line per request: time, client, request, status, duration', async () => {
    const { app, log } = harness();
    await app.request('/api/v1/health?x=1', {}, from('192.0.2.5'));
    await app.request('/nope', {}, from('2001:db8::5'));
    expect(log).toHaveLength(2);
    expect(log[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z 192\.0\.2\.5 "GET \/api\/v1\/health\?x=1" 200 \d+ms$/);
    expect(log[1]).toMatch(/ 2001:db8::5 "GET \/nope" 404 \d+ms$/);
  });
});

describe('static site', () => {
  it.each([
    ['/', 'text/html; charset=utf-8', 'no-cache', 'home'],
    ['/docs/guide/', 'text/html; charset=utf-8', 'no-cache', 'guide'],
    ['/docs/guide', 'text/html; charset=utf-8', 'no-cache', 'guide'],
    ['/_astro/page.abc123.js', 'text/javascript; charset=utf-8', 'public, max-age=31536000, immutable', 'export'],
    ['/_astro/common.abc123.css', 'text/css; charset=utf-8', 'public, max-age=31536000, immutable', 'body'],
    ['/favicon.svg', 'image/svg+xml; charset=utf-8', 'public, max-age=3600', '<svg'],
    ['/pagefind/pagefind-entry.json', 'application/json', 'public, max-age=3600', '{}'],
  ])('serves %s as %s with Cache-Control %s', async (url, type, cache, text) => {
    const { app } = harness();
    const response = await app.request(url, {}, from('192.0.2.1'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(type);
    expect(response.headers.get('cache-control')).toBe(cache);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(await response.text()).toContain(text);
  });

  it('answers unknown paths with the site’s 404 page and status 404', async () => {
    const { app } = harness();
    const response = await app.request('/no/such/page', {}, from('192.0.2.1'));
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(await response.text()).toContain('not found');
  });

  it('answers unknown paths under a language’s folder with that language’s 404 page, others with the English one', async () => {
    const { app } = harness();
    const german = await app.request('/de/no/such/page', {}, from('192.0.2.1'));
    expect(german.status).toBe(404);
    expect(german.headers.get('content-security-policy')).toMatch(/^default-src 'none'/);
    expect(await german.text()).toContain('Seite nicht gefunden');
    for (const path of ['/fr/no/such/page', '/docs/no/such/page']) {
      const other = await app.request(path, {}, from('192.0.2.1'));
      expect(other.status, path).toBe(404);
      expect(await other.text(), path).toContain('not found');
    }
  });

  it('serves a German page with its own policy', async () => {
    const { app } = harness();
    const response = await app.request('/de/', {}, from('192.0.2.1'));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('lang="de"');
    expect(response.headers.get('content-security-policy')).toContain(homeScriptHash);
  });

  describe('security headers', () => {
    const hardening = {
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'cross-origin-opener-policy': 'same-origin',
      'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
    };
    const headersOf = (response: Response) => Object.fromEntries(Object.keys(hardening).map((name) => [name, response.headers.get(name)]));

    it.each([
      ['/', 'br'],
      ['/', 'gzip'],
      ['/index.html', 'identity'],
      ['/docs/guide/', 'identity'],
      ['/docs/guide', 'gzip'],
    ])('gives the page %s (%s) its own Content-Security-Policy and the hardening headers', async (url, encoding) => {
      const { app } = harness();
      const response = await app.request(url, { headers: { 'accept-encoding': encoding } }, from('192.0.2.1'));
      const policy = response.headers.get('content-security-policy');
      expect(policy).toMatch(/^default-src 'none'; script-src 'self' 'wasm-unsafe-eval'/);
      expect(policy).toContain("frame-ancestors 'none'");
      expect(policy?.includes(homeScriptHash)).toBe(!url.startsWith('/docs/guide'));
      expect(headersOf(response)).toEqual(hardening);
      expect(response.headers.get('strict-transport-security')).toBeNull();
    });

    it('gives the 404 page the policy of 404.html', async () => {
      const { app } = harness();
      const response = await app.request('/no/such/page', { headers: { 'accept-encoding': 'gzip' } }, from('192.0.2.1'));
      expect(response.status).toBe(404);
      expect(response.headers.get('content-security-policy')).toMatch(/^default-src 'none'; script-src 'self'/);
      expect(headersOf(response)).toEqual(hardening);
    });

    it.each(['/_astro/page.abc123.js', '/_astro/common.abc123.css', '/favicon.svg', '/hero.png'])('sends %s with the hardening headers and no page policy', async (url) => {
      const { app } = harness();
      const response = await app.request(url, {}, from('192.0.2.1'));
      expect(response.status).toBe(200);
      expect(headersOf(response)).toEqual(hardening);
      expect(response.headers.get('content-security-policy')).toBeNull();
    });

    it.each([
      ['/api/v1/health', 200],
      ['/api/v1/report?server_name=example.org', 200],
      ['/api/v1/nothing', 404],
      ['/api/v1/health', 405, 'POST'],
    ])('sends %s (%i) as data that may load and be framed by nothing, readable from any origin', async (url, status, method = 'GET') => {
      const { app } = harness();
      const response = await app.request(url, { method, headers: { origin: 'https://elsewhere.example' } }, from('192.0.2.1'));
      expect(response.status).toBe(status);
      expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(headersOf(response)).toEqual(hardening);
    });
  });

  describe('compression', () => {
    const site = (file: string) => readFileSync(path.join(siteDir, file));
    const body = async (response: Response) => Buffer.from(await response.arrayBuffer());

    it.each([
      ['/', 'index.html'],
      ['/_astro/common.abc123.css', '_astro/common.abc123.css'],
    ])('sends %s gzipped when the client accepts gzip, and plain otherwise', async (url, file) => {
      const { app } = harness();
      const gzipped = await app.request(url, { headers: { 'accept-encoding': 'gzip' } }, from('192.0.2.1'));
      expect(gzipped.status).toBe(200);
      expect(gzipped.headers.get('content-encoding')).toBe('gzip');
      expect(gzipped.headers.get('vary')).toBe('Accept-Encoding');
      const compressed = await body(gzipped);
      expect(gzipped.headers.get('content-length')).toBe(String(compressed.length));
      expect(compressed.length).toBeLessThan(site(file).length);
      expect(gunzipSync(compressed)).toEqual(site(file));

      const plain = await app.request(url, {}, from('192.0.2.1'));
      expect(plain.headers.get('content-encoding')).toBeNull();
      expect(plain.headers.get('vary')).toBe('Accept-Encoding');
      expect(plain.headers.get('content-type')).toBe(gzipped.headers.get('content-type'));
      expect(plain.headers.get('cache-control')).toBe(gzipped.headers.get('cache-control'));
      expect(plain.headers.get('content-length')).toBe(String(site(file).length));
      expect(await body(plain)).toEqual(site(file));
    });

    it('prefers Brotli when the client accepts it', async () => {
      const { app } = harness();
      const response = await app.request('/_astro/common.abc123.css', { headers: { 'accept-encoding': 'gzip, deflate, br, zstd' } }, from('192.0.2.1'));
      expect(response.headers.get('content-encoding')).toBe('br');
      expect(brotliDecompressSync(await body(response))).toEqual(site('_astro/common.abc123.css'));
    });

    it('answers HEAD with the headers of the GET it stands for', async () => {
      const { app } = harness();
      for (const encoding of ['gzip', 'identity']) {
        const headers = { 'accept-encoding': encoding };
        const get = await app.request('/', { headers }, from('192.0.2.1'));
        const head = await app.request('/', { method: 'HEAD', headers }, from('192.0.2.1'));
        expect(head.status).toBe(200);
        for (const name of ['content-encoding', 'content-length', 'content-type', 'vary']) expect(head.headers.get(name), `${encoding}: ${name}`).toBe(get.headers.get(name));
        expect((await body(head)).length).toBe(0);
      }
    });

    it('serves a byte range of the plain file', async () => {
      const { app } = harness();
      const response = await app.request('/_astro/common.abc123.css', { headers: { range: 'bytes=0-9' } }, from('192.0.2.1'));
      expect(response.status).toBe(206);
      expect(response.headers.get('content-encoding')).toBeNull();
      expect(response.headers.get('content-range')).toBe(`bytes 0-9/${site('_astro/common.abc123.css').length}`);
      expect(await body(response)).toEqual(site('_astro/common.abc123.css').subarray(0, 10));
    });

    it('sends the 404 page gzipped, with status 404, to GET and HEAD, and no part of it to a Range request', async () => {
      const { app } = harness();
      const headers = { 'accept-encoding': 'gzip' };
      const get = await app.request('/no/such/page', { headers }, from('192.0.2.1'));
      expect(get.status).toBe(404);
      expect(get.headers.get('content-encoding')).toBe('gzip');
      expect(get.headers.get('vary')).toBe('Accept-Encoding');
      expect(gunzipSync(await body(get)).toString()).toContain('not found');
      const head = await app.request('/no/such/page', { method: 'HEAD', headers }, from('192.0.2.1'));
      expect(head.status).toBe(404);
      expect(head.headers.get('content-length')).toBe(get.headers.get('content-length'));
      const range = await app.request('/no/such/page', { headers: { range: 'bytes=0-9' } }, from('192.0.2.1'));
      expect(range.status).toBe(404);
      expect(range.headers.get('content-range')).toBeNull();
    });

    it('gzips the API’s JSON when the client accepts gzip', async () => {
      const { app } = harness();
      const url = '/api/v1/report?server_name=example.org';
      const gzipped = await app.request(url, { headers: { 'accept-encoding': 'gzip' } }, from('192.0.2.1'));
      expect(gzipped.headers.get('content-encoding')).toBe('gzip');
      expect(gzipped.headers.get('vary')).toBe('Accept-Encoding');
      expect(gzipped.headers.get('access-control-allow-origin')).toBe('*');
      expect(JSON.parse(gunzipSync(await body(gzipped)).toString())).toEqual(fakeReport('example.org'));
      const plain = await app.request(url, {}, from('192.0.2.1'));
      expect(plain.headers.get('content-encoding')).toBeNull();
      expect(await plain.json()).toEqual(fakeReport('example.org'));
    });

    it('leaves out copies of binary files and copies that would not be smaller', () => {
      expect(existsSync(path.join(siteDir, 'index.html.br'))).toBe(true);
      expect(existsSync(path.join(siteDir, 'index.html.gz'))).toBe(true);
      expect(existsSync(path.join(siteDir, 'hero.png.gz'))).toBe(false);
      expect(existsSync(path.join(siteDir, 'pagefind/pagefind-entry.json.gz'))).toBe(false);
      expect(existsSync(path.join(siteDir, 'pagefind/pagefind-entry.json.br'))).toBe(false);
    });
  });

  describe('over a real socket', () => {
    let server: ServerType;
    let port: number;
    beforeAll(async () => {
      const { app } = harness();
      server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
      await new Promise((resolve) => server.once('listening', resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    /** Sends the request line as written, without a client normalising the path. */
    function raw(target: string): Promise<string> {
      return new Promise((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1', () => socket.write(`GET ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`));
        let text = '';
        socket.on('data', (chunk) => (text += chunk));
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
      });
    }

    it.each(['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/%2e%2e%2fsecret.txt', '/..\\secret.txt', '/docs/../../secret.txt', '//secret.txt', '/%252e%252e/secret.txt'])(
      'does not serve a file outside dist/ for %s',
      async (target) => {
        const response = await raw(target);
        expect(response).toMatch(/^HTTP\/1\.1 (400|404)/);
        expect(response).not.toContain('outside the site');
      },
    );

    it('uses the socket’s address for the client', async () => {
      const response = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
      expect(response.status).toBe(200);
    });
  });
});
