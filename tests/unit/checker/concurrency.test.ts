// Independent lookups run together: a check takes about as long as its longest chain of
// dependent round trips, not the sum of all of them.
import { connectionTesting } from '../../../src/checker/probing.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../../src/checker/check.ts';
import type { HttpClient } from '../../../src/checker/interfaces.ts';
import { fakeDns, fakeHttp, fakeProber, realClock, sleep, type FakeName } from '../../fixtures/fakes.ts';
import { delegation, expectValidReport, findings, srv, wellKnownUrl } from './helpers.ts';

const DELAY = 100;

describe('concurrency', () => {
  // Module loading and WebCrypto, so the timed runs measure only the round trips.
  beforeAll(async () => {
    await runCheck('warm.example', { dns: fakeDns({}), http: fakeHttp({}), connections: connectionTesting(fakeProber({ nowMs: Date.now() })), clock: realClock, source: 'proxy' });
    await runCheck('192.0.2.1', { dns: fakeDns({}), http: fakeHttp({}), connections: connectionTesting(fakeProber({ nowMs: Date.now() })), clock: realClock, source: 'proxy' });
  });

  it('delegated + SRV discovery with two addresses takes about 4 × 100 ms, not the sum', async () => {
    const dns = fakeDns(
      {
        '_matrix-fed._tcp.matrix.example.net': { SRV: [srv('fed.example.net', 8448)] },
        'fed.example.net': { A: ['93.184.215.10'], AAAA: ['2a01:4f8::10'] },
      },
      { delayMs: DELAY },
    );
    const http = fakeHttp({ [wellKnownUrl('example.org')]: delegation('matrix.example.net') }, { delayMs: DELAY });
    const prober = fakeProber({ nowMs: Date.now(), delayMs: DELAY });
    const started = performance.now();
    const report = await runCheck('example.org', { dns, http, connections: connectionTesting(prober), clock: realClock, source: 'proxy' });
    const elapsed = performance.now() - started;
    expectValidReport(report);

    expect(report.resolution?.step).toBe('well-known-srv');
    expect(prober.requests).toHaveLength(2);
    const calls = dns.queries.length + http.requests.length + prober.requests.length;
    expect(calls).toBeGreaterThanOrEqual(10);
    // The chain: .well-known → SRV of the delegated name → A/AAAA of the target → probes.
    expect(elapsed).toBeGreaterThanOrEqual(4 * DELAY - 5);
    // Less than five round trips (the sum would be twelve); the slack absorbs a busy machine.
    expect(elapsed).toBeLessThan(5 * DELAY);
    expect(elapsed).toBeLessThan(calls * DELAY / 2);
    // Speculative lookups (the server name's legacy SRV here) reuse answers, never repeat them.
    expect(new Set(dns.queries).size).toBe(dns.queries.length);

    const start = (id: string) => report.steps.find((step) => step.id === id)!.startedMs;
    // Started together: each began before the first round trip could have finished.
    for (const id of ['well-known', 'srv:_matrix-fed._tcp.example.org', 'srv:_matrix._tcp.example.org', 'resolve:example.org', 'client-well-known', 'support-well-known']) {
      expect(start(id), id).toBeLessThan(DELAY / 2);
    }
    expect(start('srv:_matrix-fed._tcp.matrix.example.net')).toBeGreaterThanOrEqual(DELAY - 5);
    expect(start('resolve:fed.example.net')).toBeGreaterThanOrEqual(2 * DELAY - 5);
    const probes = report.steps.filter((step) => step.id.startsWith('probe:'));
    expect(probes).toHaveLength(2);
    for (const probe of probes) {
      expect(probe.startedMs).toBeGreaterThanOrEqual(3 * DELAY - 5);
      expect(probe.startedMs).toBeLessThan(3.5 * DELAY);
    }
    // A and AAAA of one host are asked together, inside one step.
    const targetLookup = report.steps.find((step) => step.id === 'resolve:fed.example.net')!;
    expect(targetLookup.requests.map((r) => r.url).sort()).toEqual(['dns:fed.example.net?type=A', 'dns:fed.example.net?type=AAAA']);
    expect(targetLookup.durationMs).toBeLessThan(2 * DELAY);
  });

  // The proxy's .well-known fetch costs three round trips (DNS, TLS, request) to a DNS
  // answer's one: what steps 4-6 ask after the first SRV answer fits inside it.
  // `askedAt`: in round trips, when the speculative lookup may go out (the SRV target's
  // addresses need the SRV answer; the legacy SRV goes with _matrix-fed's).
  it.each<{ path: string; step: string; zone: Record<string, FakeName>; speculative: string; askedAt: number }>([
    {
      path: 'SRV only',
      step: 'srv',
      zone: { '_matrix-fed._tcp.example.org': { SRV: [srv('fed.example.net', 8448)] }, 'fed.example.net': { A: ['93.184.215.10'] } },
      speculative: 'resolve:fed.example.net',
      askedAt: 1,
    },
    { path: 'no SRV, port 8448', step: 'default', zone: { 'example.org': { A: ['93.184.215.10'] } }, speculative: 'srv:_matrix._tcp.example.org', askedAt: 0 },
  ])('$path: discovery and probe take the .well-known and the probe, 4 × 100 ms, not 5', async ({ step, zone, speculative, askedAt }) => {
    const dns = fakeDns(zone, { delayMs: DELAY });
    const http = fakeHttp({}, { delayMs: 3 * DELAY });
    const prober = fakeProber({ nowMs: Date.now(), delayMs: DELAY });
    const started = performance.now();
    const report = await runCheck('example.org', { dns, http, connections: connectionTesting(prober), clock: realClock, source: 'proxy' });
    const elapsed = performance.now() - started;
    expectValidReport(report);

    expect(report.resolution?.step).toBe(step);
    expect(prober.requests.map((r) => [r.address, r.port])).toEqual([['93.184.215.10', 8448]]);
    expect(new Set(dns.queries).size).toBe(dns.queries.length);
    const start = (id: string) => report.steps.find((s) => s.id === id)!.startedMs;
    // Asked as soon as it can be, long before the .well-known's 404.
    expect(start(speculative)).toBeGreaterThanOrEqual(askedAt * DELAY - 5);
    expect(start(speculative)).toBeLessThan((askedAt + 0.5) * DELAY);
    expect(start('probe:93.184.215.10:8448')).toBeLessThan(3.5 * DELAY);
    const probe = report.steps.find((s) => s.id === 'probe:93.184.215.10:8448')!;
    expect(probe.startedMs + probe.durationMs).toBeGreaterThanOrEqual(4 * DELAY - 5);
    expect(probe.startedMs + probe.durationMs).toBeLessThan(4.5 * DELAY);
    // Sign-in is the longest chain here: the client .well-known, then the three OAuth
    // discovery endpoints asked together (one request's time, not three).
    for (const id of ['auth-stable', 'auth-unstable', 'auth-auth_issuer']) expect(start(id), id).toBeLessThan(3.5 * DELAY);
    expect(elapsed).toBeLessThan(6.5 * DELAY);
  });

  // A page's DoH question costs what its .well-known fetch costs (one connection each): a
  // server name without SRV records is decided when both are in, not one answer later.
  it('no SRV, no .well-known, in a browser: the key fetch follows the first answers, 2 × 100 ms, not 3', async () => {
    const dns = fakeDns({ 'example.org': { A: ['93.184.215.10'] } }, { delayMs: DELAY });
    const http = fakeHttp({}, { delayMs: DELAY });
    const report = await runCheck('example.org', { dns, http, clock: realClock, source: 'browser' });
    expectValidReport(report);
    expect(report.resolution?.step).toBe('default');
    const reach = report.steps.find((s) => s.id === 'reach:example.org:8448')!;
    expect(reach.startedMs).toBeGreaterThanOrEqual(DELAY - 5);
    expect(reach.startedMs).toBeLessThan(1.5 * DELAY);
  });

  // A browser's CORS check of the client .well-known is an OPTIONS that Chromium preflights
  // itself: two round trips, while a client reads the file in one. Sign-in discovery needs
  // only the file, calls the versions it leads to; the preflight is waited for last.
  it('sign-in and calls discovery start without waiting for the client .well-known preflight', async () => {
    const base = 'https://matrix.example.org';
    const routed = fakeHttp(
      {
        'https://example.org/.well-known/matrix/client': { body: { 'm.homeserver': { base_url: base } } },
        [`${base}/_matrix/client/versions`]: { body: { versions: ['v1.15'] } },
      },
      { delayMs: DELAY },
    );
    const http: HttpClient = {
      async get(url, request) {
        if (request.method === 'OPTIONS') await sleep(4 * DELAY, request.signal);
        return routed.get(url, request);
      },
    };
    const started = performance.now();
    const report = await runCheck('example.org', { dns: fakeDns({}), http, connections: connectionTesting(fakeProber({ nowMs: Date.now() })), clock: realClock, source: 'proxy' });
    const elapsed = performance.now() - started;
    expectValidReport(report);

    const step = (id: string) => report.steps.find((s) => s.id === id)!;
    const preflight = step('client-well-known-preflight');
    expect(preflight.startedMs).toBeLessThan(DELAY / 2);
    expect(preflight.startedMs + preflight.durationMs).toBeGreaterThanOrEqual(5 * DELAY - 5);
    for (const id of ['auth-stable', 'auth-unstable', 'auth-auth_issuer']) {
      expect(step(id).startedMs, id).toBeGreaterThanOrEqual(DELAY - 5);
      expect(step(id).startedMs, id).toBeLessThan(1.5 * DELAY);
    }
    expect(step('client-versions').startedMs).toBeLessThan(1.5 * DELAY);
    expect(step('rtc-transports').startedMs).toBeGreaterThanOrEqual(2 * DELAY - 5);
    expect(step('rtc-transports').startedMs).toBeLessThan(2.5 * DELAY);
    // The report still carries the preflight's answer.
    expect(elapsed).toBeGreaterThanOrEqual(5 * DELAY - 5);
    expect(findings(report, 'client.wellknown.cors').map((f) => f.detail)).toEqual([expect.stringContaining('the OPTIONS preflight (HTTP 404)')]);
  });
});
